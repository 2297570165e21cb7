/**
 * Reservation benchmark (`npm run bench:reservations`): orders reserved by the real allocate use
 * case (`allocateOrder(ports, orderId)`, functions/app/allocate-order.ts) on the real DynamoDB
 * adapters against DynamoDB Local, by 32 concurrent clients on contended SKUs; and, in the same
 * round, the same stock lines as bare conditional UpdateItems and the same reservations as bare
 * TransactWriteItems, on the same rows at the same concurrency. Several rounds (the machine is
 * shared: each figure is the median of the rounds, each ratio taken within a round). Writes
 * bench/results/reservations.json and reservations.png; progress on stderr, the summary on stdout.
 *
 *   tsx bench/reservations.ts [--orders 1500] [--clients 32] [--rounds 5] [--seed 20250311] [--warmup 300]
 *   tsx bench/reservations.ts --charts-only   (redraws the plot from bench/results/reservations.json)
 *
 * A reservation is everything the AllocateOrder task does: read the order, the products, every
 * location, the stock rows of its SKUs and the capacity counters; validate; source with the exact
 * search; commit ONE TransactWriteItems holding the allocated order, a reserve movement per line,
 * a daily-capacity claim per shipment and the shipment index items; publish OrderAllocated.v1. A
 * refused reservation (stock or capacity taken meanwhile) leaves the location out and sources
 * again, at most three attempts; a VersionConflict is retried as the workflow's Retry would. A
 * second variant runs on the same network without daily capacities (no counter claimed).
 *
 * Set up untimed through the use cases and ports too: locations and products with
 * `network.putLocation/putProduct`, stock with the count use case, orders with `orders.create` of
 * `receiveOrder`. The event bus, the workflows and the labels are in-process ports that count
 * calls (no bus, no state machine in this benchmark); the clock is fixed to a Tuesday morning and
 * runs at real speed, so that every reservation claims one preparation day.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sourcingRequestFor } from '../functions/app/sourcing-inputs.ts';
import { countStock } from '../functions/app/stock.ts';
import { capacityDay } from '../functions/core/inventory/capacity.ts';
import { receiveOrder } from '../functions/core/orders/order.ts';
import { sourceOptimal } from '../functions/core/sourcing/optimal.ts';
import { sourcingProfileFor } from '../functions/core/sourcing/profiles.ts';
import { projectRoot } from '../lib/paths.ts';
import { mulberry32 } from '../local/demo/random.ts';
import { progressBar, step } from '../tools/progress.ts';
import { benchPorts } from './lib/bench-ports.ts';
import { machineInfo } from './lib/machine.ts';
import { javaChildren } from './lib/proc.ts';
import { drawReservationCharts } from './lib/reservation-chart.ts';
import {
  type AllocationPhase,
  allocationPhase,
  type BaselinePhase,
  bareTransactionPhase,
  inParallel,
  type PhaseContext,
  rawUpdatePhase,
  restoreRows,
} from './lib/reservation-phases.ts';
import {
  benchLocations,
  benchOrderInputs,
  benchProducts,
  benchStock,
  coldSkus,
  hotLocations,
  hotSkus,
  measuredMix,
  scarceSkus,
  scarceUnits,
  stockRowKey,
  warmMix,
  warmSkus,
} from './lib/reservation-world.ts';
import { latency, median, round } from './lib/stats.ts';
import { startBenchTables } from './lib/tables.ts';

const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '1500' },
    clients: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '20250311' },
    warmup: { type: 'string', default: '300' },
    'charts-only': { type: 'boolean', default: false },
  },
});
const orderCount = Number(args.orders);
const clients = Number(args.clients);
const rounds = Number(args.rounds);
const seed = Number(args.seed);
const warmupOrders = Number(args.warmup);
const resultsDir = join(projectRoot, 'bench', 'results');
const started = performance.now();
/** Taken before the work starts: the load average shows whether something else was running. */
const machine = machineInfo();

