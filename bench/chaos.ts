/**
 * `npm run bench:chaos [-- --rate 0.05 --orders 60 --concurrency 4 --seed 1 --faults throttle,conflict,lost-answer]`:
 * the order journey on the local cloud with random faults in its DynamoDB traffic, and what became
 * of every order.
 *
 * The cloud runs in its own process (bench/lib/cloud-host.ts, as for `npm run bench`), its handlers'
 * DynamoDB calls through a fault-injecting proxy (bench/lib/dynamodb-faults.ts): each call fails with
 * probability `rate`, with throttling (`ProvisionedThroughputExceededException`), a transaction
 * cancelled by `TransactionConflict`, or an answer lost after the write was applied (a 500, as a
 * timeout looks to the SDK). The SDK's own retries are on, as on AWS. Demo orders are driven over
 * HTTP by their actors (most confirmed and delivered, some cancelled, some refused by their first
 * location), who retry a 5xx as clients do. Then the faults stop, every order still under way is
 * driven to its end, and the run counts:
 * - completed (DELIVERED), compensated (REJECTED or CANCELLED, every reservation released);
 * - waiting: an order whose workflow still waits (for a pick, a carrier), legitimately;
 * - stranded: an order whose workflow ended while the order did not, a unit reserved for no live
 *   shipment, or on hand that differs from what left in parcels. It must be 0.
 *
 * Writes bench/results/chaos.json and chaos.svg/.png; progress on stderr, the summary on stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { buildDemoNetwork } from '../local/demo/network.ts';
import { mulberry32 } from '../local/demo/random.ts';
import { seedNetwork } from '../local/seed.ts';
import { step as note, progressBar } from '../tools/progress.ts';
import { Api, pool } from './driver.ts';
import {
  type Behaviour,
  type ChaosOrder,
  chaosJourney,
  type JourneyResult,
  terminalStatuses,
} from './lib/chaos-journey.ts';
import { barPanel, svgDocument } from './lib/chart.ts';
import { CloudProcess } from './lib/cloud-process.ts';
import { type DynamoDbFault, DynamoDbFaultInjector, dynamoDbFaults } from './lib/dynamodb-faults.ts';
import { startForwardingProxy } from './lib/forwarding-proxy.ts';
import { homeOrders, type OrderBody } from './lib/journey-orders.ts';
import { machineInfo } from './lib/machine.ts';
import { writePng } from './lib/png.ts';
import { stepFunctionsClient } from './lib/transitions.ts';

const webhookSecret = 'bench-webhook-secret';
const resultsDir = join(import.meta.dirname, 'results');
const stockPerRow = 1000;
/** units that have left their location once a shipment is in one of these */
/** a live shipment in one of these holds its lines reserved at its location */
const heldStatuses = new Set(['ALLOCATED', 'PACKED', 'READY_FOR_PICKUP']);
const leftStatuses = new Set([
  'DISPATCHED',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
  'DELIVERY_FAILED',
  'AVAILABLE_FOR_PICKUP',
  'EXCEPTION',
  'LOST',
  'RETURNED_TO_SENDER',
  'COLLECTED',
]);

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '0.05' },
    orders: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    faults: { type: 'string', default: dynamoDbFaults.join(',') },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(
    `npm run bench:chaos -- [--rate 0.05] [--orders 60] [--concurrency 4] [--seed 1] [--faults ${dynamoDbFaults.join(',')}]`,
  );
  process.exit(0);
}
const rate = Number(args.rate);
const orders = Number(args.orders);
const concurrency = Number(args.concurrency);
const seed = Number(args.seed);
const faults = String(args.faults)
  .split(',')
  .map((f) => f.trim()) as DynamoDbFault[];
if (!(rate >= 0 && rate < 1)) throw new Error(`--rate must be in [0, 1), not ${args.rate}`);
for (const [name, n] of Object.entries({ orders, concurrency, seed }))
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
for (const fault of faults)
  if (!dynamoDbFaults.includes(fault))
    throw new Error(`unknown fault ${fault} (${dynamoDbFaults.join(', ')})`);

