/**
 * Signed carrier webhooks against a dispatched parcel: what is refused (signature, clock skew,
 * unknown parcel), and how accepted events move the shipment: once per eventId, never backwards,
 * a failed attempt followed by another, nothing after DELIVERED. Each test dispatches a parcel of
 * its own and brings it to the stage it starts from.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/keys.ts';
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
import { localClients, localResources } from '../support/ports.ts';

const local = useTestCloud({ network: 'hw' });
const { api, ids, events } = local;

interface Parcel {
  orderId: string;
  shipmentId: string;
  carrierId: string;
  trackingNumber: string;
}

/** A one-mug order taken to DISPATCHED: a parcel with a carrier and a tracking number. */
async function dispatchedParcel(orderId: string): Promise<Parcel> {
  const placed = await api.placeOrder({ ...homeOrder([{ sku: ids.mug, quantity: 1 }]), orderId });
  expect(placed.status).toBe(202);
  const allocated = await untilStatus(api, orderId, 'ALLOCATED');
  await eventually(async () => {
    const answer = await api.post(`/shipments/${allocated.shipments[0].shipmentId}/confirm`, {
      packages: [{ weightKg: 0.5 }],
    });
    return answer.status === 202 ? answer : undefined;
  }, 'the pick confirmation to be accepted');
  const { shipmentId, carrierId, trackingNumber } = (await untilShipment(api, orderId, 'DISPATCHED'))
    .shipments[0];
  expect(trackingNumber).toMatch(/^[A-Z]{2}\d{14}FR$/);
  return { orderId, shipmentId, carrierId, trackingNumber };
}

type CarrierEvent = {
  trackingNumber: string;
  status: string;
  eventId?: string;
  occurredAt?: string;
  reason?: string;
  rawCode?: string;
};

async function post(
  parcel: Parcel,
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

async function shipment(parcel: Parcel) {
  return (await orderOf(api, parcel.orderId)).shipments[0];
}

function untilParcel(parcel: Parcel, status: string) {
  return eventually(async () => {
    const current = await shipment(parcel);
    return current.status === status ? current : undefined;
  }, `the parcel of ${parcel.orderId} to reach ${status}`);
}

/** Posts an event the carrier sends and waits until the parcel shows the status it leads to. */
async function moveTo(parcel: Parcel, event: Omit<CarrierEvent, 'trackingNumber'>, reached = event.status) {
  expect((await post(parcel, event)).status).toBe(202);
  await untilParcel(parcel, reached);
  // the change's events reach the bus through the outbox pipe, just after the change is visible
  await local.cloud.idle();
}

function statusChanges(parcel: Parcel, status?: string) {
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
    const parcel = await dispatchedParcel('hw-ORD-FORGED');
    await local.cloud.idle();
    const trackingEventsBefore = events.filter((e) => e['detail-type'] === 'CarrierTrackingEvent.v1').length;
    const refusals = [
      await post(parcel, { status: 'IN_TRANSIT' }, { secret: 'not-the-secret' }),
      await post(parcel, { status: 'IN_TRANSIT' }, { signature: null }),
      await post(parcel, { status: 'IN_TRANSIT' }, { signature: 'garbage' }),
      await post(parcel, { status: 'IN_TRANSIT' }, { signature: `t=${now()},v1=${'0'.repeat(64)}` }),
      await post(parcel, { status: 'IN_TRANSIT' }, { timestamp: now() - 301 }),
      await post(parcel, { status: 'IN_TRANSIT' }, { timestamp: now() + 301 }),
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
    expect((await shipment(parcel)).status).toBe('DISPATCHED');
  });

  it('refuses a body changed after it was signed', async () => {
    const parcel = await dispatchedParcel('hw-ORD-TAMPERED');
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
    expect((await shipment(parcel)).status).toBe('DISPATCHED');
  });

  it('answers 404 for an unknown tracking number and for the wrong carrier in the path', async () => {
    const parcel = await dispatchedParcel('hw-ORD-UNKNOWN');
    const unknown = await post(parcel, { status: 'IN_TRANSIT', trackingNumber: 'ZZ99999999999999FR' });
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toBe('application/problem+json');
    const wrongCarrier = await post(
      parcel,
      { status: 'IN_TRANSIT' },
      {},
      parcel.carrierId === 'express-24' ? 'colis-standard' : 'express-24',
    );
    expect(wrongCarrier.status).toBe(404);
    expect(wrongCarrier.contentType).toBe('application/problem+json');
    const noSuchCarrier = await post(parcel, { status: 'IN_TRANSIT' }, {}, 'no-such-carrier');
    expect(noSuchCarrier.contentType).toBe('application/problem+json');
    expect(noSuchCarrier.status).toBe(404);
  });
});

