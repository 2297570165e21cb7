/**
 * `npm run bench [-- --only journey,promise] [--quick]`: every benchmark, one after the other, each
 * in a process of its own (a benchmark measures a quiet machine, so they never run side by side).
 * Each writes its figures to bench/results/<name>.json with its plot; this prints where each one
 * stands and how long it took. `--quick` runs each at a size that finishes in minutes, for a look
 * (its figures are not the README's). Each benchmark also runs alone: `npm run bench:<name>`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../lib/paths.ts';
import { step } from '../tools/progress.ts';

interface Benchmark {
  name: string;
  script: string;
  /** what the full run measures, for the list printed before it starts */
  measures: string;
  quickArgs: string[];
}

const benchmarks: Benchmark[] = [
  {
    name: 'journey',
    script: 'bench/run.ts',
    measures: 'the order journey in the local cloud: latency, CPU, AWS calls, cost per million orders',
    quickArgs: [
      '--rounds',
      '1',
      '--orders',
      '20',
      '--journeys',
      '3',
      '--parcel-journeys',
      '1',
      '--profile-orders',
      '0',
    ],
  },
  {
    name: 'sourcing',
    script: 'bench/sourcing.ts',
    measures: 'the exact search against HiGHS at 200 and 2,000 locations',
    quickArgs: ['--instances', '30', '--highs-at-2000', '2', '--warmup', '5'],
  },
  {
    name: 'reservations',
    script: 'bench/reservations.ts',
    measures: 'reservations/s against bare conditional updates on DynamoDB Local',
    quickArgs: ['--orders', '300', '--rounds', '1', '--warmup', '50'],
  },
  {
    name: 'promise',
    script: 'bench/promise.ts',
    measures: 'promise latency for 5-line carts on 2,000 locations, core and HTTP',
    quickArgs: ['--carts', '100', '--http-carts', '40', '--warmup', '10'],
  },
  {
    name: 'chaos',
    script: 'bench/chaos.ts',
    measures: 'the journey with random DynamoDB faults: orders completed, compensated, stranded',
    quickArgs: ['--orders', '20'],
  },
  {
    name: 'delivery',
    script: 'bench/delivery.ts',
    measures: 'a simulated month of 20,000 orders: promise kept, cost and CO2, incidents',
    quickArgs: ['--orders', '600', '--days', '3'],
  },
];

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
const names = benchmarks.map((b) => b.name);
if (args.help) {
  console.log(`npm run bench -- [--only ${names.join(',')}] [--quick]`);
  process.exit(0);
}
const chosen = args.only?.split(',').map((n) => n.trim()) ?? names;
const unknown = chosen.filter((n) => !names.includes(n));
if (unknown.length > 0) {
  console.error(`--only: no benchmark named ${unknown.join(', ')} (there are ${names.join(', ')})`);
  process.exit(2);
}

const selected = benchmarks.filter((b) => chosen.includes(b.name));
const outcomes: { name: string; seconds: number; ok: boolean }[] = [];
for (const [index, benchmark] of selected.entries()) {
  step(`[${index + 1}/${selected.length}] ${benchmark.name}: ${benchmark.measures}`);
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(projectRoot, benchmark.script), ...(args.quick ? benchmark.quickArgs : [])],
    { cwd: projectRoot, stdio: 'inherit' },
  );
  const seconds = Math.round((performance.now() - started) / 1000);
  outcomes.push({ name: benchmark.name, seconds, ok: run.status === 0 });
}

console.log('\nbenchmark     time      result (bench/results/<name>.json)');
for (const outcome of outcomes) {
  console.log(
    `${outcome.name.padEnd(13)} ${`${outcome.seconds} s`.padEnd(9)} ${outcome.ok ? 'ok' : 'FAILED'}`,
  );
}
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
