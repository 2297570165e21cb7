/**
 * Delivery incidents through the fulfilment workflow (ASL run by aws-local-stepfunctions, the real
 * handlers, DynamoDB Local), driven as carriers and locations drive them: over HTTP. A lost or
 * damaged parcel is replaced, or refunded when nothing can ship it again; a parcel sent back is
 * restocked and refunded on receipt; a parcel that never arrives is an incident of its own
 * shipment. Each test has SKUs of its own, so that its stock figures are exact.
 */
import { describe, expect, it } from 'vitest';
import { applyCarrierEvent } from '../../functions/app/apply-carrier-event.ts';
import { dispatchShipment } from '../../functions/app/dispatch-shipment.ts';
import type { EventDetail } from '../../functions/shared/events.ts';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import {
  fulfilmentExecutionArn,
  homeOrder,
  orderOf,
  postCarrierEvent,
  stockOf,
  untilStatus,
} from '../support/journey.ts';

/** Shipments whose waits last a few seconds (a parcel that never arrives), instead of 30 days. */
const shortWaitFor = new Map<string, number>();
/** Orders whose first SendTaskSuccess fails once (a throttled Step Functions API). */
const flakyCallbackFor = new Set<string>();

const local = useTestCloud({
  network: 'inc',
  handlerOverrides: {
    DispatchCarrier: async (event): Promise<unknown> => {
      const { orderId, shipmentId } = event as { orderId: string; shipmentId: string };
      const dispatched = await dispatchShipment(local.ports, orderId, shipmentId);
      const waitSeconds = shortWaitFor.get(shipmentId);
      return waitSeconds ? { ...dispatched, waitSeconds } : dispatched;
    },
    CarrierTracking: async (event): Promise<unknown> => {
      const { detail } = event as { detail: EventDetail<'CarrierTrackingEvent.v1'> };
      const ports = local.ports;
      if (!detail.orderId || !flakyCallbackFor.has(detail.orderId)) return applyCarrierEvent(ports, detail);
      const orderId = detail.orderId;
      return applyCarrierEvent(
        {
          ...ports,
          workflows: {
            ...ports.workflows,
            completeTask: async (token, output) => {
              if (flakyCallbackFor.delete(orderId)) throw new Error('ThrottlingException: Rate exceeded');
              return ports.workflows.completeTask(token, output);
            },
          },
        },
        detail,
      );
    },
  },
});
const { api, ids, events } = local;

interface Parcel {
  shipmentId: string;
  locationId: string;
  carrierId: string;
  trackingNumber: string;
}

async function product(sku: string, stock: Record<string, number>) {
  expect((await api.put(`/products/${sku}`, { name: sku, weightKg: 0.5 })).status).toBe(200);
  for (const [locationId, onHand] of Object.entries(stock))
    expect((await api.put(`/inventory/${locationId}/${sku}`, { onHand })).status).toBe(200);
}

async function place(lines: { sku: string; quantity: number; unitPrice?: number }[]) {
  const { status, body } = await api.placeOrder(homeOrder(lines));
  expect(status).toBe(202);
  return body.orderId as string;
}

/** Confirms the pick of a shipment and waits until it is dispatched: the parcel the carrier has. */
async function dispatched(orderId: string, shipmentId: string): Promise<Parcel> {
  await eventually(async () => {
    const answer = await api.post(`/shipments/${shipmentId}/confirm`, {});
    return answer.status === 202 ? answer : undefined;
  }, `the confirmation of ${shipmentId}`);
  return eventually(async () => {
    const shipment = (await orderOf(api, orderId)).shipments.find(
      (s: { shipmentId: string }) => s.shipmentId === shipmentId,
    );
    return shipment?.trackingNumber ? (shipment as Parcel) : undefined;
  }, `${shipmentId} to be dispatched`);
}

async function carrier(parcel: Parcel, status: string, extra: { eventId?: string; reason?: string } = {}) {
  const answer = await postCarrierEvent(local.cloud.url, parcel.carrierId, {
    trackingNumber: parcel.trackingNumber,
    status,
    ...extra,
  });
  expect(answer.status, `${status} for ${parcel.shipmentId}`).toBe(202);
  // a carrier's events come minutes apart: each is applied (through the outbox pipe and the bus,
  // which delivers a batch concurrently) before the next one is sent
  await local.cloud.idle();
}

