/**
 * Reservation benchmark (`npm run bench:reservations`): multi-line orders reserved through the
 * repository against DynamoDB Local by 32 concurrent clients on contended SKUs, and bare conditional
 * UpdateItems on the same stock rows in the same run. Writes bench/results/reservations.json and
 * reservations.png; progress on stderr, the summary on stdout.
 *
 *   tsx bench/reservations.ts [--orders 2000] [--clients 32] [--seed 20250311] [--warmup 300]
 *
 * A reservation is the write functions/steps/reserve-stock.ts makes once the order exists and is
 * planned: ONE TransactWriteItems through saveOrder holding the allocated order, a `reserve`
 * movement per line, the shipment index items and, per shipment, the location's daily capacity
 * counter: all or nothing. A second set of orders is reserved without the capacity counters, to
 * show what they cost. A stock refusal re-sources the refused SKUs to their next location (at most
 * three attempts, then the order is rejected); a transaction cancelled by a concurrent one is
 * retried, as the workflow's Retry would.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { capacityDay } from '../functions/core/inventory/capacity.ts';
import { allocate, receiveOrder, recordSourcing, shipmentsFromPlan } from '../functions/core/orders/order.ts';
import type { Order, OrderLine } from '../functions/core/orders/types.ts';
import type { PlannedShipment, SourcingExplanation } from '../functions/core/sourcing/types.ts';
import { ReservationConflict, VersionConflict } from '../functions/shared/errors.ts';
import { projectRoot } from '../lib/paths.ts';
import { mulberry32 } from '../local/demo/random.ts';
import { progressBar, step } from '../tools/progress.ts';
import { barPanel, svgDocument } from './lib/chart.ts';
import { machineInfo } from './lib/machine.ts';
import { writePng } from './lib/png.ts';
import { latency, round } from './lib/stats.ts';
import { startBenchTables } from './lib/tables.ts';

const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '2000' },
    clients: { type: 'string', default: '32' },
    seed: { type: 'string', default: '20250311' },
    warmup: { type: 'string', default: '300' },
  },
});
const orderCount = Number(args.orders);
const clients = Number(args.clients);
const seed = Number(args.seed);
const warmupOrders = Number(args.warmup);
const resultsDir = join(projectRoot, 'bench', 'results');
const started = performance.now();
/** Taken before the work starts: the load average shows whether something else was running. */
const machine = machineInfo();

// ---------------------------------------------------------------------------------------------------
// The network: a few hot SKUs at three locations, scarce SKUs that run out mid-run, a cold range.

const DAILY_CAPACITY: Record<string, number> = {
  'WH-PARIS': 50_000,
  'WH-LYON': 50_000,
  'WH-BORDEAUX': 50_000,
  'ST-PARIS-01': 5_000,
  'ST-LYON-01': 5_000,
  'ST-MARSEILLE-01': 5_000,
  'ST-LILLE-01': 5_000,
  'ST-NANTES-01': 5_000,
};
const LOCATIONS = Object.keys(DAILY_CAPACITY);
const HOT_LOCATIONS = ['WH-PARIS', 'WH-LYON', 'ST-PARIS-01'];
const HOT_SKUS = ['HOT-1', 'HOT-2', 'HOT-3', 'HOT-4'];
const SCARCE_LOCATIONS = ['WH-PARIS', 'ST-PARIS-01'];
const SCARCE_UNITS = 40;
const COLD_SKUS = Array.from({ length: 300 }, (_, i) => `COLD-${String(i + 1).padStart(3, '0')}`);
const WARM_SKUS = Array.from({ length: 20 }, (_, i) => `WARM-${String(i + 1).padStart(2, '0')}`);
const PLENTY = 1_000_000;

