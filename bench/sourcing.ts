/**
 * Sourcing benchmark (`npm run bench:sourcing`): the optimizer's latency at 200 and 2,000 locations,
 * HiGHS on the same instances, the optimizer's gap to the HiGHS optimum, and how far two commercial
 * routing rules land from that optimum on the same orders. Writes bench/results/sourcing.json and
 * sourcing.png (with its SVG); progress on stderr, the summary on stdout.
 *
 * It also replays the demo's own demand (local/demo's network, local/autopilot.ts's orders) with
 * line splits off and on (the profile's `splitLines`): the fill rate that splitting gains.
 *
 *   tsx bench/sourcing.ts [--instances 500] [--highs-at-2000 50] [--seed 20250311] [--warmup 20] [--demo-orders 1000] [--highs-at-200 N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SourcingRequest } from '../functions/core/sourcing/types.ts';
import { projectRoot } from '../lib/paths.ts';
import { buildDemoNetwork } from '../local/demo/network.ts';
import { progressBar, step } from '../tools/progress.ts';
import { demoOrders, type ReplayNetwork, replay } from '../tools/what-if.ts';
import { type BaselinePlan, closestPlan, fewestSplitsPlan } from './lib/baselines.ts';
import { cdfPanel, stripPanel, svgDocument } from './lib/chart.ts';
import { machineInfo } from './lib/machine.ts';
import { type BenchNetwork, benchAt, benchCatalogue, benchNetwork } from './lib/network.ts';
import {
  baselineRules,
  optimizerName,
  priceShipments,
  profile,
  profileName,
  solveOracle,
  sourceOurs,
} from './lib/optimizer.ts';
import { type BenchOrder, benchOrders, sourcingRequest } from './lib/orders.ts';
import { writePng } from './lib/png.ts';
import { latency, mean, percentiles, round } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    instances: { type: 'string', default: '500' },
    'highs-at-2000': { type: 'string', default: '50' },
    // on a loaded machine HiGHS at 200 locations alone can take longer than the run may: fewer then
    'highs-at-200': { type: 'string' },
    seed: { type: 'string', default: '20250311' },
    warmup: { type: 'string', default: '20' },
    'demo-orders': { type: 'string', default: '1000' },
  },
});
const instances = Number(args.instances);
const highsAt2000 = Math.min(instances, Number(args['highs-at-2000']));
const highsAt200 = Math.min(instances, Number(args['highs-at-200'] ?? instances));
const seed = Number(args.seed);
const warmup = Number(args.warmup);
const sizes = [200, 2000] as const;
type Size = (typeof sizes)[number];
const resultsDir = join(projectRoot, 'bench', 'results');
/** Ours is rounded to the cent, HiGHS is not: closer than half a cent is the same plan cost. */
const sameCost = 0.0051;

type PricedPlan = BaselinePlan & { cost?: number };

/** One order on one network: what each method answered, and how long ours and HiGHS took. */
interface Instance {
  order: BenchOrder;
  ours: { ms: number; ok: boolean; cost?: number; parcels?: number; candidates: number };
  highs?: { ms: number; cost?: number };
  closest?: PricedPlan;
  fewestSplits?: PricedPlan;
}

/** The request for an order, on a fresh copy of the locations, as a fresh read of the table gives. */
function requestFor(order: BenchOrder, network: BenchNetwork): SourcingRequest {
  const request = sourcingRequest(order, network, catalogue);
  return { ...request, locations: request.locations.map((l) => ({ ...l })) };
}

function gapPct(cost: number, optimum: number): number {
  if (Math.abs(cost - optimum) < sameCost) return 0;
  return ((cost - optimum) / Math.abs(optimum)) * 100;
}

const started = performance.now();
/** Taken before the work starts: the load average shows whether something else was running. */
const machine = machineInfo();
step(
  `Sourcing benchmark: seed ${seed}, ${instances} orders per size, ${optimizerName}, profile ${profileName}`,
);
const catalogue = benchCatalogue(seed);
const networks = new Map<Size, BenchNetwork>(
  sizes.map((size) => [size, benchNetwork(size, catalogue, seed)]),
);
const orders = benchOrders(catalogue, instances, seed);
for (const [size, network] of networks) {
  const c = network.counts;
  step(
    `  ${size} locations: ${c.warehouses} warehouses, ${c.stores} stores, ${c.suppliers} suppliers; ` +
      `${c.stockRows} stock rows; ${c.inDowntime} in downtime, ${c.atFullCapacity} at full capacity`,
  );
}
const phaseSeconds: Record<string, number> = {};
phaseSeconds.setup = (performance.now() - started) / 1000;

