import { changeOrder, requireOrderOfShipment, withoutWaiting } from '../adapters/order-store.ts';
import { failTask } from '../adapters/workflow.ts';
import { findShipment, updateShipment } from '../core/orders/order.ts';
import { Conflict } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, rejectBody } from '../shared/schemas.ts';

/** The location cannot ship: the workflow re-sources these lines elsewhere (ShipmentRejected). */
export const handler = httpRoute(apiRequest(rejectBody, { shipmentId: id }), async (event) => {
  const { shipmentId } = event.pathParameters;
  const before = await requireOrderOfShipment(shipmentId);
  const { reason } = event.body;
  let token: string | undefined;
  await changeOrder(before.orderId, (order) => {
    const shipment = findShipment(order, shipmentId);
    if (shipment?.status !== 'ALLOCATED' || shipment.rejection || order.cancelRequested)
      throw new Conflict(
        `shipment ${shipmentId} is not awaiting a pick confirmation (status ${shipment?.status})`,
      );
    const waiting = order.waiting?.[shipmentId];
    token = waiting?.stage === 'pick' ? waiting.token : undefined;
    const next = updateShipment(order, shipmentId, (s) => ({ ...s, rejection: { reason } }), new Date());
    return { order: token ? withoutWaiting(next, shipmentId) : next };
  });
  // If the workflow is not waiting yet, its pick step finds the rejection and fails itself.
  if (token) await failTask(token, 'ShipmentRejected', JSON.stringify({ reason }));
  return json(202, { shipmentId, status: 'REJECTED' });
});
