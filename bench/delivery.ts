/**
 * Delivery benchmark (`npm run bench:delivery`): a simulated month on the demo network. Orders
 * placed over each simulated day (the demo's population-weighted destinations and catalogue, every
 * channel, home delivery mostly, some click & collect) go through the real use cases in the order
 * the fulfilment state machine chains them (statemachines/fulfilment.asl.json: AllocateOrder →
 * PickPack → DispatchCarrier → TrackShipment; ShipmentLost → ResolveIncident → PickPack of the
 * replacement; ShipmentReturning → AwaitParcelBack → ResolveIncident on its timeout; Compensate
 * when nothing can be allocated), on the real DynamoDB adapters against DynamoDB Local. Each
 * action sees a clock at its own simulated instant. The carriers are the autopilot's
 * (local/demo/carrier-behaviour.ts), in carrier working days from the departure day the promise
 * rules give. The bus is in-process: ShipmentStatusChanged.v1 goes to recordDeliveryOutcome (the
 * measured on-time rates feed the carrier choice, as on AWS), the rest is counted. Stock is
 * counted back to its demo level every simulated morning. Writes bench/results/delivery.json and
 * delivery.png; progress on stderr, the summary on stdout.
 *
 *   tsx bench/delivery.ts [--orders 20000] [--days 30] [--seed 20250301] [--concurrency 24] [--click-collect 0.15]
 *   tsx bench/delivery.ts --charts-only   (redraws the plot from bench/results/delivery.json)
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { allocateOrder } from '../functions/app/allocate-order.ts';
import { collectShipment, confirmShipment } from '../functions/app/answer-shipment.ts';
import { applyCarrierEvent } from '../functions/app/apply-carrier-event.ts';
import { awaitArrival, awaitPick } from '../functions/app/await-shipment.ts';
import { compensateOrder } from '../functions/app/compensate-order.ts';
import { recordDeliveryOutcome } from '../functions/app/delivery-outcome.ts';
import { dispatchShipment } from '../functions/app/dispatch-shipment.ts';
import type { AppPorts, EventPublisher, Workflows } from '../functions/app/ports.ts';
import { receiveOrder } from '../functions/app/receive-order.ts';
import { resolveIncident } from '../functions/app/resolve-incident.ts';
import { countStock } from '../functions/app/stock.ts';
import { isoDay, parisDay, parisInstant } from '../functions/core/carriers/calendar.ts';
import {
  builtInCarriers,
  type Carrier,
  type CarrierService,
  co2KgOf,
  priceOf,
  zoneOf,
} from '../functions/core/carriers/carriers.ts';
import { distanceKm, type Location, type Product } from '../functions/core/network.ts';
import { findShipment } from '../functions/core/orders/order.ts';
import type { Order, Shipment } from '../functions/core/orders/types.ts';
import { deliveryDay, departureOf } from '../functions/core/promise/departure.ts';
import { eventSchemas } from '../functions/shared/events.ts';
import { projectRoot } from '../lib/paths.ts';
import { createOrderGenerator } from '../local/autopilot.ts';
import { type CarrierReport, carrierJourney, defaultCarrierRates } from '../local/demo/carrier-behaviour.ts';
import { buildDemoNetwork } from '../local/demo/network.ts';
import { mulberry32, weightedSampler } from '../local/demo/random.ts';
import { progressBar, step } from '../tools/progress.ts';
import { benchPorts } from './lib/bench-ports.ts';
import { drawDeliveryChart } from './lib/delivery-chart.ts';
import { machineInfo } from './lib/machine.ts';
import { Simulation } from './lib/simulation.ts';
import { startBenchTables } from './lib/tables.ts';

const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '20000' },
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '20250301' },
    concurrency: { type: 'string', default: '24' },
    'click-collect': { type: 'string', default: '0.15' },
    'charts-only': { type: 'boolean', default: false },
  },
});
const orderCount = Number(args.orders);
const days = Number(args.days);
const seed = Number(args.seed);
const concurrency = Number(args.concurrency);
const clickCollectShare = Number(args['click-collect']);
const resultsDir = join(projectRoot, 'bench', 'results');
const machine = machineInfo();
const started = performance.now();

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** A Monday, midnight in Paris: the month starts with a week (and Easter Monday follows in April). */
const simStart = Date.parse('2025-03-02T23:00:00.000Z');
/** Share of a day's orders in each Paris hour: quiet at night, busy at lunch and in the evening. */
const hourlyShape = [
  1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 2, 3, 4, 4.5, 5, 6, 5.5, 5, 4.5, 4.5, 5, 6, 7, 7.5, 6.5, 4, 2,
];
/** Share of the week's orders by ISO weekday (Monday first): more at the start of the week. */
const weekdayShape = [1.15, 1.05, 1, 1, 0.95, 0.85, 1];