/** A Tuesday, 10:30 in Paris: before the 14:00 cut-off, so every order claims that day's capacity. */
const clockStart = Date.parse('2025-03-11T09:30:00.000Z');
const clock = { now: () => new Date(clockStart + (performance.now() - started)) };
const measuredSkus = [...hotSkus, ...scarceSkus, ...coldSkus];

/** The JVM itself, whether the launcher is java or a wrapper around it. */
function jvmOf(pid: number): number {
  try {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'java') return pid;
  } catch {
    return pid;
  }
  return javaChildren(pid)[0] ?? pid;
}

/** The median of every number found at the same place in each of `values` (an array: the first one's). */
function medianOf<T>(values: readonly T[]): T {
  const first = values[0];
  if (typeof first === 'number') return median(values as unknown as number[]) as T;
  if (first === null || typeof first !== 'object' || Array.isArray(first)) return first as T;
  const keys = new Set(values.flatMap((v) => Object.keys(v as object)));
  return Object.fromEntries(
    [...keys].map((key) => [
      key,
      medianOf(values.map((v) => (v as Record<string, unknown>)[key]).filter((x) => x !== undefined)),
    ]),
  ) as T;
}

const withoutShapes = ({ shapes: _shapes, touched: _touched, ...figures }: AllocationPhase) => figures;

interface Round {
  round: number;
  allocate: ReturnType<typeof withoutShapes>;
  raw: BaselinePhase;
  bareTransaction: BaselinePhase;
  withoutCapacityCounters: ReturnType<typeof withoutShapes>;
  ratios: {
    reservedLinesToRawUpdates: number;
    reservationsToRawUpdates: number;
    reservationsToBareTransactions: number;
    bareTransactionLinesToRawUpdates: number;
  };
}

