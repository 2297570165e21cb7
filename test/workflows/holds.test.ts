/**
 * Holding periods (DESIGN.md section 6.1), through the HTTP contract and the fulfilment ASL run
 * with the real handlers: a parcel ready at the store is kept `holdMinutes` for the customer, then
 * the order is CANCELLED "hold expired", its stock released, the customer told; a normal ending.
 * One test waits a real minute: the local cloud runs Step Functions timeouts in real time.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import { fulfilmentExecutionArn, stockOf, untilStatus } from '../support/journey.ts';

const local = useTestCloud({ network: 'hold' });
const { api, ids } = local;

/** A second store of the small network, keeping ready parcels one minute only. */
const quickStore = 'hold-ST-QUICK';

async function placeAtStore(mode: 'e_reservation' | 'click_collect', storeId: string, quantity = 1) {
  const { status, body } = await api.placeOrder({
    channel: 'web',
    customer: { id: 'cust-hold', email: 'hold@example.com' },
    delivery: { mode, storeId },
    lines: [{ sku: ids.mug, quantity }],
  });
  expect(status).toBe(202);
  const allocated = await untilStatus(api, body.orderId, 'ALLOCATED');
  expect(allocated.shipments[0].locationId).toBe(storeId);
  return { orderId: body.orderId as string, shipmentId: allocated.shipments[0].shipmentId as string };
}

async function confirm(shipmentId: string) {
  await eventually(async () => {
    const answer = await api.post(`/shipments/${shipmentId}/confirm`, {});
    return answer.status === 202 ? answer : undefined;
  }, 'the confirmation');
}

