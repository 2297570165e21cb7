import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Tables } from '../../functions/adapters/dynamo-tables.ts';
import { keys } from '../../functions/adapters/keys.ts';
import { capacityClaimItem, stockMovementItem } from '../../functions/adapters/stock-movements.ts';
import { conditionally, type TransactItem, writeTransaction } from '../../functions/adapters/transactions.ts';
import { allocateOrder } from '../../functions/app/allocate-order.ts';
import type { AppPorts, StoredOrder } from '../../functions/app/ports.ts';
import type { CapacityClaim } from '../../functions/core/inventory/capacity.ts';
import { movementsOf, type StockMovement } from '../../functions/core/inventory/movements.ts';
import { applyCount, type StockRow } from '../../functions/core/inventory/stock.ts';
import { liveShipments, workflowItem } from '../../functions/core/orders/order.ts';
import { NoSourcingPlan, VersionConflict } from '../../functions/shared/errors.ts';
import { progressBar } from '../../tools/progress.ts';
import type { BenchPorts } from './bench-ports.ts';
import { outboxEvents } from './outbox-events.ts';
import type { MethodFigures } from './port-meter.ts';
import { processCpuMs } from './proc.ts';
import { type BenchStockCount, benchLocations, benchStock, stockRowKey } from './reservation-world.ts';
import { latency, round } from './stats.ts';

/**
 * The phases of the reservation benchmark, each timed on its own over the same rows at the same
 * concurrency: the real allocate use case, bare conditional UpdateItems, bare TransactWriteItems of
 * the reservation's shape; and what is read back after each to check it (untimed).
 */

export interface PhaseContext extends BenchPorts {
  tables: Tables;
  clients: number;
  /** DynamoDB Local's JVM, for its CPU time */
  jvmPid: number;
  /** the preparation day every reservation of the run claims (the clock is fixed to one morning) */
  day: string;
}