const random = mulberry32(seed);
const between = (min: number, max: number) => min + random() * (max - min);
const demo = buildDemoNetwork();
const weights = new Map(demo.products.map((p) => [p.sku, p.weightKg]));
const locationsById = new Map(demo.locations.map((l) => [l.locationId, l as Location]));
const carriersById = new Map(builtInCarriers.map((c) => [c.carrierId, c]));

const sim = new Simulation();
const offstage = new Map<string, number>();
const count = (name: string, by = 1) => offstage.set(name, (offstage.get(name) ?? 0) + by);

/** What the simulated world knows about each parcel it carried, for the explanation of late ones. */
interface Carried {
  carrierId: string;
  service: string;
  p90: number;
  transitDays: number;
  attempts: number;
  lost: boolean;
  departureDay: string;
}
const carried = new Map<string, Carried>();

/** The waiting workflow tasks: what the workflow does when its token is completed or failed. */
interface WaitingTask {
  complete: (at: number, output: object) => void;
  fail: (at: number, error: string) => void;
}
const tasks = new Map<string, WaitingTask>();
const outcomes = { allocated: 0, rejected: 0, shipmentsDone: 0, refundedAfterReturnTimeout: 0 };

/** The real adapters on DynamoDB Local, set when the month starts. */
let base: AppPorts;
/** The business metrics the use cases counted (`metrics.<name>`), as the dashboard would sum them. */
let businessMetrics = new Map<string, number>();

function portsAt(at: Date): AppPorts {
  const bus = busAt(at);
  // the events of an order change are committed with it (the outbox): this simulated bus takes
  // them from the change as the pipe would from the stream
  const orders: AppPorts['orders'] = {
    ...base.orders,
    save: async (change) => {
      const saved = await base.orders.save(change);
      await bus.publish(change.events ?? []);
      return saved;
    },
  };
  return { ...base, orders, clock: { now: () => at }, workflows: workflowsAt(at), events: bus };
}

function workflowsAt(at: Date): Workflows {
  return {
    async startFulfilment() {
      count('workflows.startFulfilment');
      return 'started';
    },
    async startReturn() {
      count('workflows.startReturn');
      return 'started';
    },
    async completeTask(token, output) {
      const task = tasks.get(token);
      if (!task) return false;
      tasks.delete(token);
      task.complete(at.getTime(), output);
      return true;
    },
    async failTask(token, error) {
      const task = tasks.get(token);
      if (!task) return false;
      tasks.delete(token);
      task.fail(at.getTime(), error);
      return true;
    },
  };
}

/** The bus as EventBridge would deliver it here: a status change to the delivery-outcome rule, the rest counted. */
function busAt(at: Date): EventPublisher {
  return {
    async publish(events) {
      for (const { detailType, detail } of events) {
        eventSchemas[detailType].parse(detail);
        count(`events.${detailType}`);
        if (detailType === 'ShipmentStatusChanged.v1') {
          const change = eventSchemas['ShipmentStatusChanged.v1'].parse(detail);
          sim.schedule(at.getTime() + 1000, change.orderId, (now) =>
            recordDeliveryOutcome(portsAt(now), change).then(() => undefined),
          );
        }
      }
    },
  };
}

function waitFor(task: WaitingTask): string {
  const token = randomUUID();
  tasks.set(token, task);
  return token;
}

/** As the state machine's Retry does for a concurrent change: a few more tries, then the error stands. */
async function retried<T>(action: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (attempt >= 4 || !['VersionConflict', 'ReservationConflict'].includes(name)) throw error;
    }
  }
}

/** The service the carrier carries this parcel with (every built-in carrier has one; else the order's). */
function serviceOf(carrier: Carrier | undefined, order: Order | undefined): CarrierService | undefined {
  const services = carrier?.services ?? [];
  return services.length === 1 ? services[0] : services.find((s) => s.service === order?.delivery.service);
}

