import { describe, expect, it } from 'vitest';
import { allocateOrder } from '../../functions/app/allocate-order.ts';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import {
  fulfilmentExecutionArn,
  homeOrder,
  orderOf,
  postCarrierEvent,
  stockOf,
  untilShipment,
  untilStatus,
} from '../support/journey.ts';

/** Orders allocated at a fixed time (the capacity test: both orders must fall on one capacity day). */
const allocatedAt = new Map<string, Date>();

const local = useTestCloud({
  network: 'wf',
  handlerOverrides: {
    AllocateOrder: async (event): Promise<unknown> => {
      const { orderId } = event as { orderId: string };
      const at = allocatedAt.get(orderId);
      return allocateOrder(at ? { ...local.ports, clock: { now: () => at } } : local.ports, orderId);
    },
  },
});
const { api, ids } = local;

async function place(lines: { sku: string; quantity: number }[], body: object = {}) {
  const { status, body: answer } = await api.placeOrder({ ...homeOrder(lines), ...body });
  expect(status).toBe(202);
  return answer.orderId as string;
}

async function deliver(orderId: string, shipmentIndex = 0) {
  const dispatched = await untilShipment(api, orderId, 'DISPATCHED', shipmentIndex);
  const shipment = dispatched.shipments.filter((s: { status: string }) => s.status !== 'CANCELLED')[
    shipmentIndex
  ];
  for (const status of ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED']) {
    const answer = await postCarrierEvent(local.cloud.url, shipment.carrierId, {
      trackingNumber: shipment.trackingNumber,
      status,
    });
    expect(answer.status).toBe(202);
  }
  return shipment;
}

