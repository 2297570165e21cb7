import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { builtInCarriers } from '../functions/core/carriers/carriers.ts';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '../functions/core/carriers/webhook-signature.ts';
import { carrierJourney, FAILED_ATTEMPT_RATE, LATE_RATE, LOST_RATE } from './demo/carrier-behaviour.ts';
import { demoCatalogue } from './demo/catalogue.ts';
import { createDestinationSampler } from './demo/destinations.ts';
import { buildDemoNetwork } from './demo/network.ts';
import { DEMO_SEED, mulberry32 } from './demo/random.ts';

export {
  FAILED_ATTEMPT_RATE,
  LATE_RATE,
  LOST_RATE,
  MAX_DELIVERY_ATTEMPTS,
} from './demo/carrier-behaviour.ts';

/**
 * The outside world of the local cloud, in compressed time: locations that pick and pack, carriers that
 * post signed tracking webhooks, customers who collect, warehouses that receive the purchase orders
 * backorders wait for, and (optionally) shoppers who place orders.
 * It sees Relais only as an outsider would: events on the bus and the public HTTP API.
 */

/** An EventBridge event as the local bus delivers it. */
export interface BusEvent {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  detail: unknown;
}

export interface EventBus {
  subscribe(listener: (event: BusEvent) => void): () => void;
}

export interface AutopilotLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface AutopilotOptions {
  baseUrl: string;
  token?: string;
  webhookSecret: string;
  bus: EventBus;
  /** Time compression: 2 makes every simulated delay half as long. Default 1 (a few hundred ms to ~2 s). */
  speed?: number;
  /** Share of allocated shipments the location rejects (damaged stock). Default 0. */
  rejectRate?: number;
  /** When set, a demo order is placed this often (real seconds, not scaled by `speed`). */
  placeOrdersEverySeconds?: number;
  /** Share of generated orders that are click & collect rather than home delivery. Default 0.2. */
  clickCollectShare?: number;
  /** Seeds delays, rejections and generated orders. Default: a fresh random seed. */
  seed?: number;
  /** Share of delivery attempts that fail, recipient absent. Default FAILED_ATTEMPT_RATE. */
  failedAttemptRate?: number;
  /** Share of parcels lost in transit. Default LOST_RATE. */
  lostRate?: number;
  /** Share of click & collect customers who never come: the store's hold expires. Default 0. */
  noShowRate?: number;
  /** Share of allocated orders of several units whose customer cancels one unit before the pick. Default 0. */
  partialCancelRate?: number;
  /** Share of delivered orders sent back (a return graded by inspection or by its reason). Default 0. */
  returnRate?: number;
  /** kg per SKU, for the packages a location declares; default: the demo catalogue. */
  productWeights?: ReadonlyMap<string, number>;
  /** Default: warnings to the console, actions silent. */
  logger?: AutopilotLogger;
}

export interface Autopilot {
  stop(): void;
}

/** The journey a carrier reports for a parcel it has been handed, in order, when nothing goes wrong. */
export const CARRIER_JOURNEY = ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'] as const;

const shipmentStatusChanged = z.object({
  orderId: z.string(),
  shipmentId: z.string(),
  locationId: z.string().optional(),
  status: z.string(),
  previousStatus: z.string().optional(),
  mode: z.string().optional(),
});

const orderBackordered = z.object({
  orderId: z.string(),
  supply: z.array(z.object({ supplyId: z.string() })),
  preorder: z.boolean().optional(),
});

const shipmentDispatched = z.object({
  orderId: z.string(),
  shipmentId: z.string(),
  carrierId: z.string(),
  trackingNumber: z.string(),
  locationId: z.string().optional(),
});

const orderDelivered = z.object({ orderId: z.string(), status: z.string() });

const returnCreated = z.object({ returnId: z.string(), carrierId: z.string(), trackingNumber: z.string() });

/** Why demo customers send things back; `damaged` and `defective` grade C without an inspection. */
const RETURN_REASONS = ['changed my mind', 'too small', 'not as described', 'damaged', 'defective'] as const;

