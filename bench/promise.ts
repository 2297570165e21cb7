/**
 * Promise benchmark (`npm run bench:promise`): how long a delivery promise takes for a 5-line cart.
 * - through the core, on the 2,000-location bench network: the exact sourcing plan plus the
 *   promise engine (dates from cut-offs, calendars and transit, the cheapest offer per parcel), what
 *   `POST /promise` computes once it has read the network and the stock (target p99 ≤ 25 ms);
 * - through the local HTTP API: `POST /promise` on a local cloud in a child process
 *   (bench/lib/cloud-host.ts) seeded with the demo network, one request at a time, measured and
 *   reported (reads of DynamoDB Local and the Lambda runtime included).
 * Writes bench/results/promise.json and promise.png (with its SVG); progress on stderr, the summary
 * on stdout.
 *
 *   tsx bench/promise.ts [--carts 500] [--http-carts 200] [--seed 20250311] [--warmup 30]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { builtInCarriers } from '../functions/core/carriers/carriers.ts';
import { promiseOptions } from '../functions/core/promise/promise.ts';
import { sourceOptimal } from '../functions/core/sourcing/optimal.ts';
import { sourcingProfileFor } from '../functions/core/sourcing/profiles.ts';
import { projectRoot } from '../lib/paths.ts';
import { buildDemoNetwork } from '../local/demo/network.ts';
import { seedNetwork } from '../local/seed.ts';
import { progressBar, step } from '../tools/progress.ts';
import { renderLatencyChart } from './chart.ts';
import { CloudProcess } from './lib/cloud-process.ts';
import { machineInfo } from './lib/machine.ts';
import { benchAt, benchCatalogue, benchNetwork } from './lib/network.ts';
import { benchOrders, sourcingRequest } from './lib/orders.ts';
import { writePng } from './lib/png.ts';
import { latency, percentiles, round } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    carts: { type: 'string', default: '500' },
    'http-carts': { type: 'string', default: '200' },
    seed: { type: 'string', default: '20250311' },
    warmup: { type: 'string', default: '30' },
  },
});
const carts = Number(args.carts);
const httpCarts = Number(args['http-carts']);
const seed = Number(args.seed);
const warmup = Number(args.warmup);
const linesPerCart = 5;
const targetP99Ms = 25;

step(`building the 2,000-location network and ${carts + warmup} carts of ${linesPerCart} lines`);
const catalogue = benchCatalogue(seed);
const network = benchNetwork(2000, catalogue, seed);
const orders = benchOrders(catalogue, carts + warmup, seed, linesPerCart);
const profile = sourcingProfileFor(undefined);
const calendars = new Map(network.locations.map((l) => [l.locationId, l]));

/** What POST /promise computes once the reads are done: the plan, then the options. */
function promiseOf(order: (typeof orders)[number]) {
  const request = sourcingRequest(order, network, catalogue);
  const t0 = performance.now();
  const result = sourceOptimal(request, profile);
  const t1 = performance.now();
  const options = result.ok
    ? promiseOptions({
        mode: 'home',
        shipments: result.shipments,
        at: benchAt,
        locations: calendars,
        carriers: builtInCarriers,
        postcode: undefined,
        co2PricePerKg: profile.costs.co2PricePerKg,
      })
    : [];
  const t2 = performance.now();
  return { ms: t2 - t0, promiseMs: t2 - t1, options, parcels: result.ok ? result.shipments.length : 0 };
}

const warm = progressBar('core warm-up (untimed)', warmup);
for (const order of orders.slice(carts)) {
  promiseOf(order);
  warm.tick();
}
warm.done();
const coreMs: number[] = [];
/** the promise engine alone (dates and offers), without the sourcing plan it starts from */
const engineMs: number[] = [];
let promised = 0;
let parcels = 0;
const bar = progressBar('core @2,000 locations', carts);
for (const order of orders.slice(0, carts)) {
  const run = promiseOf(order);
  coreMs.push(run.ms);
  engineMs.push(run.promiseMs);
  if (run.options.length > 0) promised++;
  parcels += run.parcels;
  bar.tick();
}
bar.done();