/** Everything measured, checked and written; the plot drawn. */
async function measure() {
  step(
    `Reservation benchmark: allocateOrder, ${orderCount} orders per variant, ${rounds} rounds, ${clients} concurrent clients, seed ${seed}`,
  );
  const bootStarted = performance.now();
  const { dynamodb, tables } = await startBenchTables();
  step(
    `  DynamoDB Local on ${dynamodb.endpoint} (pid ${dynamodb.pid}), tables ready in ${((performance.now() - bootStarted) / 1000).toFixed(1)} s`,
  );
  step('  events, workflows and labels are in-process ports that count calls; DynamoDB is real');
  try {
    const bench = benchPorts(dynamodb.endpoint, tables, clock);
    const { ports } = bench;
    const context: PhaseContext = {
      ...bench,
      tables,
      clients,
      jvmPid: jvmOf(dynamodb.pid),
      day: capacityDay(clock.now()),
    };
    const products = benchProducts(seed);
    const putLocations = (dailyCapacities: boolean) =>
      inParallel(clients, benchLocations, async (location) => {
        await ports.network.putLocation(
          dailyCapacities ? location : { ...location, dailyCapacity: undefined },
        );
      });

    {
      const bar = progressBar('network (untimed)', benchLocations.length + products.length);
      await putLocations(true);
      bar.tick(benchLocations.length);
      await inParallel(clients, products, async (p) => void (await ports.network.putProduct(p)), bar.tick);
      bar.done();
    }
    {
      const bar = progressBar('stock counts (untimed)', benchStock.length);
      await inParallel(clients, benchStock, async (count) => void (await countStock(ports, count)), bar.tick);
      bar.done();
    }

    const random = mulberry32(seed);
    const warm = benchOrderInputs(warmupOrders, 'WARM', random, warmMix);
    const plan = Array.from({ length: rounds }, (_, r) => ({
      withCounters: benchOrderInputs(orderCount, `R${r + 1}-CAP`, random, measuredMix),
      withoutCounters: benchOrderInputs(orderCount, `R${r + 1}-NOCAP`, random, measuredMix),
    }));
    {
      const all = [...warm, ...plan.flatMap((p) => [...p.withCounters, ...p.withoutCounters])];
      const bar = progressBar('create orders (untimed)', all.length);
      await inParallel(
        clients,
        all,
        async (input) => {
          if (!(await ports.orders.create(receiveOrder(input, clock.now()))))
            throw new Error(`order ${input.orderId} exists already`);
        },
        bar.tick,
      );
      bar.done();
    }

    // The search alone, in this process, on what the use case reads for the first round's orders.
    const sourcingMs: number[] = [];
    {
      const sample = plan[0]?.withCounters.slice(0, 200) ?? [];
      const bar = progressBar('sourcing alone (sample)', sample.length);
      for (const order of sample) {
        const request = await sourcingRequestFor(ports, order.lines, order.delivery, {
          at: clock.now(),
          channel: order.channel,
        });
        const t0 = performance.now();
        sourceOptimal(request, sourcingProfileFor(order.channel));
        sourcingMs.push(performance.now() - t0);
        bar.tick();
      }
      bar.done();
    }

    const rowsOf = (phase: AllocationPhase) =>
      phase.shapes.flatMap((s) => s.movements.map((m) => stockRowKey(m.sku, m.locationId)));
    {
      const ids = warm.map((o) => o.orderId);
      const phase = await allocationPhase(context, 'warm-up allocateOrder', ids, warmSkus, true);
      await restoreRows(context, phase.touched);
      await rawUpdatePhase(
        context,
        'warm-up raw updates',
        phase.shapes.flatMap((s) => s.movements),
      );
      await restoreRows(context, rowsOf(phase));
      await bareTransactionPhase(context, 'warm-up bare transactions', phase.shapes);
      await restoreRows(context, rowsOf(phase));
    }

    const results: Round[] = [];
    for (const [index, orders] of plan.entries()) {
      const label = `${index + 1}/${rounds}`;
      const ids = (list: typeof orders.withCounters) => list.map((o) => o.orderId);
      const allocate = await allocationPhase(
        context,
        `${label} allocateOrder`,
        ids(orders.withCounters),
        measuredSkus,
        true,
      );
      await restoreRows(context, allocate.touched);
      const raw = await rawUpdatePhase(
        context,
        `${label} raw updates`,
        allocate.shapes.flatMap((s) => s.movements),
      );
      await restoreRows(context, rowsOf(allocate));
      const bareTransaction = await bareTransactionPhase(
        context,
        `${label} bare transactions`,
        allocate.shapes,
      );
      await restoreRows(context, rowsOf(allocate));
      await putLocations(false);
      const withoutCounters = await allocationPhase(
        context,
        `${label} allocate, no counters`,
        ids(orders.withoutCounters),
        measuredSkus,
        false,
      );
      await restoreRows(context, withoutCounters.touched);
      await putLocations(true);
      results.push({
        round: index + 1,
        allocate: withoutShapes(allocate),
        raw,
        bareTransaction,
        withoutCapacityCounters: withoutShapes(withoutCounters),
        ratios: {
          reservedLinesToRawUpdates: round(allocate.reservedLinesPerSec / raw.perSec, 3),
          reservationsToRawUpdates: round(allocate.reservationsPerSec / raw.perSec, 3),
          reservationsToBareTransactions: round(allocate.reservationsPerSec / bareTransaction.perSec, 3),
          bareTransactionLinesToRawUpdates: round(bareTransaction.linesPerSec / raw.perSec, 3),
        },
      });
    }

    const medians = medianOf(results);
    const checks = Object.fromEntries(
      Object.keys(results[0]?.allocate.checks ?? {}).map((key) => {
        const name = key as keyof AllocationPhase['checks'];
        const total = (figures: Round['allocate']) => figures.checks[name];
        return [
          key,
          results.reduce((sum, r) => sum + total(r.allocate) + total(r.withoutCapacityCounters), 0),
        ];
      }),
    ) as Record<keyof AllocationPhase['checks'], number>;
    const failures = Object.entries(checks).filter(([key, value]) => key !== 'stockRows' && value !== 0);
    const gaveUp = results.reduce((sum, r) => sum + r.allocate.gaveUp + r.withoutCapacityCounters.gaveUp, 0);
    const { allocate, raw, bareTransaction, withoutCapacityCounters, ratios } = medians;

    const result = {
      benchmark: 'reservations',
      generatedAt: new Date().toISOString(),
      seed,
      clients,
      rounds,
      ordersPerVariant: orderCount,
      reservationsPerSec: allocate.reservationsPerSec,
      reservedLinesPerSec: allocate.reservedLinesPerSec,
      rawConditionalUpdatesPerSec: raw.perSec,
      bareTransactionsPerSec: bareTransaction.perSec,
      ratio: ratios.reservedLinesToRawUpdates,
      reservationsPerRawUpdate: ratios.reservationsToRawUpdates,
      ratioToBareTransaction: ratios.reservationsToBareTransactions,
      oversold: checks.oversold,
      checksFailed: failures.map(([key]) => key),
      medians,
      sourcingAlone: { samples: sourcingMs.length, ...latency(sourcingMs) },
      checks: { ...checks, gaveUp },
      perRound: results,
      method: {
        stock: `${hotSkus.length} hot SKUs at ${hotLocations.length} locations (safety stock 2), ${scarceSkus.length} scarce SKU (units by location: ${JSON.stringify(scarceUnits)}, put back before every phase; its orders come together in the middle of each phase, a flash sale), ${coldSkus.length} cold SKUs at all ${benchLocations.length} locations; every location with a daily capacity (50,000 for warehouses, 20,000 for stores) except in the variant without counters`,
        orders:
          '3 to 5 lines, 80% with one hot SKU, 15% with the scarce one; quantities 1 or 2; home delivery to addresses in French towns drawn by population; created untimed with orders.create(receiveOrder(...))',
        reservation:
          'timed: allocateOrder(ports, orderId) per order, the use case the AllocateOrder task calls: reads (order, products, locations, stock rows of every SKU, capacity counters), validation, the exact search, ONE TransactWriteItems (order, reserve movement per line, capacity claim per shipment, shipment index items), OrderAllocated.v1; a refused reservation re-sources without that location (3 attempts, then NoSourcingPlan); a VersionConflict the use case gives up on is retried up to 5 times after a jittered pause of milliseconds (the workflow Retry waits about 1 s)',
        ports:
          'awsPorts(clients, resources) with a DynamoDB client on DynamoDB Local; events, workflows and labels in-process, counting calls (the publisher validates each detail against its schema); orders, network and stock metered by a pass-through (calls and time per method); clock fixed to 2025-03-11 09:30 UTC, running at real speed',
        raw: "the allocated orders' reserve movements (read back) once more as bare UpdateItems on the same rows with the same client and concurrency, the reserve movement's own update (available >= :q); rows put back first",
        bareTransaction:
          'each committed reservation once more as one bare TransactWriteItems of the same shape: the order item (read back, another id, conditioned on its absence), the same reserve movements and capacity claims, the shipment index items; no read, no sourcing, no event; rows put back first',
        ratio:
          'reservedLinesPerSec / rawConditionalUpdatesPerSec, within each round (the definition of the README figure); reservationsPerRawUpdate: reservations (orders) per second over raw updates per second; ratioToBareTransaction: reservations per second over bare transactions per second; medians of the rounds',
        checks:
          'after each allocation phase, orders and stock rows read back: oversold (reserved > onHand or available < 0), available = onHand - reserved - safetyStock, reserved = the sum of the allocated orders’ shipments (the ledger), each stored order as the use case answered, capacity counters moved by exactly the shipments that claim them and never past the limit, one OrderAllocated.v1 per allocated order; summed over rounds and variants',
        cpu: "Node: this process's process.cpuUsage(); DynamoDB Local: utime + stime of its JVM from /proc; per allocated order, per raw update, per bare transaction",
        sourcingAlone:
          'sourceOptimal timed in this process on the request the use case reads (sourcingRequestFor), for the first 200 orders of round 1, before they are allocated',
        clients: `${clients} concurrent loops in one Node process sharing one DynamoDB client`,
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

    const linesPerOrder = round(allocate.reservedLines / Math.max(1, allocate.allocated), 2);
    drawReservationCharts(result, resultsDir);

    const print = (label: string, value: string) => console.log(`${label.padEnd(38)} ${value}`);
    const perRound = (pick: (r: Round) => number) => `(rounds: ${results.map(pick).join(', ')})`;
    console.log(`\nmedians of ${rounds} rounds, ${clients} clients`);
    print(
      'allocateOrder reservations per second',
      `${allocate.reservationsPerSec} ${perRound((r) => r.allocate.reservationsPerSec)}`,
    );
    print('reserved lines per second', `${allocate.reservedLinesPerSec} (${linesPerOrder} lines per order)`);
    print('raw conditional updates per second', `${raw.perSec} ${perRound((r) => r.raw.perSec)}`);
    print(
      'bare transactions per second',
      `${bareTransaction.perSec} ${perRound((r) => r.bareTransaction.perSec)}`,
    );
    print(
      'ratio reserved lines / raw updates',
      `${result.ratio} ${perRound((r) => r.ratios.reservedLinesToRawUpdates)}`,
    );
    print('ratio reservations / raw updates', String(result.reservationsPerRawUpdate));
    print('ratio reservations / bare transactions', String(result.ratioToBareTransaction));
    print('ratio bare tx lines / raw updates', String(ratios.bareTransactionLinesToRawUpdates));
    print(
      'without capacity counters',
      `${withoutCapacityCounters.reservationsPerSec} orders/s, ${withoutCapacityCounters.reservedLinesPerSec} lines/s`,
    );
    print(
      'allocated / rejected of',
      `${allocate.allocated} / ${allocate.rejected} of ${orderCount}; re-sourced after a refusal: ${allocate.resourced} then allocated, ${allocate.resourcedThenRejected} then rejected`,
    );
    print(
      'refusals / tx conflicts / wf retries',
      `${allocate.reservationRefusals} / ${allocate.transactionConflicts} / ${allocate.workflowRetries}`,
    );
    print(
      'latency per order p50 / p99',
      `${allocate.latencyPerOrder.p50Ms} / ${allocate.latencyPerOrder.p99Ms} ms`,
    );
    print(
      'CPU ms per allocated order',
      `Node ${allocate.cpuMsPerAllocatedOrder.node}, DynamoDB Local ${allocate.cpuMsPerAllocatedOrder.dynamodb}`,
    );
    print(
      'CPU ms per bare transaction',
      `Node ${bareTransaction.cpuMsPerUnit.node}, DynamoDB Local ${bareTransaction.cpuMsPerUnit.dynamodb}`,
    );
    print(
      'CPU ms per raw update',
      `Node ${raw.cpuMsPerUnit.node}, DynamoDB Local ${raw.cpuMsPerUnit.dynamodb}`,
    );
    print('sourcing alone p50 / p99', `${result.sourcingAlone.p50Ms} / ${result.sourcingAlone.p99Ms} ms`);
    print(
      'port calls per order',
      Object.entries(allocate.callsPerOrder)
        .map(([name, calls]) => `${name} ${calls}`)
        .join(', '),
    );
    print('oversold rows', String(checks.oversold));
    print('checks', JSON.stringify({ ...checks, gaveUp }));
    print('run time', `${result.runSeconds} s`);
    if (failures.length > 0) {
      console.error(`\nCHECKS FAILED: ${failures.map(([k, v]) => `${k} ${v}`).join(', ')}`);
      process.exitCode = 1;
    }
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
}

if (args['charts-only']) {
  drawReservationCharts(JSON.parse(readFileSync(join(resultsDir, 'reservations.json'), 'utf8')), resultsDir);
  console.log('redrew bench/results/reservations.png and reservations.svg from reservations.json');
} else {
  await measure();
}
