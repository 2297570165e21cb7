import { publish, shipmentChanges } from '../adapters/events.ts';
import { answerShipment } from '../adapters/order-store.ts';
import { completeTask } from '../adapters/workflow.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

/** The customer took the parcel at the store: on hand drops now, and the reservation with it. */
export const handler = httpRoute(apiQuery({ shipmentId: id }, {}), async (event) => {
  const { shipmentId } = event.pathParameters;
  const { before, after, token } = await answerShipment(shipmentId, {
    stage: 'collection',
    accepts: (s) => s.status === 'READY_FOR_PICKUP',
    refusal: 'is not ready for pickup',
    change: (s) => ({ ...s, status: 'COLLECTED', reservation: 'consumed' }),
    stock: (s) => s.lines.map((l) => ({ kind: 'consume' as const, locationId: s.locationId, ...l })),
    detail: () => `${shipmentId} COLLECTED`,
  });
  // When the workflow has not reached its wait yet, it finds the shipment COLLECTED and goes on by itself.
  if (token) await completeTask(token, { collected: true });
  await publish(shipmentChanges(before, after));
  return json(202, { shipmentId, status: 'COLLECTED' });
});
