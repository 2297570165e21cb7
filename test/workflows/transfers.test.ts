import { describe, expect, it } from 'vitest';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import {
  fulfilmentExecutionArn,
  orderOf,
  postCarrierEvent,
  stockOf,
  untilShipment,
  untilStatus,
} from '../support/journey.ts';

const local = useTestCloud({ network: 'tr' });
const { api, ids } = local;

const days = (n: number) => new Date(Date.now() + n * 86_400_000);

async function newProduct(sku: string) {
  expect((await api.put(`/products/${sku}`, { name: sku, weightKg: 1.2 })).status).toBe(200);
}

/** on hand, reserved and available of a SKU at a location (a row that does not exist yet: all zero) */
async function stock(sku: string, locationId: string) {
  const row = await stockOf(api, sku, locationId);
  return { onHand: row?.onHand ?? 0, reserved: row?.reserved ?? 0, available: row?.available ?? 0 };
}

function collectAt(storeId: string, sku: string, quantity: number) {
  return {
    channel: 'web',
    customer: { id: 'cust-tr', email: 'tr@example.com' },
    delivery: { mode: 'click_collect', storeId },
    lines: [{ sku, quantity }],
  };
}

describe('transfers between locations', () => {
  it('a transfer leaves its origin when recorded, is expected at its destination, and lands there on receipt', async () => {
    const sku = 'tr-LAMP';
    await newProduct(sku);
    expect((await api.put(`/inventory/${ids.lyon}/${sku}`, { onHand: 5 })).status).toBe(200);
    const transfer = {
      locationId: ids.store,
      sku,
      quantity: 3,
      expectedAt: days(2).toISOString(),
      kind: 'transfer',
      fromLocationId: ids.lyon,
    };

    const tooMany = await api.put('/supply/tr-T0', { ...transfer, quantity: 6 });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.errors).toEqual([
      { field: 'quantity', message: 'more than the origin has available' },
    ]);
    expect(await stock(sku, ids.lyon)).toEqual({ onHand: 5, reserved: 0, available: 5 });

    expect((await api.put('/supply/tr-T1', transfer)).status).toBe(200);
    expect(await stock(sku, ids.lyon)).toEqual({ onHand: 2, reserved: 0, available: 2 });
    const inventory = (await api.get(`/inventory/${sku}`)).body;
    expect(inventory.expected).toEqual([
      expect.objectContaining({
        supplyId: 'tr-T1',
        locationId: ids.store,
        quantity: 3,
        fromLocationId: ids.lyon,
      }),
    ]);
    // a replay changes nothing; only the date of a transfer on its way may change
    expect((await api.put('/supply/tr-T1', transfer)).status).toBe(200);
    expect(await stock(sku, ids.lyon)).toEqual({ onHand: 2, reserved: 0, available: 2 });
    expect((await api.put('/supply/tr-T1', { ...transfer, quantity: 2 })).status).toBe(409);
    expect((await api.put('/supply/tr-T1', { ...transfer, expectedAt: days(3).toISOString() })).status).toBe(
      200,
    );

    expect((await api.post('/supply/tr-T1/receive', {})).status).toBe(200);
    expect(await stock(sku, ids.store)).toEqual({ onHand: 3, reserved: 0, available: 3 });
    expect(await stock(sku, ids.lyon)).toEqual({ onHand: 2, reserved: 0, available: 2 });
    expect((await api.get(`/inventory/${sku}`)).body.expected).toEqual([]);
  });

  it('serves click & collect at a store without the item by a transfer, ready later, as promised', async () => {
    const sku = 'tr-VASE';
    await newProduct(sku);
    expect((await api.put(`/inventory/${ids.lille}/${sku}`, { onHand: 5 })).status).toBe(200);

    const own = await api.post('/promise', {
      lines: [{ sku: ids.mug, quantity: 1 }],
      delivery: { mode: 'click_collect', storeId: ids.store },
    });
    const quote = await api.post('/promise', {
      lines: [{ sku, quantity: 2 }],
      delivery: { mode: 'click_collect', storeId: ids.store },
    });
    expect(quote.status).toBe(200);
    const [option] = quote.body.options;
    expect(option.locationIds).toEqual([ids.lille]);
    expect(option.earliestDate > own.body.options[0].earliestDate).toBe(true);

    const { status, body } = await api.placeOrder(collectAt(ids.store, sku, 2));
    expect(status).toBe(202);
    const { orderId } = body;
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    expect(allocated.promise).toMatchObject({
      earliestDate: option.earliestDate,
      latestDate: option.latestDate,
    });
    const [shipment] = allocated.shipments;
    expect(shipment).toMatchObject({ locationId: ids.lille, transferTo: ids.store, mode: 'click_collect' });
    expect(shipment.promisedDate).toBe(option.latestDate);
    expect(await stock(sku, ids.lille)).toEqual({ onHand: 5, reserved: 2, available: 3 });

    await eventually(async () => {
      const answer = await api.post(`/shipments/${shipment.shipmentId}/confirm`, {});
      return answer.status === 202 ? answer : undefined;
    }, 'the origin to confirm the pick');
    const dispatched = await untilShipment(api, orderId, 'DISPATCHED');
    const parcel = dispatched.shipments[0];
    expect(parcel.trackingNumber).toMatch(/\w/);
    // the units left the origin; they are not the store's yet
    expect(await stock(sku, ids.lille)).toEqual({ onHand: 3, reserved: 0, available: 3 });
    expect(await stock(sku, ids.store)).toEqual({ onHand: 0, reserved: 0, available: 0 });

    for (const carrierStatus of ['PICKED_UP', 'IN_TRANSIT', 'DELIVERED'])
      expect(
        (
          await postCarrierEvent(local.cloud.url, parcel.carrierId, {
            trackingNumber: parcel.trackingNumber,
            status: carrierStatus,
          })
        ).status,
      ).toBe(202);
    const ready = await untilStatus(api, orderId, 'READY_FOR_PICKUP');
    expect(ready.shipments[0].status).toBe('READY_FOR_PICKUP');
    // at the store, held for the customer
    expect(await stock(sku, ids.store)).toEqual({ onHand: 2, reserved: 2, available: 0 });

    expect((await api.post(`/shipments/${shipment.shipmentId}/collected`, {})).status).toBe(202);
    await untilStatus(api, orderId, 'COLLECTED');
    expect(await stock(sku, ids.store)).toEqual({ onHand: 0, reserved: 0, available: 0 });
    expect(await stock(sku, ids.lille)).toEqual({ onHand: 3, reserved: 0, available: 3 });
    await eventually(
      async () =>
        local.cloud.stepFunctions.describeExecution({
          executionArn: fulfilmentExecutionArn(local.cloud, orderId),
        }).status === 'SUCCEEDED'
          ? true
          : undefined,
      'the execution to end',
    );
    expect((await orderOf(api, orderId)).history.map((h: { status: string }) => h.status)).toContain(
      'SHIPPED',
    );
  });

  it('a transfer that reached the store and is cancelled leaves its units in the store stock', async () => {
    const sku = 'tr-BOWL';
    await newProduct(sku);
    expect((await api.put(`/inventory/${ids.lyon}/${sku}`, { onHand: 2 })).status).toBe(200);
    const { body } = await api.placeOrder(collectAt(ids.store, sku, 1));
    const allocated = await untilStatus(api, body.orderId, 'ALLOCATED');
    const [shipment] = allocated.shipments;
    expect(shipment.transferTo).toBe(ids.store);
    await eventually(async () => {
      const answer = await api.post(`/shipments/${shipment.shipmentId}/confirm`, {});
      return answer.status === 202 ? answer : undefined;
    }, 'the origin to confirm the pick');
    const parcel = (await untilShipment(api, body.orderId, 'DISPATCHED')).shipments[0];
    await postCarrierEvent(local.cloud.url, parcel.carrierId, {
      trackingNumber: parcel.trackingNumber,
      status: 'DELIVERED',
    });
    await untilStatus(api, body.orderId, 'READY_FOR_PICKUP');

    expect((await api.post(`/orders/${body.orderId}/cancel`, {})).status).toBe(202);
    await untilStatus(api, body.orderId, 'CANCELLED');
    expect(await stock(sku, ids.store)).toEqual({ onHand: 1, reserved: 0, available: 1 });
    expect(await stock(sku, ids.lyon)).toEqual({ onHand: 1, reserved: 0, available: 1 });
  });
});