describe('the fulfilment workflow, run from statemachines/fulfilment.asl.json with the real handlers', () => {
  it('takes a home order from intake to DELIVERED: stock reserved, consumed once, reservation gone', async () => {
    const before = await stockOf(api, ids.mug, ids.lyon);
    const orderId = await place([{ sku: ids.mug, quantity: 2 }]);

    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    expect(allocated.sourcing.cost).toBeGreaterThan(0);
    expect(allocated.sourcing.explanation.chosen).toHaveLength(1);
    const [shipment] = allocated.shipments;
    expect(shipment.locationId).toBe(ids.lyon); // nearest to Marseille with stock
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject({
      onHand: before.onHand,
      reserved: before.reserved + 2,
    });

    await eventually(async () => {
      const answer = await api.post(`/shipments/${shipment.shipmentId}/confirm`, {
        packages: [{ weightKg: 0.9 }],
      });
      return answer.status === 202 ? answer : undefined;
    }, 'the confirmation to be accepted');
    const dispatched = await untilShipment(api, orderId, 'DISPATCHED');
    const parcel = dispatched.shipments[0];
    expect(parcel.carrierId).toMatch(/\w/);
    expect(parcel.trackingNumber).toMatch(/^[A-Z]{2}\d{14}FR$/);
    expect(dispatched.status).toBe('SHIPPED');
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject({
      onHand: before.onHand - 2,
      reserved: before.reserved,
    });

    const label = await fetch(parcel.labelUrl);
    expect(label.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await label.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    await deliver(orderId);
    const delivered = await untilStatus(api, orderId, 'DELIVERED');
    expect(delivered.shipments[0].status).toBe('DELIVERED');
    expect(delivered.history.map((h: { status: string }) => h.status)).toEqual(
      expect.arrayContaining(['RECEIVED', 'ALLOCATED', 'IN_FULFILLMENT', 'SHIPPED', 'DELIVERED']),
    );
    const execution = await local.cloud.stepFunctions.waitForExecution(
      fulfilmentExecutionArn(local.cloud, orderId),
    );
    expect(execution.status).toBe('SUCCEEDED');
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject({
      onHand: before.onHand - 2,
      reserved: before.reserved,
    });
    const transitions = local.cloud.stepFunctions.transitionCount(
      fulfilmentExecutionArn(local.cloud, orderId),
    );
    // AllocateOrder, FulfilShipments, PickPack, DispatchCarrier, TrackShipment
    expect(transitions).toBe(5);
  });

  it('rejects an order nothing can fill, with the reason, and reserves nothing', async () => {
    const before = await stockOf(api, ids.lamp, ids.lyon);
    const orderId = await place([{ sku: ids.lamp, quantity: 50 }]);
    const rejected = await untilStatus(api, orderId, 'REJECTED');
    expect(rejected.rejection.reason).toContain(ids.lamp);
    expect(await stockOf(api, ids.lamp, ids.lyon)).toEqual(before);
    expect(
      (await local.cloud.stepFunctions.waitForExecution(fulfilmentExecutionArn(local.cloud, orderId))).status,
    ).toBe('SUCCEEDED');
  });

  it('re-sources a rejected shipment at another location and releases the first reservation', async () => {
    const lyonBefore = await stockOf(api, ids.mug, ids.lyon);
    const before = new Map(
      await Promise.all(
        [ids.lille, ids.store].map(
          async (locationId) => [locationId, await stockOf(api, ids.mug, locationId)] as const,
        ),
      ),
    );
    const orderId = await place([{ sku: ids.mug, quantity: 1 }]);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const first = allocated.shipments[0];
    expect(first.locationId).toBe(ids.lyon);

    const rejected = await eventually(async () => {
      const answer = await api.post(`/shipments/${first.shipmentId}/reject`, { reason: 'damaged stock' });
      return answer.status === 202 ? answer : undefined;
    }, 'the rejection to be accepted');
    expect(rejected.status).toBe(202);

    const resourced = await eventually(async () => {
      const order = await orderOf(api, orderId);
      return order.shipments.length === 2 ? order : undefined;
    }, 'a replacement shipment');
    expect(resourced.shipments[0]).toMatchObject({
      status: 'CANCELLED',
      rejection: { reason: 'damaged stock' },
    });
    expect(resourced.shipments[1]).toMatchObject({ status: 'ALLOCATED' });
    expect(resourced.shipments[1].locationId).not.toBe(ids.lyon);
    expect(await stockOf(api, ids.mug, ids.lyon)).toEqual(lyonBefore);

    const second = resourced.shipments[1];
    await eventually(async () => {
      const answer = await api.post(`/shipments/${second.shipmentId}/confirm`, {});
      return answer.status === 202 ? answer : undefined;
    }, 'the second confirmation');
    await deliver(orderId);
    await untilStatus(api, orderId, 'DELIVERED');
    // whichever location took the replacement shipped the unit, and holds nothing more for it
    const secondBefore = before.get(second.locationId);
    expect(secondBefore, `the replacement went to ${second.locationId}`).toBeDefined();
    expect(await stockOf(api, ids.mug, second.locationId)).toMatchObject({
      onHand: (secondBefore?.onHand ?? 0) - 1,
      reserved: secondBefore?.reserved,
    });
    expect(await stockOf(api, ids.mug, ids.lyon)).toEqual(lyonBefore);
  });

  it('cancels before dispatch: the waiting task fails with OrderCancelled and the stock is released', async () => {
    const before = await stockOf(api, ids.lamp, ids.lyon);
    const orderId = await place([{ sku: ids.lamp, quantity: 1 }]);
    await untilStatus(api, orderId, 'ALLOCATED');
    expect((await stockOf(api, ids.lamp, ids.lyon)).reserved).toBe(before.reserved + 1);

    const cancel = await api.post(`/orders/${orderId}/cancel`, {});
    expect(cancel.status).toBe(202);
    const cancelled = await untilStatus(api, orderId, 'CANCELLED');
    expect(cancelled.shipments[0].status).toBe('CANCELLED');
    expect(await stockOf(api, ids.lamp, ids.lyon)).toEqual(before);
    const execution = await local.cloud.stepFunctions.waitForExecution(
      fulfilmentExecutionArn(local.cloud, orderId),
    );
    expect(execution.status).toBe('SUCCEEDED');
    // a retried cancellation has no second effect
    expect((await api.post(`/orders/${orderId}/cancel`, {})).status).toBe(202);
    expect((await orderOf(api, orderId)).status).toBe('CANCELLED');
    expect(await stockOf(api, ids.lamp, ids.lyon)).toEqual(before);
  });

  it('refuses to cancel once a shipment is dispatched (409)', async () => {
    const orderId = await place([{ sku: ids.mug, quantity: 1 }]);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    await eventually(async () => {
      const answer = await api.post(`/shipments/${allocated.shipments[0].shipmentId}/confirm`, {});
      return answer.status === 202 ? answer : undefined;
    }, 'the confirmation');
    await untilShipment(api, orderId, 'DISPATCHED');
    const cancel = await api.post(`/orders/${orderId}/cancel`, {});
    expect(cancel.status).toBe(409);
    expect(cancel.headers.get('content-type')).toBe('application/problem+json');
    await deliver(orderId);
    await untilStatus(api, orderId, 'DELIVERED');
  });

  it('serves click & collect from the store: READY_FOR_PICKUP on confirm, on hand drops at collection', async () => {
    const before = await stockOf(api, ids.mug, ids.store);
    const { status, body } = await api.placeOrder({
      channel: 'store',
      customer: { id: 'cust-2' },
      delivery: { mode: 'click_collect', storeId: ids.store },
      lines: [{ sku: ids.mug, quantity: 1 }],
    });
    expect(status).toBe(202);
    const allocated = await untilStatus(api, body.orderId, 'ALLOCATED');
    expect(allocated.shipments[0].locationId).toBe(ids.store);
    await eventually(async () => {
      const answer = await api.post(`/shipments/${allocated.shipments[0].shipmentId}/confirm`, {});
      return answer.status === 202 ? answer : undefined;
    }, 'the confirmation');
    await untilStatus(api, body.orderId, 'READY_FOR_PICKUP');
    expect(await stockOf(api, ids.mug, ids.store)).toMatchObject({
      onHand: before.onHand,
      reserved: before.reserved + 1,
    });
    expect((await api.post(`/shipments/${allocated.shipments[0].shipmentId}/collected`)).status).toBe(202);
    await untilStatus(api, body.orderId, 'COLLECTED');
    expect(await stockOf(api, ids.mug, ids.store)).toMatchObject({
      onHand: before.onHand - 1,
      reserved: before.reserved,
    });
    expect(
      (await local.cloud.stepFunctions.waitForExecution(fulfilmentExecutionArn(local.cloud, body.orderId)))
        .status,
    ).toBe('SUCCEEDED');
  });

  it('keeps a kit together at one location and reserves its components together', async () => {
    const orderId = await place([{ sku: ids.kit, quantity: 1 }]);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    expect(allocated.shipments).toHaveLength(1);
    expect(allocated.shipments[0].locationId).toBe(ids.lyon);
    expect(allocated.shipments[0].lines.map((l: { sku: string }) => l.sku).sort()).toEqual(
      [ids.lamp, ids.mug].sort(),
    );
    expect((await api.post(`/orders/${orderId}/cancel`)).status).toBe(202);
    await untilStatus(api, orderId, 'CANCELLED');
  });

  it('lets exactly one of two concurrent orders have the last unit', async () => {
    const sku = `${ids.mug}-LAST`;
    expect((await api.put(`/products/${sku}`, { name: 'Last mug', weightKg: 0.4 })).status).toBe(200);
    expect((await api.put(`/inventory/${ids.lille}/${sku}`, { onHand: 1 })).status).toBe(200);
    const orders = await Promise.all([place([{ sku, quantity: 1 }]), place([{ sku, quantity: 1 }])]);
    const outcomes = await Promise.all(orders.map((id) => untilStatus(api, id, ['ALLOCATED', 'REJECTED'])));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['ALLOCATED', 'REJECTED']);
    expect(await stockOf(api, sku, ids.lille)).toMatchObject({ onHand: 1, reserved: 1, available: 0 });
  });
});

