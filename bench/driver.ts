import { createHmac, randomUUID } from 'node:crypto';
import type { CloudProcess } from './lib/cloud-process.ts';
import type { HostedEvent } from './lib/cloud-protocol.ts';
import type { OrderBody } from './lib/journey-orders.ts';

/** What a carrier reports for a parcel, in order; the last one completes the workflow's wait. */
export const carrierJourney = ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'] as const;

/** How long any single step may take before the run is declared broken rather than slow. */
const stepTimeoutMs = 30_000;

/** API Gateway HTTP APIs meter each request in 512 KB steps of its size. */
const httpApiMeteringBytes = 512 * 1024;

/**
 * The HTTP contract as an outside caller uses it, counting what it sends: every call is one API
 * Gateway request (in 512 KB steps), so the count is the API Gateway bill of what it drove.
 */
export class Api {
  meteredRequests = 0;
  readonly byRoute: Record<string, number> = {};

  constructor(readonly baseUrl: string) {}

  async call(
    method: string,
    path: string,
    route: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    const size = Buffer.byteLength(body ?? '') + path.length;
    this.meteredRequests += Math.max(1, Math.ceil(size / httpApiMeteringBytes));
    this.byRoute[route] = (this.byRoute[route] ?? 0) + 1;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed };
  }

  placeOrder(orderId: string, body: OrderBody) {
    return this.call('POST', '/orders', 'POST /orders', JSON.stringify({ ...body, orderId }), {
      'idempotency-key': randomUUID(),
    });
  }

  confirmShipment(shipmentId: string) {
    return this.call(
      'POST',
      `/shipments/${encodeURIComponent(shipmentId)}/confirm`,
      'POST /shipments/{id}/confirm',
      '{}',
    );
  }

  /** Posts a tracking event as a carrier does: HMAC-SHA256 over `t.rawBody`, as DESIGN section 6 says. */
  carrierEvent(carrierId: string, secret: string, event: { trackingNumber: string; status: string }) {
    const body = JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), ...event });
    const t = Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    return this.call(
      'POST',
      `/webhooks/carriers/${encodeURIComponent(carrierId)}`,
      'POST /webhooks/carriers/{carrierId}',
      body,
      { 'x-relais-signature': `t=${t},v1=${v1}` },
    );
  }

  health() {
    return this.call('GET', '/health', 'GET /health');
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // a rejection nobody awaits yet must not crash the process
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Rejects when `promise` has not settled within `ms`; the timer never keeps the process alive. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Dispatch {
  shipmentId: string;
  carrierId: string;
  trackingNumber: string;
}

/** One order as seen on the bus: when it was allocated and delivered (performance.now()). */
interface Tracker {
  allocated: Deferred<{ at: number; shipments: string[] }>;
  delivered: Deferred<{ at: number }>;
  onDispatched?: (dispatch: Dispatch) => void;
}

/**
 * Follows orders by their events on the bus, as an ERP subscribed to it would. The cloud process
 * forwards each event as the bus accepts it, so the time seen is the time of publication plus one
 * IPC hop (well under a millisecond), with no polling interval in the figures.
 */
export class OrderWatcher {
  private readonly orders = new Map<string, Tracker>();
  private readonly unsubscribe: () => void;

  constructor(cloud: CloudProcess) {
    this.unsubscribe = cloud.onEvent((event) => this.onEvent(event));
  }

  track(orderId: string): Tracker {
    const tracker: Tracker = { allocated: deferred(), delivered: deferred() };
    this.orders.set(orderId, tracker);
    return tracker;
  }

  forget(orderId: string): void {
    this.orders.delete(orderId);
  }

  stop(): void {
    this.unsubscribe();
  }

  private onEvent(event: HostedEvent): void {
    const at = performance.now();
    const { orderId = '', shipmentId = '', carrierId = '', trackingNumber = '', reason = '' } = event.fields;
    const tracker = this.orders.get(orderId);
    if (tracker === undefined) return;
    switch (event.detailType) {
      case 'OrderAllocated.v1':
        tracker.allocated.resolve({ at, shipments: event.shipments ?? [] });
        break;
      case 'OrderRejected.v1':
      case 'OrderCancelled.v1': {
        const error = new Error(`order ${orderId}: ${event.detailType} ${reason}`);
        tracker.allocated.reject(error);
        tracker.delivered.reject(error);
        break;
      }
      case 'ShipmentDispatched.v1':
        tracker.onDispatched?.({ shipmentId, carrierId, trackingNumber });
        break;
      case 'OrderDelivered.v1':
        tracker.delivered.resolve({ at });
        break;
    }
  }
}

export interface IntakeSample {
  orderId: string;
  startedAt: number;
  intakeMs: number;
  allocationMs: number;
}

/** POST /orders, then waits for OrderAllocated.v1: the two latencies of one order, from the same start. */
export async function placeAndAllocate(
  api: Api,
  watcher: OrderWatcher,
  orderId: string,
  body: OrderBody,
): Promise<IntakeSample> {
  const tracker = watcher.track(orderId);
  try {
    const startedAt = performance.now();
    const answer = await api.placeOrder(orderId, body);
    const answeredAt = performance.now();
    if (answer.status !== 202) {
      throw new Error(`POST /orders ${orderId}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    const allocated = await within(tracker.allocated.promise, stepTimeoutMs, `${orderId} to be allocated`);
    return { orderId, startedAt, intakeMs: answeredAt - startedAt, allocationMs: allocated.at - startedAt };
  } finally {
    watcher.forget(orderId);
  }
}

export interface JourneySample {
  orderId: string;
  startedAt: number;
  shipments: number;
  allocationMs: number;
  /** every shipment's POST /shipments/{id}/confirm answered */
  confirmedMs: number;
  /** the last ShipmentDispatched.v1 seen */
  dispatchedMs: number;
  deliveredMs: number;
}

/**
 * One order from intake to DELIVERED without simulated delays, but with each actor acting once the
 * cloud is quiet again (`quiet`), as a store or a carrier acting minutes later would: the location
 * confirms its pick (POST /shipments/{id}/confirm) after OrderAllocated.v1, and the carrier posts
 * its signed events (PICKED_UP … DELIVERED) after ShipmentDispatched.v1, one by one. Posting them
 * back to back instead makes the handlers race on the order item (optimistic-lock conflicts and
 * retries that real spacing would not cause) and would bill those retries to every order.
 */
export async function deliverOne(
  api: Api,
  watcher: OrderWatcher,
  webhookSecret: string,
  orderId: string,
  body: OrderBody,
  quiet: () => Promise<void>,
): Promise<JourneySample> {
  const tracker = watcher.track(orderId);
  const carriers: Promise<void>[] = [];
  let dispatchedAt = Number.NaN;
  tracker.onDispatched = (dispatch) => {
    dispatchedAt = performance.now();
    const carried = carry(api, webhookSecret, dispatch, quiet);
    carried.catch((error: unknown) => tracker.delivered.reject(error));
    carriers.push(carried);
  };
  try {
    const startedAt = performance.now();
    const answer = await api.placeOrder(orderId, body);
    if (answer.status !== 202) {
      throw new Error(`POST /orders ${orderId}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    const allocated = await within(tracker.allocated.promise, stepTimeoutMs, `${orderId} to be allocated`);
    await quiet();
    await Promise.all(
      allocated.shipments.map(async (shipmentId) => {
        const confirm = await api.confirmShipment(shipmentId);
        if (confirm.status !== 202) {
          throw new Error(`confirm ${shipmentId}: ${confirm.status} ${JSON.stringify(confirm.body)}`);
        }
      }),
    );
    const confirmedAt = performance.now();
    const delivered = await within(tracker.delivered.promise, stepTimeoutMs, `${orderId} to be delivered`);
    await Promise.all(carriers);
    return {
      orderId,
      startedAt,
      shipments: allocated.shipments.length,
      allocationMs: allocated.at - startedAt,
      confirmedMs: confirmedAt - startedAt,
      dispatchedMs: dispatchedAt - startedAt,
      deliveredMs: delivered.at - startedAt,
    };
  } finally {
    watcher.forget(orderId);
  }
}

async function carry(
  api: Api,
  secret: string,
  dispatch: Dispatch,
  quiet: () => Promise<void>,
): Promise<void> {
  for (const status of carrierJourney) {
    await quiet();
    const answer = await api.carrierEvent(dispatch.carrierId, secret, {
      trackingNumber: dispatch.trackingNumber,
      status,
    });
    if (answer.status !== 202) {
      throw new Error(`carrier ${dispatch.carrierId} ${dispatch.trackingNumber} ${status}: ${answer.status}`);
    }
  }
}

/**
 * Runs `task(0..count-1)` with at most `concurrency` in flight (each worker takes the next index),
 * and answers the results in index order with the wall time of the whole run.
 */
export async function pool<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<{ results: T[]; wallMs: number }> {
  const results: T[] = new Array(count);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
  return { results, wallMs: performance.now() - started };
}
