import { answerShipment } from '../adapters/order-store.ts';
import { failTask } from '../adapters/workflow.ts';
import { isAwaitingPick } from '../core/orders/order.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, rejectBody } from '../shared/schemas.ts';

/** The location cannot ship: the workflow re-sources these lines elsewhere (ShipmentRejected). */
export const handler = httpRoute(apiRequest(rejectBody, { shipmentId: id }), async (event) => {
  const { shipmentId } = event.pathParameters;
  const { reason } = event.body;
  const { token } = await answerShipment(shipmentId, {
    stage: 'pick',
    accepts: isAwaitingPick,
    refusal: 'is not awaiting a pick confirmation',
    change: (s) => ({ ...s, rejection: { reason } }),
  });
  // If the workflow is not waiting yet, its pick step finds the rejection and fails itself.
  if (token) await failTask(token, 'ShipmentRejected', JSON.stringify({ reason }));
  return json(202, { shipmentId, status: 'REJECTED' });
});