describe('sourcing inside the workflow', () => {
  it('stores the explanation on the order: rules that excluded locations, cost terms, next best, profile', async () => {
    const { body } = await api.placeOrder({
      ...homeOrder([{ sku: ids.lamp, quantity: 1 }]),
      channel: 'marketplace',
    });
    const allocated = await untilStatus(api, body.orderId, 'ALLOCATED');
    const { explanation, cost } = allocated.sourcing;
    expect(explanation.strategy).toBe('exact-branch-and-bound');
    expect(explanation.profile).toEqual({ id: 'marketplace', version: 3 });
    expect(explanation.excluded).toEqual(
      expect.arrayContaining([expect.objectContaining({ locationId: ids.lille, rule: 'stock' })]),
    );
    expect(explanation.costTerms.total).toBeCloseTo(cost, 2);
    expect(explanation.chosen[0].locationId).toBe(ids.lyon);
    expect((await api.post(`/orders/${body.orderId}/cancel`)).status).toBe(202);
    await untilStatus(api, body.orderId, 'CANCELLED');
  });

  it('respects a location’s daily capacity: once today’s slots are used up, the next order ships from it on the next day', async () => {
    const sku = `${ids.mug}-CAP`;
    expect((await api.put(`/products/${sku}`, { name: 'Capped mug', weightKg: 0.4 })).status).toBe(200);
    const near = `${ids.lyon}-CAP`;
    expect(
      (
        await api.put(`/locations/${near}`, {
          name: 'Marseille small',
          type: 'store',
          lat: 43.3,
          lon: 5.37,
          capabilities: ['ship'],
          dailyCapacity: 1,
        })
      ).status,
    ).toBe(200);
    expect((await api.put(`/inventory/${near}/${sku}`, { onHand: 10 })).status).toBe(200);
    // every order of this test is allocated on one capacity day, whatever the time the test runs at
    const tuesdayMorning = new Date('2030-03-05T09:00:00Z');
    const placeOnTheDay = async (n: number) => {
      const orderId = `cap-${n}-${Date.now()}`;
      allocatedAt.set(orderId, tuesdayMorning);
      return place([{ sku, quantity: 1 }], { orderId });
    };
    const first = await placeOnTheDay(1);
    expect((await untilStatus(api, first, 'ALLOCATED')).shipments[0].locationId).toBe(near);
    // the only location with the SKU has no slot left on Tuesday: the order is not rejected, it
    // takes Wednesday's slot, and the explanation says so
    const second = await placeOnTheDay(2);
    const allocated = await untilStatus(api, second, 'ALLOCATED');
    expect(allocated.shipments[0].locationId).toBe(near);
    expect(allocated.sourcing.explanation.excluded).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ locationId: near, rule: 'capacity' })]),
    );
    expect(allocated.sourcing.explanation.laterDays).toEqual([
      expect.objectContaining({ locationId: near, day: '2030-03-06', daysLate: 1 }),
    ]);
    expect(allocated.sourcing.explanation.laterDays[0].reason).toContain('ships on 2030-03-06');
    expect(allocated.sourcing.explanation.costTerms.lateDays).toBeGreaterThan(0);

    // a cancelled order gives its preparation slot back: the next order can use the near store again
    expect((await api.post(`/orders/${first}/cancel`)).status).toBe(202);
    await untilStatus(api, first, 'CANCELLED');
    const third = await placeOnTheDay(3);
    expect((await untilStatus(api, third, 'ALLOCATED')).shipments[0].locationId).toBe(near);
  });
});
