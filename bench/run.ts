/**
 * `npm run bench [-- --orders N --journeys M --seed S --health N]`: the order journey on the local
 * cloud, in this process, against a baseline measured in the same run.
 *
 * The cloud is the one the tests start (DynamoDB Local, the real ASL on aws-local-stepfunctions, the
 * handlers from source), seeded with the demo network (26 locations in real French cities, 30
 * products) with every stock row lifted to 100,000 so that no order is short and sourcing sees the
 * same world from the first order to the last. Measured:
 *
 * - baseline: GET /health (HTTP front + Lambda runtime + middy stack, no data access), before and
 *   after the orders, pooled;
 * - intake: POST /orders until its 202, at concurrency 1 and 8;
 * - allocation: from the same start until OrderAllocated.v1 is published on the bus;
 * - journey: a subset taken to DELIVERED (pick confirmed and carrier events posted without delay),
 *   then its Standard state transitions, the cost they bill, and the Lambda invocations per order.
 *
 * Prints a summary on stdout, progress on stderr, and writes bench/results/journey.json (figures),
 * journey.svg (latency distributions) and journey-samples.json (every sample, for outliers).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LocalCloud } from '../local/cloud.ts';
import { buildDemoNetwork } from '../local/demo/network.ts';
import { seedNetwork } from '../local/seed.ts';
import { apiClient, startTestCloud } from '../test/support/cloud.ts';
import { step as note, progressBar as progress } from '../tools/progress.ts';
import { renderLatencyChart } from './chart.ts';
import {
  carrierJourney,
  deliverOne,
  type IntakeSample,
  type JourneySample,
  OrderWatcher,
  orderBodies,
  placeAndAllocate,
  pool,
} from './driver.ts';
import { median, ratio, round, type Summary, summarize } from './lib/stats.ts';
import { ProcessObserver, type ProcessPressure } from './observe.ts';

const usd = { perMillionTransitions: 25 };
const stockPerRow = 100_000;
const warmupJourneys = 5;
const resultsDir = join(import.meta.dirname, 'results');

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got ${value})`);
  return n;
}

const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '200' },
    journeys: { type: 'string', default: '30' },
    health: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('npm run bench -- [--orders 200] [--journeys 30] [--health 200] [--seed 1]');
  process.exit(0);
}
const config = {
  orders: positiveInt('orders', args.orders),
  journeys: positiveInt('journeys', args.journeys),
  health: positiveInt('health', args.health),
  seed: positiveInt('seed', args.seed),
};

/** Waits until no bus delivery is in flight and no function has been invoked for 250 ms. */
async function settle(cloud: LocalCloud): Promise<void> {
  let last = '';
  for (;;) {
    await cloud.idle();
    const now = JSON.stringify(cloud.runtime.invocationCounts());
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Manifest id of a function from its logical id (`CreateOrderFunction1A2B3C4D` → `CreateOrder`). */
const functionId = (logicalId: string) => /^(.+)Function[0-9A-F]{8}$/.exec(logicalId)?.[1] ?? logicalId;

function invocationDelta(before: Record<string, number>, after: Record<string, number>) {
  const delta: Record<string, number> = {};
  for (const [logicalId, count] of Object.entries(after)) {
    const n = count - (before[logicalId] ?? 0);
    if (n > 0) delta[functionId(logicalId)] = n;
  }
  return delta;
}

const latency = (s: Summary) => ({
  p50Ms: round(s.p50),
  p99Ms: round(s.p99),
  meanMs: round(s.mean),
  maxMs: round(s.max),
});

/** Per-phase CPU as cores busy (CPU time / wall time) and ms per order, with GC and event-loop delay. */
const pressure = (p: ProcessPressure, orders: number) => ({
  nodeCores: round(p.nodeCpuMs / p.wallMs),
  nodeCpuMsPerOrder: round(p.nodeCpuMs / orders),
  ...(p.dynamoDbCpuMs === undefined
    ? {}
    : {
        dynamoDbCores: round(p.dynamoDbCpuMs / p.wallMs),
        dynamoDbCpuMsPerOrder: round(p.dynamoDbCpuMs / orders),
      }),
  gcCount: p.gcCount,
  gcTotalMs: round(p.gcTotalMs),
  gcMaxMs: round(p.gcMaxMs),
  eventLoopDelayP99Ms: round(p.eventLoopDelayP99Ms),
  eventLoopDelayMaxMs: round(p.eventLoopDelayMaxMs),
});

/** A GET /health call; `orderId` names the call so that it reads like the other samples. */
interface HealthSample {
  orderId: string;
  startedAt: number;
  ms: number;
}

interface Measured {
  cloudStartMs: number;
  seedMs: number;
  network: { locations: number; products: number; stockRows: number };
  handlerImportMs: number;
  warmup: JourneySample[];
  health: HealthSample[];
  healthAfter: HealthSample[];
  intake: Record<'c1' | 'c8', { samples: IntakeSample[]; wallMs: number; pressure: ProcessPressure }>;
  journeys: { samples: JourneySample[]; wallMs: number; pressure: ProcessPressure };
  invocations: Record<string, number>;
}

async function measure(
  cloud: LocalCloud,
  observer: ProcessObserver,
  cloudStartMs: number,
): Promise<Measured> {
  const api = apiClient(cloud.url);
  const watcher = new OrderWatcher(cloud.bus);
  try {
    let started = performance.now();
    const network = buildDemoNetwork();
    for (const row of network.stock) row.onHand = stockPerRow;
    const puts = network.locations.length + network.products.length + network.stock.length;
    note(`seeding the demo network over HTTP (${puts} PUTs)`);
    const seeded = await seedNetwork(cloud.url, network, { concurrency: 8 });
    const seedMs = performance.now() - started;
    note(
      `seeded ${seeded.locations} locations, ${seeded.products} products, ${seeded.stockRows} stock rows in ${(seedMs / 1000).toFixed(1)} s`,
    );

    started = performance.now();
    await cloud.runtime.preload();
    const handlerImportMs = performance.now() - started;
    note(
      `imported ${cloud.runtime.functions.length} handlers from source in ${(handlerImportMs / 1000).toFixed(1)} s`,
    );

    const bodies = orderBodies(config.seed, Math.max(config.orders, config.journeys, warmupJourneys));
    const body = (i: number) => bodies[i % bodies.length] as Record<string, unknown>;

    // Warm-up (not reported as figures): JIT, connection pool, first DynamoDB Local queries.
    for (let i = 0; i < 500; i++) await (await fetch(`${cloud.url}/health`)).arrayBuffer();
    const warm = progress('warm-up journeys', warmupJourneys);
    const warmup = (
      await pool(warmupJourneys, 1, async (i) => {
        const sample = await deliverOne(cloud, api, watcher, `WARM-${i}`, body(i));
        warm.tick();
        return sample;
      })
    ).results;
    warm.done();

    const healthCheck = async (label: string, prefix: string) => {
      const bar = progress(label, config.health);
      const samples: HealthSample[] = [];
      for (let i = 0; i < config.health; i++) {
        const startedAt = performance.now();
        const answer = await fetch(`${cloud.url}/health`);
        await answer.arrayBuffer();
        samples.push({ orderId: `${prefix}-${i}`, startedAt, ms: performance.now() - startedAt });
        if (answer.status !== 200) throw new Error(`GET /health: ${answer.status}`);
        bar.tick();
      }
      bar.done();
      return samples;
    };
    const health = await healthCheck('GET /health, before', 'health-before');

    const intake = {} as Measured['intake'];
    for (const [key, concurrency] of [
      ['c1', 1],
      ['c8', 8],
    ] as const) {
      const bar = progress(`orders, concurrency ${concurrency}`, config.orders);
      const phase = observer.phase();
      const run = await pool(config.orders, concurrency, async (i) => {
        const sample = await placeAndAllocate(api, watcher, `${key.toUpperCase()}-${i}`, body(i));
        bar.tick();
        return sample;
      });
      intake[key] = { samples: run.results, wallMs: run.wallMs, pressure: phase.end() };
      bar.done(`${((config.orders / run.wallMs) * 1000).toFixed(1)} orders allocated/s`);
    }

    // The last orders' PickPack steps run after their OrderAllocated.v1: let them finish first, or
    // they are counted as the journeys' invocations.
    await settle(cloud);
    const before = cloud.runtime.invocationCounts();
    const bar = progress('journeys to DELIVERED', config.journeys);
    const phase = observer.phase();
    const run = await pool(config.journeys, 1, async (i) => {
      const sample = await deliverOne(cloud, api, watcher, `J-${i}`, body(i));
      bar.tick();
      return sample;
    });
    const journeyPressure = phase.end();
    bar.done();
    await settle(cloud);
    const invocations = invocationDelta(before, cloud.runtime.invocationCounts());

    const healthAfter = await healthCheck('GET /health, after', 'health-after');
    return {
      cloudStartMs,
      seedMs,
      network: seeded,
      handlerImportMs,
      warmup,
      health,
      healthAfter,
      intake,
      journeys: { samples: run.results, wallMs: run.wallMs, pressure: journeyPressure },
      invocations,
    };
  } finally {
    watcher.stop();
  }
}

/** The slowest sample of a phase, with the garbage-collection pause time that overlapped it. */
function slowest<T extends { orderId: string; startedAt: number }>(
  samples: readonly T[],
  ms: (sample: T) => number,
  observer: ProcessObserver,
  phaseStart: number,
) {
  const worst = samples.reduce((a, b) => (ms(b) > ms(a) ? b : a));
  return {
    orderId: worst.orderId,
    ms: round(ms(worst)),
    startedAfterMs: round(worst.startedAt - phaseStart, 0),
    gcPauseMsDuring: round(observer.gcPauseDuring(worst.startedAt, worst.startedAt + ms(worst))),
  };
}

function report(measured: Measured, observer: ProcessObserver, runtimeMs: number) {
  // The baseline pools the calls made before and after the orders: the shared stack keeps warming
  // up during the run, and either end alone moves every ratio by up to 2x.
  const health = summarize([...measured.health, ...measured.healthAfter].map((s) => s.ms));
  const healthBefore = summarize(measured.health.map((s) => s.ms));
  const healthAfter = summarize(measured.healthAfter.map((s) => s.ms));
  const intakeC1 = summarize(measured.intake.c1.samples.map((s) => s.intakeMs));
  const intakeC8 = summarize(measured.intake.c8.samples.map((s) => s.intakeMs));
  const allocC1 = summarize(measured.intake.c1.samples.map((s) => s.allocationMs));
  const allocC8 = summarize(measured.intake.c8.samples.map((s) => s.allocationMs));
  const journeys = measured.journeys.samples;
  const journey = summarize(journeys.map((s) => s.deliveredMs));
  const transitions = journeys.map((s) => s.transitions);
  const meanTransitions = transitions.reduce((a, b) => a + b, 0) / transitions.length;
  const totalInvocations = Object.values(measured.invocations).reduce((a, b) => a + b, 0);
  const perOrder = (n: number) => round(n / journeys.length);
  const firstStart = (samples: readonly { startedAt: number }[]) => samples[0]?.startedAt ?? 0;

  return {
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      loadAvg1mAtStart: round(loadavg()[0] ?? 0),
    },
    at: new Date(Date.now() - runtimeMs).toISOString(),
    orders: config.orders,
    seed: config.seed,
    method: {
      cloud:
        'startTestCloud(): DynamoDB Local (in memory), fulfilment ASL on aws-local-stepfunctions, handlers from source, one Node process',
      network: `demo network (buildDemoNetwork), every stock row onHand ${stockPerRow}`,
      orders:
        'createOrderGenerator(mulberry32(seed)), home delivery, 1-3 lines; the same list replayed in each phase',
      intake: 'POST /orders until the 202 answer is read',
      allocation:
        'from the same start until OrderAllocated.v1 is published on the bus (bus.subscribe, no polling)',
      concurrency: 'N workers, each places an order and waits for its allocation before the next',
      journey: `one at a time: POST /orders, confirm every shipment on allocation, carrier events ${carrierJourney.join(' > ')} (signed) on dispatch, until OrderDelivered.v1`,
      percentiles:
        'linear interpolation between ranks; with 200 samples p99 sits between the 2nd and 3rd largest',
      warmup: `500 GET /health and ${warmupJourneys} full journeys before any figure; all handlers imported first`,
    },
    setup: {
      cloudStartMs: round(measured.cloudStartMs, 0),
      seedMs: round(measured.seedMs, 0),
      network: measured.network,
      handlerImportMs: round(measured.handlerImportMs, 0),
      firstWarmupJourneyMs: round(measured.warmup[0]?.deliveredMs ?? Number.NaN),
      warmupJourneyMs: measured.warmup.map((s) => round(s.deliveredMs)),
    },
    baseline: {
      healthP50Ms: round(health.p50),
      healthP99Ms: round(health.p99),
      n: health.n,
      beforeOrders: { healthP50Ms: round(healthBefore.p50), healthP99Ms: round(healthBefore.p99) },
      afterOrders: { healthP50Ms: round(healthAfter.p50), healthP99Ms: round(healthAfter.p99) },
    },
    intake: { c1: latency(intakeC1), c8: latency(intakeC8) },
    allocation: {
      c1: latency(allocC1),
      c8: latency(allocC8),
      throughputPerSec: round((config.orders / measured.intake.c8.wallMs) * 1000),
      throughputC1PerSec: round((config.orders / measured.intake.c1.wallMs) * 1000),
    },
    journey: {
      orders: journeys.length,
      concurrency: 1,
      p50Ms: round(journey.p50),
      p99Ms: round(journey.p99),
      meanMs: round(journey.mean),
      maxMs: round(journey.max),
      // medians of each stage, from the POST of the order
      stagesP50Ms: {
        allocated: round(median(journeys.map((s) => s.allocationMs))),
        confirmed: round(median(journeys.map((s) => s.confirmedMs))),
        dispatched: round(median(journeys.map((s) => s.dispatchedMs))),
        delivered: round(journey.p50),
      },
      shipmentsPerOrder: {
        median: median(journeys.map((s) => s.shipments)),
        max: Math.max(...journeys.map((s) => s.shipments)),
      },
    },
    transitionsPerOrder: {
      median: median(transitions),
      min: Math.min(...transitions),
      max: Math.max(...transitions),
      mean: round(meanTransitions),
    },
    // cost adds up over orders, so it is priced on the mean; $25 per million Standard transitions
    costPer1000OrdersUsd: round((meanTransitions * 1000 * usd.perMillionTransitions) / 1e6, 4),
    lambdaInvocationsPerOrder: perOrder(totalInvocations),
    lambdaInvocationsByFunction: Object.fromEntries(
      Object.entries(measured.invocations)
        .sort(([, a], [, b]) => b - a)
        .map(([id, n]) => [id, perOrder(n)]),
    ),
    ratios: {
      intakeC1P50OverHealthP50: ratio(intakeC1.p50, health.p50),
      intakeC8P50OverHealthP50: ratio(intakeC8.p50, health.p50),
      allocationC1P50OverHealthP50: ratio(allocC1.p50, health.p50),
      allocationC8P50OverHealthP50: ratio(allocC8.p50, health.p50),
      journeyP50OverHealthP50: ratio(journey.p50, health.p50),
      allocationC8P50OverC1P50: ratio(allocC8.p50, allocC1.p50),
      throughputC8OverC1: ratio(measured.intake.c1.wallMs, measured.intake.c8.wallMs),
      healthP50AfterOverBefore: ratio(healthAfter.p50, healthBefore.p50),
    },
    processPressure: {
      c1: pressure(measured.intake.c1.pressure, config.orders),
      c8: pressure(measured.intake.c8.pressure, config.orders),
      journey: pressure(measured.journeys.pressure, journeys.length),
    },
    slowest: {
      health: slowest(
        [...measured.health, ...measured.healthAfter],
        (s) => s.ms,
        observer,
        firstStart(measured.health),
      ),
      intakeC8: slowest(
        measured.intake.c8.samples,
        (s) => s.intakeMs,
        observer,
        firstStart(measured.intake.c8.samples),
      ),
      allocationC1: slowest(
        measured.intake.c1.samples,
        (s) => s.allocationMs,
        observer,
        firstStart(measured.intake.c1.samples),
      ),
      allocationC8: slowest(
        measured.intake.c8.samples,
        (s) => s.allocationMs,
        observer,
        firstStart(measured.intake.c8.samples),
      ),
      journey: slowest(journeys, (s) => s.deliveredMs, observer, firstStart(journeys)),
    },
    runtimeMs: round(runtimeMs, 0),
  };
}

type Report = ReturnType<typeof report>;

/** Every sample, in the order taken, with its start relative to its phase: for a second look at outliers. */
function samplesOf(measured: Measured) {
  const relative = <T extends { startedAt: number }>(samples: readonly T[], fields: (s: T) => object) => {
    const origin = samples[0]?.startedAt ?? 0;
    return samples.map((s) => ({ startedAfterMs: round(s.startedAt - origin, 1), ...fields(s) }));
  };
  const ms = (x: number) => round(x);
  return {
    health: relative(measured.health, (s) => ({ ms: ms(s.ms) })),
    healthAfter: relative(measured.healthAfter, (s) => ({ ms: ms(s.ms) })),
    c1: relative(measured.intake.c1.samples, (s) => ({
      orderId: s.orderId,
      intakeMs: ms(s.intakeMs),
      allocationMs: ms(s.allocationMs),
    })),
    c8: relative(measured.intake.c8.samples, (s) => ({
      orderId: s.orderId,
      intakeMs: ms(s.intakeMs),
      allocationMs: ms(s.allocationMs),
    })),
    journeys: relative(measured.journeys.samples, ({ startedAt: _, ...rest }) => ({
      ...rest,
      allocationMs: ms(rest.allocationMs),
      confirmedMs: ms(rest.confirmedMs),
      dispatchedMs: ms(rest.dispatchedMs),
      deliveredMs: ms(rest.deliveredMs),
    })),
  };
}

function cpuLine(label: string, p: Report['processPressure']['c1']): string {
  const java =
    'dynamoDbCpuMsPerOrder' in p
      ? `, DynamoDB Local ${p.dynamoDbCpuMsPerOrder} ms (${p.dynamoDbCores} cores)`
      : '';
  return `  CPU per allocated order at ${label}: Node ${p.nodeCpuMsPerOrder} ms (${p.nodeCores} cores)${java}; event-loop delay p99 ${p.eventLoopDelayP99Ms} ms, GC ${p.gcTotalMs} ms`;
}

function summaryText(r: Report): string {
  const ms = (x: number) => `${x.toFixed(x >= 100 ? 0 : 1)} ms`.padStart(10);
  const line = (label: string, p50: number, p99: number) =>
    `  ${label.padEnd(26)}${ms(p50)}${ms(p99)}${`${(p50 / r.baseline.healthP50Ms).toFixed(1)}x`.padStart(12)}`;
  const byFunction = Object.entries(r.lambdaInvocationsByFunction)
    .map(([id, n]) => `${id} ${n}`)
    .join(', ');
  return [
    '',
    `Relais order journey, local cloud in one process (${r.machine.cpus} CPUs, Node ${r.machine.node}, load ${r.machine.loadAvg1mAtStart}), ${r.orders} orders, seed ${r.seed}`,
    `  ${''.padEnd(26)}${'p50'.padStart(10)}${'p99'.padStart(10)}${'p50/health'.padStart(12)}`,
    line('GET /health (baseline)', r.baseline.healthP50Ms, r.baseline.healthP99Ms),
    line('POST /orders, c1', r.intake.c1.p50Ms, r.intake.c1.p99Ms),
    line('POST /orders, c8', r.intake.c8.p50Ms, r.intake.c8.p99Ms),
    line('to ALLOCATED, c1', r.allocation.c1.p50Ms, r.allocation.c1.p99Ms),
    line('to ALLOCATED, c8', r.allocation.c8.p50Ms, r.allocation.c8.p99Ms),
    line(`to DELIVERED (${r.journey.orders}, c1)`, r.journey.p50Ms, r.journey.p99Ms),
    `  journey stages, p50 from the POST: allocated ${r.journey.stagesP50Ms.allocated} ms, picks confirmed ${r.journey.stagesP50Ms.confirmed} ms, dispatched ${r.journey.stagesP50Ms.dispatched} ms, delivered ${r.journey.stagesP50Ms.delivered} ms`,
    `  slowest: ${Object.entries(r.slowest)
      .map(([phase, s]) => `${phase} ${s.ms} ms (GC ${s.gcPauseMsDuring} ms during)`)
      .join(', ')}`,
    `  throughput: ${r.allocation.throughputPerSec} orders allocated/s at c8, ${r.allocation.throughputC1PerSec}/s at c1 (x${r.ratios.throughputC8OverC1.toFixed(1)})`,
    `  state transitions per delivered order: median ${r.transitionsPerOrder.median} (min ${r.transitionsPerOrder.min}, max ${r.transitionsPerOrder.max}) -> $${r.costPer1000OrdersUsd} per 1000 orders at $25/M`,
    cpuLine('c1', r.processPressure.c1),
    cpuLine('c8', r.processPressure.c8),
    `  Lambda invocations per delivered order: ${r.lambdaInvocationsPerOrder} (${byFunction})`,
    `  baseline: ${r.baseline.n} GET /health, p50 ${r.baseline.beforeOrders.healthP50Ms} ms before the orders and ${r.baseline.afterOrders.healthP50Ms} ms after (x${r.ratios.healthP50AfterOverBefore.toFixed(1)})`,
    `  run time ${(r.runtimeMs / 1000).toFixed(0)} s (cloud start ${(r.setup.cloudStartMs / 1000).toFixed(1)} s, seed ${(r.setup.seedMs / 1000).toFixed(1)} s)`,
    '  results: bench/results/journey.json, journey.svg, journey-samples.json',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const runStarted = performance.now();
  const observer = new ProcessObserver();
  note(
    `starting the local cloud (orders ${config.orders}, journeys ${config.journeys}, seed ${config.seed})`,
  );
  const cloud = await startTestCloud();
  const cloudStartMs = performance.now() - runStarted;
  note(`local cloud up in ${(cloudStartMs / 1000).toFixed(1)} s at ${cloud.url}`);
  let measured: Measured;
  try {
    measured = await measure(cloud, observer, cloudStartMs);
  } finally {
    note('stopping the local cloud');
    await cloud.stop();
    observer.stop();
  }
  const result = report(measured, observer, performance.now() - runStarted);

  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'journey.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(resultsDir, 'journey-samples.json'), `${JSON.stringify(samplesOf(measured))}\n`);
  const svg = renderLatencyChart(
    'Relais order journey on the local cloud',
    `${result.at.slice(0, 16).replace('T', ' ')} UTC · ${result.machine.cpus} CPUs · Node ${result.machine.node} · ${result.orders} orders per phase, seed ${result.seed}`,
    [
      {
        label: 'GET /health (baseline)',
        samples: [...measured.health, ...measured.healthAfter].map((s) => s.ms),
        colour: '#6b7280',
      },
      {
        label: 'POST /orders, c1',
        samples: measured.intake.c1.samples.map((s) => s.intakeMs),
        colour: '#2563eb',
      },
      {
        label: 'POST /orders, c8',
        samples: measured.intake.c8.samples.map((s) => s.intakeMs),
        colour: '#1e3a8a',
      },
      {
        label: 'to ALLOCATED, c1',
        samples: measured.intake.c1.samples.map((s) => s.allocationMs),
        colour: '#16a34a',
      },
      {
        label: 'to ALLOCATED, c8',
        samples: measured.intake.c8.samples.map((s) => s.allocationMs),
        colour: '#14532d',
      },
      {
        label: `to DELIVERED, c1`,
        samples: measured.journeys.samples.map((s) => s.deliveredMs),
        colour: '#c2410c',
      },
    ],
  );
  writeFileSync(join(resultsDir, 'journey.svg'), svg);
  process.stdout.write(summaryText(result));

  // Everything is stopped, but the cloud's stop leaves the losing side of two races running
  // (local/dynamodb.ts: a 5 s sleep against the JVM's exit; local/cloud.ts: 2 s against bus.idle()),
  // which would hold the finished process for ~5 s. Exit once the results are out; say so if anything
  // besides timers and stdio is still open, since that would be a real leak.
  setTimeout(() => {
    const open = process
      .getActiveResourcesInfo()
      .filter((r) => !['Timeout', 'TTYWrap', 'PipeWrap'].includes(r));
    if (open.length > 0) console.error('bench: still open after the cloud stopped:', open);
    process.exit();
  }, 1000).unref();
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exitCode = 1;
});