describe('how accepted events move the parcel', () => {
  it('accepts a signature 290 s old (within the 300 s tolerance): PICKED_UP puts the parcel IN_TRANSIT', async () => {
    const parcel = await dispatchedParcel('hw-ORD-PICKED');
    const answer = await post(parcel, { status: 'PICKED_UP' }, { timestamp: now() - 290 });
    expect(answer.status).toBe(202);
    await untilParcel(parcel, 'IN_TRANSIT');
    expect((await orderOf(api, parcel.orderId)).status).toBe('SHIPPED');
  });

  it('never moves back: a late IN_TRANSIT after OUT_FOR_DELIVERY changes nothing', async () => {
    const parcel = await dispatchedParcel('hw-ORD-LATE');
    const earlier = new Date(Date.now() - 3600_000).toISOString();
    await moveTo(parcel, { status: 'OUT_FOR_DELIVERY' });
    const changesBefore = statusChanges(parcel).length;
    expect((await post(parcel, { status: 'IN_TRANSIT', occurredAt: earlier })).status).toBe(202);
    expect((await post(parcel, { status: 'PICKED_UP', occurredAt: earlier })).status).toBe(202);
    await local.cloud.idle();
    expect((await shipment(parcel)).status).toBe('OUT_FOR_DELIVERY');
    expect(statusChanges(parcel)).toHaveLength(changesBefore);
  });

  it('applies an eventId once: posted twice, 202 both times, one change', async () => {
    const parcel = await dispatchedParcel('hw-ORD-TWICE');
    await moveTo(parcel, { status: 'OUT_FOR_DELIVERY' });
    const failed = {
      status: 'DELIVERY_FAILED',
      eventId: 'hw-EVT-TWICE-FAILED',
      occurredAt: new Date().toISOString(),
    };
    const answers = await Promise.all([post(parcel, failed), post(parcel, failed)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    await untilParcel(parcel, 'DELIVERY_FAILED');
    expect((await post(parcel, failed)).status).toBe(202);
    await local.cloud.idle();
    expect(statusChanges(parcel, 'DELIVERY_FAILED')).toHaveLength(1);
  });

  it('lets another attempt follow a failed one, and a replayed failure does not undo it', async () => {
    const parcel = await dispatchedParcel('hw-ORD-RETRY');
    await moveTo(parcel, { status: 'OUT_FOR_DELIVERY' });
    await moveTo(parcel, { status: 'DELIVERY_FAILED', eventId: 'hw-EVT-RETRY-FAILED' });
    await moveTo(parcel, { status: 'OUT_FOR_DELIVERY' });
    expect(statusChanges(parcel, 'OUT_FOR_DELIVERY')).toHaveLength(2);
    // the same failure again (same eventId, freshly signed): already applied, no second effect
    const replay = await post(parcel, {
      status: 'DELIVERY_FAILED',
      eventId: 'hw-EVT-RETRY-FAILED',
      occurredAt: new Date().toISOString(),
    });
    expect(replay.status).toBe(202);
    await local.cloud.idle();
    expect((await shipment(parcel)).status).toBe('OUT_FOR_DELIVERY');
    expect(statusChanges(parcel, 'DELIVERY_FAILED')).toHaveLength(1);
  });

  it('DELIVERED delivers the order and ends its workflow; a repeated DELIVERED adds no history', async () => {
    const parcel = await dispatchedParcel('hw-ORD-DELIVERED');
    await moveTo(parcel, { status: 'OUT_FOR_DELIVERY' });
    const delivered = { status: 'DELIVERED', eventId: 'hw-EVT-DELIVERED' };
    expect((await post(parcel, delivered)).status).toBe(202);
    const order = await untilStatus(api, parcel.orderId, 'DELIVERED');
    expect(order.shipments[0].status).toBe('DELIVERED');
    expect(
      (await local.cloud.stepFunctions.waitForExecution(fulfilmentExecutionArn(local.cloud, parcel.orderId)))
        .status,
    ).toBe('SUCCEEDED');
    expect((await post(parcel, delivered)).status).toBe(202);
    await local.cloud.idle();
    const history = (await orderOf(api, parcel.orderId)).history.map((h: { status: string }) => h.status);
    expect(history.filter((s: string) => s === 'DELIVERED')).toEqual(['DELIVERED']);
  });

  it('after DELIVERED, late events change nothing', async () => {
    const parcel = await dispatchedParcel('hw-ORD-AFTER');
    await moveTo(parcel, { status: 'DELIVERED' });
    await untilStatus(api, parcel.orderId, 'DELIVERED');
    await local.cloud.idle();
    const before = await orderOf(api, parcel.orderId);
    const changesBefore = statusChanges(parcel).length;
    for (const status of ['OUT_FOR_DELIVERY', 'DELIVERY_FAILED', 'IN_TRANSIT', 'EXCEPTION', 'LOST']) {
      expect((await post(parcel, { status })).status).toBe(202);
    }
    await local.cloud.idle();
    const after = await orderOf(api, parcel.orderId);
    expect(after.status).toBe('DELIVERED');
    expect(after.shipments).toEqual(before.shipments);
    expect(after.history).toEqual(before.history);
    expect(statusChanges(parcel)).toHaveLength(changesBefore);
  });

  it('accepts an occurredAt with a UTC offset (ISO 8601), as the contract allows, and applies it', async () => {
    const parcel = await dispatchedParcel('hw-ORD-OFFSET');
    const answer = await post(parcel, {
      status: 'OUT_FOR_DELIVERY',
      occurredAt: '2030-06-01T10:00:00+02:00',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    await untilParcel(parcel, 'OUT_FOR_DELIVERY');
  });
});

describe('the tracking timeline, reasons and attempts', () => {
  it('shows every event oldest first by occurredAt, with its reason and raw code, and counts failed attempts', async () => {
    const parcel = await dispatchedParcel('hw-ORD-TIMELINE');
    const base = Date.now() - 10 * 3600_000;
    const at = (hours: number) => new Date(base + hours * 3600_000).toISOString();
    await moveTo(parcel, { status: 'OUT_FOR_DELIVERY', occurredAt: at(5) });
    await moveTo(parcel, {
      status: 'DELIVERY_FAILED',
      occurredAt: at(6),
      reason: 'recipient_absent',
      rawCode: 'AVIS-PASSAGE-17',
    });
    // a late PICKED_UP joins the timeline in its place and moves nothing back
    expect((await post(parcel, { status: 'PICKED_UP', occurredAt: at(1) })).status).toBe(202);
    await moveTo(parcel, { status: 'AVAILABLE_FOR_PICKUP', occurredAt: at(8), rawCode: 'RELAIS-DISPO' });
    const current = await eventually(async () => {
      const s = await shipment(parcel);
      return s.events.length === 4 ? s : undefined;
    }, 'four events on the timeline');
    expect(current.status).toBe('AVAILABLE_FOR_PICKUP');
    expect(current.attempts).toBe(1);
    expect(current.events).toEqual([
      { status: 'PICKED_UP', occurredAt: at(1), receivedAt: expect.any(String) },
      { status: 'OUT_FOR_DELIVERY', occurredAt: at(5), receivedAt: expect.any(String) },
      {
        status: 'DELIVERY_FAILED',
        reason: 'recipient_absent',
        rawCode: 'AVIS-PASSAGE-17',
        occurredAt: at(6),
        receivedAt: expect.any(String),
      },
      {
        status: 'AVAILABLE_FOR_PICKUP',
        rawCode: 'RELAIS-DISPO',
        occurredAt: at(8),
        receivedAt: expect.any(String),
      },
    ]);
    // the customer collects it at the pickup point
    await moveTo(parcel, { status: 'DELIVERED' });
    await untilStatus(api, parcel.orderId, 'DELIVERED');
    const tracking = events.filter(
      (e) =>
        e['detail-type'] === 'CarrierTrackingEvent.v1' &&
        (e.detail as { shipmentId?: string }).shipmentId === parcel.shipmentId &&
        (e.detail as { rawCode?: string }).rawCode === 'AVIS-PASSAGE-17',
    );
    expect(tracking).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ reason: 'recipient_absent' }) }),
    ]);
  });

  it('applies an EXCEPTION after OUT_FOR_DELIVERY, and the parcel goes on to DELIVERED from there', async () => {
    const parcel = await dispatchedParcel('hw-ORD-EXCEPTION');
    await moveTo(parcel, { status: 'OUT_FOR_DELIVERY' });
    await moveTo(parcel, { status: 'EXCEPTION', reason: 'weather' });
    expect((await orderOf(api, parcel.orderId)).incidents).toEqual([]);
    await moveTo(parcel, { status: 'DELIVERED' });
    await untilStatus(api, parcel.orderId, 'DELIVERED');
  });
});

