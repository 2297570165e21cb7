import { z } from 'zod';
import { event as domainEvent, publish } from '../adapters/events.ts';
import { requireOrder } from '../adapters/order-store.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

/**
 * After every shipment's branch has ended: announces the delivered order. Shipments that still
 * wait for their location (created by re-sourcing while others ran) are handed back to the workflow,
 * which fulfils them in another round.
 */
export const handler = stepHandler(z.object({ orderId: id }), async ({ orderId }) => {
  const order = await requireOrder(orderId);
  const pending = order.shipments
    .filter((s) => s.status === 'ALLOCATED' && !order.waiting?.[s.shipmentId])
    .map(({ shipmentId, locationId, mode, lines }) => ({ shipmentId, locationId, mode, lines }));
  if (pending.length > 0) return { complete: false, shipments: pending };
  if (order.status === 'DELIVERED' || order.status === 'COLLECTED')
    await publish([domainEvent('OrderDelivered.v1', { orderId, status: order.status, at: order.updatedAt })]);
  return { complete: true, shipments: [] };
});
