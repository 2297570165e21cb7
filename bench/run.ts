/**
 * `npm run bench:journey [-- --rounds 7 --orders 80 ...]`: the order journey on the local cloud, measured
 * against a GET /health baseline taken in the same run, and what an order would cost on AWS.
 *
 * The cloud runs in a process of its own (bench/lib/cloud-host.ts: DynamoDB Local, the real ASL on
 * aws-local-stepfunctions, the handlers from source), seeded over HTTP with the demo network (every
 * stock row lifted to 100,000, so no order is short) and three products stocked at one warehouse
 * each (an order of n of them ships as n parcels). This process drives it as users do, over HTTP:
 * orders, pick confirmations (POST /shipments/{id}/confirm), signed carrier webhooks. Between the
 * handlers and DynamoDB Local, and S3, sit metering proxies (this process), which count the real
 * calls: DynamoDB request units, S3 requests and bytes.
 *
 * Measured, in rounds (the machine is shared, so each figure is the median of the rounds, and each
 * ratio is taken within a round, against the /health calls of that same round):
 * - baseline: GET /health at concurrency 8 (HTTP front + Lambda runtime + middy stack, no data);
 * - orders at concurrency 1 and 8: POST /orders until OrderAllocated.v1 is on the bus; the cloud's
 *   Node CPU (its process.cpuUsage) and DynamoDB Local's CPU (/proc/<pid>/stat of the JVM) from
 *   the first POST until the cloud is idle again, per allocated order; orders allocated per second;
 * - journeys to DELIVERED, one at a time: Standard state transitions from GetExecutionHistory
 *   against the local Step Functions endpoint, Lambda invocations and their durations, events,
 *   DynamoDB units, S3 requests, API requests; one-parcel demo orders, and 1-, 2-, 3-parcel orders
 *   for the cost of each extra parcel; priced per million orders (bench/prices/aws-eu-west-3.json);
 * - a CPU profile of the cloud process under the concurrency-8 load (a separate round, not in the
 *   figures), grouped by where the time goes.
 *
 * `--record-before` stores this run as the `before` of bench/results/journey.json; every run writes
 * `current` and prints it beside the recorded `before`. Progress on stderr, the summary on stdout.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../lib/paths.ts';
import { buildDemoNetwork } from '../local/demo/network.ts';
import { seedNetwork } from '../local/seed.ts';
import { step as note, progressBar } from '../tools/progress.ts';
import { renderLatencyChart } from './chart.ts';
import {
  Api,
  deliverOne,
  type IntakeSample,
  type JourneySample,
  OrderWatcher,
  placeAndAllocate,
  pool,
} from './driver.ts';
import { CloudProcess } from './lib/cloud-process.ts';
import type { HostedEvent, InvocationRecord } from './lib/cloud-protocol.ts';
import { costPerMillionOrders, loadPriceTable, type OrderUsage } from './lib/cost-model.ts';
import { analyseProfile, type CpuProfile } from './lib/cpu-profile.ts';
import { DynamoDbMeter, type DynamoDbUsage } from './lib/dynamodb-meter.ts';
import { startForwardingProxy } from './lib/forwarding-proxy.ts';
import { renderComparisonChart } from './lib/journey-chart.ts';
import { addSplitProducts, homeOrders, type OrderBody, parcelOrder } from './lib/journey-orders.ts';
import { machineInfo } from './lib/machine.ts';
import { writePng } from './lib/png.ts';
import { S3Meter, type S3Usage } from './lib/s3-meter.ts';
import { mean, median, round, summarize } from './lib/stats.ts';
import {
  countTransitions,
  type ExecutionTransitions,
  executionEnd,
  executionHistory,
  stepFunctionsClient,
} from './lib/transitions.ts';
import { type PhaseCpu, startPhase } from './observe.ts';

const stockPerRow = 100_000;
const webhookSecret = 'bench-webhook-secret';
const resultsDir = join(import.meta.dirname, 'results');
const resultsFile = join(resultsDir, 'journey.json');

function positiveInt(name: string, value: string | undefined, zeroAllowed = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (zeroAllowed ? 0 : 1)) {
    throw new Error(
      `--${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} integer (got ${value})`,
    );
  }
  return n;
}

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    orders: { type: 'string', default: '80' },
    'orders-c1': { type: 'string', default: '20' },
    health: { type: 'string', default: '400' },
    journeys: { type: 'string', default: '20' },
    'parcel-journeys': { type: 'string', default: '4' },
    'profile-orders': { type: 'string', default: '120' },
    seed: { type: 'string', default: '1' },
    'record-before': { type: 'boolean', default: false },
    'charts-only': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(
    'npm run bench:journey -- [--rounds 7] [--orders 80] [--orders-c1 20] [--health 400] [--journeys 20] [--parcel-journeys 4] [--profile-orders 120 (0: no profile)] [--seed 1] [--record-before] [--charts-only (redraw journey-figures from journey.json)]',
  );
  process.exit(0);
}
const config = {
  rounds: positiveInt('rounds', args.rounds),
  orders: positiveInt('orders', args.orders),
  ordersC1: positiveInt('orders-c1', args['orders-c1']),
  health: positiveInt('health', args.health),
  journeys: positiveInt('journeys', args.journeys),
  parcelJourneys: positiveInt('parcel-journeys', args['parcel-journeys']),
  profileOrders: positiveInt('profile-orders', args['profile-orders'], true),
  seed: positiveInt('seed', args.seed),
};
const warmupOrders = 40;
const warmupJourneys = 5;
const maxParcels = 3;
/** how long the cloud must be idle before the next actor of a journey acts */
const quietMs = 20;