// Warm-up: the same code paths compiled by V8 and the WASM solver loaded before anything is timed
// (a warm Lambda), on orders that are not measured.
{
  const extra = benchOrders(catalogue, warmup, seed + 1);
  const bar = progressBar('warm-up (untimed)', extra.length * sizes.length + 5);
  for (const network of networks.values()) {
    for (const order of extra) {
      sourceOurs(requestFor(order, network));
      bar.tick();
    }
  }
  for (const order of extra.slice(0, 5)) {
    await solveOracle(requestFor(order, networks.get(200) as BenchNetwork));
    bar.tick();
  }
  bar.done();
}

const runs = new Map<Size, Instance[]>();
/** plans of ours whose cost the baselines' pricing does not reproduce (must be 0) */
const pricingCheck: Record<string, number> = {};
for (const size of sizes) {
  const network = networks.get(size) as BenchNetwork;
  const phaseStarted = performance.now();
  const bar = progressBar(`ours @${size} locations`, orders.length);
  const list: Instance[] = [];
  let pricingMismatches = 0;
  for (const order of orders) {
    const request = requestFor(order, network);
    const t0 = performance.now();
    const result = sourceOurs(request);
    const ms = performance.now() - t0;
    const candidates = result.explanation.candidates;
    // The baselines are priced by bench/lib/optimizer.ts: on our own plans it must give our cost.
    const repriced = result.ok ? priceShipments(request, result.shipments) : undefined;
    if (result.ok && (repriced === undefined || Math.abs(repriced - result.cost) > 0.011))
      pricingMismatches++;
    list.push({
      order,
      ours: result.ok
        ? { ms, ok: true, cost: result.cost, parcels: result.shipments.length, candidates }
        : { ms, ok: false, candidates },
    });
    bar.tick();
  }
  bar.done();
  phaseSeconds[`ours${size}`] = (performance.now() - phaseStarted) / 1000;
  runs.set(size, list);
  pricingCheck[`at${size}`] = pricingMismatches;
}

for (const size of sizes) {
  const network = networks.get(size) as BenchNetwork;
  // At 2,000 locations HiGHS gets the full network (no candidate selection): the first N orders.
  const list = (runs.get(size) ?? []).slice(0, size === 200 ? highsAt200 : highsAt2000);
  const phaseStarted = performance.now();
  const bar = progressBar(`HiGHS @${size} locations`, list.length);
  for (const instance of list) {
    const request = requestFor(instance.order, network);
    const t0 = performance.now();
    const optimum = await solveOracle(request);
    instance.highs = { ms: performance.now() - t0, ...optimum };
    bar.tick();
  }
  bar.done();
  phaseSeconds[`highs${size}`] = (performance.now() - phaseStarted) / 1000;
}

for (const size of sizes) {
  const network = networks.get(size) as BenchNetwork;
  const list = runs.get(size) ?? [];
  const phaseStarted = performance.now();
  const bar = progressBar(`baselines @${size}`, list.length);
  for (const instance of list) {
    const request = requestFor(instance.order, network);
    // A baseline plan whose parcel no carrier takes has no cost: it counts as one it could not plan.
    const priced = (plan: BaselinePlan): PricedPlan => {
      if (!plan.ok) return plan;
      const cost = priceShipments(request, plan.shipments);
      return cost === undefined ? plan : { ...plan, cost };
    };
    instance.closest = priced(closestPlan(request, baselineRules.maxDistanceKm));
    instance.fewestSplits = priced(fewestSplitsPlan(request, baselineRules.maxDistanceKm));
    bar.tick();
  }
  bar.done();
  phaseSeconds[`baselines${size}`] = (performance.now() - phaseStarted) / 1000;
}

// The demo's demand on the demo network, each order taking its stock before the next one is sourced.
const demoDemand = (() => {
  const phaseStarted = performance.now();
  const orders = demoOrders(Number(args['demo-orders']), seed);
  const network = buildDemoNetwork() as ReplayNetwork;
  const bar = progressBar('demo demand, splits off then on', orders.length * 2);
  const fill = (splitLines: boolean) => {
    const totals = replay(orders, network, { ...profile, splitLines }, () => bar.tick());
    return {
      filled: totals.filled,
      fillRatePct: round((totals.filled / Math.max(1, totals.orders)) * 100, 2),
      unfilledUnits: totals.unfilledUnits,
      shipmentsPerOrder: totals.shipmentsPerOrder,
      costPerOrderEur: totals.costPerOrder,
    };
  };
  const splitsOff = fill(false);
  const splitsOn = fill(true);
  bar.done();
  phaseSeconds.demoDemand = (performance.now() - phaseStarted) / 1000;
  return {
    orders: orders.length,
    splitsOff,
    splitsOn,
    fillRateGainPts: round(splitsOn.fillRatePct - splitsOff.fillRatePct, 2),
  };
})();

