import { z } from 'zod';
import { changeOrder } from '../adapters/order-store.ts';
import { completeTask, failTask } from '../adapters/workflow.ts';
import { findShipment } from '../core/orders/order.ts';
import { OrderCancelled } from '../shared/errors.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

const input = z.object({
  orderId: id,
  shipment: z.object({ shipmentId: id, locationId: id }).loose(),
  taskToken: z.string().min(1),
});

/**
 * Callback step: records the task token against the shipment, so that the location's confirm or
 * reject (HTTP) completes the task. The workflow waits here, at no cost, until then.
 */
export const handler = stepHandler(input, async ({ orderId, shipment, taskToken }) => {
  const { shipmentId } = shipment;
  const order = await changeOrder(orderId, (current) => {
    if (current.cancelRequested) throw new OrderCancelled(`order ${orderId} was cancelled`);
    const live = findShipment(current, shipmentId);
    if (live?.status !== 'ALLOCATED' || live.rejection) return undefined; // the location answered first
    const waiting = { ...current.waiting, [shipmentId]: { stage: 'pick' as const, token: taskToken } };
    return { order: { ...current, waiting } };
  });
  const live = findShipment(order, shipmentId);
  if (order.waiting?.[shipmentId]?.token === taskToken) return { outcome: 'wait' };
  if (live?.rejection && live.status === 'ALLOCATED') {
    await failTask(taskToken, 'ShipmentRejected', JSON.stringify(live.rejection));
    return { outcome: 'rejected' };
  }
  if (live?.status === 'PACKED' || live?.status === 'READY_FOR_PICKUP') {
    await completeTask(taskToken, { packages: live.packages ?? [] });
    return { outcome: 'packed' };
  }
  throw new OrderCancelled(`shipment ${shipmentId} is no longer awaiting its location (${live?.status})`);
});