interface Round {
  health: { ms: number[]; cpu: PhaseCpu };
  c1: { samples: IntakeSample[]; cpu: PhaseCpu };
  c8: { samples: IntakeSample[]; allocatedWallMs: number; cpu: PhaseCpu; dynamoDb: DynamoDbUsage };
}

interface Journey {
  family: 'demo' | 'parcels';
  sample: JourneySample;
  invocations: InvocationRecord[];
  events: HostedEvent[];
  dynamoDb: DynamoDbUsage;
  s3: S3Usage;
  apiRequests: number;
  apiByRoute: Record<string, number>;
  transitions: ExecutionTransitions;
}

/** The commit the product code was measured at: the last one that touched it, and whether it is dirty. */
function commitInfo() {
  const git = (...argv: string[]) => execFileSync('git', argv, { cwd: projectRoot, encoding: 'utf8' }).trim();
  const productPaths = [
    'functions',
    'lib',
    'local',
    'statemachines',
    'bin',
    'package.json',
    'package-lock.json',
  ];
  try {
    return {
      head: git('rev-parse', '--short', 'HEAD'),
      product: git('log', '-1', '--format=%h', '--', ...productPaths),
      productDirty: git('status', '--porcelain', '--', ...productPaths) !== '',
    };
  } catch {
    return { head: 'unknown', product: 'unknown', productDirty: true };
  }
}

async function timedHealth(api: Api, count: number, concurrency: number, bar: { tick(): void }) {
  const run = await pool(count, concurrency, async () => {
    const started = performance.now();
    const answer = await api.health();
    if (answer.status !== 200) throw new Error(`GET /health: ${answer.status}`);
    bar.tick();
    return performance.now() - started;
  });
  return run.results;
}

async function measureRounds(
  cloud: CloudProcess,
  api: Api,
  watcher: OrderWatcher,
  dynamoDb: DynamoDbMeter,
  bodies: OrderBody[],
): Promise<Round[]> {
  const body = (i: number) => bodies[i % bodies.length] as OrderBody;
  const rounds: Round[] = [];
  for (let r = 1; r <= config.rounds; r++) {
    const label = `round ${r}/${config.rounds}`;
    await cloud.settle();

    let bar = progressBar(`${label}: GET /health c8`, config.health);
    let phase = await startPhase(cloud);
    const healthMs = await timedHealth(api, config.health, 8, bar);
    const healthCpu = await phase.end();
    bar.done(`${((config.health / healthCpu.wallMs) * 1000).toFixed(0)} req/s`);

    await cloud.settle();
    bar = progressBar(`${label}: orders c1`, config.ordersC1);
    phase = await startPhase(cloud);
    const c1 = await pool(config.ordersC1, 1, async (i) => {
      const sample = await placeAndAllocate(api, watcher, `R${r}-C1-${i}`, body(i));
      bar.tick();
      return sample;
    });
    await cloud.settle();
    const c1Cpu = await phase.end();
    bar.done();

    bar = progressBar(`${label}: orders c8`, config.orders);
    dynamoDb.take();
    phase = await startPhase(cloud);
    const c8 = await pool(config.orders, 8, async (i) => {
      const sample = await placeAndAllocate(api, watcher, `R${r}-C8-${i}`, body(config.ordersC1 + i));
      bar.tick();
      return sample;
    });
    // the work an allocation sets going (the PickPack task that waits) belongs to its order
    await cloud.settle();
    const c8Cpu = await phase.end();
    const c8Usage = dynamoDb.take();
    bar.done(`${((config.orders / c8.wallMs) * 1000).toFixed(1)} orders allocated/s`);
    await cloud.take();
    rounds.push({
      health: { ms: healthMs, cpu: healthCpu },
      c1: { samples: c1.results, cpu: c1Cpu },
      c8: { samples: c8.results, allocatedWallMs: c8.wallMs, cpu: c8Cpu, dynamoDb: c8Usage },
    });
  }
  return rounds;
}

