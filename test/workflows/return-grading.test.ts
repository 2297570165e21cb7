/**
 * Returns completed (DESIGN.md section 6.1), through the HTTP contract and the return ASL run with
 * the real handlers: graded by the inspection or the reasons, A and B restocked where cover is
 * lowest (line by line), C disposed of, one RefundRequested.v1 at the order's unit prices.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import {
  homeOrder,
  parisAddress,
  postCarrierEvent,
  stockOf,
  untilShipment,
  untilStatus,
} from '../support/journey.ts';

const local = useTestCloud({ network: 'rg' });
const { api, ids, events } = local;
const refundsOf = (returnId: string) =>
  events.filter(
    (e) =>
      e['detail-type'] === 'RefundRequested.v1' && (e.detail as { returnId?: string }).returnId === returnId,
  );

async function shipAll(orderId: string) {
  const allocated = await untilStatus(api, orderId, 'ALLOCATED');
  for (const s of allocated.shipments)
    await eventually(async () => {
      const answer = await api.post(`/shipments/${s.shipmentId}/confirm`, {});
      return answer.status === 202 ? answer : undefined;
    }, 'the confirmation');
  return untilShipment(api, orderId, 'DISPATCHED');
}

async function deliveredOrder(lines: { sku: string; quantity: number; unitPrice?: number }[]) {
  const { body } = await api.placeOrder(homeOrder(lines));
  const dispatched = await shipAll(body.orderId);
  for (const s of dispatched.shipments)
    expect(
      (
        await postCarrierEvent(local.cloud.url, s.carrierId, {
          trackingNumber: s.trackingNumber,
          status: 'DELIVERED',
        })
      ).status,
    ).toBe(202);
  await untilStatus(api, body.orderId, 'DELIVERED');
  return body.orderId as string;
}

async function sendBack(orderId: string, lines: { sku: string; quantity: number; reason: string }[]) {
  const created = await api.post(`/orders/${orderId}/returns`, { lines });
  expect(created.status).toBe(201);
  return created.body as { returnId: string; carrierId: string; trackingNumber: string };
}

async function receive(r: { carrierId: string; trackingNumber: string }) {
  const answer = await postCarrierEvent(local.cloud.url, r.carrierId, {
    trackingNumber: r.trackingNumber,
    status: 'RETURN_RECEIVED',
  });
  expect(answer.status).toBe(202);
}

function untilRefunded(returnId: string) {
  return eventually(async () => {
    const { body } = await api.get(`/returns/${returnId}`);
    return body.status === 'REFUNDED' ? body : undefined;
  }, `return ${returnId} to be refunded`);
}

describe('returns graded, restocked where needed, refunded', () => {
  it('grades a damaged return C: refunded at the order prices, not restocked anywhere', async () => {
    const orderId = await deliveredOrder([{ sku: ids.mug, quantity: 2, unitPrice: 9.9 }]);
    const rows = await Promise.all([ids.lyon, ids.lille, ids.store].map((l) => stockOf(api, ids.mug, l)));
    const back = await sendBack(orderId, [{ sku: ids.mug, quantity: 2, reason: 'damaged' }]);
    await receive(back);
    const refunded = await untilRefunded(back.returnId);
    expect(refunded.grade).toBe('C');
    expect(refunded.refund).toMatchObject({ amount: 19.8, currency: 'EUR' });
    expect(refunded.restockLocationId).toBeUndefined();
    expect(refunded.lines[0].restockLocationId).toBeUndefined();
    expect(await Promise.all([ids.lyon, ids.lille, ids.store].map((l) => stockOf(api, ids.mug, l)))).toEqual(
      rows,
    );
    await eventually(
      async () => (refundsOf(back.returnId).length > 0 ? true : undefined),
      'the refund event',
    );
    expect(refundsOf(back.returnId).map((e) => e.detail)).toEqual([
      expect.objectContaining({ amount: 19.8, currency: 'EUR', orderId }),
    ]);
  });

  it('restocks each line of a several-SKU return where its cover is lowest', async () => {
    const a = `${ids.mug}-A`;
    const b = `${ids.mug}-B`;
    for (const sku of [a, b]) {
      expect((await api.put(`/products/${sku}`, { name: sku, weightKg: 0.3 })).status).toBe(200);
      for (const l of [ids.lyon, ids.lille])
        expect((await api.put(`/inventory/${l}/${sku}`, { onHand: 5 })).status).toBe(200);
    }
    const orderId = await deliveredOrder([
      { sku: a, quantity: 1, unitPrice: 3 },
      { sku: b, quantity: 1, unitPrice: 4 },
    ]);
    // Lille is where A is selling now: 4 of its 5 held for a Paris order, so its cover is lowest
    const paris = await api.placeOrder(homeOrder([{ sku: a, quantity: 4 }], parisAddress));
    const held = await untilStatus(api, paris.body.orderId, 'ALLOCATED');
    expect(held.shipments[0].locationId).toBe(ids.lille);
    const before = {
      aLyon: await stockOf(api, a, ids.lyon),
      aLille: await stockOf(api, a, ids.lille),
      bLyon: await stockOf(api, b, ids.lyon),
      bLille: await stockOf(api, b, ids.lille),
    };
    expect(before.aLille).toMatchObject({ onHand: 5, reserved: 4, available: 1 });

    const back = await sendBack(orderId, [
      { sku: a, quantity: 1, reason: 'too small' },
      { sku: b, quantity: 1, reason: 'changed my mind' },
    ]);
    await receive(back);
    const refunded = await untilRefunded(back.returnId);
    expect(refunded.grade).toBe('A');
    expect(refunded.lines).toEqual([
      expect.objectContaining({ sku: a, restockLocationId: ids.lille }),
      expect.objectContaining({ sku: b, restockLocationId: ids.lyon }),
    ]);
    expect(refunded.restockLocationId).toBe(ids.lille);
    expect(refunded.refund).toMatchObject({ amount: 7, currency: 'EUR' });
    expect(await stockOf(api, a, ids.lille)).toMatchObject({ onHand: 6, reserved: 4, available: 2 });
    expect(await stockOf(api, a, ids.lyon)).toEqual(before.aLyon);
    expect(await stockOf(api, b, ids.lyon)).toMatchObject({
      onHand: before.bLyon.onHand + 1,
      reserved: before.bLyon.reserved,
      available: before.bLyon.available + 1,
    });
    expect(await stockOf(api, b, ids.lille)).toEqual(before.bLille);
    expect((await api.post(`/orders/${paris.body.orderId}/cancel`)).status).toBe(202);
  });

  it('takes the inspection grade: B before processing restocks; C afterwards writes the units off again; one refund', async () => {
    const orderId = await deliveredOrder([{ sku: ids.lamp, quantity: 1, unitPrice: 30 }]);
    const lamp = await stockOf(api, ids.lamp, ids.lyon);
    const back = await sendBack(orderId, [{ sku: ids.lamp, quantity: 1, reason: 'changed my mind' }]);
    const bad = await api.post(`/returns/${back.returnId}/inspection`, { grade: 'D' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toContain('grade');
    expect((await api.post('/returns/rg-NOPE/inspection', { grade: 'A' })).status).toBe(404);

    const inspected = await api.post(`/returns/${back.returnId}/inspection`, { grade: 'B' });
    expect(inspected.status).toBe(202);
    await receive(back);
    const refunded = await untilRefunded(back.returnId);
    expect(refunded).toMatchObject({
      grade: 'B',
      restockLocationId: ids.lyon,
      refund: { amount: 30, currency: 'EUR' },
    });
    const restocked = await stockOf(api, ids.lamp, ids.lyon);
    expect(restocked).toMatchObject({
      onHand: lamp.onHand + 1,
      reserved: lamp.reserved,
      available: lamp.available + 1,
    });

    // a second look finds it broken: the unit leaves the shelf again, the refund stays the one
    const regraded = await api.post(`/returns/${back.returnId}/inspection`, { grade: 'C' });
    expect(regraded.status).toBe(202);
    expect(regraded.body.grade).toBe('C');
    expect(regraded.body.restockLocationId).toBeUndefined();
    expect(await stockOf(api, ids.lamp, ids.lyon)).toEqual(lamp);
    // the same inspection again changes nothing
    expect((await api.post(`/returns/${back.returnId}/inspection`, { grade: 'C' })).status).toBe(202);
    expect(await stockOf(api, ids.lamp, ids.lyon)).toEqual(lamp);
    await eventually(
      async () => (refundsOf(back.returnId).length > 0 ? true : undefined),
      'the refund event',
    );
    expect(refundsOf(back.returnId)).toHaveLength(1);
  });
});