const orderShipments = z.object({
  lines: z.array(z.object({ sku: z.string(), quantity: z.number() })).optional(),
  shipments: z.array(
    z.object({
      shipmentId: z.string(),
      lines: z.array(z.object({ sku: z.string(), quantity: z.number() })).optional(),
    }),
  ),
});

/** Simulated delays in ms at speed 1: [min, max]. */
const DELAYS = {
  pickPack: [300, 1500],
  carrierStep: [400, 2000],
  /** one carrier working day of transit, in compressed time */
  carrierDay: [1500, 2500],
  collect: [800, 2000],
  /** a supplier's purchase order reaching the warehouse after an order waits for it */
  supplyArrival: [4000, 9000],
  /** a customer thinking it over before cancelling part of an order, or sending it back */
  customer: [200, 1200],
  retry: [500, 1000],
} as const satisfies Record<string, readonly [number, number]>;

const MAX_ATTEMPTS = 3;
const SEEN_EVENTS_KEPT = 10_000;

const consoleLogger: AutopilotLogger = {
  info: () => {},
  warn: (message, fields) => console.warn(`[autopilot] ${message}`, fields ?? ''),
};

/** Rejected by a pending wait when the autopilot stops, so that every simulated actor unwinds quietly. */
class Stopped extends Error {
  override readonly name = 'Stopped';
}

interface Answer {
  status: number;
  body: unknown;
}