step('starting a local cloud in a child process and seeding the demo network over HTTP');
const cloud = await CloudProcess.start({ webhookSecret: 'bench-secret' });
const httpMs: number[] = [];
let httpErrors = 0;
const demo = buildDemoNetwork();
try {
  await seedNetwork(cloud.url, demo, { concurrency: 8 });
  const skus = demo.products.filter((p) => !p.kit).map((p) => p.sku);
  const address = {
    line1: '1 rue de Rivoli',
    postcode: '75001',
    city: 'Paris',
    country: 'FR',
    lat: 48.8606,
    lon: 2.3376,
  };
  const body = (i: number) => ({
    lines: Array.from({ length: linesPerCart }, (_, k) => ({
      sku: skus[(i * 7 + k * 13) % skus.length],
      quantity: 1,
    })),
    delivery: { mode: 'home', address },
  });
  const post = async (i: number) => {
    const t0 = performance.now();
    const response = await fetch(`${cloud.url}/promise`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body(i)),
    });
    await response.text();
    if (response.status !== 200) httpErrors++;
    return performance.now() - t0;
  };
  for (let i = 0; i < 20; i++) await post(i + httpCarts);
  const httpBar = progressBar('POST /promise over HTTP (demo network)', httpCarts);
  for (let i = 0; i < httpCarts; i++) {
    httpMs.push(await post(i));
    httpBar.tick();
  }
  httpBar.done();
} finally {
  await cloud.stop();
}

const core = latency(coreMs);
const http = latency(httpMs);
const result = {
  benchmark: 'promise',
  machine: machineInfo(),
  config: { carts, httpCarts, linesPerCart, seed, at: benchAt.toISOString() },
  core: {
    network: { locations: network.locations.length },
    ...core,
    distribution: percentiles(coreMs),
    promiseEngineOnly: latency(engineMs),
    promisedShare: round(promised / carts),
    parcelsPerCart: round(parcels / Math.max(1, promised)),
  },
  http: {
    network: {
      locations: demo.locations.length,
      note: 'the demo network seeded by npm start, not the 2,000-location one',
    },
    ...http,
    distribution: percentiles(httpMs),
    errors: httpErrors,
  },
  targets: { coreP99AtMost25Ms: core.p99Ms <= targetP99Ms },
};

const resultsDir = join(projectRoot, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'promise.json'), `${JSON.stringify(result, null, 2)}\n`);
const svg = renderLatencyChart(
  'Delivery promise latency, 5-line carts',
  `core: sourcing + promise on 2,000 locations (target p99 ≤ ${targetP99Ms} ms); HTTP: POST /promise on the local cloud, demo network`,
  [
    { label: 'core, 2,000 locations', samples: coreMs, colour: '#2ca02c' },
    { label: 'promise engine alone', samples: engineMs, colour: '#9467bd' },
    { label: `HTTP, ${demo.locations.length} locations`, samples: httpMs, colour: '#1f77b4' },
  ],
);
writeFileSync(join(resultsDir, 'promise.svg'), svg);
writePng(svg, join(resultsDir, 'promise.png'));
console.log(
  `promise, 5-line carts: core @2,000 locations p50 ${core.p50Ms} ms, p99 ${core.p99Ms} ms (target ≤ ${targetP99Ms} ms: ${result.targets.coreP99AtMost25Ms ? 'met' : 'missed'}), of which the promise engine p50 ${result.core.promiseEngineOnly.p50Ms} ms, p99 ${result.core.promiseEngineOnly.p99Ms} ms; ` +
    `HTTP @${demo.locations.length} locations p50 ${http.p50Ms} ms, p99 ${http.p99Ms} ms (${httpErrors} errors)`,
);