/**
 * What the chosen carrier charges and emits for a dispatched parcel: `carrierChoice` lists the
 * alternatives only, so the chosen one is priced again as the choice priced it (its rate card, the
 * zone of the distance from the location to the address, the one CO2 model).
 */
function chosenPrice(order: Order, shipment: Shipment): { cost: number; co2Kg: number } | undefined {
  const carrier = carriersById.get(shipment.carrierId ?? '');
  const service = serviceOf(carrier, order);
  const from = locationsById.get(shipment.locationId);
  const to = order.delivery.address;
  if (!service || !from || to?.lat === undefined || to.lon === undefined) return undefined;
  const weightKg = (shipment.packages ?? []).reduce((sum, p) => sum + p.weightKg, 0);
  const distance = distanceKm(from, { lat: to.lat, lon: to.lon });
  const cost = priceOf(service, zoneOf(distance), weightKg);
  return cost === undefined
    ? undefined
    : { cost, co2Kg: co2KgOf(service.co2KgPerTonneKm, weightKg, distance) };
}

// ---- the fulfilment workflow, step by step as the ASL chains them ----

async function allocateStep(now: Date, orderId: string): Promise<void> {
  try {
    const { shipments } = await retried(() => allocateOrder(portsAt(now), orderId));
    outcomes.allocated++;
    for (const shipment of shipments)
      await pickPackStep(now, orderId, shipment.shipmentId, shipment.locationId);
  } catch (error) {
    if (
      !(error instanceof Error) ||
      !['NoSourcingPlan', 'OrderInvalid', 'OrderCancelled'].includes(error.name)
    )
      throw error;
    outcomes.rejected++;
    await compensateOrder(portsAt(now), orderId, { Error: error.name, Cause: error.message });
  }
}

/** When the location has picked and packed: within the hour or two, before its cut-off if ordered before it. */
function pickedAt(now: number, locationId: string): number {
  const cutoffAt = departureOf(new Date(now), locationsById.get(locationId) ?? {}).cutoffAt.getTime();
  const picked = now + between(20, 120) * MINUTE;
  return now < cutoffAt && picked >= cutoffAt ? Math.max(now + MINUTE, cutoffAt - 5 * MINUTE) : picked;
}

async function pickPackStep(
  now: Date,
  orderId: string,
  shipmentId: string,
  locationId: string,
): Promise<void> {
  const token = waitFor({
    complete: (at) => sim.schedule(at, orderId, (t) => dispatchStep(t, orderId, shipmentId)),
    fail: (_at, error) => count(`unexpected.pick.${error}`),
  });
  await awaitPick(portsAt(now), orderId, shipmentId, token);
  sim.schedule(pickedAt(now.getTime(), locationId), orderId, async (t) => {
    const order = await base.orders.get(orderId);
    const lines = order && findShipment(order, shipmentId)?.lines;
    const weightKg = (lines ?? []).reduce((sum, l) => sum + (weights.get(l.sku) ?? 1) * l.quantity, 0);
    await retried(() =>
      confirmShipment(portsAt(t), shipmentId, [{ weightKg: Math.round(weightKg * 1000) / 1000 }]),
    );
  });
}

async function dispatchStep(now: Date, orderId: string, shipmentId: string): Promise<void> {
  const dispatch = await retried(() => dispatchShipment(portsAt(now), orderId, shipmentId));
  if (dispatch.stage === 'collection') {
    const token = waitFor({
      complete: () => outcomes.shipmentsDone++,
      fail: (_at, error) => count(`unexpected.collection.${error}`),
    });
    await awaitArrival(portsAt(now), orderId, shipmentId, 'collection', token);
    scheduleCollection(now.getTime(), orderId, shipmentId);
    return;
  }
  const token = waitFor({
    complete: () => outcomes.shipmentsDone++,
    fail: (at, error) => {
      if (error === 'ShipmentLost') sim.schedule(at, orderId, (t) => resolveStep(t, orderId, shipmentId));
      else if (error === 'ShipmentReturning')
        sim.schedule(at, orderId, (t) => awaitParcelBackStep(t, orderId, shipmentId));
      else count(`unexpected.delivery.${error}`);
    },
  });
  await awaitArrival(portsAt(now), orderId, shipmentId, 'delivery', token);
  if ('carrierId' in dispatch && dispatch.carrierId && dispatch.trackingNumber)
    await carry(now, orderId, shipmentId, dispatch.carrierId, dispatch.trackingNumber);
}