async function measureJourneys(
  cloud: CloudProcess,
  api: Api,
  watcher: OrderWatcher,
  meters: { dynamoDb: DynamoDbMeter; s3: S3Meter },
  plan: { family: Journey['family']; orderId: string; body: OrderBody }[],
): Promise<{ journeys: Journey[]; demoCpu: PhaseCpu }> {
  const sfn = stepFunctionsClient(cloud.ready.endpoints.stepfunctions);
  const machine = cloud.ready.stateMachines.find((m) => /fulfil/i.test(m.name));
  if (machine === undefined) throw new Error('no fulfilment state machine in the template');
  const executionArn = (orderId: string) =>
    `${machine.arn.replace(':stateMachine:', ':execution:')}:${orderId}`;

  const quiet = () => cloud.settle(quietMs);
  meters.dynamoDb.capacity = true;
  const bar = progressBar('journeys to DELIVERED', plan.length);
  const measured: Omit<Journey, 'transitions'>[] = [];
  let demoPhase: Awaited<ReturnType<typeof startPhase>> | undefined;
  let demoCpu: PhaseCpu | undefined;
  for (const { family, orderId, body } of plan) {
    await cloud.settle();
    if (family === 'demo' && demoPhase === undefined) demoPhase = await startPhase(cloud);
    if (family !== 'demo' && demoPhase !== undefined && demoCpu === undefined)
      demoCpu = await demoPhase.end();
    await cloud.take();
    meters.dynamoDb.take();
    meters.s3.take();
    const apiBefore = api.meteredRequests;
    const routesBefore = { ...api.byRoute };
    const sample = await deliverOne(api, watcher, webhookSecret, orderId, body, quiet);
    // what the delivery sets going after OrderDelivered.v1 (the last task, the execution's end)
    await cloud.settle();
    const taken = await cloud.take();
    measured.push({
      family,
      sample,
      invocations: taken.invocations,
      events: taken.events,
      dynamoDb: meters.dynamoDb.take(),
      s3: meters.s3.take(),
      apiRequests: api.meteredRequests - apiBefore,
      apiByRoute: Object.fromEntries(
        Object.entries(api.byRoute)
          .map(([route, n]) => [route, n - (routesBefore[route] ?? 0)] as const)
          .filter(([, n]) => n > 0),
      ),
    });
    bar.tick();
  }
  if (demoCpu === undefined && demoPhase !== undefined) demoCpu = await demoPhase.end();
  meters.dynamoDb.capacity = false;
  bar.done();
  note('reading each execution history from the local Step Functions endpoint (GetExecutionHistory)');
  const journeys: Journey[] = [];
  for (const journey of measured) {
    const arn = executionArn(journey.sample.orderId);
    const status = await executionEnd(sfn, arn);
    if (status !== 'SUCCEEDED') throw new Error(`execution of ${journey.sample.orderId} ended ${status}`);
    journeys.push({ ...journey, transitions: countTransitions(await executionHistory(sfn, arn)) });
  }
  sfn.destroy();
  return { journeys, demoCpu: demoCpu as PhaseCpu };
}

async function profileLoad(
  cloud: CloudProcess,
  api: Api,
  watcher: OrderWatcher,
  dynamoDb: DynamoDbMeter,
  bodies: OrderBody[],
) {
  const file = join(resultsDir, 'journey-profile.cpuprofile');
  await cloud.settle();
  dynamoDb.take();
  const bar = progressBar('profiled orders c8', config.profileOrders);
  await cloud.startProfile(250);
  const phase = await startPhase(cloud);
  await pool(config.profileOrders, 8, async (i) => {
    const sample = await placeAndAllocate(api, watcher, `PROF-${i}`, bodies[i % bodies.length] as OrderBody);
    bar.tick();
    return sample;
  });
  await cloud.settle();
  const cpu = await phase.end();
  await cloud.stopProfile(file);
  bar.done();
  const usage = dynamoDb.take();
  await cloud.take();
  const breakdown = analyseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, projectRoot);
  return {
    orders: config.profileOrders,
    file: 'bench/results/journey-profile.cpuprofile (not committed; open it in Chrome DevTools)',
    samplingIntervalUs: 250,
    nodeCpuMsPerOrderWhileProfiled: round(cpu.nodeCpuMs / config.profileOrders),
    sampledMainThreadMsPerOrder: round(breakdown.sampledMs / config.profileOrders),
    reading:
      "pct: share of the main thread's sampled (non-idle) time; the sampler runs on wall time, so on a loaded machine the sampled ms exceed the CPU ms. cpuMsPerOrder: pct × the process CPU per order measured in the same phase",
    groups: breakdown.groups.map((g) => ({
      group: g.group,
      pct: g.pct,
      cpuMsPerOrder: round((g.pct / 100) * (cpu.nodeCpuMs / config.profileOrders)),
    })),
    topFunctions: breakdown.topFunctions,
    dynamoDbCallsPerOrder: perOrder(usage.calls, config.profileOrders),
  };
}

const perOrder = (counts: Record<string, number>, orders: number) =>
  Object.fromEntries(
    Object.entries(counts)
      .sort(([, a], [, b]) => b - a)
      .map(([key, n]) => [key, round(n / orders, 2)]),
  );