async function deliver(parcel: Parcel) {
  for (const status of ['PICKED_UP', 'OUT_FOR_DELIVERY', 'DELIVERED']) await carrier(parcel, status);
}

function untilIncident(orderId: string, resolution: string) {
  return eventually(async () => {
    const order = await orderOf(api, orderId);
    return order.incidents?.[0]?.resolution === resolution ? order : undefined;
  }, `an incident of ${orderId} resolved ${resolution}`);
}

/** The events of the order on the bus, once the outbox pipe delivered what its changes committed. */
async function busEvents(detailType: string, orderId: string) {
  await local.cloud.idle();
  return events
    .filter((e) => e['detail-type'] === detailType && (e.detail as { orderId?: string }).orderId === orderId)
    .map((e) => e.detail as Record<string, unknown>);
}

async function executionOf(orderId: string) {
  return local.cloud.stepFunctions.waitForExecution(fulfilmentExecutionArn(local.cloud, orderId));
}

describe('a parcel that will not arrive is replaced', () => {
  it('LOST: a replacement shipment is sourced, confirmed and delivered; the order ends DELIVERED, stock exact', async () => {
    const sku = 'inc-VASE';
    await product(sku, { [ids.lyon]: 5, [ids.lille]: 5 });
    const orderId = await place([{ sku, quantity: 1, unitPrice: 20 }]);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const parcel = await dispatched(orderId, allocated.shipments[0].shipmentId);
    expect(parcel.locationId).toBe(ids.lyon);
    await carrier(parcel, 'PICKED_UP');
    // the carrier repeats itself: the same LOST twice has no second effect
    await carrier(parcel, 'LOST', { eventId: 'inc-LOST-VASE' });
    await carrier(parcel, 'LOST', { eventId: 'inc-LOST-VASE' });

    const reshipped = await untilIncident(orderId, 'reshipped');
    expect(reshipped.shipments).toHaveLength(2);
    const [lost, replacement] = reshipped.shipments;
    expect(lost).toMatchObject({ shipmentId: parcel.shipmentId, status: 'LOST', attempts: 0 });
    expect(lost.events.map((e: { status: string }) => e.status)).toEqual(['PICKED_UP', 'LOST']);
    expect(replacement).toMatchObject({ status: 'ALLOCATED', lines: [{ sku, quantity: 1 }] });
    expect(reshipped.incidents).toEqual([
      {
        shipmentId: parcel.shipmentId,
        kind: 'lost',
        at: expect.any(String),
        resolution: 'reshipped',
        replacementShipmentId: replacement.shipmentId,
      },
    ]);
    expect(reshipped.status).toBe('ALLOCATED');
    // the replacement's unit is reserved where it ships from
    expect((await stockOf(api, sku, replacement.locationId)).reserved).toBe(1);

    const second = await dispatched(orderId, replacement.shipmentId);
    expect(second.trackingNumber).not.toBe(parcel.trackingNumber);
    await deliver(second);
    const delivered = await untilStatus(api, orderId, 'DELIVERED');
    expect(delivered.shipments[1].status).toBe('DELIVERED');
    expect((await executionOf(orderId)).status).toBe('SUCCEEDED');

    // one unit lost at Lyon, one shipped from the replacement's location; nothing left reserved
    const expected = new Map([
      [ids.lyon, 4],
      [ids.lille, 5],
    ]);
    expected.set(replacement.locationId, (expected.get(replacement.locationId) ?? 0) - 1);
    for (const [locationId, onHand] of expected)
      expect(await stockOf(api, sku, locationId)).toMatchObject({ onHand, reserved: 0, available: onHand });
    expect(await busEvents('ShipmentIncident.v1', orderId)).toEqual([
      expect.objectContaining({
        shipmentId: parcel.shipmentId,
        kind: 'lost',
        resolution: 'reshipped',
        replacementShipmentId: replacement.shipmentId,
        carrierId: parcel.carrierId,
      }),
    ]);
    expect(await busEvents('RefundRequested.v1', orderId)).toEqual([]);
  });

  it('EXCEPTION with reason damaged after OUT_FOR_DELIVERY: the parcel is replaced', async () => {
    const sku = 'inc-BOWL';
    await product(sku, { [ids.lyon]: 3 });
    const orderId = await place([{ sku, quantity: 1 }]);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const parcel = await dispatched(orderId, allocated.shipments[0].shipmentId);
    await carrier(parcel, 'OUT_FOR_DELIVERY');
    await carrier(parcel, 'EXCEPTION', { reason: 'damaged' });

    const reshipped = await untilIncident(orderId, 'reshipped');
    expect(reshipped.shipments[0]).toMatchObject({ status: 'EXCEPTION' });
    expect(reshipped.shipments[0].events.at(-1)).toMatchObject({ status: 'EXCEPTION', reason: 'damaged' });
    expect(reshipped.incidents[0]).toMatchObject({ kind: 'damaged', resolution: 'reshipped' });
    const replacement = reshipped.shipments[1];
    expect(replacement.locationId).toBe(ids.lyon);
    expect(await stockOf(api, sku, ids.lyon)).toMatchObject({ onHand: 2, reserved: 1, available: 1 });
    await deliver(await dispatched(orderId, replacement.shipmentId));
    await untilStatus(api, orderId, 'DELIVERED');
    expect(await stockOf(api, sku, ids.lyon)).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
    expect((await executionOf(orderId)).status).toBe('SUCCEEDED');
  });

  it('LOST with no location left to ship from: RefundRequested.v1 with the amount, the order ends CANCELLED', async () => {
    const sku = 'inc-RARE';
    await product(sku, { [ids.lille]: 2 });
    const orderId = await place([{ sku, quantity: 2, unitPrice: 40.5 }]);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const parcel = await dispatched(orderId, allocated.shipments[0].shipmentId);
    await carrier(parcel, 'LOST');

    const refunded = await untilIncident(orderId, 'refunded');
    expect(refunded.shipments).toHaveLength(1);
    expect(refunded.incidents[0]).toMatchObject({ shipmentId: parcel.shipmentId, kind: 'lost' });
    expect(refunded.incidents[0].replacementShipmentId).toBeUndefined();
    const order = await untilStatus(api, orderId, 'CANCELLED');
    expect(order.history.at(-1)).toMatchObject({ status: 'CANCELLED' });
    expect((await executionOf(orderId)).status).toBe('SUCCEEDED');
    const [refund] = await busEvents('RefundRequested.v1', orderId);
    expect(refund).toMatchObject({
      orderId,
      shipmentId: parcel.shipmentId,
      lines: [{ sku, quantity: 2 }],
      amount: 81,
      currency: 'EUR',
      reason: 'lost',
    });
    expect(refund?.returnId).toBeUndefined();
    expect(await busEvents('RefundRequested.v1', orderId)).toHaveLength(1);
    expect(await stockOf(api, sku, ids.lille)).toMatchObject({ onHand: 0, reserved: 0 });
  });
});

