import { randomUUID } from 'node:crypto';
import { createOrderGenerator } from '../local/autopilot.ts';
import type { LocalCloud } from '../local/cloud.ts';
import { mulberry32 } from '../local/demo/random.ts';
import type { EventBridgeEvent } from '../local/eventbus/bus.ts';
import type { ApiClient } from '../test/support/cloud.ts';
import { fulfilmentExecutionArn, postCarrierEvent } from '../test/support/journey.ts';

/** What a carrier reports for a parcel, in order; the last one completes the workflow's wait. */
export const carrierJourney = ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'] as const;

/** How long any single step may take before the run is declared broken rather than slow. */
const stepTimeoutMs = 30_000;

type OrderBody = Record<string, unknown>;

/**
 * `count` demo orders from a seeded generator (1–3 lines of the demo catalogue, home delivery to a
 * town drawn by population): the same seed gives the same orders, and every phase replays the list.
 */
export function orderBodies(seed: number, count: number): OrderBody[] {
  const next = createOrderGenerator(mulberry32(seed), 0);
  return Array.from({ length: count }, () => next().order);
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

interface AllocatedShipment {
  shipmentId: string;
  locationId: string;
}

interface Dispatch {
  shipmentId: string;
  carrierId: string;
  trackingNumber: string;
}

/** One order as seen on the bus: when it was allocated, dispatched and delivered (performance.now()). */
interface Tracker {
  allocated: Deferred<{ at: number; shipments: AllocatedShipment[] }>;
  delivered: Deferred<{ at: number }>;
  onDispatched?: (dispatch: Dispatch) => void;
}

const text = (detail: Record<string, unknown>, key: string) =>
  typeof detail[key] === 'string' ? (detail[key] as string) : '';

/**
 * Follows orders by their events on the local bus, as an ERP subscribed to the bus would. The bus
 * calls its subscribers while PutEvents is answered, in this process, so the time an event is seen
 * is the time the handler published it (no polling interval in the figures).
 */
export class OrderWatcher {
  private readonly orders = new Map<string, Tracker>();
  private readonly unsubscribe: () => void;

  constructor(bus: LocalCloud['bus']) {
    this.unsubscribe = bus.subscribe((event) => this.onEvent(event));
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

  private onEvent(event: EventBridgeEvent): void {
    const at = performance.now();
    const detail = (event.detail ?? {}) as Record<string, unknown>;
    const tracker = this.orders.get(text(detail, 'orderId'));
    if (tracker === undefined) return;
    switch (event['detail-type']) {
      case 'OrderAllocated.v1': {
        const shipments = Array.isArray(detail.shipments) ? (detail.shipments as AllocatedShipment[]) : [];
        tracker.allocated.resolve({ at, shipments });
        break;
      }
      case 'OrderRejected.v1':
      case 'OrderCancelled.v1': {
        const error = new Error(
          `order ${text(detail, 'orderId')}: ${event['detail-type']} ${text(detail, 'reason')}`,
        );
        tracker.allocated.reject(error);
        tracker.delivered.reject(error);
        break;
      }
      case 'ShipmentDispatched.v1':
        tracker.onDispatched?.({
          shipmentId: text(detail, 'shipmentId'),
          carrierId: text(detail, 'carrierId'),
          trackingNumber: text(detail, 'trackingNumber'),
        });
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
  api: ApiClient,
  watcher: OrderWatcher,
  orderId: string,
  body: OrderBody,
): Promise<IntakeSample> {
  const tracker = watcher.track(orderId);
  try {
    const startedAt = performance.now();
    const answer = await api.placeOrder({ ...body, orderId }, randomUUID());
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
  transitions: number;
}

/**
 * One order from intake to DELIVERED with no simulated delay: each location confirms its pick as soon
 * as the order is allocated, and each carrier posts its signed events (PICKED_UP … DELIVERED) as soon
 * as the parcel is dispatched. Then waits for the execution to end and reads its billed transitions.
 */
export async function deliverOne(
  cloud: LocalCloud,
  api: ApiClient,
  watcher: OrderWatcher,
  orderId: string,
  body: OrderBody,
): Promise<JourneySample> {
  const tracker = watcher.track(orderId);
  const carriers: Promise<void>[] = [];
  let dispatchedAt = Number.NaN;
  tracker.onDispatched = (dispatch) => {
    dispatchedAt = performance.now();
    const carried = carry(cloud.url, dispatch);
    carried.catch((error: unknown) => tracker.delivered.reject(error));
    carriers.push(carried);
  };
  try {
    const startedAt = performance.now();
    const answer = await api.placeOrder({ ...body, orderId }, randomUUID());
    if (answer.status !== 202) {
      throw new Error(`POST /orders ${orderId}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    const allocated = await within(tracker.allocated.promise, stepTimeoutMs, `${orderId} to be allocated`);
    await Promise.all(
      allocated.shipments.map(async ({ shipmentId }) => {
        const confirm = await api.post(`/shipments/${shipmentId}/confirm`, {});
        if (confirm.status !== 202) {
          throw new Error(`confirm ${shipmentId}: ${confirm.status} ${JSON.stringify(confirm.body)}`);
        }
      }),
    );
    const confirmedAt = performance.now();
    const delivered = await within(tracker.delivered.promise, stepTimeoutMs, `${orderId} to be delivered`);
    await Promise.all(carriers);
    const executionArn = fulfilmentExecutionArn(cloud, orderId);
    const execution = await within(
      cloud.stepFunctions.waitForExecution(executionArn),
      stepTimeoutMs,
      `the execution of ${orderId} to end`,
    );
    if (execution.status !== 'SUCCEEDED') {
      throw new Error(`execution of ${orderId} ended ${execution.status}: ${execution.cause ?? ''}`);
    }
    return {
      orderId,
      startedAt,
      shipments: allocated.shipments.length,
      allocationMs: allocated.at - startedAt,
      confirmedMs: confirmedAt - startedAt,
      dispatchedMs: dispatchedAt - startedAt,
      deliveredMs: delivered.at - startedAt,
      transitions: cloud.stepFunctions.transitionCount(executionArn),
    };
  } finally {
    watcher.forget(orderId);
  }
}

async function carry(baseUrl: string, dispatch: Dispatch): Promise<void> {
  for (const status of carrierJourney) {
    const answer = await postCarrierEvent(baseUrl, dispatch.carrierId, {
      trackingNumber: dispatch.trackingNumber,
      status,
    });
    await answer.arrayBuffer();
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