interface Variant {
  name: 'reserveStep' | 'withoutCapacityCounters';
  prefix: string;
  capacityCounters: boolean;
  scarce: string[];
}
const variants: Variant[] = [
  { name: 'reserveStep', prefix: 'RES', capacityCounters: true, scarce: ['SCARCE-A1', 'SCARCE-A2'] },
  {
    name: 'withoutCapacityCounters',
    prefix: 'NOCAP',
    capacityCounters: false,
    scarce: ['SCARCE-B1', 'SCARCE-B2'],
  },
];

interface Row {
  sku: string;
  locationId: string;
  onHand: number;
  safetyStock: number;
}
const rows: Row[] = [
  ...HOT_SKUS.flatMap((sku) =>
    HOT_LOCATIONS.map((locationId) => ({ sku, locationId, onHand: PLENTY, safetyStock: 2 })),
  ),
  ...variants.flatMap((v) =>
    v.scarce.flatMap((sku) =>
      SCARCE_LOCATIONS.map((locationId) => ({ sku, locationId, onHand: SCARCE_UNITS, safetyStock: 0 })),
    ),
  ),
  ...[...COLD_SKUS, ...WARM_SKUS].flatMap((sku) =>
    LOCATIONS.map((locationId) => ({ sku, locationId, onHand: PLENTY, safetyStock: 0 })),
  ),
];
const locationsOf = (sku: string) =>
  sku.startsWith('HOT') ? HOT_LOCATIONS : sku.startsWith('SCARCE') ? SCARCE_LOCATIONS : LOCATIONS;
const rowKey = (sku: string, locationId: string) => `${sku}@${locationId}`;

// ---------------------------------------------------------------------------------------------------
// The orders: 3 to 5 lines; 80% hold a hot SKU, 15% a scarce one; one location ships what it stocks.

interface BenchReservation {
  order: Order;
  /** where the plan sends every line that location stocks */
  home: string;
}

function makeOrders(
  count: number,
  prefix: string,
  random: () => number,
  skus: { hot: readonly string[]; scarce: readonly string[]; cold: readonly string[] },
): BenchReservation[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const now = new Date();
  return Array.from({ length: count }, (_, i) => {
    const size = 3 + Math.floor(random() * 3);
    const chosen = new Set<string>();
    if (random() < 0.8) chosen.add(pick(skus.hot));
    if (skus.scarce.length > 0 && random() < 0.15) chosen.add(pick(skus.scarce));
    while (chosen.size < size) chosen.add(pick(skus.cold));
    const lines: OrderLine[] = [...chosen].map((sku) => ({ sku, quantity: random() < 0.8 ? 1 : 2 }));
    const home = random() < 0.7 ? pick(HOT_LOCATIONS) : pick(LOCATIONS);
    const received = receiveOrder(
      {
        orderId: `${prefix}-${String(i + 1).padStart(6, '0')}`,
        channel: 'web',
        customer: { id: `C-${i + 1}` },
        delivery: {
          mode: 'home',
          address: {
            line1: '1 rue de la Paix',
            postcode: '75002',
            city: 'Paris',
            country: 'FR',
            lat: 48.869,
            lon: 2.331,
          },
        },
        lines,
      },
      now,
    );
    const plan = planOf({ order: received, home }, 0, new Set());
    // Planned before it is reserved: the order carries its sourcing record, as in the workflow.
    return { order: recordSourcing(received, 0, explanationOf(plan)), home };
  });
}

/** An attempt's plan: each line at the home location if it stocks the SKU, else at the SKU's first location. */
function planOf(
  reservation: BenchReservation,
  attempt: number,
  refused: ReadonlySet<string>,
): PlannedShipment[] {
  const byLocation = new Map<string, OrderLine[]>();
  for (const line of reservation.order.lines) {
    const places = locationsOf(line.sku);
    const start = Math.max(0, places.indexOf(reservation.home));
    const locationId = places[(start + (refused.has(line.sku) ? attempt : 0)) % places.length] as string;
    byLocation.set(locationId, [
      ...(byLocation.get(locationId) ?? []),
      { sku: line.sku, quantity: line.quantity },
    ]);
  }
  return [...byLocation].map(([locationId, lines]) => ({
    locationId,
    lines,
    distanceKm: 0,
    weightKg: 0,
    cost: 0,
  }));
}