describe('a replacement that cannot ship after all', () => {
  it('rejected by its location with nowhere else to go: the lost lines are refunded, the order ends CANCELLED', async () => {
    const sku = 'inc-TEAPOT';
    await product(sku, { [ids.lyon]: 2 });
    const orderId = await place([{ sku, quantity: 1, unitPrice: 25 }]);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const parcel = await dispatched(orderId, allocated.shipments[0].shipmentId);
    await carrier(parcel, 'LOST');
    const reshipped = await untilIncident(orderId, 'reshipped');
    const replacement = reshipped.shipments[1];
    expect(replacement.locationId).toBe(ids.lyon);
    await eventually(async () => {
      const answer = await api.post(`/shipments/${replacement.shipmentId}/reject`, {
        reason: 'broken on the shelf',
      });
      return answer.status === 202 ? answer : undefined;
    }, 'the rejection of the replacement');

    const refunded = await untilIncident(orderId, 'refunded');
    expect(refunded.incidents[0]).toMatchObject({ shipmentId: parcel.shipmentId, kind: 'lost' });
    await untilStatus(api, orderId, 'CANCELLED');
    expect((await executionOf(orderId)).status).toBe('SUCCEEDED');
    expect(await busEvents('RefundRequested.v1', orderId)).toEqual([
      expect.objectContaining({ shipmentId: parcel.shipmentId, amount: 25, lines: [{ sku, quantity: 1 }] }),
    ]);
    // the lost unit left Lyon; the replacement's reservation was released
    expect(await stockOf(api, sku, ids.lyon)).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
  });
});

