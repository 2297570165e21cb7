import { publish, shipmentChanges } from '../adapters/events.ts';
import { changeOrder, requireOrderOfShipment, withoutWaiting } from '../adapters/order-store.ts';
import { completeTask } from '../adapters/workflow.ts';
import { findShipment, updateShipment } from '../core/orders/order.ts';
import { Conflict } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

/** The customer took the parcel at the store: on hand drops now, and the reservation with it. */
export const handler = httpRoute(apiQuery({ shipmentId: id }, {}), async (event) => {
  const { shipmentId } = event.pathParameters;
  const before = await requireOrderOfShipment(shipmentId);
  let token: string | undefined;
  const after = await changeOrder(before.orderId, (order) => {
    const shipment = findShipment(order, shipmentId);
    if (shipment?.status !== 'READY_FOR_PICKUP')
      throw new Conflict(`shipment ${shipmentId} is not ready for pickup (status ${shipment?.status})`);
    const waiting = order.waiting?.[shipmentId];
    token = waiting?.stage === 'collection' ? waiting.token : undefined;
    const next = updateShipment(
      order,
      shipmentId,
      (s) => ({ ...s, status: 'COLLECTED', reservation: 'consumed' }),
      new Date(),
      `${shipmentId} COLLECTED`,
    );
    const stock = shipment.lines.map((l) => ({
      kind: 'consume' as const,
      locationId: shipment.locationId,
      ...l,
    }));
    return { order: token ? withoutWaiting(next, shipmentId) : next, stock };
  });
  // When the workflow has not reached its wait yet, it finds the shipment COLLECTED and goes on by itself.
  if (token) await completeTask(token, { collected: true });
  await publish(shipmentChanges(before, after));
  return json(202, { shipmentId, status: 'COLLECTED' });
});
