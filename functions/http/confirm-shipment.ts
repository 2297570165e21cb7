import { publish, shipmentChanges } from '../adapters/events.ts';
import { changeOrder, requireOrderOfShipment, withoutWaiting } from '../adapters/order-store.ts';
import { completeTask } from '../adapters/workflow.ts';
import { findShipment, updateShipment } from '../core/orders/order.ts';
import { Conflict } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, confirmBody, id } from '../shared/schemas.ts';

/** The location has picked and packed: packed for a carrier, or ready for the customer to collect. */
export const handler = httpRoute(apiRequest(confirmBody, { shipmentId: id }), async (event) => {
  const { shipmentId } = event.pathParameters;
  const before = await requireOrderOfShipment(shipmentId);
  let token: string | undefined;
  const after = await changeOrder(before.orderId, (order) => {
    const shipment = findShipment(order, shipmentId);
    if (shipment?.status !== 'ALLOCATED' || shipment.rejection || order.cancelRequested)
      throw new Conflict(
        `shipment ${shipmentId} is not awaiting a pick confirmation (status ${shipment?.status})`,
      );
    const waiting = order.waiting?.[shipmentId];
    token = waiting?.stage === 'pick' ? waiting.token : undefined;
    const status = shipment.mode === 'home' ? 'PACKED' : 'READY_FOR_PICKUP';
    const packages = event.body.packages;
    const next = updateShipment(
      order,
      shipmentId,
      (s) => ({ ...s, status, packages }),
      new Date(),
      `${shipmentId} ${status}`,
    );
    return { order: token ? withoutWaiting(next, shipmentId) : next };
  });
  // If the workflow is not waiting yet, its pick step finds the shipment packed and goes on by itself.
  if (token) await completeTask(token, { packages: event.body.packages ?? [] });
  await publish(shipmentChanges(before, after));
  return json(202, { shipmentId, status: findShipment(after, shipmentId)?.status });
});
