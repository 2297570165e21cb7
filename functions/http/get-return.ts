import { ports } from '../adapters/aws-ports.ts';
import { requireReturn } from '../app/return-intake.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';
import { returnView } from '../shared/views.ts';

export const handler = httpRoute(apiQuery({ returnId: id }, {}), async (event) =>
  json(200, returnView(await requireReturn(ports(), event.pathParameters.returnId))),
);
