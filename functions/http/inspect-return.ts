import { ports } from '../adapters/aws-ports.ts';
import { inspectReturn } from '../app/inspect-return.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, inspectionBody } from '../shared/schemas.ts';
import { returnView } from '../shared/views.ts';

export const handler = httpRoute(apiRequest(inspectionBody, { returnId: id }), async (event) =>
  json(202, returnView(await inspectReturn(ports(), event.pathParameters.returnId, event.body.grade))),
);