describe('holding periods at the store', () => {
  it('refuses a holdMinutes below 1 or not whole, naming the field', async () => {
    for (const holdMinutes of [0, 1.5, 'sixty']) {
      const answer = await api.put(`/locations/${quickStore}`, {
        name: 'Quick',
        type: 'store',
        lat: 48.85,
        lon: 2.34,
        capabilities: ['click_collect', 'e_reservation'],
        holdMinutes,
      });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain('body.holdMinutes');
    }
  });

  it('cancels an e-reservation not collected within holdMinutes: "hold expired", stock back, customer told', async () => {
    const stored = await api.put(`/locations/${quickStore}`, {
      name: 'Quick',
      type: 'store',
      lat: 48.85,
      lon: 2.34,
      capabilities: ['click_collect', 'e_reservation'],
      holdMinutes: 1,
    });
    expect(stored.status).toBe(200);
    expect(stored.body.holdMinutes).toBe(1);
    expect((await api.put(`/inventory/${quickStore}/${ids.mug}`, { onHand: 3 })).status).toBe(200);
    const before = await stockOf(api, ids.mug, quickStore);
    expect(before).toMatchObject({ onHand: 3, reserved: 0, available: 3 });

    const { orderId, shipmentId } = await placeAtStore('e_reservation', quickStore, 2);
    expect(await stockOf(api, ids.mug, quickStore)).toMatchObject({ onHand: 3, reserved: 2, available: 1 });
    const confirmedAt = Date.now();
    await confirm(shipmentId);
    const ready = await untilStatus(api, orderId, 'READY_FOR_PICKUP');
    const holdUntil = Date.parse(ready.shipments[0].holdUntil);
    expect(holdUntil - confirmedAt).toBeGreaterThan(55_000);
    expect(holdUntil - confirmedAt).toBeLessThan(65_000);
    expect(await stockOf(api, ids.mug, quickStore)).toMatchObject({ onHand: 3, reserved: 2, available: 1 });

    const cancelled = await eventually(
      async () => {
        const { body } = await api.get(`/orders/${orderId}`);
        return body.status === 'CANCELLED' ? body : undefined;
      },
      'the hold to expire',
      90_000,
    );
    // not before the hold ran out
    expect(Date.now()).toBeGreaterThanOrEqual(holdUntil);
    expect(cancelled.cancellation).toEqual({ reason: 'hold expired' });
    expect(cancelled.shipments[0].status).toBe('CANCELLED');
    expect(cancelled.history.at(-1)).toMatchObject({ status: 'CANCELLED', detail: 'hold expired' });
    expect(await stockOf(api, ids.mug, quickStore)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });

    const execution = await local.cloud.stepFunctions.waitForExecution(
      fulfilmentExecutionArn(local.cloud, orderId),
    );
    expect(execution.status).toBe('SUCCEEDED');
    const cancelledEvent = await eventually(
      async () =>
        local.events.find(
          (e) =>
            e['detail-type'] === 'OrderCancelled.v1' && (e.detail as { orderId: string }).orderId === orderId,
        ),
      'OrderCancelled.v1',
    );
    expect(cancelledEvent.detail).toMatchObject({ reason: 'hold expired' });
    await local.cloud.idle();
    const cancellations = local.events.filter(
      (e) =>
        e['detail-type'] === 'OrderCancelled.v1' && (e.detail as { orderId: string }).orderId === orderId,
    );
    expect(cancellations, 'one OrderCancelled.v1, the closing one').toHaveLength(1);
    const told = await eventually(async () => {
      const { body } = await api.get(`/orders/${orderId}/notifications`);
      return body.items.find((n: { template: string }) => n.template === 'order_cancelled');
    }, 'the order_cancelled notification');
    expect(told).toMatchObject({ status: 'sent', to: 'hold@example.com' });

    // the customer comes too late: the parcel is no longer held
    const late = await api.post(`/shipments/${shipmentId}/collected`);
    expect(late.status).toBe(409);
    expect(await stockOf(api, ids.mug, quickStore)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
  }, 150_000);

  it('holds click & collect a week and an e-reservation two days at a store without holdMinutes; a collection in time ends COLLECTED', async () => {
    const before = await stockOf(api, ids.mug, ids.store);
    const collect = await placeAtStore('click_collect', ids.store);
    const reserve = await placeAtStore('e_reservation', ids.store);
    expect(await stockOf(api, ids.mug, ids.store)).toMatchObject({
      onHand: before.onHand,
      reserved: before.reserved + 2,
    });
    const confirmedAt = Date.now();
    await confirm(collect.shipmentId);
    await confirm(reserve.shipmentId);
    const minutesHeld = async (orderId: string) => {
      const ready = await untilStatus(api, orderId, 'READY_FOR_PICKUP');
      return (Date.parse(ready.shipments[0].holdUntil) - confirmedAt) / 60_000;
    };
    expect(await minutesHeld(collect.orderId)).toBeCloseTo(10080, 0);
    expect(await minutesHeld(reserve.orderId)).toBeCloseTo(2880, 0);

    expect((await api.post(`/shipments/${collect.shipmentId}/collected`)).status).toBe(202);
    const collected = await untilStatus(api, collect.orderId, 'COLLECTED');
    expect(collected.cancellation).toBeUndefined();
    expect(await stockOf(api, ids.mug, ids.store)).toMatchObject({
      onHand: before.onHand - 1,
      reserved: before.reserved + 1,
    });
    expect(
      (await local.cloud.stepFunctions.waitForExecution(fulfilmentExecutionArn(local.cloud, collect.orderId)))
        .status,
    ).toBe('SUCCEEDED');

    // the customer cancels the e-reservation instead: the ordinary cancellation, not an expiry
    expect((await api.post(`/orders/${reserve.orderId}/cancel`)).status).toBe(202);
    const cancelled = await untilStatus(api, reserve.orderId, 'CANCELLED');
    expect(cancelled.cancellation).toEqual({ reason: 'cancelled' });
    expect(await stockOf(api, ids.mug, ids.store)).toMatchObject({
      onHand: before.onHand - 1,
      reserved: before.reserved,
    });
  });
});