describe('a parcel sent back is restocked at its origin and refunded on receipt', () => {
  it('the third failed attempt: returning, then RETURN_RECEIVED restocks and refunds, once', async () => {
    const sku = 'inc-LAMP';
    await product(sku, { [ids.lyon]: 2 });
    const orderId = await place([{ sku, quantity: 1, unitPrice: 30 }]);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const parcel = await dispatched(orderId, allocated.shipments[0].shipmentId);
    expect(await stockOf(api, sku, ids.lyon)).toMatchObject({ onHand: 1, reserved: 0 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      await carrier(parcel, 'OUT_FOR_DELIVERY');
      await carrier(parcel, 'DELIVERY_FAILED', { reason: 'recipient_absent' });
      // each attempt is applied before the next one is sent
      await eventually(async () => {
        const shipment = (await orderOf(api, orderId)).shipments[0];
        return shipment.attempts === attempt ? shipment : undefined;
      }, `attempt ${attempt}`);
    }
    const returning = await untilIncident(orderId, 'returning');
    expect(returning.incidents[0]).toMatchObject({ kind: 'failed_attempts', shipmentId: parcel.shipmentId });
    expect(returning.status).toBe('SHIPPED');
    expect(returning.shipments[0]).toMatchObject({ status: 'DELIVERY_FAILED', attempts: 3 });
    expect(await busEvents('RefundRequested.v1', orderId)).toEqual([]);

    await carrier(parcel, 'RETURN_RECEIVED', { eventId: 'inc-BACK-LAMP' });
    await carrier(parcel, 'RETURN_RECEIVED', { eventId: 'inc-BACK-LAMP' });
    await untilIncident(orderId, 'refunded');
    expect((await executionOf(orderId)).status).toBe('SUCCEEDED');
    await local.cloud.idle();
    expect(await stockOf(api, sku, ids.lyon)).toMatchObject({ onHand: 2, reserved: 0, available: 2 });
    expect(await busEvents('RefundRequested.v1', orderId)).toEqual([
      expect.objectContaining({
        shipmentId: parcel.shipmentId,
        amount: 30,
        currency: 'EUR',
        reason: 'failed_attempts',
      }),
    ]);
    expect((await orderOf(api, orderId)).status).toBe('CANCELLED');
    expect((await busEvents('ShipmentIncident.v1', orderId)).map((e) => e.resolution)).toEqual([
      'returning',
      'refunded',
    ]);
  });

  it('RETURNED_TO_SENDER: the parcel comes back, restocked at its origin and refunded', async () => {
    const sku = 'inc-JUG';
    await product(sku, { [ids.lille]: 4 });
    const orderId = await place([{ sku, quantity: 2, unitPrice: 9.99 }]);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const parcel = await dispatched(orderId, allocated.shipments[0].shipmentId);
    await carrier(parcel, 'IN_TRANSIT');
    await carrier(parcel, 'RETURNED_TO_SENDER', { reason: 'address_issue' });
    const returning = await untilIncident(orderId, 'returning');
    expect(returning.shipments[0].status).toBe('RETURNED_TO_SENDER');
    expect(await stockOf(api, sku, ids.lille)).toMatchObject({ onHand: 2, reserved: 0 });

    await carrier(parcel, 'RETURN_RECEIVED');
    await untilIncident(orderId, 'refunded');
    expect((await executionOf(orderId)).status).toBe('SUCCEEDED');
    expect(await stockOf(api, sku, ids.lille)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
    expect(await busEvents('RefundRequested.v1', orderId)).toEqual([
      expect.objectContaining({ amount: 19.98, reason: 'returned_to_sender', lines: [{ sku, quantity: 2 }] }),
    ]);
  });
});

describe('no incident leaves a workflow waiting for an event that will never come', () => {
  it('a delivery wait that times out is an overdue incident of that shipment only: replaced, its sibling untouched', async () => {
    const plate = 'inc-PLATE';
    const cup = 'inc-CUP';
    await product(plate, { [ids.lille]: 3 });
    await product(cup, { [ids.lyon]: 3 });
    const orderId = await place([
      { sku: plate, quantity: 1 },
      { sku: cup, quantity: 1 },
    ]);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const [lille, lyon] = [ids.lille, ids.lyon].map((locationId) =>
      allocated.shipments.find((s: { locationId: string }) => s.locationId === locationId),
    );
    shortWaitFor.set(lille.shipmentId, 1);
    const late = await dispatched(orderId, lille.shipmentId);
    const onTime = await dispatched(orderId, lyon.shipmentId);
    await carrier(late, 'PICKED_UP');

    const reshipped = await untilIncident(orderId, 'reshipped');
    expect(reshipped.incidents[0]).toMatchObject({ shipmentId: late.shipmentId, kind: 'overdue' });
    const replacement = reshipped.shipments.find(
      (s: { shipmentId: string }) => s.shipmentId === reshipped.incidents[0].replacementShipmentId,
    );
    expect(replacement).toMatchObject({
      locationId: ids.lille,
      status: 'ALLOCATED',
      lines: [{ sku: plate, quantity: 1 }],
    });
    // the sibling still travels and still waits for its own delivery
    expect(
      reshipped.shipments.find((s: { shipmentId: string }) => s.shipmentId === onTime.shipmentId).status,
    ).toBe('DISPATCHED');
    expect(
      local.cloud.stepFunctions.describeExecution({
        executionArn: fulfilmentExecutionArn(local.cloud, orderId),
      }).status,
    ).toBe('RUNNING');

    await deliver(onTime);
    await deliver(await dispatched(orderId, replacement.shipmentId));
    await untilStatus(api, orderId, 'DELIVERED');
    expect((await executionOf(orderId)).status).toBe('SUCCEEDED');
    expect(await stockOf(api, plate, ids.lille)).toMatchObject({ onHand: 1, reserved: 0 });
    expect(await stockOf(api, cup, ids.lyon)).toMatchObject({ onHand: 2, reserved: 0 });
  });

  it('a parcel sent back that never comes back within the wait is refunded, nothing restocked', async () => {
    const sku = 'inc-CLOCK';
    await product(sku, { [ids.lyon]: 2 });
    const orderId = await place([{ sku, quantity: 1, unitPrice: 15 }]);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    shortWaitFor.set(allocated.shipments[0].shipmentId, 3);
    const parcel = await dispatched(orderId, allocated.shipments[0].shipmentId);
    await carrier(parcel, 'RETURNED_TO_SENDER', { reason: 'refused' });
    await untilIncident(orderId, 'returning');
    const refunded = await eventually(
      async () => {
        const order = await orderOf(api, orderId);
        return order.incidents[0].resolution === 'refunded' ? order : undefined;
      },
      'the return wait to time out',
      20_000,
    );
    expect(refunded.incidents[0]).toMatchObject({
      kind: 'returned_to_sender',
      shipmentId: parcel.shipmentId,
    });
    expect(refunded.status).toBe('CANCELLED');
    expect((await executionOf(orderId)).status).toBe('SUCCEEDED');
    expect(await busEvents('RefundRequested.v1', orderId)).toEqual([expect.objectContaining({ amount: 15 })]);
    expect(await stockOf(api, sku, ids.lyon)).toMatchObject({ onHand: 1, reserved: 0 });
  });

  it('a delivery signal that Step Functions refuses once is sent again when the event is redelivered', async () => {
    const sku = 'inc-SPOON';
    await product(sku, { [ids.lyon]: 2 });
    const orderId = await place([{ sku, quantity: 1 }]);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const parcel = await dispatched(orderId, allocated.shipments[0].shipmentId);
    flakyCallbackFor.add(orderId);
    await deliver(parcel);
    await untilStatus(api, orderId, 'DELIVERED');
    const execution = await executionOf(orderId);
    expect(flakyCallbackFor.has(orderId)).toBe(false); // the first send did fail
    expect(execution.status).toBe('SUCCEEDED');
    await local.cloud.idle();
  });
});