function explanationOf(plan: PlannedShipment[]): SourcingExplanation {
  return {
    strategy: 'benchmark',
    candidates: LOCATIONS.length,
    excluded: [],
    chosen: plan.map((s) => ({
      locationId: s.locationId,
      distanceKm: 0,
      skus: s.lines.map((l) => l.sku),
      cost: 0,
    })),
    costTerms: { shipping: 0, parcels: 0, handling: 0 },
  };
}

/** Runs `work` over `items` with `clients` concurrent loops; the wall time in ms. */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>, onDone: () => void) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
        onDone();
      }
    }),
  );
  return performance.now() - t0;
}

// ---------------------------------------------------------------------------------------------------

step(`Reservation benchmark: ${orderCount} orders per variant, ${clients} concurrent clients, seed ${seed}`);
const bootStarted = performance.now();
const { dynamodb, tables } = await startBenchTables();
step(
  `  DynamoDB Local on ${dynamodb.endpoint} (pid ${dynamodb.pid}), tables ready in ${((performance.now() - bootStarted) / 1000).toFixed(1)} s`,
);
try {
  const { createOrder, saveOrder } = await import('../functions/adapters/order-store.ts');
  const { putCount } = await import('../functions/adapters/inventory-store.ts');
  const { capacityMovement } = await import('../functions/adapters/capacity-store.ts');
  const { documentClient } = await import('../functions/adapters/dynamodb.ts');
  const { keys } = await import('../functions/adapters/keys.ts');
  const inventoryTable = tables.INVENTORY_TABLE as string;

  async function seedStock(label: string) {
    const bar = progressBar(label, rows.length);
    await inParallel(
      rows,
      async (row) => void (await putCount(row)),
      () => bar.tick(),
    );
    bar.done();
  }

  /** One bare conditional UpdateItem: the floor any reservation on these rows stands on. */
  async function rawReserve(sku: string, locationId: string, quantity: number): Promise<boolean> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: inventoryTable,
          Key: keys.stock(sku, locationId),
          UpdateExpression: 'SET available = available - :q',
          ConditionExpression: 'available >= :q',
          ExpressionAttributeValues: { ':q': quantity },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  const ledger = new Map<string, number>();
  interface Tally {
    reserved: number;
    reservedLines: number;
    rejected: number;
    stockConflicts: number;
    transactionRetries: number;
    resourced: number;
    ms: number[];
  }
  const newTally = (): Tally => ({
    reserved: 0,
    reservedLines: 0,
    rejected: 0,
    stockConflicts: 0,
    transactionRetries: 0,
    resourced: 0,
    ms: [],
  });

  /** reserve-stock.ts from the plan on: allocate, then one saveOrder with every movement, all or nothing. */
  async function reserve(reservation: BenchReservation, variant: Variant, tally: Tally | undefined) {
    const refused = new Set<string>();
    const t0 = performance.now();
    const day = capacityDay(new Date());
    for (let attempt = 0; attempt < 3; attempt++) {
      const plan = planOf(reservation, attempt, refused);
      const shipments = shipmentsFromPlan(reservation.order, plan);
      const allocated = allocate(reservation.order, shipments, new Date());
      const stock = shipments.flatMap((s) =>
        s.lines.map((line) => ({ kind: 'reserve' as const, locationId: s.locationId, ...line })),
      );
      const conditions = variant.capacityCounters
        ? shipments.map((s) => capacityMovement(s.locationId, day, DAILY_CAPACITY[s.locationId] as number))
        : [];
      for (let tries = 1; ; tries++) {
        try {
          await saveOrder({
            order: allocated,
            stock,
            shipmentPointers: shipments.map((s) => s.shipmentId),
            conditions,
          });
          if (!tally) return;
          tally.ms.push(performance.now() - t0);
          tally.reserved++;
          tally.reservedLines += stock.length;
          if (attempt > 0) tally.resourced++;
          for (const m of stock) {
            const key = rowKey(m.sku, m.locationId);
            ledger.set(key, (ledger.get(key) ?? 0) + m.quantity);
          }
          return;
        } catch (error) {
          // cancelled by a concurrent transaction on the same items: transient, retried
          if (error instanceof VersionConflict && tries < 100) {
            if (tally) tally.transactionRetries++;
            await new Promise((r) => setTimeout(r, Math.random() * 4 * Math.min(tries, 5)));
            continue;
          }
          if (!(error instanceof ReservationConflict)) throw error;
          if (tally) tally.stockConflicts++;
          // Re-sourcing re-reads the stock and moves the refused lines; here: the scarce ones.
          for (const line of reservation.order.lines)
            if (line.sku.startsWith('SCARCE')) refused.add(line.sku);
          break;
        }
      }
    }
    if (tally) tally.rejected++;
  }

  const random = mulberry32(seed);
  const warm = makeOrders(warmupOrders, 'WARM', random, {
    hot: WARM_SKUS.slice(0, 2),
    scarce: [],
    cold: WARM_SKUS.slice(2),
  });
  const measured = new Map(
    variants.map((v) => [
      v,
      makeOrders(orderCount, v.prefix, random, { hot: HOT_SKUS, scarce: v.scarce, cold: COLD_SKUS }),
    ]),
  );
  const primary = variants[0] as Variant;
  const movements = (measured.get(primary) ?? []).flatMap((r) =>
    planOf(r, 0, new Set()).flatMap((s) => s.lines.map((l) => ({ ...l, locationId: s.locationId }))),
  );

  await seedStock('seed stock rows');
  {
    const all = [...warm, ...[...measured.values()].flat()];
    const bar = progressBar('create orders (untimed)', all.length);
    await inParallel(
      all,
      async (r) => {
        if (!(await createOrder(r.order))) throw new Error(`order ${r.order.orderId} exists already`);
      },
      () => bar.tick(),
    );
    bar.done();
  }
  {
    const warmMoves = warm.flatMap((r) => r.order.lines.map((l) => ({ ...l, locationId: r.home })));
    const bar = progressBar('warm-up (untimed)', warm.length + warmMoves.length);
    await inParallel(
      warmMoves,
      async (m) => void (await rawReserve(m.sku, m.locationId, m.quantity)),
      () => bar.tick(),
    );
    await inParallel(
      warm,
      (r) => reserve(r, primary, undefined),
      () => bar.tick(),
    );
    bar.done();
  }

  // Bare conditional updates on the rows the reservations will use (the first attempt's lines of
  // the reserve-step orders); absolute counts then put the rows back (available from on hand).
  let rawSucceeded = 0;
  let rawRefused = 0;
  const rawBar = progressBar('raw conditional updates', movements.length);
  const rawMs = await inParallel(
    movements,
    async (m) => {
      if (await rawReserve(m.sku, m.locationId, m.quantity)) rawSucceeded++;
      else rawRefused++;
    },
    () => rawBar.tick(),
  );
  rawBar.done();
  await seedStock('restore stock rows');

  const tallies = new Map<Variant, { tally: Tally; wallMs: number }>();
  for (const variant of variants) {
    const list = measured.get(variant) ?? [];
    const tally = newTally();
    const bar = progressBar(
      variant.capacityCounters ? 'reserve step' : 'reserve, no cap. counters',
      list.length,
    );
    const wallMs = await inParallel(
      list,
      (r) => reserve(r, variant, tally),
      () => bar.tick(),
    );
    bar.done();
    tallies.set(variant, { tally, wallMs });
  }

  // After the run: every stock row, checked against the rules and against what was reserved.
  type StoredRow = Row & { reserved: number; available: number };
  const stored: StoredRow[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new ScanCommand({ TableName: inventoryTable, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    for (const item of page.Items ?? [])
      if (String(item.SK).startsWith('LOC#')) stored.push(item as StoredRow);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const measuredRows = stored.filter((r) => !r.sku.startsWith('WARM'));
  const oversold = measuredRows.filter((r) => r.reserved > r.onHand || r.available < 0).length;
  const availableInconsistent = measuredRows.filter(
    (r) => r.available !== r.onHand - r.reserved - r.safetyStock,
  ).length;
  const reservedDiffersFromLedger = measuredRows.filter(
    (r) => r.reserved !== (ledger.get(rowKey(r.sku, r.locationId)) ?? 0),
  ).length;
  const scarceRows = measuredRows
    .filter((r) => r.sku.startsWith('SCARCE'))
    .map((r) => ({
      row: rowKey(r.sku, r.locationId),
      onHand: r.onHand,
      reserved: r.reserved,
      available: r.available,
    }));

  const rawSeconds = rawMs / 1000;
  const rawConditionalUpdatesPerSec = rawSucceeded / rawSeconds;
  const figuresOf = (variant: Variant) => {
    const { tally, wallMs } = tallies.get(variant) as { tally: Tally; wallMs: number };
    const seconds = wallMs / 1000;
    const linesPerSec = tally.reservedLines / seconds;
    return {
      reservationsPerSec: round(tally.reserved / seconds, 1),
      reservedLinesPerSec: round(linesPerSec, 1),
      ratio: round(linesPerSec / rawConditionalUpdatesPerSec, 3),
      orders: orderCount,
      reserved: tally.reserved,
      reservedLines: tally.reservedLines,
      linesPerOrder: round(tally.reservedLines / Math.max(1, tally.reserved), 2),
      rejected: tally.rejected,
      stockConflicts: tally.stockConflicts,
      resourcedAfterConflict: tally.resourced,
      transactionRetries: tally.transactionRetries,
      wallSeconds: round(seconds, 2),
      latencyPerReservation: latency(tally.ms),
    };
  };
  const main = figuresOf(primary);
  const result = {
    benchmark: 'reservations',
    generatedAt: new Date().toISOString(),
    seed,
    clients,
    reservationsPerSec: main.reservationsPerSec,
    reservedLinesPerSec: main.reservedLinesPerSec,
    rawConditionalUpdatesPerSec: round(rawConditionalUpdatesPerSec, 1),
    ratio: main.ratio,
    oversold,
    conflicts: main.stockConflicts,
    retries: main.transactionRetries,
    rejected: main.rejected,
    variants: Object.fromEntries(variants.map((v) => [v.name, figuresOf(v)])),
    raw: {
      updates: movements.length,
      succeeded: rawSucceeded,
      refusedByCondition: rawRefused,
      wallSeconds: round(rawSeconds, 2),
    },
    checks: {
      stockRows: measuredRows.length,
      oversold,
      availableInconsistent,
      reservedDiffersFromLedger,
      scarceRows,
    },
    method: {
      stock: `${HOT_SKUS.length} hot SKUs at ${HOT_LOCATIONS.length} locations (${HOT_SKUS.length * HOT_LOCATIONS.length} rows), per variant ${variants[0]?.scarce.length} scarce SKUs of ${SCARCE_UNITS} units at ${SCARCE_LOCATIONS.length} locations, ${COLD_SKUS.length} cold SKUs at ${LOCATIONS.length} locations`,
      orders:
        '3 to 5 lines, 80% with one hot SKU, 15% with a scarce one; one location ships every line it stocks (a hot location for 70% of orders)',
      reservation:
        'orders created first (createOrder, untimed); timed: allocate + saveOrder({order, stock: one reserve movement per line, shipmentPointers, conditions: a daily-capacity counter per shipment}) in one TransactWriteItems, the write reserve-stock.ts makes (its reads of the order and locations are not timed here); withoutCapacityCounters: the same without the counters',
      conflicts:
        'conflicts: transactions refused on stock (the scarce lines are re-sourced to their other location, 3 attempts, then rejected); retries: transactions cancelled by a concurrent one, retried after a short random backoff',
      raw: "the reserve-step orders' first-attempt lines as bare UpdateItem SET available = available - :q IF available >= :q on the same rows with the same client, before the reservations; rawConditionalUpdatesPerSec counts the updates that succeeded; absolute counts then restore the rows",
      ratio: 'reservedLinesPerSec / rawConditionalUpdatesPerSec',
      oversold: 'stock rows with reserved > onHand or available < 0 after the run',
      clients: `${clients} concurrent loops in one Node process sharing the repository's DynamoDB client`,
      dynamodb:
        'DynamoDB Local (in memory), started as the tests start it, tables from the synthesized template',
      warmupOrders,
    },
    machine,
    runSeconds: 0,
  };
  result.runSeconds = round((performance.now() - started) / 1000, 1);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'reservations.json'), `${JSON.stringify(result, null, 2)}\n`);

  const other = figuresOf(variants[1] as Variant);
  const svg = svgDocument(
    1100,
    470,
    'Relais reservations against DynamoDB Local: throughput',
    `${clients} concurrent clients · ${orderCount} multi-line orders per variant on contended SKUs · oversold ${oversold} · ${machine.cores} × ${machine.cpu}`,
    [
      barPanel(
        { x: 24, y: 80, width: 1052, height: 375 },
        `Per second, higher is better · ratio (reserved lines / raw updates) ${result.ratio}`,
        'per second',
        [
          {
            label: 'raw conditional updates',
            value: result.rawConditionalUpdatesPerSec,
            colour: '#7f7f7f',
            note: 'bare UpdateItem, one line each',
          },
          {
            label: 'reserved lines',
            value: result.reservedLinesPerSec,
            colour: '#1f77b4',
            note: `reserve step · ratio ${result.ratio}`,
          },
          {
            label: 'reservations (orders)',
            value: result.reservationsPerSec,
            colour: '#2ca02c',
            note: `${main.linesPerOrder} lines each, all or nothing`,
          },
          {
            label: 'reserved lines',
            value: other.reservedLinesPerSec,
            colour: '#9ecae1',
            note: `no capacity counters · ratio ${other.ratio}`,
          },
        ],
        (v) => v.toFixed(0),
      ),
    ],
  );
  writeFileSync(join(resultsDir, 'reservations.svg'), svg);
  writePng(svg, join(resultsDir, 'reservations.png'), 1400);

  const print = (label: string, value: string) => console.log(`${label.padEnd(34)} ${value}`);
  console.log('');
  print('reservations per second', String(result.reservationsPerSec));
  print('reserved lines per second', String(result.reservedLinesPerSec));
  print('raw conditional updates per sec', String(result.rawConditionalUpdatesPerSec));
  print('ratio', String(result.ratio));
  print('oversold rows', String(oversold));
  print(
    'conflicts / retries / rejected',
    `${main.stockConflicts} / ${main.transactionRetries} / ${main.rejected}`,
  );
  print(
    'without capacity counters',
    `${other.reservationsPerSec} orders/s, ${other.reservedLinesPerSec} lines/s, ratio ${other.ratio}, retries ${other.transactionRetries}`,
  );
  print('checks', JSON.stringify({ availableInconsistent, reservedDiffersFromLedger }));
  print('run time', `${result.runSeconds} s`);
  console.log('\nwrote bench/results/reservations.json, reservations.png and reservations.svg');
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  // DynamoDB Local's handles are unref'd: a timer keeps this process up until the JVM has exited.
  const keepAlive = setInterval(() => {}, 1000);
  await dynamodb.stop();
  clearInterval(keepAlive);
}