// ---------------------------------------------------------------------------------------------------
// Figures

/** The optimum of an instance: HiGHS's where it ran, ours elsewhere (ours matches it where it ran). */
function optimumOf(instance: Instance): number | undefined {
  if (instance.highs) return instance.highs.cost;
  return instance.ours.ok ? instance.ours.cost : undefined;
}

function oursVsHighs(list: readonly Instance[]) {
  const checked = list.filter((i) => i.highs);
  const gaps: number[] = [];
  let disagreements = 0;
  let infeasibleForBoth = 0;
  for (const { ours, highs } of checked) {
    if (highs?.cost === undefined && !ours.ok) infeasibleForBoth++;
    else if (highs?.cost === undefined || ours.cost === undefined) disagreements++;
    else gaps.push(gapPct(ours.cost, highs.cost));
  }
  return {
    gaps,
    summary: {
      instances: checked.length,
      meanPct: round(mean(gaps), 4),
      maxPct: round(Math.max(0, ...gaps), 4),
      instancesAboveOptimum: gaps.filter((g) => g > 0).length,
      feasibilityDisagreements: disagreements,
      infeasibleForBoth,
    },
  };
}

function baselineGaps(list: readonly Instance[], which: 'closest' | 'fewestSplits') {
  const gaps: number[] = [];
  const gapsEur: number[] = [];
  const parcels: number[] = [];
  let couldNotPlan = 0;
  for (const instance of list) {
    const optimum = optimumOf(instance);
    const plan = instance[which];
    if (optimum === undefined) continue;
    if (!plan?.ok || plan.cost === undefined) {
      couldNotPlan++;
      continue;
    }
    gaps.push(gapPct(plan.cost, optimum));
    gapsEur.push(plan.cost - optimum);
    parcels.push(plan.shipments.length);
  }
  return {
    gaps,
    summary: {
      meanGapPct: round(mean(gaps), 2),
      maxGapPct: round(Math.max(0, ...gaps), 2),
      meanGapEur: round(mean(gapsEur), 2),
      instances: gaps.length,
      optimalOn: gaps.filter((g) => g === 0).length,
      couldNotPlan,
      parcelsPerOrder: round(mean(parcels), 3),
      aboveMaxShipments: parcels.filter((p) => p > baselineRules.maxShipments).length,
    },
  };
}

function figuresFor(size: Size) {
  const list = runs.get(size) ?? [];
  const planned = list.filter((i) => i.ours.ok);
  const highsMs = list.flatMap((i) => (i.highs ? [i.highs.ms] : []));
  return {
    list,
    oursMs: list.map((i) => i.ours.ms),
    highsMs,
    gap: oursVsHighs(list),
    closest: baselineGaps(list, 'closest'),
    fewestSplits: baselineGaps(list, 'fewestSplits'),
    parcelsPerOrder: round(mean(planned.map((i) => i.ours.parcels ?? 0)), 3),
    singleLocationShare: round(
      planned.filter((i) => i.ours.parcels === 1).length / Math.max(1, planned.length),
      3,
    ),
    unfilledOrders: list.length - planned.length,
    meanOptimumEur: round(mean(list.flatMap((i) => optimumOf(i) ?? []))),
    meanCandidates: round(mean(list.map((i) => i.ours.candidates)), 1),
  };
}

const at200 = figuresFor(200);
const at2000 = figuresFor(2000);
const allGaps = [...at200.gap.gaps, ...at2000.gap.gaps];
const rounded = (samples: readonly number[]) =>
  Object.fromEntries(Object.entries(percentiles(samples)).map(([k, v]) => [k, k === 'n' ? v : round(v)]));
