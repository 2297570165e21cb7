import { describe, expect, it } from 'vitest';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, postCarrierEvent, stockOf, untilShipment, untilStatus } from '../support/journey.ts';

/** Returns whose processing crashes (a fault the real parts cannot produce on demand). */
const crashProcessingOf = new Set<string>();

const local = useTestCloud({
  network: 'ret',
  handlerOverrides: {
    Return: async (event, context): Promise<unknown> => {
      const step = event as { returnId: string; action: string };
      if (step.action === 'process' && crashProcessingOf.has(step.returnId))
        throw new TypeError('the refund service answered with garbage');
      const { handler } = await import('../../functions/steps/return.ts');
      return handler(event, context);
    },
  },
});
const { api, ids, events } = local;
const refunds = () => events.filter((e) => e['detail-type'] === 'RefundRequested.v1').map((e) => e.detail);

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
  expect(
    (await postCarrierEvent(local.cloud.url, carrierId, { trackingNumber, status: 'DELIVERED' })).status,
  ).toBe(202);
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
      (await postCarrierEvent(local.cloud.url, carrierId, { trackingNumber, status: 'IN_TRANSIT' })).status,
    ).toBe(202);
    expect(
      (await postCarrierEvent(local.cloud.url, carrierId, { trackingNumber, status: 'RETURN_RECEIVED' }))
        .status,
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
      async () => refunds().find((r) => (r as { returnId?: string }).returnId === returnId),
      'the RefundRequested.v1 event',
    );
    expect(refund).toMatchObject({ returnId, orderId, amount: 12.5 });

    // one unit is left to return; two are not
    const rest = await api.post(`/orders/${orderId}/returns`, {
      lines: [{ sku: ids.mug, quantity: 2, reason: 'x' }],
    });
    expect(rest.status).toBe(409);
  });

  it('grades a damaged item C: refunded, disposed of, not restocked; the workflow takes 2 transitions', async () => {
    const orderId = await deliveredOrder(1);
    const before = await stockOf(api, ids.mug, ids.lyon);
    const created = await api.post(`/orders/${orderId}/returns`, {
      lines: [{ sku: ids.mug, quantity: 1, reason: 'arrived damaged' }],
    });
    expect(created.status).toBe(201);
    const { carrierId, trackingNumber, returnId } = created.body;
    const received = await postCarrierEvent(local.cloud.url, carrierId, {
      trackingNumber,
      status: 'RETURN_RECEIVED',
    });
    expect(received.status).toBe(202);
    const refunded = await eventually(async () => {
      const { body } = await api.get(`/returns/${returnId}`);
      return body.status === 'REFUNDED' ? body : undefined;
    }, 'the return to be refunded');
    expect(refunded.grade).toBe('C');
    expect(refunded.restockLocationId).toBeUndefined();
    expect(await stockOf(api, ids.mug, ids.lyon)).toEqual(before);
    const refund = await eventually(
      async () => refunds().find((r) => (r as { returnId?: string }).returnId === returnId),
      'the RefundRequested.v1 event',
    );
    expect(refund).toMatchObject({ returnId, orderId, amount: 12.5 });
    const execution = await local.cloud.stepFunctions.waitForExecution(returnExecutionArn(returnId));
    expect(execution.status).toBe('SUCCEEDED');
    expect(local.cloud.stepFunctions.transitionCount(returnExecutionArn(returnId))).toBe(2);
  });

  it('a crash while processing a received return fails the execution visibly and does not reject the return', async () => {
    const orderId = await deliveredOrder(1);
    const created = await api.post(`/orders/${orderId}/returns`, {
      lines: [{ sku: ids.mug, quantity: 1, reason: 'changed my mind' }],
    });
    const { carrierId, trackingNumber, returnId } = created.body;
    crashProcessingOf.add(returnId);
    const received = await postCarrierEvent(local.cloud.url, carrierId, {
      trackingNumber,
      status: 'RETURN_RECEIVED',
    });
    expect(received.status).toBe(202);
    const execution = await local.cloud.stepFunctions.waitForExecution(returnExecutionArn(returnId));
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('TypeError');
    // the customer's return is not silently rejected: it stays received, for an operator to resume
    expect((await api.get(`/returns/${returnId}`)).body.status).toBe('RECEIVED');
  });
});

function returnExecutionArn(returnId: string): string {
  const machine = local.cloud.model.stateMachines.find((m) => /return/i.test(m.name));
  if (!machine) throw new Error('no return state machine in the template');
  return `${machine.arn.replace(':stateMachine:', ':execution:')}:${returnId}`;
}