/** Who does what with each order: most are delivered, one in ten cancelled, one in ten refused once. */
function behaviours(count: number, random: () => number): Behaviour[] {
  return Array.from({ length: count }, () => {
    const r = random();
    return r < 0.1 ? 'cancel' : r < 0.2 ? 'reject-first' : 'deliver';
  });
}

type StockRows = Map<string, { onHand: number; reserved: number }>;

async function stockOf(api: Api, skus: readonly string[]): Promise<StockRows> {
  const rows: StockRows = new Map();
  for (const sku of skus) {
    const answer = await api.call('GET', `/inventory/${sku}`, 'GET /inventory/{sku}');
    if (answer.status !== 200) throw new Error(`GET /inventory/${sku}: ${answer.status}`);
    const { locations } = answer.body as {
      locations: { locationId: string; onHand: number; reserved: number }[];
    };
    for (const row of locations)
      rows.set(`${sku}@${row.locationId}`, { onHand: row.onHand, reserved: row.reserved });
  }
  return rows;
}

async function main() {
  const started = performance.now();
  const injector = new DynamoDbFaultInjector();
  const proxy = await startForwardingProxy(injector);
  note(
    `starting the local cloud in its own process, DynamoDB behind a fault proxy (rate ${rate}, ${faults.join(', ')})`,
  );
  const cloud = await CloudProcess.start({ dynamoDbEndpoint: proxy.url, webhookSecret });
  proxy.target = cloud.ready.endpoints.dynamodb;
  const machine = cloud.ready.stateMachines.find((m) => /fulfil/i.test(m.name));
  if (!machine) throw new Error('no fulfilment state machine');
  const executionArn = (orderId: string) =>
    `${machine.arn.replace(':stateMachine:', ':execution:')}:${orderId}`;
  const sfn = stepFunctionsClient(cloud.ready.endpoints.stepfunctions);
  const api = new Api(cloud.url);
  try {
    const network = buildDemoNetwork();
    for (const row of network.stock) row.onHand = stockPerRow;
    note(`seeding ${network.locations.length} locations, ${network.stock.length} stock rows (no faults yet)`);
    await seedNetwork(cloud.url, network, { concurrency: 8 });
    await cloud.preload();
    const bodies = homeOrders(network.products, orders, seed);
    const skus = [...new Set(bodies.flatMap((b) => (b.lines as { sku: string }[]).map((l) => l.sku)))];
    const before = await stockOf(api, skus);
    const plan = behaviours(orders, mulberry32(seed + 1));
    const orderId = (i: number) => `CHAOS-${seed}-${i}`;

    injector.chaos(rate, mulberry32(seed), faults);
    const bar = progressBar(`orders under faults (c${concurrency})`, orders);
    const underFaults = await pool(orders, concurrency, async (i) => {
      const result = await chaosJourney(
        api,
        sfn,
        executionArn(orderId(i)),
        webhookSecret,
        orderId(i),
        bodies[i] as OrderBody,
        plan[i] as Behaviour,
        90_000,
      );
      bar.tick();
      return result;
    });
    bar.done();
    injector.clear();
    const injected = { ...injector.injected };
    const healthyCalls = injector.healthy;
    await cloud.settle(200);

    // the faults are over: what is still under way goes on to its end
    const open = underFaults.results.filter(
      (r) => !terminalStatuses.has(r.status) && r.execution === 'RUNNING',
    );
    note(`${open.length} orders still under way once the faults stopped: driven on without faults`);
    const drained = new Map<string, JourneyResult>();
    for (const r of open) {
      const i = Number(r.orderId.split('-').at(-1));
      drained.set(
        r.orderId,
        await chaosJourney(
          api,
          sfn,
          executionArn(r.orderId),
          webhookSecret,
          r.orderId,
          bodies[i] as OrderBody,
          r.behaviour,
          60_000,
        ),
      );
    }
    await cloud.settle(200);

    // what became of each order, read with no fault
    const final = await pool(orders, 4, async (i) => {
      const id = orderId(i);
      const order = (await api.call('GET', `/orders/${id}`, 'GET /orders/{orderId}')).body as ChaosOrder;
      const { status: execution = 'UNKNOWN' } = await sfn.send(
        new DescribeExecutionCommand({ executionArn: executionArn(id) }),
      );
      return { order, execution };
    });
    const outcome = (o: ChaosOrder, execution: string) =>
      o.status === 'DELIVERED'
        ? 'completed'
        : o.status === 'REJECTED' || o.status === 'CANCELLED'
          ? 'compensated'
          : execution === 'RUNNING'
            ? 'waiting'
            : 'stranded';
    const counts = { completed: 0, compensated: 0, waiting: 0, stranded: 0 };
    const strandedOrders: string[] = [];
    const waitingOrders: string[] = [];
    for (const { order, execution } of final.results) {
      const kind = outcome(order, execution);
      counts[kind]++;
      const seen = `${order.orderId} ${order.status} (execution ${execution}; shipments ${order.shipments.map((sh) => sh.status).join(', ')})`;
      if (kind === 'stranded') strandedOrders.push(seen);
      if (kind === 'waiting') waitingOrders.push(seen);
    }
    const failedExecutions = final.results.filter((r) => r.execution === 'FAILED').length;

    // stock: nothing reserved once every order has ended, on hand down by exactly what left
    const after = await stockOf(api, skus);
    const left = new Map<string, number>();
    for (const { order } of final.results)
      for (const shipment of order.shipments)
        if (leftStatuses.has(shipment.status))
          for (const line of shipment.lines)
            left.set(
              `${line.sku}@${shipment.locationId}`,
              (left.get(`${line.sku}@${shipment.locationId}`) ?? 0) + line.quantity,
            );
    // an order still waiting holds the units of its shipments not yet gone: nothing else may be reserved
    const held = new Map<string, number>();
    for (const { order } of final.results)
      if (!terminalStatuses.has(order.status))
        for (const shipment of order.shipments)
          if (heldStatuses.has(shipment.status))
            for (const line of shipment.lines) {
              const row = `${line.sku}@${shipment.locationId}`;
              held.set(row, (held.get(row) ?? 0) + line.quantity);
            }
    const stockDiscrepancies: string[] = [];
    let unitsReserved = 0;
    for (const [row, now] of after) {
      const was = before.get(row) ?? { onHand: 0, reserved: 0 };
      const reservedLeft = now.reserved - was.reserved - (held.get(row) ?? 0);
      if (reservedLeft !== 0) {
        unitsReserved += reservedLeft;
        stockDiscrepancies.push(`${row}: ${reservedLeft} reserved for no live shipment`);
      }
      const shipped = was.onHand - now.onHand;
      if (shipped !== (left.get(row) ?? 0))
        stockDiscrepancies.push(`${row}: on hand down ${shipped}, parcels took ${left.get(row) ?? 0}`);
    }
    const stranded = counts.stranded + stockDiscrepancies.length;
    const serverErrors = [...underFaults.results, ...drained.values()].reduce(
      (n, r) => n + r.serverErrors,
      0,
    );
    const injectedTotal = Object.values(injected).reduce((n, v) => n + v, 0);
    const byFault = Object.fromEntries(
      faults.map((f) => [
        f,
        Object.entries(injected)
          .filter(([k]) => k.startsWith(`${f} `))
          .reduce((n, [, v]) => n + v, 0),
      ]),
    );

    const result = {
      measuredAt: new Date().toISOString(),
      machine: machineInfo(),
      config: { rate, orders, concurrency, seed, faults },
      figures: {
        ordersCompleted: counts.completed,
        ordersCompensated: counts.compensated,
        ordersWaiting: counts.waiting,
        ordersStranded: counts.stranded,
        stockDiscrepancies: stockDiscrepancies.length,
        unitsLeftReserved: unitsReserved,
        stranded,
        executionsFailed: failedExecutions,
        stillOpenWhenFaultsStopped: open.length,
      },
      faults: {
        injected: injectedTotal,
        dynamoDbCalls: injectedTotal + healthyCalls,
        byFault,
        byOperation: injected,
        clientRetriesOn5xx: serverErrors,
      },
      behaviours: Object.fromEntries(
        (['deliver', 'cancel', 'reject-first'] as const).map((b) => [b, plan.filter((p) => p === b).length]),
      ),
      strandedOrders,
      waitingOrders,
      stockDiscrepancies,
      outcomes: final.results.map(({ order, execution }, i) => ({
        orderId: order.orderId,
        behaviour: plan[i],
        status: order.status,
        execution,
      })),
      runtimeMs: Math.round(performance.now() - started),
    };
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'chaos.json'), `${JSON.stringify(result, null, 2)}\n`);
    const svg = chaosChart(result);
    writeFileSync(join(resultsDir, 'chaos.svg'), svg);
    writePng(svg, join(resultsDir, 'chaos.png'));
    process.stdout.write(
      [
        '',
        `chaos run: ${orders} orders, ${injectedTotal} faults in ${injectedTotal + healthyCalls} DynamoDB calls (rate ${rate}: ${Object.entries(
          byFault,
        )
          .map(([f, n]) => `${f} ${n}`)
          .join(', ')})`,
        `  completed ${counts.completed}, compensated ${counts.compensated}, waiting ${counts.waiting}, stranded ${stranded} (orders ${counts.stranded}, stock discrepancies ${stockDiscrepancies.length})`,
        `  executions FAILED (visible): ${failedExecutions}; still under way when the faults stopped: ${open.length}; client retries on 5xx: ${serverErrors}`,
        ...strandedOrders.map((o) => `  stranded: ${o}`),
        ...waitingOrders.map((o) => `  waiting: ${o}`),
        ...stockDiscrepancies.map((d) => `  stock: ${d}`),
        `  run time ${(result.runtimeMs / 1000).toFixed(0)} s; results: bench/results/chaos.json, chaos.svg/.png`,
        '',
      ].join('\n'),
    );
    if (stranded > 0) process.exitCode = 1;
  } finally {
    note('stopping the local cloud');
    await cloud.stop();
    await proxy.close();
  }
}