describe('what identifies a carrier event', () => {
  it('another parcel reusing an eventId is its own event: both parcels are delivered', async () => {
    const first = await dispatchedParcel('hw-ORD-REUSE-1');
    const second = await dispatchedParcel('hw-ORD-REUSE-2');
    expect(second.carrierId).toBe(first.carrierId);
    for (const parcel of [first, second])
      expect((await post(parcel, { status: 'DELIVERED', eventId: 'hw-EVT-SAME-ID' })).status).toBe(202);
    await untilStatus(api, first.orderId, 'DELIVERED');
    await untilStatus(api, second.orderId, 'DELIVERED');
  });

  it('an eventId reused with another content for the same parcel is recorded beside the first, never applied', async () => {
    const parcel = await dispatchedParcel('hw-ORD-CONFLICT');
    await moveTo(parcel, { status: 'IN_TRANSIT', eventId: 'hw-EVT-CONFLICT' });
    expect((await post(parcel, { status: 'DELIVERED', eventId: 'hw-EVT-CONFLICT' })).status).toBe(202);
    await local.cloud.idle();
    expect((await shipment(parcel)).status).toBe('IN_TRANSIT');
    const { Item } = await localClients(local.cloud).dynamodb.send(
      new GetCommand({
        TableName: localResources(local.cloud).tables.orders,
        Key: keys.carrierEvent(parcel.carrierId, parcel.trackingNumber, 'hw-EVT-CONFLICT'),
      }),
    );
    expect(Item?.conflicts).toEqual([
      { fingerprint: expect.stringContaining('DELIVERED'), receivedAt: expect.any(String) },
    ]);
  });
});