async function resolveStep(now: Date, orderId: string, shipmentId: string): Promise<void> {
  const resolution = await resolveIncident(portsAt(now), orderId, shipmentId);
  if ('refunded' in resolution) {
    outcomes.shipmentsDone++;
    return;
  }
  await pickPackStep(now, orderId, resolution.shipmentId, resolution.locationId);
}

/** The carrier sends the parcel back; the ASL waits `waitSeconds` for its receipt, then resolves (refunds). */
async function awaitParcelBackStep(now: Date, orderId: string, shipmentId: string): Promise<void> {
  const token = waitFor({
    complete: () => outcomes.shipmentsDone++,
    fail: (_at, error) => count(`unexpected.return.${error}`),
  });
  await awaitArrival(portsAt(now), orderId, shipmentId, 'return', token);
  sim.schedule(now.getTime() + 30 * 24 * HOUR, orderId, async (t) => {
    if (!tasks.delete(token)) return;
    outcomes.refundedAfterReturnTimeout++;
    await resolveStep(t, orderId, shipmentId);
  });
}

/** When a carrier event happens, Paris time: collections late afternoon, rounds in the day. */
function reportInstant(report: CarrierReport, day: Date): number {
  const minutes =
    report.status === 'PICKED_UP'
      ? between(16 * 60, 18 * 60)
      : report.status === 'IN_TRANSIT'
        ? between(19 * 60, 23 * 60)
        : report.status === 'OUT_FOR_DELIVERY'
          ? between(7 * 60, 9 * 60)
          : between(9 * 60 + 30, 19 * 60);
  return parisInstant(day, Math.round(minutes)).getTime();
}

/** The autopilot's carrier for this parcel, in simulated carrier days from the departure day. */
async function carry(
  now: Date,
  orderId: string,
  shipmentId: string,
  carrierId: string,
  trackingNumber: string,
): Promise<void> {
  const carrier = carriersById.get(carrierId);
  const order = await base.orders.get(orderId);
  const shipment: Shipment | undefined = order && findShipment(order, shipmentId);
  const service = serviceOf(carrier, order);
  const profile = service?.transitDays ?? { p50: 1, p90: 2 };
  const journey = carrierJourney(profile, random, defaultCarrierRates);
  const location = locationsById.get(shipment?.locationId ?? '') ?? {};
  const departure = departureOf(now, location, carrier).day;
  const last = journey.at(-1);
  carried.set(shipmentId, {
    carrierId,
    service: service?.service ?? 'standard',
    p90: profile.p90,
    transitDays: journey.find((r) => r.status === 'OUT_FOR_DELIVERY' || r.status === 'LOST')?.day ?? 0,
    attempts: journey.filter((r) => r.status === 'DELIVERY_FAILED').length,
    lost: last?.status === 'LOST',
    departureDay: isoDay(departure),
  });
  let previous = now.getTime();
  // a transfer to a store ends when its customer collects it there, as a store's own click & collect
  const collectedAfterArrival = shipment?.transferTo !== undefined && last?.status === 'DELIVERED';
  for (const report of journey) {
    const day = report.day === 0 ? departure : deliveryDay(departure, report.day, carrier ?? {});
    const at = Math.max(reportInstant(report, day), previous + 10 * MINUTE);
    previous = at;
    sim.schedule(at, orderId, async (t) => {
      count(`carrier.${report.status}`);
      await applyCarrierEvent(portsAt(t), {
        carrierId,
        eventId: randomUUID(),
        trackingNumber,
        status: report.status,
        ...(report.reason ? { reason: report.reason } : {}),
        occurredAt: t.toISOString(),
        receivedAt: t.toISOString(),
      });
    });
  }
  if (collectedAfterArrival) scheduleCollection(previous, orderId, shipmentId);
}

/** The customer comes for a parcel ready at the store 2 to 72 hours after `readyAt`. */
function scheduleCollection(readyAt: number, orderId: string, shipmentId: string): void {
  sim.schedule(readyAt + between(2, 72) * HOUR, orderId, (t) =>
    retried(() => collectShipment(portsAt(t), shipmentId)).then(() => undefined),
  );
}

// ---- the world: network, daily stock counts, orders over the month ----