const detailOf = (size: Size, f: typeof at200) => ({
  locations: size,
  meanCandidates: f.meanCandidates,
  oursMs: rounded(f.oursMs),
  highsMs: rounded(f.highsMs),
  gapVsOptimum: f.gap.summary,
  baselines: { closest: f.closest.summary, fewestSplits: f.fewestSplits.summary },
  meanOptimumEur: f.meanOptimumEur,
  parcelsPerOrder: f.parcelsPerOrder,
  singleLocationShare: f.singleLocationShare,
  unfilledOrders: f.unfilledOrders,
});
const highs200 = latency(at200.highsMs);
const ours200 = latency(at200.oursMs);
const ours2000 = latency(at2000.oursMs);
const speedup = percentiles(at200.highsMs).p50 / percentiles(at200.oursMs).p50;

const result = {
  benchmark: 'sourcing',
  generatedAt: new Date().toISOString(),
  optimizer: optimizerName,
  profile: profileName,
  oracle: 'HiGHS MIP (tools/highs-sourcing.ts solveWithHighs), mip_rel_gap 0',
  seed,
  instances,
  at200: ours200,
  at2000: ours2000,
  highs: highs200,
  gapVsOptimum: { meanPct: round(mean(allGaps), 4), maxPct: round(Math.max(0, ...allGaps), 4) },
  baselines: {
    closest: { meanGapPct: at2000.closest.summary.meanGapPct, maxGapPct: at2000.closest.summary.maxGapPct },
    fewestSplits: {
      meanGapPct: at2000.fewestSplits.summary.meanGapPct,
      maxGapPct: at2000.fewestSplits.summary.maxGapPct,
    },
  },
  parcelsPerOrder: at2000.parcelsPerOrder,
  speedupVsHighsP50: round(speedup, 1),
  fillRateOnDemoDemand: demoDemand,
  highsAt2000: { instances: at2000.highsMs.length, ...latency(at2000.highsMs) },
  targets: {
    gapZeroOnEveryInstance:
      allGaps.length > 0 &&
      allGaps.every((g) => g === 0) &&
      at200.gap.summary.feasibilityDisagreements + at2000.gap.summary.feasibilityDisagreements === 0,
    p99At200AtMost15Ms: ours200.p99Ms <= 15,
    p99At2000AtMost50Ms: ours2000.p99Ms <= 50,
    atLeast10xFasterThanHighsAtP50: speedup >= 10,
  },
  bySize: { at200: detailOf(200, at200), at2000: detailOf(2000, at2000) },
  method: {
    network: Object.fromEntries([...networks].map(([size, n]) => [`at${size}`, n.counts])),
    catalogue: {
      products: catalogue.products.length,
      kits: catalogue.products.filter((p) => p.kit).length,
      hazmat: catalogue.products.filter((p) => p.handling?.includes('hazmat')).length,
      oversize: catalogue.products.filter((p) => p.handling?.includes('oversize')).length,
      cold: catalogue.products.filter((p) => p.handling?.includes('cold')).length,
      endOfSeries: catalogue.products.filter((p) => p.endOfSeries).length,
      dropshipOnly: catalogue.products.filter((p) => p.dropshipOnly).length,
    },
    demoDemand:
      'tools/what-if.ts replay: local/autopilot.ts order generator (its mix of modes), demo network, the same profile with splitLines false then true; fill rate = orders planned / orders',
    orders:
      '5 lines of distinct SKUs drawn by popularity (kits included), quantity 1 (80%), 2 (15%) or 3; home delivery to a French town drawn by population',
    sourcedAt: benchAt.toISOString(),
    request:
      'built as functions/app/sourcing-inputs.ts builds it: groups via groupOrderLines, every location, available by location then SKU, capacity left today',
    timing:
      'performance.now() around one call, one order at a time; ours: the full sourceOptimal call over every location of the network (candidate screening included); HiGHS: solveWithHighs on the same request (LP built and solved to a zero gap); warm-up first, untimed',
    gap: '(cost - optimum) / optimum in %, 0 when within half a cent. gapVsOptimum pools both sizes: HiGHS on every 200-location order and on the first orders of the 2,000-location network (full network, no candidate selection)',
    baselines:
      'top level: the 2,000-location network, all orders, vs the optimum (HiGHS where it ran, ours elsewhere); bySize.at200: every order vs HiGHS. Same location rules, kits whole, priced with the same objective and profile; the baselines know no maximum number of shipments',
    parcelsPerOrder: 'ours, mean shipments per planned order on the 2,000-location network',
    baselinePricingMismatchesOnOurPlans: pricingCheck,
    warmupOrders: warmup,
    phaseSeconds: Object.fromEntries(Object.entries(phaseSeconds).map(([k, v]) => [k, round(v, 1)])),
  },
  machine,
  runSeconds: 0,
};
result.runSeconds = round((performance.now() - started) / 1000, 1);

mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'sourcing.json'), `${JSON.stringify(result, null, 2)}\n`);

// ---------------------------------------------------------------------------------------------------
// Chart: the latency distributions (CDF, log scale) above, the cost gaps to the optimum below.

const svg = svgDocument(
  1200,
  960,
  'Relais sourcing: latency per 5-line order, and cost above the optimum',
  `sourceOptimal vs HiGHS, profile ${profileName} · ${instances} orders per size, seed ${seed} · ${machine.cores} × ${machine.cpu}, Node ${machine.node} · ${result.generatedAt.slice(0, 10)}`,
  [
    cdfPanel(
      { x: 24, y: 80, width: 1152, height: 430 },
      'Latency per order (empirical CDF)',
      [
        { label: 'ours, 200 locations', colour: '#1f77b4', samples: at200.oursMs },
        { label: 'ours, 2,000 locations', colour: '#2ca02c', samples: at2000.oursMs },
        { label: 'HiGHS, 200 locations', colour: '#d62728', samples: at200.highsMs },
        { label: 'HiGHS, 2,000 locations', colour: '#ff7f0e', samples: at2000.highsMs, dash: '7 4' },
      ],
      [
        { value: 15, label: 'target p99 @200: 15 ms' },
        { value: 50, label: 'target p99 @2000: 50 ms', colour: '#7f1d1d' },
      ],
    ),
    stripPanel(
      { x: 24, y: 545, width: 1152, height: 400 },
      'Cost above the optimum, per order (same orders, same objective)',
      'cost above the optimum (%)',
      [
        { label: 'ours vs HiGHS', colour: '#1f77b4', values: allGaps },
        { label: 'closest @200', colour: '#9467bd', values: at200.closest.gaps },
        { label: 'closest @2000', colour: '#9467bd', values: at2000.closest.gaps },
        { label: 'fewestSplits @200', colour: '#8c564b', values: at200.fewestSplits.gaps },
        { label: 'fewestSplits @2000', colour: '#8c564b', values: at2000.fewestSplits.gaps },
      ],
    ),
  ],
);
writeFileSync(join(resultsDir, 'sourcing.svg'), svg);
writePng(svg, join(resultsDir, 'sourcing.png'));

// ---------------------------------------------------------------------------------------------------
// Summary on stdout

const print = (label: string, value: string) => console.log(`${label.padEnd(34)} ${value}`);
const gapLine = (g: { meanPct?: number; maxPct?: number; meanGapPct?: number; maxGapPct?: number }) =>
  `mean ${g.meanPct ?? g.meanGapPct}%, max ${g.maxPct ?? g.maxGapPct}%`;
console.log('');
print('optimizer', `${optimizerName}, profile ${profileName}`);
print('orders per size', String(instances));
print('ours @200 locations', `p50 ${ours200.p50Ms} ms, p99 ${ours200.p99Ms} ms`);
print('ours @2000 locations', `p50 ${ours2000.p50Ms} ms, p99 ${ours2000.p99Ms} ms`);
print('HiGHS @200 locations', `p50 ${highs200.p50Ms} ms, p99 ${highs200.p99Ms} ms`);
print(
  'HiGHS @2000 locations',
  `p50 ${result.highsAt2000.p50Ms} ms, p99 ${result.highsAt2000.p99Ms} ms (${result.highsAt2000.instances} orders)`,
);
print('speed-up vs HiGHS at p50', `${result.speedupVsHighsP50}x`);
print('gap vs optimum', `${gapLine(result.gapVsOptimum)} (${allGaps.length} orders checked)`);
print('closest vs optimum @2000', gapLine(result.baselines.closest));
print('fewestSplits vs optimum @2000', gapLine(result.baselines.fewestSplits));
print('closest vs HiGHS @200', gapLine(at200.closest.summary));
print('fewestSplits vs HiGHS @200', gapLine(at200.fewestSplits.summary));
print('parcels per order (ours @2000)', String(result.parcelsPerOrder));
print(
  'demo demand fill rate',
  `${demoDemand.splitsOff.fillRatePct}% splits off, ${demoDemand.splitsOn.fillRatePct}% splits on (${demoDemand.orders} orders)`,
);
print('targets', JSON.stringify(result.targets));
print('run time', `${result.runSeconds} s`);
console.log('\nwrote bench/results/sourcing.json, sourcing.png and sourcing.svg');