export function startAutopilot(options: AutopilotOptions): Autopilot {
  const speed = options.speed && options.speed > 0 ? options.speed : 1;
  const rejectRate = options.rejectRate ?? 0;
  const failedAttemptRate = options.failedAttemptRate ?? FAILED_ATTEMPT_RATE;
  const lostRate = options.lostRate ?? LOST_RATE;
  const noShowRate = options.noShowRate ?? 0;
  const partialCancelRate = options.partialCancelRate ?? 0;
  const returnRate = options.returnRate ?? 0;
  /** a draw only when the rate is set, so that a zero rate leaves the seeded sequence as it was */
  const happens = (rate: number) => rate > 0 && random() < rate;
  const logger = options.logger ?? consoleLogger;
  const random = mulberry32(options.seed ?? randomInt(2 ** 31));
  const root = options.baseUrl.replace(/\/+$/, '');
  const weights = options.productWeights ?? new Map(demoCatalogue().map((p) => [p.sku, p.weightKg]));

  const abort = new AbortController();
  const pendingWaits = new Map<NodeJS.Timeout, () => void>();
  const seenEvents = new Set<string>();
  const busy = new Set<string>();
  let stopped = false;

  function wait([min, max]: readonly [number, number]): Promise<void> {
    const ms = (min + random() * (max - min)) / speed;
    return new Promise((resolve, reject) => {
      if (stopped) return reject(new Stopped());
      const timer = setTimeout(() => {
        pendingWaits.delete(timer);
        resolve();
      }, ms);
      pendingWaits.set(timer, () => reject(new Stopped()));
    });
  }

  /** One HTTP call, retried on 5xx and network errors; any other answer is returned for the caller to judge. */
  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    extraHeaders: (rawBody: string) => Record<string, string> = () => ({}),
  ): Promise<Answer | undefined> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (stopped) throw new Stopped();
      const rawBody = body === undefined ? '' : JSON.stringify(body);
      const headers: Record<string, string> = { ...extraHeaders(rawBody) };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (options.token && !path.startsWith('/webhooks/')) headers.authorization = `Bearer ${options.token}`;
      try {
        const response = await fetch(`${root}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: rawBody }),
          signal: abort.signal,
        });
        const text = await response.text();
        if (response.status < 500) return { status: response.status, body: parseOrText(text) };
        logger.warn(`${method} ${path} answered ${response.status}`, { attempt, body: text.slice(0, 300) });
      } catch (error) {
        if (stopped) throw new Stopped();
        logger.warn(`${method} ${path} failed`, { attempt, error: String(error) });
      }
      if (attempt < MAX_ATTEMPTS) await wait(DELAYS.retry);
    }
    return undefined;
  }

  /** True on 2xx; a 404 or 409 is the messy world (a cancelled order, a duplicate) and is only logged. */
  function accepted(what: string, answer: Answer | undefined): boolean {
    if (!answer) {
      logger.warn(`${what}: gave up after ${MAX_ATTEMPTS} attempts`);
      return false;
    }
    if (answer.status >= 200 && answer.status < 300) {
      logger.info(`${what}: ${answer.status}`);
      return true;
    }
    logger.warn(`${what}: ${answer.status}, ignored`, { body: answer.body });
    return false;
  }

  async function packagesOf(
    orderId: string,
    shipmentId: string,
  ): Promise<{ weightKg: number }[] | undefined> {
    const answer = await call('GET', `/orders/${encodeURIComponent(orderId)}`);
    if (answer?.status !== 200) return undefined;
    const order = orderShipments.safeParse(answer.body);
    const lines = order.success
      ? order.data.shipments.find((s) => s.shipmentId === shipmentId)?.lines
      : undefined;
    if (!lines?.length) return undefined;
    let total = 0;
    for (const line of lines) {
      const weight = weights.get(line.sku);
      if (weight === undefined) return undefined;
      total += weight * line.quantity;
    }
    return [{ weightKg: Math.round(total * 1000) / 1000 }];
  }

  async function pickAndPack(orderId: string, shipmentId: string): Promise<void> {
    await wait(DELAYS.pickPack);
    const path = `/shipments/${encodeURIComponent(shipmentId)}`;
    if (random() < rejectRate) {
      accepted(`reject ${shipmentId}`, await call('POST', `${path}/reject`, { reason: 'damaged stock' }));
      return;
    }
    const packages = await packagesOf(orderId, shipmentId);
    accepted(`confirm ${shipmentId}`, await call('POST', `${path}/confirm`, packages ? { packages } : {}));
  }

  /** Posts one signed tracking event; false when the carrier should stop (unknown parcel, gave up). */
  async function report(
    carrierId: string,
    trackingNumber: string,
    status: string,
    reason?: string,
  ): Promise<boolean> {
    // A carrier retries with the same event id; Relais must not count it twice.
    const event = {
      eventId: randomUUID(),
      trackingNumber,
      status,
      occurredAt: new Date().toISOString(),
      ...(reason ? { reason } : {}),
    };
    const answer = await call(
      'POST',
      `/webhooks/carriers/${encodeURIComponent(carrierId)}`,
      event,
      (rawBody) => ({
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(options.webhookSecret, rawBody),
      }),
    );
    return accepted(`carrier ${carrierId} ${trackingNumber} ${status}`, answer) || answer?.status === 409;
  }

  /**
   * A carrier's journey as the shared behaviour draws it (carrier-behaviour.ts), played out in
   * compressed time: a step's delay before each event, a compressed carrier day per day it moves on.
   */
  async function carry(carrierId: string, trackingNumber: string): Promise<void> {
    const profile = builtInCarriers.find((c) => c.carrierId === carrierId)?.services[0]?.transitDays;
    const journey = carrierJourney(profile ?? { p50: 1, p90: 2 }, random, {
      failedAttemptRate,
      lostRate,
      lateRate: LATE_RATE,
    });
    let previous: (typeof journey)[number] | undefined;
    for (const next of journey) {
      // the steps up to going out stand for the transit's first day
      const days = previous ? next.day - previous.day - (previous.status === 'IN_TRANSIT' ? 1 : 0) : 0;
      for (let day = 0; day < days; day++) await wait(DELAYS.carrierDay);
      await wait(DELAYS.carrierStep);
      if (!(await report(carrierId, trackingNumber, next.status, next.reason))) return;
      previous = next;
    }
  }

  /** The warehouse receives the supply a backorder waits for (a second receipt is a 409, ignored). */
  async function receiveSupply(supplyId: string): Promise<void> {
    await wait(DELAYS.supplyArrival);
    accepted(`received ${supplyId}`, await call('POST', `/supply/${encodeURIComponent(supplyId)}/receive`));
  }

  async function collect(shipmentId: string): Promise<void> {
    await wait(DELAYS.collect);
    accepted(
      `collected ${shipmentId}`,
      await call('POST', `/shipments/${encodeURIComponent(shipmentId)}/collected`),
    );
  }

  /** A customer takes one unit off an order of several before it is picked (a partial cancellation). */
  async function cancelOneUnit(orderId: string): Promise<void> {
    await wait(DELAYS.customer);
    const answer = await call('GET', `/orders/${encodeURIComponent(orderId)}`);
    const order = orderShipments.safeParse(answer?.body);
    const lines = order.success ? (order.data.lines ?? []) : [];
    const line = lines.find((l) => l.quantity > 1) ?? (lines.length > 1 ? lines[0] : undefined);
    if (!line) return;
    accepted(
      `cancel 1 ${line.sku} of ${orderId}`,
      await call('POST', `/orders/${encodeURIComponent(orderId)}/cancel`, {
        lines: [{ sku: line.sku, quantity: 1 }],
      }),
    );
  }

  /**
   * A customer sends a delivered order's first unit back: the return's carrier brings it to the
   * network; now and then the warehouse inspects it (grade B) before it arrives, otherwise its
   * reason grades it.
   */
  async function sendBack(orderId: string): Promise<void> {
    await wait(DELAYS.customer);
    const answer = await call('GET', `/orders/${encodeURIComponent(orderId)}`);
    const order = orderShipments.safeParse(answer?.body);
    const line = order.success ? order.data.shipments.flatMap((s) => s.lines ?? [])[0] : undefined;
    if (!line) return;
    const reason = RETURN_REASONS[Math.floor(random() * RETURN_REASONS.length)] ?? 'changed my mind';
    const created = await call('POST', `/orders/${encodeURIComponent(orderId)}/returns`, {
      lines: [{ sku: line.sku, quantity: 1, reason }],
    });
    if (!accepted(`return of ${orderId}`, created)) return;
    const parcel = returnCreated.safeParse(created?.body);
    if (!parcel.success) return;
    const { returnId, carrierId, trackingNumber } = parcel.data;
    if (random() < 0.3)
      accepted(
        `inspect ${returnId}`,
        await call('POST', `/returns/${encodeURIComponent(returnId)}/inspection`, { grade: 'B' }),
      );
    for (const status of ['IN_TRANSIT', 'RETURN_RECEIVED']) {
      await wait(DELAYS.carrierDay);
      if (!(await report(carrierId, trackingNumber, status))) return;
    }
  }

  /** Runs one simulated actor; at most one per key at a time, and nothing escapes it. */
  function act(key: string, actor: () => Promise<void>): void {
    if (busy.has(key)) return;
    busy.add(key);
    actor()
      .catch((error: unknown) => {
        if (!(error instanceof Stopped)) logger.warn(`${key} failed`, { error: String(error) });
      })
      .finally(() => busy.delete(key));
  }

  function firstSighting(eventId: string): boolean {
    if (seenEvents.has(eventId)) return false;
    seenEvents.add(eventId);
    if (seenEvents.size > SEEN_EVENTS_KEPT) {
      const oldest = seenEvents.values().next().value;
      if (oldest !== undefined) seenEvents.delete(oldest);
    }
    return true;
  }

  function onEvent(event: BusEvent): void {
    if (stopped || !event || !firstSighting(String(event.id))) return;
    const type = event['detail-type'];
    if (type === 'ShipmentStatusChanged.v1') {
      const detail = shipmentStatusChanged.safeParse(event.detail);
      if (!detail.success) {
        logger.warn(`malformed ${type}`, { id: event.id });
        return;
      }
      const { orderId, shipmentId, status } = detail.data;
      if (status === 'ALLOCATED') {
        if (happens(partialCancelRate)) act(`cancel-unit ${orderId}`, () => cancelOneUnit(orderId));
        act(`pick-pack ${shipmentId}`, () => pickAndPack(orderId, shipmentId));
      } else if (status === 'READY_FOR_PICKUP' && !happens(noShowRate))
        act(`collect ${shipmentId}`, () => collect(shipmentId));
    } else if (type === 'OrderBackordered.v1') {
      const detail = orderBackordered.safeParse(event.detail);
      if (!detail.success) {
        logger.warn(`malformed ${type}`, { id: event.id });
        return;
      }
      for (const { supplyId } of detail.data.supply)
        act(`receive ${supplyId}`, () => receiveSupply(supplyId));
    } else if (type === 'OrderDelivered.v1') {
      const detail = orderDelivered.safeParse(event.detail);
      if (detail.success && happens(returnRate))
        act(`return ${detail.data.orderId}`, () => sendBack(detail.data.orderId));
    } else if (type === 'ShipmentDispatched.v1') {
      const detail = shipmentDispatched.safeParse(event.detail);
      if (!detail.success) {
        logger.warn(`malformed ${type}`, { id: event.id });
        return;
      }
      const { carrierId, trackingNumber } = detail.data;
      act(`carry ${trackingNumber}`, () => carry(carrierId, trackingNumber));
    }
  }

  const unsubscribe = options.bus.subscribe((event) => {
    try {
      onEvent(event);
    } catch (error) {
      logger.warn('event handling failed', { error: String(error) });
    }
  });

  let orderTimer: NodeJS.Timeout | undefined;
  if (options.placeOrdersEverySeconds && options.placeOrdersEverySeconds > 0) {
    const placeOrder = createOrderGenerator(random, options.clickCollectShare ?? 0.2);
    orderTimer = setInterval(() => {
      act(`order ${randomUUID()}`, async () => {
        const { idempotencyKey, order } = placeOrder();
        const answer = await call('POST', '/orders', order, () => ({ 'Idempotency-Key': idempotencyKey }));
        accepted(`order ${idempotencyKey}`, answer);
      });
    }, options.placeOrdersEverySeconds * 1000);
  }

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      if (orderTimer) clearInterval(orderTimer);
      for (const [timer, cancel] of pendingWaits) {
        clearTimeout(timer);
        cancel();
      }
      pendingWaits.clear();
      abort.abort();
    },
  };
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const CHANNELS = ['web', 'web', 'web', 'marketplace', 'store', 'callcenter'] as const;

/** Demo shoppers: 1–3 lines of the demo catalogue, delivered home to a town drawn by population or collected. */
export function createOrderGenerator(random: () => number, clickCollectShare: number) {
  const network = buildDemoNetwork(DEMO_SEED);
  const products = network.products;
  const stores = network.locations.filter((l) => l.capabilities.includes('click_collect'));
  const destination = createDestinationSampler(random);
  const choose = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(random() * items.length)];
    if (item === undefined) throw new Error('nothing to choose from');
    return item;
  };

  return () => {
    const customerNumber = Math.floor(random() * 100_000);
    const store = random() < clickCollectShare && stores.length > 0 ? choose(stores) : undefined;
    // A click & collect shopper buys what the store's shelf shows.
    const shelf = store
      ? products.filter((p) =>
          network.stock.some((s) => s.locationId === store.locationId && s.sku === p.sku),
        )
      : products;
    const lineCount = 1 + Math.floor(random() * 3);
    const skus = new Set<string>();
    const lines: { sku: string; quantity: number; unitPrice: number }[] = [];
    for (let i = 0; i < lineCount * 3 && lines.length < lineCount; i++) {
      const product = choose(shelf.length > 0 ? shelf : products);
      if (skus.has(product.sku)) continue;
      skus.add(product.sku);
      lines.push({ sku: product.sku, quantity: random() < 0.8 ? 1 : 2, unitPrice: product.unitPrice });
    }
    const delivery = store
      ? { mode: 'click_collect' as const, storeId: store.locationId }
      : { mode: 'home' as const, address: destination(), service: random() < 0.2 ? 'express' : 'standard' };
    return {
      idempotencyKey: randomUUID(),
      order: {
        channel: store ? 'web' : choose(CHANNELS),
        customer: {
          id: `CUST-${String(customerNumber).padStart(5, '0')}`,
          email: `customer${customerNumber}@example.com`,
        },
        delivery,
        lines,
      },
    };
  };
}
