import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas/api-gatewayv2';
import { httpRoutes } from '../../lib/functions-manifest.ts';
import { apiDescription } from '../shared/api-description/document.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { baseUrlOf } from '../shared/views.ts';

// Built once per container: the description depends only on the code deployed and the host asked.
const byServer = new Map<string, unknown>();

/** GET /openapi.json: the OpenAPI 3.1 description of the routes deployed with it, served by this API. */
export const handler = httpRoute(APIGatewayProxyEventV2Schema, async (event) => {
  const server = baseUrlOf(event);
  if (!byServer.has(server)) byServer.set(server, apiDescription(httpRoutes, server));
  return json(200, byServer.get(server), { 'cache-control': 'private, max-age=300' });
});
