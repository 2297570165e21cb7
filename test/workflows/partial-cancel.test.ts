/**
 * Partial cancellation (DESIGN.md section 6.1) through the HTTP contract, the fulfilment ASL run
 * with the real handlers and DynamoDB Local: exactly the cancelled units are released, at once,
 * the rest of the order goes on; 409 once they left; 400 for more than ordered. Stock (on hand,
 * reserved, available) is checked after every transition.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import {
  fulfilmentExecutionArn,
  homeOrder,
  postCarrierEvent,
  stockOf,
  untilShipment,
  untilStatus,
} from '../support/journey.ts';

const local = useTestCloud({ network: 'pc' });
const { api, ids } = local;

type Row = { onHand: number; reserved: number; available: number };
const moved = (row: Row, onHand: number, reserved: number) => ({
  onHand: row.onHand + onHand,
  reserved: row.reserved + reserved,
  available: row.available + onHand - reserved,
});

async function place(lines: { sku: string; quantity: number; unitPrice?: number }[]) {
  const { status, body } = await api.placeOrder(homeOrder(lines));
  expect(status).toBe(202);
  return (await untilStatus(api, body.orderId, 'ALLOCATED')) as {
    orderId: string;
    shipments: { shipmentId: string; locationId: string; lines: { sku: string; quantity: number }[] }[];
  };
}

async function confirm(shipmentId: string) {
  await eventually(async () => {
    const answer = await api.post(`/shipments/${shipmentId}/confirm`, {});
    return answer.status === 202 ? answer : undefined;
  }, `the confirmation of ${shipmentId}`);
}

async function deliver(orderId: string, shipmentId: string) {
  const order = await eventually(async () => {
    const { body } = await api.get(`/orders/${orderId}`);
    const s = body.shipments.find((x: { shipmentId: string }) => x.shipmentId === shipmentId);
    return s?.status === 'DISPATCHED' ? s : undefined;
  }, `${shipmentId} to be dispatched`);
  const answer = await postCarrierEvent(local.cloud.url, order.carrierId, {
    trackingNumber: order.trackingNumber,
    status: 'DELIVERED',
  });
  expect(answer.status).toBe(202);
}

describe('cancelling some lines of an order before they leave', () => {
  it('refuses more units than ordered and SKUs not ordered with 400 naming the field; nothing is released', async () => {
    const before = await stockOf(api, ids.mug, ids.lyon);
    const { orderId } = await place([{ sku: ids.mug, quantity: 2 }]);
    const reserved = moved(before, 0, 2);
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject(reserved);
    const tooMany = await api.post(`/orders/${orderId}/cancel`, { lines: [{ sku: ids.mug, quantity: 3 }] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.headers.get('content-type')).toBe('application/problem+json');
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ field: 'lines.0.quantity' })]);
    const unknown = await api.post(`/orders/${orderId}/cancel`, { lines: [{ sku: ids.lamp, quantity: 1 }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'lines.0.sku' })]);
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject(reserved);
    // cancelling every unit left is the whole order's cancellation
    expect(
      (await api.post(`/orders/${orderId}/cancel`, { lines: [{ sku: ids.mug, quantity: 2 }] })).status,
    ).toBe(202);
    const cancelled = await untilStatus(api, orderId, 'CANCELLED');
    expect(cancelled.cancellation).toEqual({ reason: 'cancelled' });
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject(before);
  });

  it('releases exactly the cancelled units at once; the smaller parcel is picked, dispatched and delivered', async () => {
    const mugs = await stockOf(api, ids.mug, ids.lyon);
    const lamps = await stockOf(api, ids.lamp, ids.lyon);
    const { orderId, shipments } = await place([
      { sku: ids.mug, quantity: 3, unitPrice: 8 },
      { sku: ids.lamp, quantity: 1, unitPrice: 40 },
    ]);
    expect(shipments).toHaveLength(1);
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject(moved(mugs, 0, 3));
    expect(await stockOf(api, ids.lamp, ids.lyon)).toMatchObject(moved(lamps, 0, 1));

    const cancel = await api.post(`/orders/${orderId}/cancel`, { lines: [{ sku: ids.mug, quantity: 2 }] });
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ orderId, cancelledLines: [{ sku: ids.mug, quantity: 2 }] });
    // read-your-writes: released in the same transaction as the order change
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject(moved(mugs, 0, 1));
    expect(await stockOf(api, ids.lamp, ids.lyon)).toMatchObject(moved(lamps, 0, 1));
    const shrunk = (await api.get(`/orders/${orderId}`)).body;
    expect(shrunk.status).toBe('ALLOCATED');
    expect(shrunk.shipments[0].lines).toEqual([
      { sku: ids.mug, quantity: 1 },
      { sku: ids.lamp, quantity: 1 },
    ]);
    expect(shrunk.cancelledLines).toEqual([{ sku: ids.mug, quantity: 2 }]);

    await confirm(shipments[0]?.shipmentId ?? '');
    await untilShipment(api, orderId, 'DISPATCHED');
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject(moved(mugs, -1, 0));
    expect(await stockOf(api, ids.lamp, ids.lyon)).toMatchObject(moved(lamps, -1, 0));

    // the rest left: cancelling it now is refused, with a return suggested
    const late = await api.post(`/orders/${orderId}/cancel`, { lines: [{ sku: ids.mug, quantity: 1 }] });
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toBe('application/problem+json');
    expect(late.body.detail).toContain(`/orders/${orderId}/returns`);
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject(moved(mugs, -1, 0));

    await deliver(orderId, shipments[0]?.shipmentId ?? '');
    await untilStatus(api, orderId, 'DELIVERED');
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject(moved(mugs, -1, 0));
    const execution = await local.cloud.stepFunctions.waitForExecution(
      fulfilmentExecutionArn(local.cloud, orderId),
    );
    expect(execution.status).toBe('SUCCEEDED');
  });

  it('cancels a whole shipment of a two-shipment order: its branch ends, the other ships and the order is DELIVERED', async () => {
    const onlyLille = `${ids.mug}-NORTH`;
    expect((await api.put(`/products/${onlyLille}`, { name: 'Northern mug', weightKg: 0.4 })).status).toBe(
      200,
    );
    expect((await api.put(`/inventory/${ids.lille}/${onlyLille}`, { onHand: 5 })).status).toBe(200);
    const north = await stockOf(api, onlyLille, ids.lille);
    const lamps = await stockOf(api, ids.lamp, ids.lyon);
    const { orderId, shipments } = await place([
      { sku: onlyLille, quantity: 2 },
      { sku: ids.lamp, quantity: 1 },
    ]);
    expect(shipments.map((s) => s.locationId).sort()).toEqual([ids.lille, ids.lyon].sort());
    const lilleShipment = shipments.find((s) => s.locationId === ids.lille)?.shipmentId ?? '';
    const lyonShipment = shipments.find((s) => s.locationId === ids.lyon)?.shipmentId ?? '';
    expect(await stockOf(api, onlyLille, ids.lille)).toMatchObject(moved(north, 0, 2));

    const cancel = await api.post(`/orders/${orderId}/cancel`, { lines: [{ sku: onlyLille, quantity: 2 }] });
    expect(cancel.status).toBe(202);
    expect(await stockOf(api, onlyLille, ids.lille)).toMatchObject(north);
    expect(await stockOf(api, ids.lamp, ids.lyon)).toMatchObject(moved(lamps, 0, 1));
    const after = (await api.get(`/orders/${orderId}`)).body;
    expect(after.shipments.find((s: { shipmentId: string }) => s.shipmentId === lilleShipment)).toMatchObject(
      {
        status: 'CANCELLED',
      },
    );
    // the location can no longer confirm the cancelled parcel
    expect((await api.post(`/shipments/${lilleShipment}/confirm`, {})).status).toBe(409);

    await confirm(lyonShipment);
    await deliver(orderId, lyonShipment);
    const delivered = await untilStatus(api, orderId, 'DELIVERED');
    expect(delivered.cancellation).toBeUndefined();
    expect(await stockOf(api, ids.lamp, ids.lyon)).toMatchObject(moved(lamps, -1, 0));
    expect(await stockOf(api, onlyLille, ids.lille)).toMatchObject(north);
    const execution = await local.cloud.stepFunctions.waitForExecution(
      fulfilmentExecutionArn(local.cloud, orderId),
    );
    expect(execution.status).toBe('SUCCEEDED');
  });

  it('decides a partial cancel racing the dispatch in one write, five times: 202 ships the rest, 409 ships all', async () => {
    let raceSku = '';
    const trial = async (index: number) => {
      const { orderId, shipments } = await place([{ sku: raceSku, quantity: 3 }]);
      const shipmentId = shipments[0]?.shipmentId ?? '';
      const [, cancel] = await Promise.all([
        api.post(`/shipments/${shipmentId}/confirm`, {}),
        new Promise((r) => setTimeout(r, index * 120)).then(() =>
          api.post(`/orders/${orderId}/cancel`, { lines: [{ sku: raceSku, quantity: 1 }] }),
        ),
      ]);
      expect([202, 409]).toContain(cancel.status);
      const dispatched = await untilShipment(api, orderId, 'DISPATCHED');
      const shipped = dispatched.shipments[0].lines[0].quantity as number;
      expect(shipped).toBe(cancel.status === 202 ? 2 : 3);
      return shipped;
    };
    // a SKU of its own, so that every unit is accounted for
    const sku = `${ids.mug}-RACE`;
    expect((await api.put(`/products/${sku}`, { name: 'Race mug', weightKg: 0.4 })).status).toBe(200);
    expect((await api.put(`/inventory/${ids.lyon}/${sku}`, { onHand: 20 })).status).toBe(200);
    raceSku = sku;
    const shipped = await Promise.all([0, 1, 2, 3, 4].map(trial));
    const total = shipped.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(10);
    expect(await stockOf(api, sku, ids.lyon)).toMatchObject({
      onHand: 20 - total,
      reserved: 0,
      available: 20 - total,
    });
  }, 120_000);
});
