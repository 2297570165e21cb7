import { z } from 'zod';
import { changeOrder, type StoredOrder } from '../adapters/order-store.ts';
import { completeTask, failTask } from '../adapters/workflow.ts';
import { findShipment } from '../core/orders/order.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

const input = z.object({
  orderId: id,
  shipmentId: id,
  stage: z.enum(['delivery', 'collection']),
  taskToken: z.string().min(1),
});

const arrived = { delivery: 'DELIVERED', collection: 'COLLECTED' } as const;

/**
 * Callback step: waits for the carrier's DELIVERED (via the webhook, the bus and the tracking
 * handler) or the customer's collection. If that already happened before the workflow got here,
 * the task completes at once; if a cancellation came first, it fails with OrderCancelled.
 */
export const handler = stepHandler(input, async ({ orderId, shipmentId, stage, taskToken }) => {
  const outcomeOf = (order: StoredOrder) => {
    const status = findShipment(order, shipmentId)?.status;
    if (status === arrived[stage]) return 'done';
    return order.cancelRequested && stage === 'collection' ? 'cancelled' : 'wait';
  };
  const order = await changeOrder(orderId, (current) =>
    outcomeOf(current) === 'wait'
      ? { order: { ...current, waiting: { ...current.waiting, [shipmentId]: { stage, token: taskToken } } } }
      : undefined,
  );
  const outcome = order.waiting?.[shipmentId]?.token === taskToken ? 'wait' : outcomeOf(order);
  if (outcome === 'done') await completeTask(taskToken, { status: arrived[stage] });
  if (outcome === 'cancelled')
    await failTask(taskToken, 'OrderCancelled', JSON.stringify({ reason: 'cancelled' }));
  return { outcome };
});