/** Runs `work` over `items` with `clients` concurrent loops; the wall time in ms. */
export async function inParallel<T>(
  clients: number,
  items: readonly T[],
  work: (item: T) => Promise<void>,
  onDone: () => void = () => {},
): Promise<number> {
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

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Node's and DynamoDB Local's CPU time from this call until the returned function is called. */
function cpuMeter(jvmPid: number) {
  const node = process.cpuUsage();
  const jvm = processCpuMs(jvmPid);
  return () => {
    const spent = process.cpuUsage(node);
    const jvmNow = processCpuMs(jvmPid);
    return {
      nodeMs: (spent.user + spent.system) / 1000,
      dynamodbMs: jvm === undefined || jvmNow === undefined ? Number.NaN : jvmNow - jvm,
    };
  };
}

// ---------------------------------------------------------------------------------------------------
// Allocation through the use case

type ShipmentItem = ReturnType<typeof workflowItem>;
type Outcome =
  | { kind: 'allocated'; shipments: ShipmentItem[]; workflowRetries: number }
  | { kind: 'rejected'; reason: string; workflowRetries: number }
  | { kind: 'gaveUp'; reason: string; workflowRetries: number };

/** The workflow's Retry on VersionConflict (statemachines/fulfilment.asl.json): 5 more attempts. */
const workflowRetriesOnConflict = 5;

/**
 * `allocateOrder` as the AllocateOrder task runs it: NoSourcingPlan is a business outcome (the
 * workflow compensates); a VersionConflict the use case gave up on is retried as the workflow's
 * Retry would, after a jittered pause of milliseconds (the workflow waits ~1 s: a benchmark client
 * sitting idle for that long would measure the wait, not the work).
 */
async function allocateAsTheWorkflowDoes(ports: AppPorts, orderId: string): Promise<Outcome> {
  for (let retries = 0; ; retries++) {
    try {
      const { shipments } = await allocateOrder(ports, orderId);
      return { kind: 'allocated', shipments, workflowRetries: retries };
    } catch (error) {
      if (error instanceof NoSourcingPlan)
        return { kind: 'rejected', reason: error.message, workflowRetries: retries };
      if (!(error instanceof VersionConflict)) throw error;
      if (retries === workflowRetriesOnConflict)
        return { kind: 'gaveUp', reason: error.message, workflowRetries: retries };
      await pause(Math.random() * 10 * (retries + 1));
    }
  }
}

/** One committed reservation as read back: what the bare baselines replay on the same rows. */
export interface ReservationShape {
  order: StoredOrder;
  movements: StockMovement[];
  claims: CapacityClaim[];
  shipmentIds: string[];
}

export interface AllocationPhase {
  wallSeconds: number;
  orders: number;
  allocated: number;
  rejected: number;
  gaveUp: number;
  reservedLines: number;
  reservationsPerSec: number;
  reservedLinesPerSec: number;
  ordersDecidedPerSec: number;
  /** orders whose reservation was refused and that were sourced again: then allocated, or rejected */
  resourced: number;
  resourcedThenRejected: number;
  /** orders.save refused on stock or capacity (each is followed by a re-sourcing) */
  reservationRefusals: number;
  /** orders.save cancelled by a concurrent transaction on the same items */
  transactionConflicts: number;
  workflowRetries: number;
  latencyPerOrder: { p50Ms: number; p99Ms: number };
  /** per order decided, allocated or rejected */
  callsPerOrder: Record<string, number>;
  meanMsPerCall: Record<string, number>;
  cpuMsPerAllocatedOrder: { node: number; dynamodb: number };
  /** what the in-process ports were asked, by `port.method` (events by detail type) */
  offstage: Record<string, number>;
  checks: AllocationChecks;
  scarceRows: { row: string; onHand: number; reserved: number; available: number }[];
  shapes: ReservationShape[];
  /** stock rows the phase changed, to put back before the next phase */
  touched: string[];
}

export interface AllocationChecks {
  stockRows: number;
  oversold: number;
  availableInconsistent: number;
  reservedDiffersFromLedger: number;
  /** orders whose stored state disagrees with what the use case answered */
  ordersDifferFromAnswer: number;
  capacityCountersDifferFromShipments: number;
  capacityOverLimit: number;
  orderAllocatedEventsMissing: number;
}

/**
 * Allocates every order through the real use case with `clients` concurrent loops, then reads the
 * orders and the stock rows back and checks them against each other: the ledger is the sum of the
 * allocated orders' shipments, row by row, and must be what the rows hold.
 */
export async function allocationPhase(
  context: PhaseContext,
  label: string,
  orderIds: readonly string[],
  skus: readonly string[],
  capacityCounters: boolean,
): Promise<AllocationPhase> {
  const { ports, meter, offstage, clients } = context;
  const locationIds = benchLocations.map((l) => l.locationId);
  const capacityBefore = await ports.stock.capacityUsed(locationIds, context.day);
  meter.reset();
  offstage.clear();
  const outcomes = new Map<string, Outcome>();
  const latencies: number[] = [];
  const bar = progressBar(label, orderIds.length);
  const cpu = cpuMeter(context.jvmPid);
  const wallMs = await inParallel(
    clients,
    orderIds,
    async (orderId) => {
      const t0 = performance.now();
      outcomes.set(orderId, await allocateAsTheWorkflowDoes(ports, orderId));
      latencies.push(performance.now() - t0);
    },
    () => bar.tick(),
  );
  const spent = cpu();
  bar.done();
  const calls = meter.snapshot();
  const asked = Object.fromEntries(offstage);

  // Read back, untimed.
  const stored = new Map<string, StoredOrder>();
  await inParallel(clients, orderIds, async (orderId) => {
    const order = await ports.orders.get(orderId);
    if (order) stored.set(orderId, order);
  });
  const rows = await readRows(context, skus);
  const announced = await ordersAnnouncedAllocated(context);
  const capacityAfter = await ports.stock.capacityUsed(locationIds, context.day);

  const ledger = new Map<string, number>();
  const shipmentsAt = new Map<string, number>();
  const shapes: ReservationShape[] = [];
  let ordersDifferFromAnswer = 0;
  let resourced = 0;
  let resourcedThenRejected = 0;
  for (const orderId of orderIds) {
    const outcome = outcomes.get(orderId);
    const order = stored.get(orderId);
    const live = order ? liveShipments(order) : [];
    if (outcome?.kind !== 'allocated') {
      if (live.length > 0 || order?.status !== 'RECEIVED') ordersDifferFromAnswer++;
      if ((order?.sourcing?.attempts ?? 0) > 1) resourcedThenRejected++;
      continue;
    }
    if (
      order?.status !== 'ALLOCATED' ||
      JSON.stringify(live.map(workflowItem)) !== JSON.stringify(outcome.shipments)
    ) {
      ordersDifferFromAnswer++;
      continue;
    }
    if ((order.sourcing?.attempts ?? 0) > 1) resourced++;
    const movements = movementsOf('reserve', live);
    for (const m of movements) {
      const key = stockRowKey(m.sku, m.locationId);
      ledger.set(key, (ledger.get(key) ?? 0) + m.quantity);
    }
    const claims: CapacityClaim[] = [];
    for (const shipment of live) {
      if (!shipment.capacityDay) continue;
      shipmentsAt.set(shipment.locationId, (shipmentsAt.get(shipment.locationId) ?? 0) + 1);
      const dailyCapacity = benchLocations.find((l) => l.locationId === shipment.locationId)?.dailyCapacity;
      claims.push({
        locationId: shipment.locationId,
        day: shipment.capacityDay,
        dailyCapacity: dailyCapacity ?? 0,
      });
    }
    shapes.push({ order, movements, claims, shipmentIds: live.map((s) => s.shipmentId) });
  }

  const initial = new Map(benchStock.map((c) => [stockRowKey(c.sku, c.locationId), c]));
  const touched = rows
    .filter((r) => {
      const count = initial.get(stockRowKey(r.sku, r.locationId));
      return r.reserved !== 0 || r.onHand !== count?.onHand || r.available !== availableOf(count);
    })
    .map((r) => stockRowKey(r.sku, r.locationId));
  const countOf = (kind: Outcome['kind']) => outcomesOf(outcomes, kind);
  const allocated = countOf('allocated');
  const reservedLines = shapes.reduce((total, s) => total + s.movements.length, 0);
  const seconds = wallMs / 1000;
  const save = calls['orders.save'];
  const perOrder = (value: number) => round(value / Math.max(1, allocated), 2);
  const capacityMismatch = locationIds.filter((id) => {
    const delta = (capacityAfter.get(id) ?? 0) - (capacityBefore.get(id) ?? 0);
    return delta !== (capacityCounters ? (shipmentsAt.get(id) ?? 0) : 0);
  }).length;
  return {
    wallSeconds: round(seconds, 2),
    orders: orderIds.length,
    allocated,
    rejected: countOf('rejected'),
    gaveUp: countOf('gaveUp'),
    reservedLines,
    reservationsPerSec: round(allocated / seconds, 1),
    reservedLinesPerSec: round(reservedLines / seconds, 1),
    ordersDecidedPerSec: round(orderIds.length / seconds, 1),
    resourced,
    resourcedThenRejected,
    reservationRefusals: save?.errors.ReservationConflict ?? 0,
    transactionConflicts: save?.errors.VersionConflict ?? 0,
    workflowRetries: [...outcomes.values()].reduce((total, o) => total + o.workflowRetries, 0),
    latencyPerOrder: latency(latencies),
    callsPerOrder: mapFigures(calls, (f) => round(f.calls / Math.max(1, orderIds.length), 2)),
    meanMsPerCall: mapFigures(calls, (f) => round(f.totalMs / Math.max(1, f.calls), 2)),
    cpuMsPerAllocatedOrder: { node: perOrder(spent.nodeMs), dynamodb: perOrder(spent.dynamodbMs) },
    offstage: asked,
    checks: {
      stockRows: rows.length,
      oversold: rows.filter((r) => r.reserved > r.onHand || r.available < 0).length,
      availableInconsistent: rows.filter((r) => r.available !== r.onHand - r.reserved - r.safetyStock).length,
      reservedDiffersFromLedger: rows.filter(
        (r) => r.reserved !== (ledger.get(stockRowKey(r.sku, r.locationId)) ?? 0),
      ).length,
      ordersDifferFromAnswer,
      capacityCountersDifferFromShipments: capacityMismatch,
      capacityOverLimit: benchLocations.filter(
        (l) => l.dailyCapacity !== undefined && (capacityAfter.get(l.locationId) ?? 0) > l.dailyCapacity,
      ).length,
      // the event is committed with the allocation, in the Outbox table (the pipe is not in this benchmark)
      orderAllocatedEventsMissing: shapes.filter((s) => !announced.has(s.order.orderId)).length,
    },
    scarceRows: rows
      .filter((r) => r.sku.startsWith('SCARCE'))
      .map((r) => ({
        row: stockRowKey(r.sku, r.locationId),
        onHand: r.onHand,
        reserved: r.reserved,
        available: r.available,
      })),
    shapes,
    touched,
  };
}

function outcomesOf(outcomes: Map<string, Outcome>, kind: Outcome['kind']): number {
  return [...outcomes.values()].filter((o) => o.kind === kind).length;
}

function mapFigures(
  figures: Record<string, MethodFigures>,
  value: (f: MethodFigures) => number,
): Record<string, number> {
  return Object.fromEntries(Object.entries(figures).map(([name, f]) => [name, value(f)]));
}

const availableOf = (count: BenchStockCount | undefined) => (count ? count.onHand - count.safetyStock : 0);

async function readRows(context: PhaseContext, skus: readonly string[]): Promise<StockRow[]> {
  const rows: StockRow[] = [];
  await inParallel(context.clients, skus, async (sku) => {
    rows.push(...(await context.ports.stock.rowsOfSku(sku)));
  });
  return rows;
}

/** Puts rows back as first counted (nothing reserved), through the ledger's conditional replace. */
export async function restoreRows(context: PhaseContext, rowKeys: readonly string[]): Promise<void> {
  const counts = new Map(benchStock.map((c) => [stockRowKey(c.sku, c.locationId), c]));
  await inParallel(context.clients, [...new Set(rowKeys)], async (key) => {
    const count = counts.get(key);
    if (!count) throw new Error(`no stock row ${key} in the benchmark's world`);
    const current = await context.ports.stock.row(count.sku, count.locationId);
    const next = { ...applyCount(undefined, count), updatedAt: context.ports.clock.now().toISOString() };
    if (!(await context.ports.stock.replaceRow(current, next)))
      throw new Error(`stock row ${key} moved while it was being restored`);
  });
}

// ---------------------------------------------------------------------------------------------------
// Bare baselines on the same rows

export interface BaselinePhase {
  wallSeconds: number;
  /** bare UpdateItems, or bare transactions */
  count: number;
  succeeded: number;
  refusedByCondition: number;
  /** transactions cancelled by a concurrent one and retried (bare transactions only) */
  conflictRetries: number;
  perSec: number;
  linesPerSec: number;
  cpuMsPerUnit: { node: number; dynamodb: number };
}

/**
 * Each reserved line once more as one bare conditional UpdateItem on its row: the reserve
 * movement's own update (`available >= :q`), through the same client, nothing else.
 */
export async function rawUpdatePhase(
  context: PhaseContext,
  label: string,
  movements: readonly StockMovement[],
): Promise<BaselinePhase> {
  let succeeded = 0;
  const bar = progressBar(label, movements.length);
  const cpu = cpuMeter(context.jvmPid);
  const wallMs = await inParallel(
    context.clients,
    movements,
    async (movement) => {
      const { Update } = stockMovementItem(context.tables.inventory, movement, new Date().toISOString());
      if (!Update) throw new Error('a reserve movement is an update');
      if (await conditionally(() => context.db.send(new UpdateCommand(Update)))) succeeded++;
    },
    () => bar.tick(),
  );
  const spent = cpu();
  bar.done();
  return baseline(wallMs, movements.length, succeeded, movements.length - succeeded, movements.length, spent);
}

/**
 * Each committed reservation once more as one bare TransactWriteItems of the same shape: a Put of
 * the order item (the allocated order read back, under another id, conditioned on its absence),
 * the reserve movements and capacity claims on the same rows and counters, the shipment index
 * items. No read, no sourcing, no event: what the write alone costs. A transaction cancelled by a
 * concurrent one is retried after a short random pause.
 */
export async function bareTransactionPhase(
  context: PhaseContext,
  label: string,
  shapes: readonly ReservationShape[],
): Promise<BaselinePhase> {
  const { tables } = context;
  let succeeded = 0;
  let refused = 0;
  let conflictRetries = 0;
  const bar = progressBar(label, shapes.length);
  const cpu = cpuMeter(context.jvmPid);
  const wallMs = await inParallel(
    context.clients,
    shapes,
    async (shape) => {
      const twin = `TX-${shape.order.orderId}`;
      const now = new Date().toISOString();
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tables.orders,
            Item: {
              ...keys.order(twin),
              ...keys.ordersIndex(shape.order.createdAt, twin),
              entity: 'order',
              ...shape.order,
              orderId: twin,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        ...shape.movements.map((m) => stockMovementItem(tables.inventory, m, now)),
        ...shape.claims.map((c) => capacityClaimItem(tables.inventory, c)),
        ...shape.shipmentIds.map((id) => ({
          Put: { TableName: tables.orders, Item: { ...keys.shipment(`TX-${id}`), orderId: twin } },
        })),
      ];
      for (let tries = 1; ; tries++) {
        try {
          if ((await writeTransaction(context.db, items)) === undefined) succeeded++;
          else refused++;
          return;
        } catch (error) {
          if (!(error instanceof VersionConflict) || tries === 100) throw error;
          conflictRetries++;
          await pause(Math.random() * 4 * Math.min(tries, 5));
        }
      }
    },
    () => bar.tick(),
  );
  const spent = cpu();
  bar.done();
  const lines = shapes.reduce((total, s) => total + s.movements.length, 0);
  return baseline(wallMs, shapes.length, succeeded, refused, lines, spent, conflictRetries);
}

function baseline(
  wallMs: number,
  count: number,
  succeeded: number,
  refused: number,
  lines: number,
  spent: { nodeMs: number; dynamodbMs: number },
  conflictRetries = 0,
): BaselinePhase {
  const seconds = wallMs / 1000;
  const per = (value: number) => round(value / Math.max(1, succeeded), 3);
  return {
    wallSeconds: round(seconds, 2),
    count,
    succeeded,
    refusedByCondition: refused,
    conflictRetries,
    perSec: round(succeeded / seconds, 1),
    linesPerSec: round((lines * succeeded) / Math.max(1, count) / seconds, 1),
    cpuMsPerUnit: { node: per(spent.nodeMs), dynamodb: per(spent.dynamodbMs) },
  };
}

/** The orders whose OrderAllocated.v1 the Outbox table holds: committed with their allocation. */
async function ordersAnnouncedAllocated(context: PhaseContext): Promise<Set<string>> {
  const events = await outboxEvents(context.db, context.tables.outbox);
  return new Set(
    events.filter((e) => e.detailType === 'OrderAllocated.v1').map((e) => String(e.detail.orderId)),
  );
}
