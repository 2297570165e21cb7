/**
 * Signed carrier webhooks against a dispatched parcel: what is refused (signature, clock skew,
 * unknown parcel), and how accepted events move the shipment: once per eventId, never backwards,
 * a failed attempt followed by another, nothing after DELIVERED.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../functions/core/carriers/webhook-signature.ts';
import { eventually, testWebhookSecret } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import {
  fulfilmentExecutionArn,
  homeOrder,
  orderOf,
  postCarrierEvent,
  untilShipment,
  untilStatus,
} from '../support/journey.ts';

const local = useTestCloud({ network: 'hw' });
const { api, ids, events } = local;
let orderId: string;
let parcel: { shipmentId: string; carrierId: string; trackingNumber: string };

beforeAll(async () => {
  const placed = await api.placeOrder({ ...homeOrder([{ sku: ids.mug, quantity: 1 }]), orderId: 'hw-ORD-1' });
  expect(placed.status).toBe(202);
  orderId = placed.body.orderId;
  const allocated = await untilStatus(api, orderId, 'ALLOCATED');
  await eventually(async () => {
    const answer = await api.post(`/shipments/${allocated.shipments[0].shipmentId}/confirm`, {
      packages: [{ weightKg: 0.5 }],
    });
    return answer.status === 202 ? answer : undefined;
  }, 'the pick confirmation to be accepted');
  const dispatched = await untilShipment(api, orderId, 'DISPATCHED');
  parcel = dispatched.shipments[0];
  expect(parcel.trackingNumber).toEqual(expect.any(String));
}, 120_000);

type CarrierEvent = { trackingNumber: string; status: string; eventId?: string; occurredAt?: string };

async function post(
  event: Omit<CarrierEvent, 'trackingNumber'> & { trackingNumber?: string },
  options = {},
  carrierId = parcel.carrierId,
) {
  const response = await postCarrierEvent(
    local.cloud.url,
    carrierId,
    { trackingNumber: parcel.trackingNumber, ...event },
    options,
  );
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: text ? JSON.parse(text) : undefined,
  };
}

async function shipment() {
  return (await orderOf(api, orderId)).shipments[0];
}

function untilParcel(status: string) {
  return eventually(async () => {
    const current = await shipment();
    return current.status === status ? current : undefined;
  }, `the parcel to reach ${status}`);
}

function statusChanges(status?: string) {
  return events.filter(
    (e) =>
      e['detail-type'] === 'ShipmentStatusChanged.v1' &&
      (e.detail as { shipmentId: string }).shipmentId === parcel.shipmentId &&
      (status === undefined || (e.detail as { status: string }).status === status),
  );
}

const now = () => Math.floor(Date.now() / 1000);

describe('what the webhook refuses (and applies nothing of)', () => {
  it('refuses a forged, missing, malformed or stale signature with 401', async () => {
    const trackingEventsBefore = events.filter((e) => e['detail-type'] === 'CarrierTrackingEvent.v1').length;
    const refusals = [
      await post({ status: 'IN_TRANSIT' }, { secret: 'not-the-secret' }),
      await post({ status: 'IN_TRANSIT' }, { signature: null }),
      await post({ status: 'IN_TRANSIT' }, { signature: 'garbage' }),
      await post({ status: 'IN_TRANSIT' }, { signature: `t=${now()},v1=${'0'.repeat(64)}` }),
      await post({ status: 'IN_TRANSIT' }, { timestamp: now() - 301 }),
      await post({ status: 'IN_TRANSIT' }, { timestamp: now() + 301 }),
    ];
    for (const answer of refusals) {
      expect(answer.status).toBe(401);
      expect(answer.contentType).toBe('application/problem+json');
      expect(answer.body).toMatchObject({
        type: expect.any(String),
        title: expect.any(String),
        status: 401,
        detail: expect.any(String),
      });
    }
    await local.cloud.idle();
    expect(events.filter((e) => e['detail-type'] === 'CarrierTrackingEvent.v1')).toHaveLength(
      trackingEventsBefore,
    );
    expect((await shipment()).status).toBe('DISPATCHED');
  });

  it('refuses a body changed after it was signed', async () => {
    const body = JSON.stringify({
      eventId: randomUUID(),
      trackingNumber: parcel.trackingNumber,
      status: 'DELIVERED',
      occurredAt: new Date().toISOString(),
    });
    const signedOver = body.replace('DELIVERED', 'IN_TRANSIT');
    const response = await fetch(`${local.cloud.url}/webhooks/carriers/${parcel.carrierId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-relais-signature': signWebhook(testWebhookSecret, signedOver),
      },
      body,
    });
    expect(response.status).toBe(401);
    await local.cloud.idle();
    expect((await shipment()).status).toBe('DISPATCHED');
  });

  it('answers 404 for an unknown tracking number and for the wrong carrier in the path', async () => {
    const unknown = await post({ status: 'IN_TRANSIT', trackingNumber: 'ZZ99999999999999FR' });
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toBe('application/problem+json');
    const wrongCarrier = await post(
      { status: 'IN_TRANSIT' },
      {},
      parcel.carrierId === 'express-24' ? 'colis-standard' : 'express-24',
    );
    expect(wrongCarrier.status).toBe(404);
    expect(wrongCarrier.contentType).toBe('application/problem+json');
    const noSuchCarrier = await post({ status: 'IN_TRANSIT' }, {}, 'no-such-carrier');
    expect(noSuchCarrier.status).toBe(404);
  });
});

describe('how accepted events move the parcel', () => {
  it('accepts a signature 290 s old (within the 300 s tolerance): PICKED_UP puts the parcel IN_TRANSIT', async () => {
    const answer = await post({ status: 'PICKED_UP' }, { timestamp: now() - 290 });
    expect(answer.status).toBe(202);
    await untilParcel('IN_TRANSIT');
    expect((await orderOf(api, orderId)).status).toBe('SHIPPED');
  });

  it('never moves back: a late IN_TRANSIT after OUT_FOR_DELIVERY changes nothing', async () => {
    const earlier = new Date(Date.now() - 3600_000).toISOString();
    expect((await post({ status: 'OUT_FOR_DELIVERY' })).status).toBe(202);
    await untilParcel('OUT_FOR_DELIVERY');
    const changesBefore = statusChanges().length;
    expect((await post({ status: 'IN_TRANSIT', occurredAt: earlier })).status).toBe(202);
    expect((await post({ status: 'PICKED_UP', occurredAt: earlier })).status).toBe(202);
    await local.cloud.idle();
    expect((await shipment()).status).toBe('OUT_FOR_DELIVERY');
    expect(statusChanges()).toHaveLength(changesBefore);
  });

  it('applies an eventId once: posted twice, 202 both times, one change', async () => {
    const failed = {
      status: 'DELIVERY_FAILED',
      eventId: 'hw-EVT-FAILED',
      occurredAt: new Date().toISOString(),
    };
    const answers = await Promise.all([post(failed), post(failed)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    await untilParcel('DELIVERY_FAILED');
    expect((await post(failed)).status).toBe(202);
    await local.cloud.idle();
    expect(statusChanges('DELIVERY_FAILED')).toHaveLength(1);
  });

  it('lets another attempt follow a failed one, and a replayed failure does not undo it', async () => {
    expect((await post({ status: 'OUT_FOR_DELIVERY' })).status).toBe(202);
    await untilParcel('OUT_FOR_DELIVERY');
    expect(statusChanges('OUT_FOR_DELIVERY')).toHaveLength(2);
    // the same failure again (same eventId, freshly signed): already applied, no second effect
    const replay = await post({
      status: 'DELIVERY_FAILED',
      eventId: 'hw-EVT-FAILED',
      occurredAt: new Date().toISOString(),
    });
    expect(replay.status).toBe(202);
    await local.cloud.idle();
    expect((await shipment()).status).toBe('OUT_FOR_DELIVERY');
    expect(statusChanges('DELIVERY_FAILED')).toHaveLength(1);
  });

  it('DELIVERED delivers the order and ends its workflow; a repeated DELIVERED adds no history', async () => {
    const delivered = { status: 'DELIVERED', eventId: 'hw-EVT-DELIVERED' };
    expect((await post(delivered)).status).toBe(202);
    const order = await untilStatus(api, orderId, 'DELIVERED');
    expect(order.shipments[0].status).toBe('DELIVERED');
    expect(
      (await local.cloud.stepFunctions.waitForExecution(fulfilmentExecutionArn(local.cloud, orderId))).status,
    ).toBe('SUCCEEDED');
    expect((await post(delivered)).status).toBe(202);
    await local.cloud.idle();
    const history = (await orderOf(api, orderId)).history.map((h: { status: string }) => h.status);
    expect(history.filter((s: string) => s === 'DELIVERED')).toEqual(['DELIVERED']);
  });

  it('after DELIVERED, late events change nothing', async () => {
    const before = await orderOf(api, orderId);
    const changesBefore = statusChanges().length;
    for (const status of ['OUT_FOR_DELIVERY', 'DELIVERY_FAILED', 'IN_TRANSIT', 'EXCEPTION', 'LOST']) {
      expect((await post({ status })).status).toBe(202);
    }
    await local.cloud.idle();
    const after = await orderOf(api, orderId);
    expect(after.status).toBe('DELIVERED');
    expect(after.shipments).toEqual(before.shipments);
    expect(after.history).toEqual(before.history);
    expect(statusChanges()).toHaveLength(changesBefore);
  });

  it('accepts an occurredAt with a UTC offset (ISO 8601), as the contract allows, without a 500', async () => {
    const answer = await post({ status: 'OUT_FOR_DELIVERY', occurredAt: '2030-06-01T10:00:00+02:00' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    await local.cloud.idle();
    expect((await shipment()).status).toBe('DELIVERED');
  });
});
