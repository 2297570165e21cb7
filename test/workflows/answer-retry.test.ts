/**
 * A location's answer recorded while Step Functions could not be told (the process died, the call
 * failed): the task token stays on the order, and the retried answer tells the waiting task, so the
 * order goes on instead of waiting for a signal that was lost.
 */
import { describe, expect, it } from 'vitest';
import { collectShipment, confirmShipment } from '../../functions/app/answer-shipment.ts';
import type { AppPorts } from '../../functions/app/ports.ts';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, stockOf, untilShipment, untilStatus } from '../support/journey.ts';

const local = useTestCloud({ network: 'ar' });
const { api, ids } = local;

/** The real ports, with Step Functions unreachable when the answer tries to settle the task. */
function stepFunctionsDown(ports: AppPorts): AppPorts {
  const unreachable = async (): Promise<boolean> => {
    throw new Error('connect ECONNREFUSED (Step Functions)');
  };
  return { ...ports, workflows: { ...ports.workflows, completeTask: unreachable, failTask: unreachable } };
}

async function untilWaiting(orderId: string, shipmentId: string, stage: string) {
  for (let i = 0; i < 200; i++) {
    const order = await local.ports.orders.get(orderId);
    if (order?.waiting?.[shipmentId]?.stage === stage) return order;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`order ${orderId} never waited at ${stage}`);
}

describe('an answer whose signal was lost', () => {
  it('keeps the pick token until the task is told, and the retried confirm dispatches the order', async () => {
    const placed = await api.post('/orders', homeOrder([{ sku: ids.mug, quantity: 1 }]), {
      'Idempotency-Key': 'ar-confirm-1',
    });
    const orderId = placed.body.orderId as string;
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const shipmentId = allocated.shipments[0].shipmentId as string;
    await untilWaiting(orderId, shipmentId, 'pick');

    await expect(confirmShipment(stepFunctionsDown(local.ports), shipmentId, undefined)).rejects.toThrow(
      /ECONNREFUSED/,
    );
    const recorded = await local.ports.orders.get(orderId);
    expect(recorded?.shipments[0]?.status).toBe('PACKED');
    expect(recorded?.waiting?.[shipmentId]?.stage).toBe('pick');

    const retried = await api.post(`/shipments/${shipmentId}/confirm`, {});
    expect(retried.status).toBe(202);
    const shipped = await untilShipment(api, orderId, 'DISPATCHED');
    expect(shipped.status).toBe('SHIPPED');
    expect((await local.ports.orders.get(orderId))?.waiting?.[shipmentId]?.stage).not.toBe('pick');
    // once told, a further confirm is refused: the shipment left the pick stage
    expect((await api.post(`/shipments/${shipmentId}/confirm`, {})).status).toBe(409);
  }, 120_000);

  it('keeps the collection token until the task is told, and the retried collection ends the order', async () => {
    const clickCollect = {
      channel: 'store',
      customer: { id: 'cust-2' },
      delivery: { mode: 'click_collect', storeId: ids.store },
      lines: [{ sku: ids.mug, quantity: 1 }],
    };
    const placed = await api.post('/orders', clickCollect, { 'Idempotency-Key': 'ar-collect-1' });
    const orderId = placed.body.orderId as string;
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const shipmentId = allocated.shipments[0].shipmentId as string;
    expect((await api.post(`/shipments/${shipmentId}/confirm`, {})).status).toBe(202);
    await untilWaiting(orderId, shipmentId, 'collection');
    const before = await stockOf(api, ids.mug, ids.store);

    await expect(collectShipment(stepFunctionsDown(local.ports), shipmentId)).rejects.toThrow(/ECONNREFUSED/);
    expect((await local.ports.orders.get(orderId))?.waiting?.[shipmentId]?.stage).toBe('collection');

    const retried = await api.post(`/shipments/${shipmentId}/collected`);
    expect(retried.status).toBe(202);
    const collected = await untilStatus(api, orderId, 'COLLECTED');
    expect(collected.shipments[0].status).toBe('COLLECTED');
    // consumed once, though the collection was answered twice
    const after = await stockOf(api, ids.mug, ids.store);
    expect(after.onHand).toBe(before.onHand - 1);
    expect(after.reserved).toBe(before.reserved - 1);
  }, 120_000);
});
