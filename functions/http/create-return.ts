import { randomUUID } from 'node:crypto';
import { ports } from '../adapters/aws-ports.ts';
import { createReturn } from '../app/return-intake.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, returnBody } from '../shared/schemas.ts';
import { baseUrlOf, returnCreatedView } from '../shared/views.ts';

export const handler = httpRoute(apiRequest(returnBody, { orderId: id }), async (event) => {
  const { returnId = randomUUID(), lines } = event.body;
  const record = await createReturn(ports(), event.pathParameters.orderId, { returnId, lines });
  return json(201, returnCreatedView(record, baseUrlOf(event)));
});
