import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { type ApiClient, apiClient, eventually, startTestCloud } from '../support/cloud.ts';
import {
  homeOrder,
  postCarrierEvent,
  seedSmallNetwork,
  stockOf,
  untilShipment,
  untilStatus,
} from '../support/journey.ts';

let cloud: LocalCloud;
let api: ApiClient;
let ids: Awaited<ReturnType<typeof seedSmallNetwork>>;
const refunds: unknown[] = [];

beforeAll(async () => {
  cloud = await startTestCloud();
  api = apiClient(cloud.url);
  ids = await seedSmallNetwork(api, 'ret');
  cloud.bus.subscribe((event) => {
    if (event['detail-type'] === 'RefundRequested.v1') refunds.push(event.detail);
  });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

async function deliveredOrder(quantity: number) {
  const { body } = await api.placeOrder({
    ...homeOrder([{ sku: ids.mug, quantity, unitPrice: 12.5 }]),
  });
  const allocated = await untilStatus(api, body.orderId, 'ALLOCATED');
  await eventually(async () => {
    const answer = await api.post(`/shipments/${allocated.shipments[0].shipmentId}/confirm`, {});
    return answer.status === 202 ? answer : undefined;
  }, 'the confirmation');
  const dispatched = await untilShipment(api, body.orderId, 'DISPATCHED');
  const { carrierId, trackingNumber } = dispatched.shipments[0];
  expect((await postCarrierEvent(cloud.url, carrierId, { trackingNumber, status: 'DELIVERED' })).status).toBe(
    202,
  );
  await untilStatus(api, body.orderId, 'DELIVERED');
  return body.orderId as string;
}

describe('the return workflow, run from statemachines/return.asl.json', () => {
  it('refuses a return before delivery (422) and more units than delivered (409)', async () => {
    const { body } = await api.placeOrder(homeOrder([{ sku: ids.mug, quantity: 1 }]));
    await untilStatus(api, body.orderId, 'ALLOCATED');
    const early = await api.post(`/orders/${body.orderId}/returns`, {
      lines: [{ sku: ids.mug, quantity: 1, reason: 'too small' }],
    });
    expect(early.status).toBe(422);
    expect((await api.post(`/orders/${body.orderId}/cancel`)).status).toBe(202);

    const orderId = await deliveredOrder(2);
    const tooMany = await api.post(`/orders/${orderId}/returns`, {
      lines: [{ sku: ids.mug, quantity: 3, reason: 'x' }],
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.errors[0].field).toBe('lines.quantity');
  });

  it('takes a delivered order back: label, carrier receipt, restock where it shipped from, refund event', async () => {
    const orderId = await deliveredOrder(2);
    const before = await stockOf(api, ids.mug, ids.lyon);
    const created = await api.post(`/orders/${orderId}/returns`, {
      returnId: `R-${orderId}`.slice(0, 64),
      lines: [{ sku: ids.mug, quantity: 1, reason: 'changed my mind' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'REQUESTED', carrierId: expect.any(String) });
    const label = await fetch(created.body.labelUrl);
    expect(label.status).toBe(200);
    expect(
      Buffer.from(await label.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    // the same request again is the same return, not a second one
    const again = await api.post(`/orders/${orderId}/returns`, {
      returnId: created.body.returnId,
      lines: [{ sku: ids.mug, quantity: 1, reason: 'changed my mind' }],
    });
    expect(again.body.trackingNumber).toBe(created.body.trackingNumber);

    const { carrierId, trackingNumber, returnId } = created.body;
    expect(
      (await postCarrierEvent(cloud.url, carrierId, { trackingNumber, status: 'IN_TRANSIT' })).status,
    ).toBe(202);
    expect(
      (await postCarrierEvent(cloud.url, carrierId, { trackingNumber, status: 'RETURN_RECEIVED' })).status,
    ).toBe(202);
    const refunded = await eventually(async () => {
      const { body } = await api.get(`/returns/${returnId}`);
      return body.status === 'REFUNDED' ? body : undefined;
    }, 'the return to be refunded');
    expect(refunded).toMatchObject({ orderId, grade: 'A', restockLocationId: ids.lyon });
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject({
      onHand: before.onHand + 1,
      reserved: before.reserved,
    });
    // the refund request is published right after the status change: wait for it, do not race it
    const refund = await eventually(
      async () => refunds.find((r) => (r as { returnId?: string }).returnId === returnId),
      'the RefundRequested.v1 event',
    );
    expect(refund).toMatchObject({ returnId, orderId, amount: 12.5 });

    // one unit is left to return; two are not
    const rest = await api.post(`/orders/${orderId}/returns`, {
      lines: [{ sku: ids.mug, quantity: 2, reason: 'x' }],
    });
    expect(rest.status).toBe(409);
  });
});