function add(into: Record<string, number>, from: Record<string, number>) {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

/** What one journey consumed, in the quantities AWS bills. */
function usageOf(journey: Journey): OrderUsage {
  const gbSeconds = (architecture: string) =>
    journey.invocations
      .filter((i) => architectureOf.get(i.functionId) === architecture)
      .reduce((sum, i) => sum + (Math.ceil(i.ms) / 1000) * (i.memoryMb / 1024), 0);
  return {
    apiGatewayRequests: journey.apiRequests,
    lambdaRequests: journey.invocations.length,
    lambdaGbSecondsArm: gbSeconds('arm64'),
    lambdaGbSecondsX86: gbSeconds('x86_64'),
    dynamoDbReadUnits: journey.dynamoDb.readUnits,
    dynamoDbWriteUnits: journey.dynamoDb.writeUnits + journey.dynamoDb.estimatedUnits,
    stateTransitions: journey.transitions.transitions,
    eventBridgeEvents: journey.events.reduce((sum, e) => sum + Math.max(1, Math.ceil(e.bytes / 65_536)), 0),
    s3PutRequests: journey.s3.tier1Requests,
    s3GetRequests: journey.s3.tier2Requests,
    s3BytesStored: journey.s3.bytesPut,
  };
}

const architectureOf = new Map<string, string>();

function meanUsage(journeys: readonly Journey[]): OrderUsage {
  const usages = journeys.map(usageOf);
  const keys = Object.keys(usages[0] as OrderUsage) as (keyof OrderUsage)[];
  return Object.fromEntries(
    keys.map((key) => [key, mean(usages.map((u) => u[key]))]),
  ) as unknown as OrderUsage;
}

/** (3 parcels − 1 parcel) / 2, per quantity: what each parcel beyond the first adds. */
function extraParcelUsage(one: OrderUsage, many: OrderUsage, extra: number): OrderUsage {
  const keys = Object.keys(one) as (keyof OrderUsage)[];
  return Object.fromEntries(
    keys.map((key) => [key, (many[key] - one[key]) / extra]),
  ) as unknown as OrderUsage;
}

function report(
  rounds: Round[],
  journeys: Journey[],
  demoCpu: PhaseCpu,
  profile: unknown,
  setup: Record<string, number>,
  runtimeMs: number,
) {
  const table = loadPriceTable();
  const perRound = rounds.map((round_) => {
    const healthCpu = round_.health.cpu;
    const c8 = round_.c8;
    const healthNode = healthCpu.nodeCpuMs / config.health;
    const orderNode = c8.cpu.nodeCpuMs / config.orders;
    const healthRate = (config.health / healthCpu.wallMs) * 1000;
    const orderRate = (config.orders / c8.allocatedWallMs) * 1000;
    return {
      healthPerSecC8: round(healthRate),
      healthNodeCpuMsPerRequest: round(healthNode),
      healthDynamoDbCpuMsPerRequest: round((healthCpu.dynamoDbCpuMs ?? Number.NaN) / config.health),
      healthP50Ms: round(median(round_.health.ms)),
      ordersAllocatedPerSecC8: round(orderRate),
      nodeCpuMsPerAllocatedOrder: round(orderNode),
      dynamoDbCpuMsPerAllocatedOrder: round((c8.cpu.dynamoDbCpuMs ?? Number.NaN) / config.orders),
      nodeCpuMsPerAllocatedOrderC1: round(round_.c1.cpu.nodeCpuMs / config.ordersC1),
      dynamoDbCpuMsPerAllocatedOrderC1: round((round_.c1.cpu.dynamoDbCpuMs ?? Number.NaN) / config.ordersC1),
      benchCpuMsPerAllocatedOrder: round(c8.cpu.benchCpuMs / config.orders),
      orderCpuOverHealthCpu: round(orderNode / healthNode, 1),
      healthRateOverOrderRate: round(healthRate / orderRate, 1),
      allocationC8P50Ms: round(median(c8.samples.map((s) => s.allocationMs))),
    };
  });
  type RoundFigure = keyof (typeof perRound)[number];
  const med = (key: RoundFigure) => round(median(perRound.map((r) => r[key])));
  const spread = (key: RoundFigure) => {
    const values = perRound.map((r) => r[key]);
    return { median: med(key), min: Math.min(...values), max: Math.max(...values) };
  };

  const health = summarize(rounds.flatMap((r) => r.health.ms));
  const intakeC1 = summarize(rounds.flatMap((r) => r.c1.samples.map((s) => s.intakeMs)));
  const intakeC8 = summarize(rounds.flatMap((r) => r.c8.samples.map((s) => s.intakeMs)));
  const allocC1 = summarize(rounds.flatMap((r) => r.c1.samples.map((s) => s.allocationMs)));
  const allocC8 = summarize(rounds.flatMap((r) => r.c8.samples.map((s) => s.allocationMs)));
  const latency = (s: ReturnType<typeof summarize>) => ({ p50Ms: round(s.p50), p99Ms: round(s.p99), n: s.n });

  const demo = journeys.filter((j) => j.family === 'demo' && j.sample.shipments === 1);
  const parcels = (n: number) => journeys.filter((j) => j.family === 'parcels' && j.sample.shipments === n);
  const one = parcels(1);
  const most = parcels(maxParcels);
  if (demo.length === 0 || one.length === 0 || most.length === 0) {
    throw new Error('a journey group is empty: did a parcel order ship as another number of parcels?');
  }
  const medianOf = (group: readonly Journey[], value: (j: Journey) => number) => median(group.map(value));
  const transitions = (j: Journey) => j.transitions.transitions;
  const invocations = (j: Journey) => j.invocations.length;
  const perExtra = (value: (j: Journey) => number) =>
    round((medianOf(most, value) - medianOf(one, value)) / (maxParcels - 1), 2);
  const delivered = summarize(demo.map((j) => j.sample.deliveredMs));

  const byFunction: Record<string, number> = {};
  for (const j of demo)
    for (const i of j.invocations) byFunction[i.functionId] = (byFunction[i.functionId] ?? 0) + 1;
  const durations: Record<string, number[]> = {};
  for (const j of demo) {
    for (const i of j.invocations) {
      durations[i.functionId] ??= [];
      durations[i.functionId]?.push(i.ms);
    }
  }
  const statesEntered: Record<string, number> = {};
  for (const j of demo) add(statesEntered, j.transitions.statesEntered);
  const eventTypes: Record<string, number> = {};
  for (const j of demo)
    for (const e of j.events) eventTypes[e.detailType] = (eventTypes[e.detailType] ?? 0) + 1;
  const dynamoCalls: Record<string, number> = {};
  for (const j of demo) add(dynamoCalls, j.dynamoDb.calls);
  const apiRoutes: Record<string, number> = {};
  for (const j of demo) add(apiRoutes, j.apiByRoute);
  const failures: Record<string, number> = {};
  for (const j of journeys) add(failures, j.dynamoDb.failures);
  const c8Calls: Record<string, number> = {};
  for (const r of rounds) add(c8Calls, r.c8.dynamoDb.calls);

  const oneParcelUsage = meanUsage(demo);
  const extraUsage = extraParcelUsage(meanUsage(one), meanUsage(most), maxParcels - 1);
  const oneParcelCost = costPerMillionOrders(oneParcelUsage, table);
  const extraCost = costPerMillionOrders(extraUsage, table);

  const figures = {
    transitions: { oneParcel: medianOf(demo, transitions), perExtraParcel: perExtra(transitions) },
    lambdaInvocations: { oneParcel: medianOf(demo, invocations), perExtraParcel: perExtra(invocations) },
    nodeCpuMsPerAllocatedOrder: med('nodeCpuMsPerAllocatedOrder'),
    dynamoDbCpuMsPerAllocatedOrder: med('dynamoDbCpuMsPerAllocatedOrder'),
    ordersAllocatedPerSecC8: med('ordersAllocatedPerSecC8'),
    baseline: {
      healthPerSecC8: med('healthPerSecC8'),
      healthNodeCpuMsPerRequest: med('healthNodeCpuMsPerRequest'),
      healthDynamoDbCpuMsPerRequest: med('healthDynamoDbCpuMsPerRequest'),
      healthP50Ms: round(health.p50),
    },
    ratios: {
      orderCpuOverHealthCpu: med('orderCpuOverHealthCpu'),
      healthRateOverOrderRate: med('healthRateOverOrderRate'),
    },
    costPerMillionOrdersUsd: { oneParcel: oneParcelCost.totalUsd, perExtraParcel: extraCost.totalUsd },
    latencyP50Ms: {
      intakeC1: round(intakeC1.p50),
      allocationC1: round(allocC1.p50),
      allocationC8: round(allocC8.p50),
      deliveredC1: round(delivered.p50),
    },
  };

  return {
    measuredAt: new Date(Date.now() - runtimeMs).toISOString(),
    commit: commitInfo(),
    machine: machineInfo(),
    config,
    method: {
      cloud:
        'bench/lib/cloud-host.ts in a child process: startLocalCloud (in memory) with handlers from source, DynamoDB Local, aws-local-stepfunctions; driven over HTTP only',
      cpu: "Node: the cloud process's process.cpuUsage() (user + system, all threads); DynamoDB Local: utime + stime of its JVM in /proc/<pid>/stat; from the first request of a phase until the cloud is idle again (no function running for 100 ms), divided by the orders of the phase; the driver and the metering proxies run in the benchmark's process and are in neither figure",
      rounds: `${config.rounds} rounds, each: ${config.health} GET /health at concurrency 8, ${config.ordersC1} orders at concurrency 1, ${config.orders} orders at concurrency 8; figures are medians over the rounds, ratios are taken within each round`,
      throughput: 'orders of the c8 phase / time from its first POST to its last OrderAllocated.v1',
      transitions:
        'GetExecutionHistory of each journey (AWS SDK against the local Step Functions endpoint): every *StateEntered event (Map and iteration states included) plus retries (tasks scheduled again within a state)',
      journeys: `one at a time, each actor acting once the cloud has been idle for ${quietMs} ms (as a store or carrier acting minutes later): pick confirmed (POST /shipments/{id}/confirm) after OrderAllocated.v1, carrier webhooks PICKED_UP > IN_TRANSIT > OUT_FOR_DELIVERY > DELIVERED, signed with the webhook secret, after ShipmentDispatched.v1, until OrderDelivered.v1 (the delivered latency includes those idle waits); ${config.journeys} demo orders (figures from those that shipped as one parcel) and ${config.parcelJourneys} each of 1, 2 and 3 parcels (one product per warehouse); per extra parcel = (3 parcels − 1 parcel) / 2, medians`,
      lambda:
        'each invocation timed in the cloud process from the call to the answer (what Lambda bills), rounded up to 1 ms, × the memory the synthesized template gives the function; measured one journey at a time on this machine, where handlers get a whole core (at 1024 MB Lambda gives ~0.58 vCPU, so CPU-bound handlers would run longer there)',
      dynamoDb:
        'every call through a proxy at AWS_ENDPOINT_URL_DYNAMODB; in the journeys it asks DynamoDB Local for ReturnConsumedCapacity=INDEXES (and hides it from the handler); DynamoDB Local sizes items but does not double transactions, so TransactWriteItems/TransactGetItems units are doubled as AWS bills them; a refused write is counted at 1 unit per item (2 in a transaction), an estimate. In the rounds the proxy only counts calls (an extra local hop per call, in every round alike)',
      s3: 'every call through a proxy at AWS_ENDPOINT_URL_S3: PUT/POST/LIST as tier 1, GET/HEAD as tier 2, bytes written',
      eventBridge:
        'every event accepted by the local bus, in 64 KB chunks of Source + DetailType + Detail + Resources',
      apiGateway: 'every request the driver sent (orders, confirmations, webhooks), in 512 KB steps',
      prices: `bench/prices/aws-${table.region}.json (${table.regionName}, assembled ${table.assembled}); free tiers left out`,
    },
    figures,
    setup,
    rounds: perRound,
    spread: {
      nodeCpuMsPerAllocatedOrder: spread('nodeCpuMsPerAllocatedOrder'),
      dynamoDbCpuMsPerAllocatedOrder: spread('dynamoDbCpuMsPerAllocatedOrder'),
      ordersAllocatedPerSecC8: spread('ordersAllocatedPerSecC8'),
      healthNodeCpuMsPerRequest: spread('healthNodeCpuMsPerRequest'),
      healthPerSecC8: spread('healthPerSecC8'),
      orderCpuOverHealthCpu: spread('orderCpuOverHealthCpu'),
    },
    latency: {
      health: latency(health),
      intakeC1: latency(intakeC1),
      intakeC8: latency(intakeC8),
      allocationC1: latency(allocC1),
      allocationC8: latency(allocC8),
      deliveredC1: latency(delivered),
    },
    cpuPerAllocatedOrderC1: {
      node: med('nodeCpuMsPerAllocatedOrderC1'),
      dynamoDb: med('dynamoDbCpuMsPerAllocatedOrderC1'),
    },
    /** the driver and the metering proxies: load on the same cores, in no figure above */
    benchProcessCpuMsPerAllocatedOrder: med('benchCpuMsPerAllocatedOrder'),
    cpuPerDeliveredOrder: {
      nodeMs: round(demoCpu.nodeCpuMs / config.journeys),
      dynamoDbMs: round((demoCpu.dynamoDbCpuMs ?? Number.NaN) / config.journeys),
    },
    journey: {
      demoOrders: config.journeys,
      demoOneParcel: demo.length,
      transitionsByParcels: Object.fromEntries([1, 2, 3].map((n) => [n, parcels(n).map(transitions)])),
      invocationsByParcels: Object.fromEntries([1, 2, 3].map((n) => [n, parcels(n).map(invocations)])),
      statesEnteredPerOrder: perOrder(statesEntered, demo.length),
      lambdaInvocationsPerOrder: perOrder(byFunction, demo.length),
      lambdaDurationP50Ms: Object.fromEntries(
        Object.entries(durations).map(([fn, ms]) => [fn, round(median(ms))]),
      ),
      eventsPerOrder: perOrder(eventTypes, demo.length),
      apiRequestsPerOrder: perOrder(apiRoutes, demo.length),
      dynamoDbCallsPerOrder: perOrder(dynamoCalls, demo.length),
      dynamoDbFailures: failures,
      stagesP50Ms: {
        allocated: round(medianOf(demo, (j) => j.sample.allocationMs)),
        confirmed: round(medianOf(demo, (j) => j.sample.confirmedMs)),
        dispatched: round(medianOf(demo, (j) => j.sample.dispatchedMs)),
        delivered: round(delivered.p50),
      },
    },
    dynamoDbCallsPerAllocatedOrderC8: perOrder(c8Calls, config.orders * config.rounds),
    cost: {
      region: table.region,
      regionName: table.regionName,
      pricesAssembled: table.assembled,
      oneParcelOrder: { usage: roundUsage(oneParcelUsage), ...oneParcelCost },
      perExtraParcel: { usage: roundUsage(extraUsage), ...extraCost },
      notModelled: table.notModelled,
    },
    profile,
    runtimeMs: round(runtimeMs, 0),
  };
}

const roundUsage = (usage: OrderUsage) =>
  Object.fromEntries(Object.entries(usage).map(([key, value]) => [key, round(value, 4)]));

type Result = ReturnType<typeof report>;

interface ResultsFile {
  about: string;
  before?: Result;
  current: Result;
}

function sideBySide(before: Result | undefined, current: Result): string {
  const b = before?.figures;
  const c = current.figures;
  const row = (label: string, was: number | undefined, now: number, better: 'lower' | 'higher') => {
    const change =
      was === undefined || was === 0 || was === now
        ? ''
        : better === 'lower'
          ? `${(was / now).toFixed(2)}x less`
          : `${(now / was).toFixed(2)}x more`;
    const fmt = (x: number | undefined) => (x === undefined ? '—' : String(x));
    return `  ${label.padEnd(44)}${fmt(was).padStart(12)}${fmt(now).padStart(12)}   ${change}`;
  };
  const title = before
    ? `  ${''.padEnd(44)}${`before ${before.commit.product}`.padStart(12)}${`now ${current.commit.product}`.padStart(12)}`
    : `  ${''.padEnd(44)}${''.padStart(12)}${`now ${current.commit.product}`.padStart(12)}`;
  const cost = (r: Result) =>
    r.cost.oneParcelOrder.lines.map((l) => `${l.service} $${l.usdPerMillionOrders}`).join(', ');
  return [
    '',
    `Relais order journey on the local cloud (${current.machine.cores} cores, ${current.machine.cpu}, load ${current.machine.loadAverage1m}, Node ${current.machine.node}), ${current.config.rounds} rounds`,
    title,
    row('Standard transitions, one-parcel order', b?.transitions.oneParcel, c.transitions.oneParcel, 'lower'),
    row('  per extra parcel', b?.transitions.perExtraParcel, c.transitions.perExtraParcel, 'lower'),
    row(
      'Lambda invocations, one-parcel order',
      b?.lambdaInvocations.oneParcel,
      c.lambdaInvocations.oneParcel,
      'lower',
    ),
    row(
      '  per extra parcel',
      b?.lambdaInvocations.perExtraParcel,
      c.lambdaInvocations.perExtraParcel,
      'lower',
    ),
    row(
      'Node CPU ms per allocated order (c8)',
      b?.nodeCpuMsPerAllocatedOrder,
      c.nodeCpuMsPerAllocatedOrder,
      'lower',
    ),
    row(
      'DynamoDB Local CPU ms per allocated order',
      b?.dynamoDbCpuMsPerAllocatedOrder,
      c.dynamoDbCpuMsPerAllocatedOrder,
      'lower',
    ),
    row('orders allocated/s at c8', b?.ordersAllocatedPerSecC8, c.ordersAllocatedPerSecC8, 'higher'),
    row(
      'baseline: Node CPU ms per GET /health',
      b?.baseline.healthNodeCpuMsPerRequest,
      c.baseline.healthNodeCpuMsPerRequest,
      'lower',
    ),
    row('baseline: GET /health per s at c8', b?.baseline.healthPerSecC8, c.baseline.healthPerSecC8, 'higher'),
    row(
      'order CPU / health CPU (same round)',
      b?.ratios.orderCpuOverHealthCpu,
      c.ratios.orderCpuOverHealthCpu,
      'lower',
    ),
    row(
      'health rate / order rate (same round)',
      b?.ratios.healthRateOverOrderRate,
      c.ratios.healthRateOverOrderRate,
      'lower',
    ),
    row(
      `USD per million one-parcel orders (${current.cost.region})`,
      b?.costPerMillionOrdersUsd.oneParcel,
      c.costPerMillionOrdersUsd.oneParcel,
      'lower',
    ),
    row(
      '  per extra parcel',
      b?.costPerMillionOrdersUsd.perExtraParcel,
      c.costPerMillionOrdersUsd.perExtraParcel,
      'lower',
    ),
    row('to ALLOCATED p50 ms, c1', b?.latencyP50Ms.allocationC1, c.latencyP50Ms.allocationC1, 'lower'),
    row('to ALLOCATED p50 ms, c8', b?.latencyP50Ms.allocationC8, c.latencyP50Ms.allocationC8, 'lower'),
    row('to DELIVERED p50 ms, c1', b?.latencyP50Ms.deliveredC1, c.latencyP50Ms.deliveredC1, 'lower'),
    `  spread over rounds: Node CPU/order ${current.spread.nodeCpuMsPerAllocatedOrder.min}–${current.spread.nodeCpuMsPerAllocatedOrder.max} ms, orders/s ${current.spread.ordersAllocatedPerSecC8.min}–${current.spread.ordersAllocatedPerSecC8.max}`,
    `  cost now, one-parcel order: ${cost(current)}`,
    `  prices: ${current.method.prices}`,
    `  run time ${(current.runtimeMs / 1000).toFixed(0)} s; results: bench/results/journey.json, journey.svg, journey-figures.svg/.png`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const runStarted = performance.now();
  const dynamoDb = new DynamoDbMeter();
  const s3 = new S3Meter();
  const dynamoDbProxy = await startForwardingProxy(dynamoDb);
  const s3Proxy = await startForwardingProxy(s3);
  note(
    `starting the local cloud in its own process (${config.rounds} rounds of ${config.orders} orders, seed ${config.seed})`,
  );
  const cloud = await CloudProcess.start({
    dynamoDbEndpoint: dynamoDbProxy.url,
    s3Endpoint: s3Proxy.url,
    webhookSecret,
  });
  dynamoDbProxy.target = cloud.ready.endpoints.dynamodb;
  s3Proxy.target = cloud.ready.endpoints.s3;
  for (const fn of cloud.ready.functions) architectureOf.set(fn.functionId, fn.architecture);
  const cloudStartMs = performance.now() - runStarted;
  note(
    `local cloud up in ${(cloudStartMs / 1000).toFixed(1)} s at ${cloud.url} (pid ${cloud.pid}, DynamoDB Local pid ${cloud.dynamoDbPid() ?? '?'})`,
  );
  const api = new Api(cloud.url);
  const watcher = new OrderWatcher(cloud);
  let result: Result;
  let samples: unknown;
  try {
    let started = performance.now();
    const network = buildDemoNetwork();
    for (const row of network.stock) row.onHand = stockPerRow;
    const demoProducts = [...network.products];
    const parcelProducts = addSplitProducts(network, maxParcels, stockPerRow);
    note(
      `seeding over HTTP: ${network.locations.length} locations, ${network.products.length} products, ${network.stock.length} stock rows`,
    );
    await seedNetwork(cloud.url, network, { concurrency: 8 });
    const seedMs = performance.now() - started;
    started = performance.now();
    const preloaded = await cloud.preload();
    note(
      `seeded in ${(seedMs / 1000).toFixed(1)} s; imported ${preloaded.functions} handlers in ${(preloaded.ms / 1000).toFixed(1)} s`,
    );

    const bodies = homeOrders(
      demoProducts,
      Math.max(config.orders + config.ordersC1, config.journeys, config.profileOrders),
      config.seed,
    );
    // Warm-up, not in any figure: JIT, connection pools, DynamoDB Local's first queries.
    const warm = progressBar('warm-up', 500 + warmupJourneys + warmupOrders);
    await timedHealth(api, 500, 8, warm);
    for (let i = 0; i < warmupJourneys; i++) {
      await deliverOne(
        api,
        watcher,
        webhookSecret,
        `WARM-J${i}`,
        bodies[i % bodies.length] as OrderBody,
        () => cloud.settle(quietMs),
      );
      warm.tick();
    }
    await pool(warmupOrders, 8, async (i) => {
      await placeAndAllocate(api, watcher, `WARM-${i}`, bodies[i % bodies.length] as OrderBody);
      warm.tick();
    });
    warm.done();

    const rounds = await measureRounds(cloud, api, watcher, dynamoDb, bodies);
    const plan = [
      ...Array.from({ length: config.journeys }, (_, i) => ({
        family: 'demo' as const,
        orderId: `J-${i}`,
        body: bodies[i] as OrderBody,
      })),
      ...[1, 2, 3].flatMap((n) =>
        Array.from({ length: config.parcelJourneys }, (_, i) => ({
          family: 'parcels' as const,
          orderId: `P${n}-${i}`,
          body: parcelOrder(parcelProducts.slice(0, n)),
        })),
      ),
    ];
    const { journeys, demoCpu } = await measureJourneys(cloud, api, watcher, { dynamoDb, s3 }, plan);
    const profile =
      config.profileOrders > 0 ? await profileLoad(cloud, api, watcher, dynamoDb, bodies) : undefined;
    result = report(
      rounds,
      journeys,
      demoCpu,
      profile,
      {
        cloudStartMs: round(cloudStartMs, 0),
        seedMs: round(seedMs, 0),
        handlerImportMs: round(preloaded.ms, 0),
      },
      performance.now() - runStarted,
    );
    samples = {
      health: rounds.map((r) => r.health.ms.map((ms) => round(ms))),
      c1: rounds.map((r) => r.c1.samples),
      c8: rounds.map((r) => r.c8.samples),
      journeys: journeys.map((j) => ({
        family: j.family,
        ...j.sample,
        transitions: j.transitions,
        invocations: j.invocations,
      })),
    };
    writeCharts(result, rounds, journeys);
  } finally {
    note('stopping the local cloud');
    watcher.stop();
    await cloud.stop();
    await dynamoDbProxy.close();
    await s3Proxy.close();
  }

  mkdirSync(resultsDir, { recursive: true });
  const previous = existsSync(resultsFile)
    ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Partial<ResultsFile>)
    : {};
  const before = args['record-before'] ? result : previous.before;
  const file: ResultsFile = {
    about:
      '`before`: the figures recorded with `npm run bench:journey -- --record-before` (the code before the issue 6 refactor); `current`: the latest `npm run bench:journey`. Same shape; `figures` holds the headline.',
    ...(before ? { before } : {}),
    current: result,
  };
  writeFileSync(resultsFile, `${JSON.stringify(file, null, 2)}\n`);
  writeFileSync(join(resultsDir, 'journey-samples.json'), `${JSON.stringify(samples)}\n`);
  writeComparison(before, result);
  process.stdout.write(sideBySide(before, result));
}

function writeCharts(result: Result, rounds: Round[], journeys: Journey[]) {
  mkdirSync(resultsDir, { recursive: true });
  const svg = renderLatencyChart(
    'Relais order journey on the local cloud',
    `${result.measuredAt.slice(0, 16).replace('T', ' ')} UTC · ${result.machine.cores} cores · Node ${result.machine.node} · commit ${result.commit.product} · ${result.config.rounds} rounds`,
    [
      { label: 'GET /health c8 (baseline)', samples: rounds.flatMap((r) => r.health.ms), colour: '#6b7280' },
      {
        label: 'POST /orders, c1',
        samples: rounds.flatMap((r) => r.c1.samples.map((s) => s.intakeMs)),
        colour: '#2563eb',
      },
      {
        label: 'POST /orders, c8',
        samples: rounds.flatMap((r) => r.c8.samples.map((s) => s.intakeMs)),
        colour: '#1e3a8a',
      },
      {
        label: 'to ALLOCATED, c1',
        samples: rounds.flatMap((r) => r.c1.samples.map((s) => s.allocationMs)),
        colour: '#16a34a',
      },
      {
        label: 'to ALLOCATED, c8',
        samples: rounds.flatMap((r) => r.c8.samples.map((s) => s.allocationMs)),
        colour: '#14532d',
      },
      {
        label: 'to DELIVERED, c1',
        samples: journeys.filter((j) => j.family === 'demo').map((j) => j.sample.deliveredMs),
        colour: '#c2410c',
      },
    ],
  );
  writeFileSync(join(resultsDir, 'journey.svg'), svg);
}

function writeComparison(before: Result | undefined, current: Result) {
  const svg = renderComparisonChart(before, current);
  writeFileSync(join(resultsDir, 'journey-figures.svg'), svg);
  writePng(svg, join(resultsDir, 'journey-figures.png'));
}

if (args['charts-only']) {
  const file = JSON.parse(readFileSync(resultsFile, 'utf8')) as ResultsFile;
  writeComparison(file.before, file.current);
  process.stdout.write(sideBySide(file.before, file.current));
  process.exit(0);
}

main().then(
  () => {
    // the cloud process is gone; exit even if a keep-alive socket lingers
    setTimeout(() => process.exit(), 200).unref();
  },
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