async function seedNetwork(): Promise<void> {
  const bar = progressBar(
    'network and stock',
    demo.locations.length + demo.products.length + demo.stock.length,
  );
  for (const location of demo.locations) {
    await base.network.putLocation(location as Location);
    bar.tick();
  }
  for (const product of demo.products) {
    await base.network.putProduct(product as Product);
    bar.tick();
  }
  const at = new Date(simStart - HOUR);
  const ports = portsAt(at);
  for (const row of demo.stock) {
    await countStock(ports, { ...row, asOf: at.toISOString() });
    bar.tick();
  }
  bar.done();
}

function scheduleStockCounts(): void {
  for (let day = 1; day < days + 7; day++) {
    const at = simStart + day * 24 * HOUR + 5 * HOUR;
    for (const row of demo.stock)
      sim.schedule(at, `stock ${row.locationId} ${row.sku}`, async (t) => {
        // a shelf nobody bought from is not counted again (the count would change nothing)
        const current = await base.stock.row(row.sku, row.locationId);
        if (current && current.onHand >= row.onHand) return;
        await countStock(portsAt(t), { ...row, asOf: t.toISOString() });
        count('stock.counts');
      });
  }
}

const orderIds: string[] = [];

function scheduleOrders(): void {
  const placeOrder = createOrderGenerator(random, clickCollectShare);
  const dayWeights = Array.from({ length: days }, (_, d) => weekdayShape[d % 7] ?? 1);
  const drawDay = weightedSampler(random, dayWeights);
  const drawHour = weightedSampler(random, hourlyShape);
  for (let i = 0; i < orderCount; i++) {
    const at = simStart + drawDay() * 24 * HOUR + drawHour() * HOUR + Math.floor(random() * HOUR);
    const { order } = placeOrder();
    const orderId = `ORD-SIM-${String(i).padStart(6, '0')}`;
    sim.schedule(at, orderId, async (now) => {
      await receiveOrder(
        portsAt(now),
        { ...order, orderId } as Parameters<typeof receiveOrder>[1],
        () => orderId,
      );
      orderIds.push(orderId);
      sim.schedule(now.getTime() + between(2, 20) * 1000, orderId, (t) => allocateStep(t, orderId));
    });
  }
}

// ---- the figures ----

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const pct = (part: number, whole: number) => (whole > 0 ? round((100 * part) / whole, 1) : null);

