import { ports } from '../adapters/aws-ports.ts';
import { acceptSuggestion } from '../app/replenishment.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

/** The suggestion's transfer, recorded once (a second accept answers the same transfer). */
export const handler = httpRoute(apiQuery({ suggestionId: id }, {}), async (event) =>
  json(201, await acceptSuggestion(ports(), event.pathParameters.suggestionId)),
);
