import { publish, shipmentChanges } from '../adapters/events.ts';
import { answerShipment } from '../adapters/order-store.ts';
import { completeTask } from '../adapters/workflow.ts';
import { findShipment, isAwaitingPick } from '../core/orders/order.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, confirmBody, id } from '../shared/schemas.ts';

/** The location has picked and packed: packed for a carrier, or ready for the customer to collect. */
export const handler = httpRoute(apiRequest(confirmBody, { shipmentId: id }), async (event) => {
  const { shipmentId } = event.pathParameters;
  const { packages } = event.body;
  const statusAfterPick = (mode: string) =>
    mode === 'home' ? ('PACKED' as const) : ('READY_FOR_PICKUP' as const);
  const { before, after, token } = await answerShipment(shipmentId, {
    stage: 'pick',
    accepts: isAwaitingPick,
    refusal: 'is not awaiting a pick confirmation',
    change: (s) => ({ ...s, status: statusAfterPick(s.mode), packages }),
    detail: (s) => `${shipmentId} ${statusAfterPick(s.mode)}`,
  });
  // If the workflow is not waiting yet, its pick step finds the shipment packed and goes on by itself.
  if (token) await completeTask(token, { packages: packages ?? [] });
  await publish(shipmentChanges(before, after));
  return json(202, { shipmentId, status: findShipment(after, shipmentId)?.status });
});