async function tally(simSeconds: number) {
  const statuses = new Map<string, number>();
  const incidentKinds = new Map<string, number>();
  const resolutions = new Map<string, number>();
  interface CarrierFigures {
    parcels: number;
    delivered: number;
    kept: number;
    cost: number;
    co2Kg: number;
    orders: Set<string>;
  }
  const byCarrier = new Map<string, CarrierFigures>();
  const late = { total: 0, failedAttempt: 0, lateTransit: 0, departedLater: 0, other: 0 };
  let homeOrders = 0;
  let homeOrdersDelivered = 0;
  let homeOrdersKept = 0;
  let parcels = 0;
  let parcelsDelivered = 0;
  let parcelsKept = 0;
  let totalCost = 0;
  let totalCo2 = 0;
  let incidents = 0;
  let unpriced = 0;
  const rejections = new Map<string, number>();
  let resolved = 0;
  const bar = progressBar('reading orders', orderIds.length);
  for (let i = 0; i < orderIds.length; i += concurrency) {
    const batch = await Promise.all(orderIds.slice(i, i + concurrency).map((id) => base.orders.get(id)));
    for (const order of batch) {
      bar.tick();
      if (!order) continue;
      statuses.set(order.status, (statuses.get(order.status) ?? 0) + 1);
      if (order.rejection) {
        const reason = order.rejection.reason.replace(/[A-Z]+-[\w-]+/g, '…').slice(0, 90);
        rejections.set(reason, (rejections.get(reason) ?? 0) + 1);
      }
      for (const incident of order.incidents ?? []) {
        incidents++;
        incidentKinds.set(incident.kind, (incidentKinds.get(incident.kind) ?? 0) + 1);
        resolutions.set(incident.resolution, (resolutions.get(incident.resolution) ?? 0) + 1);
        if (incident.resolution !== 'returning') resolved++;
      }
      const home = order.shipments.filter((s) => s.carrierId);
      if (order.delivery.mode !== 'home' || home.length === 0) continue;
      homeOrders++;
      let orderDelivered = true;
      let orderKept = true;
      for (const shipment of home) {
        const carrierId = shipment.carrierId as string;
        const figures = byCarrier.get(carrierId) ?? {
          parcels: 0,
          delivered: 0,
          kept: 0,
          cost: 0,
          co2Kg: 0,
          orders: new Set<string>(),
        };
        byCarrier.set(carrierId, figures);
        const chosen = chosenPrice(order, shipment);
        if (!chosen) unpriced++;
        figures.parcels++;
        figures.orders.add(order.orderId);
        figures.cost += chosen?.cost ?? 0;
        figures.co2Kg += chosen?.co2Kg ?? 0;
        parcels++;
        totalCost += chosen?.cost ?? 0;
        totalCo2 += chosen?.co2Kg ?? 0;
        const deliveredAt = shipment.events?.find((e) => e.status === 'DELIVERED')?.occurredAt;
        if (!deliveredAt) {
          if (!shipment.replacedBy) orderDelivered = false;
          if (shipment.incidentKind) orderKept = false;
          continue;
        }
        const deliveredDay = isoDay(parisDay(new Date(deliveredAt)).day);
        const kept = shipment.promisedDate !== undefined && deliveredDay <= shipment.promisedDate;
        figures.delivered++;
        parcelsDelivered++;
        if (kept) {
          figures.kept++;
          parcelsKept++;
          continue;
        }
        orderKept = false;
        late.total++;
        const journey = carried.get(shipment.shipmentId);
        if (journey && journey.attempts > 0) late.failedAttempt++;
        else if (journey && journey.transitDays > journey.p90) late.lateTransit++;
        else if (
          journey &&
          journey.departureDay >
            isoDay(
              departureOf(
                new Date(order.createdAt),
                locationsById.get(shipment.locationId) ?? {},
                carriersById.get(carrierId),
              ).day,
            )
        )
          late.departedLater++;
        else late.other++;
      }
      if (orderDelivered) {
        homeOrdersDelivered++;
        if (orderKept && home.length > 0) homeOrdersKept++;
      }
    }
  }
  bar.done();
  const ledger = await base.carriers.deliveryCounts();
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    benchmark: 'delivery',
    parameters: {
      orders: orderCount,
      days,
      seed,
      concurrency,
      clickCollectShare,
      carrierRates: defaultCarrierRates,
    },
    machine,
    wallSeconds: round(wallSeconds, 1),
    simulationSeconds: round(simSeconds, 1),
    ordersPerSecond: round(orderIds.length / simSeconds, 1),
    actions: sim.actionsRun,
    actionFailures: Object.fromEntries(sim.failures),
    actionFailureSamples: sim.failureSamples,
    orders: {
      placed: orderIds.length,
      allocated: outcomes.allocated,
      rejected: outcomes.rejected,
      delivered: statuses.get('DELIVERED') ?? 0,
      collected: statuses.get('COLLECTED') ?? 0,
      byStatus: Object.fromEntries([...statuses].sort()),
      rejectionReasons: Object.fromEntries([...rejections].sort((a, b) => b[1] - a[1]).slice(0, 8)),
    },
    promiseKept: {
      parcelsPct: pct(parcelsKept, parcelsDelivered),
      parcelsDelivered,
      homeOrdersPct: pct(homeOrdersKept, homeOrdersDelivered),
      homeOrdersDelivered,
      late,
    },
    parcels,
    parcelsUnpriced: unpriced,
    costPerOrderEur: round(totalCost / Math.max(1, homeOrders)),
    costPerParcelEur: round(totalCost / Math.max(1, parcels)),
    co2KgPerOrder: round(totalCo2 / Math.max(1, homeOrders), 3),
    co2KgPerParcel: round(totalCo2 / Math.max(1, parcels), 3),
    byCarrier: [...byCarrier]
      .sort((a, b) => b[1].parcels - a[1].parcels)
      .map(([carrierId, f]) => ({
        carrierId,
        parcels: f.parcels,
        delivered: f.delivered,
        promiseKeptPct: pct(f.kept, f.delivered),
        ledgerOnTimePct: pct(ledger.get(carrierId)?.onTime ?? 0, ledger.get(carrierId)?.delivered ?? 0),
        costPerParcelEur: round(f.cost / Math.max(1, f.parcels)),
        costPerOrderEur: round(f.cost / Math.max(1, f.orders.size)),
        co2KgPerParcel: round(f.co2Kg / Math.max(1, f.parcels), 3),
        co2KgPerOrder: round(f.co2Kg / Math.max(1, f.orders.size), 3),
      })),
    incidents: {
      total: incidents,
      resolved,
      byKind: Object.fromEntries(incidentKinds),
      byResolution: Object.fromEntries(resolutions),
      refundedAfterReturnTimeout: outcomes.refundedAfterReturnTimeout,
    },
    workflowTasksLeftWaiting: tasks.size,
    offstage: Object.fromEntries([...offstage, ...businessMetrics].sort()),
  };
}