function chaosChart(result: {
  measuredAt: string;
  config: { rate: number; orders: number; seed: number };
  figures: Record<string, number>;
  faults: { byFault: Record<string, number>; injected: number; dynamoDbCalls: number };
}) {
  const f = result.figures;
  const outcomes = barPanel(
    { x: 24, y: 80, width: 960, height: 260 },
    `What became of ${result.config.orders} orders`,
    'orders',
    [
      { label: 'completed', value: f.ordersCompleted ?? 0, colour: '#16a34a', note: 'DELIVERED' },
      {
        label: 'compensated',
        value: f.ordersCompensated ?? 0,
        colour: '#2563eb',
        note: 'REJECTED or CANCELLED, released',
      },
      { label: 'waiting', value: f.ordersWaiting ?? 0, colour: '#a3a3a3', note: 'workflow still waiting' },
      { label: 'stranded', value: f.stranded ?? 0, colour: '#dc2626', note: 'orders + stock discrepancies' },
    ],
    (v) => v.toFixed(0),
  );
  const injected = barPanel(
    { x: 24, y: 370, width: 960, height: 220 },
    `Faults injected: ${result.faults.injected} of ${result.faults.dynamoDbCalls} DynamoDB calls`,
    'faults',
    Object.entries(result.faults.byFault).map(([fault, n], i) => ({
      label: fault,
      value: n,
      colour: ['#f59e0b', '#a855f7', '#0ea5e9'][i % 3] as string,
    })),
    (v) => v.toFixed(0),
  );
  return svgDocument(
    1000,
    620,
    `Chaos run of the order journey: faults at rate ${result.config.rate} in DynamoDB traffic`,
    `${result.measuredAt.slice(0, 16).replace('T', ' ')} UTC · seed ${result.config.seed} · SDK retries on · ${f.executionsFailed} executions FAILED (visible)`,
    [outcomes, injected],
  );
}

main().then(
  () => setTimeout(() => process.exit(), 200).unref(),
  (error: unknown) => {
    console.error('chaos bench failed:', error);
    process.exit(1);
  },
);
