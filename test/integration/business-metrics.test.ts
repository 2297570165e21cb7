/**
 * The business metrics as CloudWatch would get them: the Embedded Metric Format lines the handlers
 * print (Powertools metrics, flushed by the middleware at the end of each invocation), read from this
 * process's stdout while orders go through the local cloud, its workflows and its bus.
 *
 * The local runtime turns Powertools metrics off for the functions it imports (POWERTOOLS_METRICS_DISABLED,
 * so that `npm start` prints no EMF); this cloud turns them back on, as on Lambda. The handlers run
 * from source here and share this process's Powertools instance.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as deliveryOutcome } from '../../functions/events/delivery-outcome.ts';
import { type BusinessMetricName, metricsNamespace, metricsService } from '../../lib/business-metrics.ts';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, orderOf, postCarrierEvent, untilStatus } from '../support/journey.ts';

interface EmfDocument {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}
const printed: EmfDocument[] = [];

// Registered before the cloud's own hooks, so that the seeding's lines are kept off the output too.
beforeAll(() => {
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const emf = text
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as EmfDocument);
    if (emf.length > 0) {
      printed.push(...emf);
      return true;
    }
    return write(chunk, ...(rest as []));
  });
});
afterAll(() => {
  vi.restoreAllMocks();
});

/** Orders whose carrier, in this test, delivers 10 days after it says (a promise broken). */
const deliveredLate = new Set<string>();
const tenDays = 10 * 86_400_000;

const local = useTestCloud({
  network: 'bm',
  environment: { POWERTOOLS_METRICS_DISABLED: 'false' },
  handlerOverrides: {
    DeliveryOutcome: (event, context) => {
      const { detail } = event as { detail: { orderId: string; at: string } };
      const late = deliveredLate.has(detail.orderId)
        ? {
            ...(event as object),
            detail: { ...detail, at: new Date(Date.parse(detail.at) + tenDays).toISOString() },
          }
        : event;
      return deliveryOutcome(late, context as Context);
    },
  },
});
const { api, ids } = local;

/** How many of `name` the EMF lines printed since `from` count, all in the Relais namespace by service. */
function countedSince(from: number, name: BusinessMetricName): number {
  let total = 0;
  for (const doc of printed.slice(from)) {
    const [directive] = doc._aws.CloudWatchMetrics;
    if (!directive?.Metrics.some((m) => m.Name === name)) continue;
    expect(directive.Namespace).toBe(metricsNamespace);
    expect(directive.Dimensions).toEqual([['service']]);
    expect(doc.service).toBe(metricsService);
    const value = doc[name] as number | number[];
    total += Array.isArray(value) ? value.reduce((a, b) => a + b, 0) : value;
  }
  return total;
}

async function until<T>(what: string, check: () => T | undefined): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const found = check();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no EMF line for ${what}`);
}
const counted = (from: number, name: BusinessMetricName, times = 1) =>
  until(`${name} x${times}`, () => (countedSince(from, name) >= times ? true : undefined));

async function place(sku: string): Promise<string> {
  const { status, body } = await api.placeOrder(homeOrder([{ sku, quantity: 1 }]));
  expect(status).toBe(202);
  return body.orderId as string;
}

interface Shipment {
  shipmentId: string;
  status: string;
  carrierId: string;
  trackingNumber?: string;
}
const shipmentsOf = async (orderId: string): Promise<Shipment[]> => (await orderOf(api, orderId)).shipments;

/** Confirms the pick and waits until the carrier has the parcel. */
async function dispatch(orderId: string, shipmentId: string) {
  await eventually(async () => {
    const answer = await api.post(`/shipments/${shipmentId}/confirm`, {});
    return answer.status === 202 ? answer : undefined;
  }, `the confirmation of ${shipmentId}`);
  return eventually(async () => {
    const shipment = (await shipmentsOf(orderId)).find((s) => s.shipmentId === shipmentId);
    return shipment?.trackingNumber
      ? { carrierId: shipment.carrierId, trackingNumber: shipment.trackingNumber }
      : undefined;
  }, `${shipmentId} to be dispatched`);
}

async function carrierSays(parcel: { carrierId: string; trackingNumber: string }, status: string) {
  const answer = await postCarrierEvent(local.cloud.url, parcel.carrierId, {
    trackingNumber: parcel.trackingNumber,
    status,
  });
  expect(answer.status).toBe(202);
}

describe('business metrics (EMF lines on stdout)', () => {
  it('an order received, its shipment rejected by a location, then delivered on time: OrdersReceived, ShipmentsRejected, PromisesKept', async () => {
    const from = printed.length;
    const orderId = await place(ids.mug);
    await counted(from, 'OrdersReceived');
    const first = (await untilStatus(api, orderId, 'ALLOCATED')).shipments[0];
    expect(
      (await api.post(`/shipments/${first.shipmentId}/reject`, { reason: 'damaged stock' })).status,
    ).toBe(202);
    await counted(from, 'ShipmentsRejected');
    const replacement = await eventually(
      async () =>
        (await shipmentsOf(orderId)).find(
          (s) => s.shipmentId !== first.shipmentId && s.status === 'ALLOCATED',
        ),
      `the lines of ${first.shipmentId} sourced again`,
    );
    const parcel = await dispatch(orderId, replacement.shipmentId);
    await carrierSays(parcel, 'DELIVERED');
    await untilStatus(api, orderId, 'DELIVERED');
    await counted(from, 'PromisesKept');
    expect(countedSince(from, 'OrdersReceived')).toBe(1);
    expect(countedSince(from, 'PromisesBroken')).toBe(0);
  });

  it('a parcel delivered after its promised date: PromisesBroken', async () => {
    const from = printed.length;
    const orderId = await place(ids.mug);
    deliveredLate.add(orderId);
    const shipment = (await untilStatus(api, orderId, 'ALLOCATED')).shipments[0];
    await carrierSays(await dispatch(orderId, shipment.shipmentId), 'DELIVERED');
    await untilStatus(api, orderId, 'DELIVERED');
    await counted(from, 'PromisesBroken');
    expect(countedSince(from, 'PromisesKept')).toBe(0);
  });

  it('a lost parcel: IncidentsOpened, once however often the carrier repeats it', async () => {
    const from = printed.length;
    const orderId = await place(ids.mug);
    const shipment = (await untilStatus(api, orderId, 'ALLOCATED')).shipments[0];
    const parcel = await dispatch(orderId, shipment.shipmentId);
    for (const eventId of ['bm-lost-1', 'bm-lost-1']) {
      const answer = await postCarrierEvent(local.cloud.url, parcel.carrierId, {
        trackingNumber: parcel.trackingNumber,
        status: 'LOST',
        eventId,
      });
      expect(answer.status).toBe(202);
    }
    await eventually(async () => (await orderOf(api, orderId)).incidents?.[0], `an incident on ${orderId}`);
    await counted(from, 'IncidentsOpened');
    expect(countedSince(from, 'IncidentsOpened')).toBe(1);
  });

  it('an order no location can fill ends REJECTED: OrdersRejected', async () => {
    const sku = 'bm-NOSTOCK';
    expect((await api.put(`/products/${sku}`, { name: 'Nowhere', weightKg: 1 })).status).toBe(200);
    const from = printed.length;
    const orderId = await place(sku);
    await untilStatus(api, orderId, 'REJECTED');
    await counted(from, 'OrdersRejected');
    expect(countedSince(from, 'OrdersReceived')).toBe(1);
  });
});
