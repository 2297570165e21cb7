/**
 * A line split across two warehouses, through the HTTP contract alone: 8 units ordered where two
 * warehouses hold 5 each are allocated in two shipments of the same SKU, each reserving its part;
 * both are picked, dispatched and delivered, and the stock ends exact at each warehouse.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import {
  fulfilmentExecutionArn,
  homeOrder,
  orderOf,
  parisAddress,
  postCarrierEvent,
  stockOf,
  untilStatus,
} from '../support/journey.ts';

const local = useTestCloud({ network: 'ls' });
const { api, ids } = local;
const book = 'ls-BOOK';

interface ShipmentView {
  shipmentId: string;
  locationId: string;
  status: string;
  lines: { sku: string; quantity: number }[];
  carrierId?: string;
  trackingNumber?: string;
}

async function seedFivePlusFive() {
  expect((await api.put(`/products/${book}`, { name: 'Book', weightKg: 0.5 })).status).toBe(200);
  for (const warehouse of [ids.lyon, ids.lille])
    expect((await api.put(`/inventory/${warehouse}/${book}`, { onHand: 5 })).status).toBe(200);
}

async function confirmed(shipmentId: string) {
  await eventually(async () => {
    const answer = await api.post(`/shipments/${shipmentId}/confirm`, {});
    return answer.status === 202 ? answer : undefined;
  }, `the confirmation of ${shipmentId} to be accepted`);
}

describe('a line split across locations, from intake to DELIVERED', () => {
  it('allocates 8 units held as 5 + 5 in two shipments, reserves each part, and delivers both with stock exact', async () => {
    await seedFivePlusFive();
    const placed = await api.placeOrder(homeOrder([{ sku: book, quantity: 8 }], parisAddress));
    expect(placed.status).toBe(202);
    const orderId = placed.body.orderId as string;

    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const shipments = allocated.shipments as ShipmentView[];
    expect(shipments).toHaveLength(2);
    expect(new Set(shipments.map((s) => s.locationId))).toEqual(new Set([ids.lyon, ids.lille]));
    for (const shipment of shipments) expect(shipment.lines.map((l) => l.sku)).toEqual([book]);
    const units = new Map(shipments.map((s) => [s.locationId, s.lines[0]?.quantity ?? 0]));
    expect([...units.values()].reduce((a, b) => a + b, 0)).toBe(8);
    expect([...units.values()].sort()).toEqual([3, 5]);
    const [split] = allocated.sourcing.explanation.splits;
    expect(split).toMatchObject({ orderSku: book, quantity: 8 });
    expect(split.reason).toBe(
      `no eligible location holds all 8 units of ${book} (the most at one is 5, at ${ids.lille})`,
    );
    // each warehouse reserves its own part, nothing more
    for (const [warehouse, part] of units)
      expect(await stockOf(api, book, warehouse)).toMatchObject({
        onHand: 5,
        reserved: part,
        available: 5 - part,
      });
    expect((await api.get(`/inventory/${book}`)).body.ats).toBe(2);

    for (const shipment of shipments) await confirmed(shipment.shipmentId);
    const dispatched = await eventually(async () => {
      const order = await orderOf(api, orderId);
      return (order.shipments as ShipmentView[]).every((s) => s.status === 'DISPATCHED') ? order : undefined;
    }, 'both shipments to be dispatched');
    expect(dispatched.status).toBe('SHIPPED');
    for (const [warehouse, part] of units)
      expect(await stockOf(api, book, warehouse)).toMatchObject({ onHand: 5 - part, reserved: 0 });

    const parcels = dispatched.shipments as ShipmentView[];
    expect(new Set(parcels.map((s) => s.trackingNumber)).size).toBe(2);
    // the first parcel delivered leaves the order SHIPPED: it follows both of its shipments
    for (const [index, parcel] of parcels.entries()) {
      for (const status of ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED']) {
        const answer = await postCarrierEvent(local.cloud.url, parcel.carrierId as string, {
          trackingNumber: parcel.trackingNumber as string,
          status,
        });
        expect(answer.status).toBe(202);
      }
      if (index === 0) {
        const one = await eventually(async () => {
          const order = await orderOf(api, orderId);
          const delivered = (order.shipments as ShipmentView[]).filter((s) => s.status === 'DELIVERED');
          return delivered.length === 1 ? order : undefined;
        }, 'the first parcel to be delivered');
        expect(one.status).toBe('SHIPPED');
      }
    }
    const delivered = await untilStatus(api, orderId, 'DELIVERED');
    expect((delivered.shipments as ShipmentView[]).map((s) => s.status)).toEqual(['DELIVERED', 'DELIVERED']);
    const execution = await local.cloud.stepFunctions.waitForExecution(
      fulfilmentExecutionArn(local.cloud, orderId),
    );
    expect(execution.status).toBe('SUCCEEDED');
    for (const [warehouse, part] of units)
      expect(await stockOf(api, book, warehouse)).toMatchObject({
        onHand: 5 - part,
        reserved: 0,
        available: 5 - part,
      });
  });

  it('cancels a split order before dispatch: each warehouse gets exactly its own part back', async () => {
    const sku = `${book}-C`;
    expect((await api.put(`/products/${sku}`, { name: 'Book', weightKg: 0.5 })).status).toBe(200);
    for (const warehouse of [ids.lyon, ids.lille])
      expect((await api.put(`/inventory/${warehouse}/${sku}`, { onHand: 5 })).status).toBe(200);
    const placed = await api.placeOrder(homeOrder([{ sku, quantity: 7 }], parisAddress));
    const orderId = placed.body.orderId as string;
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const parts = (allocated.shipments as ShipmentView[]).map((s) => [s.locationId, s.lines[0]?.quantity]);
    expect(parts.map(([, units]) => units).sort()).toEqual([2, 5]);
    for (const [warehouse, part] of parts)
      expect(await stockOf(api, sku, warehouse as string)).toMatchObject({ onHand: 5, reserved: part });

    expect((await api.post(`/orders/${orderId}/cancel`)).status).toBe(202);
    const cancelled = await untilStatus(api, orderId, 'CANCELLED');
    expect((cancelled.shipments as ShipmentView[]).map((s) => s.status)).toEqual(['CANCELLED', 'CANCELLED']);
    for (const warehouse of [ids.lyon, ids.lille])
      expect(await stockOf(api, sku, warehouse)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
  });
});