export type DeliveryFigures = Awaited<ReturnType<typeof tally>>;

function printSummary(f: DeliveryFigures): void {
  const lines = [
    `Delivery month: ${f.orders.placed} orders placed, ${f.orders.allocated} allocated, ${f.orders.rejected} rejected; ${f.orders.delivered} delivered, ${f.orders.collected} collected`,
    `  promise kept: ${f.promiseKept.parcelsPct}% of ${f.promiseKept.parcelsDelivered} delivered parcels, ${f.promiseKept.homeOrdersPct}% of ${f.promiseKept.homeOrdersDelivered} delivered home orders`,
    `  late parcels: ${f.promiseKept.late.total} (failed attempt ${f.promiseKept.late.failedAttempt}, transit past p90 ${f.promiseKept.late.lateTransit}, left later than the promise assumed ${f.promiseKept.late.departedLater}, other ${f.promiseKept.late.other})`,
    `  cost ${f.costPerOrderEur} EUR/order, ${f.costPerParcelEur} EUR/parcel; CO2 ${f.co2KgPerOrder} kg/order, ${f.co2KgPerParcel} kg/parcel; ${f.parcels} parcels`,
    ...f.byCarrier.map(
      (c) =>
        `  ${c.carrierId.padEnd(15)} ${String(c.parcels).padStart(6)} parcels  kept ${c.promiseKeptPct}% (ledger ${c.ledgerOnTimePct}%)  ${c.costPerParcelEur} EUR/parcel  ${c.costPerOrderEur} EUR/order  ${c.co2KgPerParcel} kg CO2/parcel`,
    ),
    `  incidents: ${f.incidents.total} (${JSON.stringify(f.incidents.byKind)}), resolutions ${JSON.stringify(f.incidents.byResolution)}, ${f.incidents.resolved} resolved`,
    `  wall ${f.wallSeconds} s (simulation ${f.simulationSeconds} s, ${f.ordersPerSecond} orders/s, ${f.actions} actions), load average ${f.machine.loadAverage1m}`,
    `  failures: ${JSON.stringify(f.actionFailures)}; workflow tasks left waiting: ${f.workflowTasksLeftWaiting}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

// ---- the month ----

async function main(): Promise<void> {
  const { dynamodb, tables } = await startBenchTables();
  const bench = benchPorts(dynamodb.endpoint, tables, { now: () => new Date(simStart) });
  base = bench.ports;
  businessMetrics = bench.offstage;
  step(
    `Delivery benchmark: ${orderCount} orders over ${days} simulated days, seed ${seed}, concurrency ${concurrency}, DynamoDB Local`,
  );
  try {
    await seedNetwork();
    scheduleOrders();
    scheduleStockCounts();
    const horizonHours = (days + 7) * 24;
    const bar = progressBar('simulated hours', horizonHours);
    let hoursShown = 0;
    const simStarted = performance.now();
    await sim.run(HOUR, concurrency, (wave) => {
      const hour = Math.min(horizonHours, Math.floor((wave.end - simStart) / HOUR));
      if (hour > hoursShown) {
        bar.tick(hour - hoursShown);
        hoursShown = hour;
      }
    });
    bar.done(`${sim.actionsRun} actions`);
    const simSeconds = (performance.now() - simStarted) / 1000;
    const figures = await tally(simSeconds);
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'delivery.json'), `${JSON.stringify(figures, null, 2)}\n`);
    drawDeliveryChart(figures, join(resultsDir, 'delivery.png'));
    printSummary(figures);
  } catch (error) {
    process.exitCode = 1;
    console.error(error);
  } finally {
    await dynamodb.stop();
  }
}

if (args['charts-only']) {
  // redraws the plot from the last figures, without running the month again
  const path = join(resultsDir, 'delivery.json');
  drawDeliveryChart(
    JSON.parse(readFileSync(path, 'utf8')) as DeliveryFigures,
    join(resultsDir, 'delivery.png'),
  );
} else await main();
