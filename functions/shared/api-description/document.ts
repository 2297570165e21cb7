/**
 * The OpenAPI 3.1 description of the HTTP API, built by zod-openapi from the routes of the manifest
 * and their descriptions (`routes.ts`): the request side from the zod schemas the handlers validate
 * with, the answers from `../responses.ts`, the problem+json answers every route of a kind gives,
 * and the two ways a caller authenticates.
 */
import { z } from 'zod';
import {
  createDocument,
  type oas31,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { problemAnswer } from '../responses.ts';
import { type RouteDescription, routeDescriptions, tags } from './routes.ts';

/** A route as the manifest holds it (`lib/functions-manifest.ts`). */
export interface DescribedRoute {
  id: string;
  route: string;
  authorized: boolean;
}

export const bearerScheme = 'bearerToken';
export const signatureScheme = 'carrierSignature';

const problemContent = { 'application/problem+json': { schema: problemAnswer } };

function problemResponse(description: string) {
  return { description, content: problemContent };
}

/** API Gateway's JWT authorizer answers 401 itself, in its own words; the local cloud in problem+json. */
const unauthorized = {
  description: 'the bearer token is missing or not valid',
  headers: z.object({ 'WWW-Authenticate': z.string().meta({ example: 'Bearer' }) }),
  content: {
    ...problemContent,
    'application/json': { schema: z.object({ message: z.string().meta({ example: 'Unauthorized' }) }) },
  },
};

/** The stage's throttle (lib/http-api.ts) answers before any function; the local cloud never throttles. */
const throttled = {
  description: 'throttled by API Gateway (500 requests/s, bursts of 1000, per stage); never locally',
  content: {
    'application/json': { schema: z.object({ message: z.string().meta({ example: 'Too Many Requests' }) }) },
  },
};

function responsesOf(route: DescribedRoute, description: RouteDescription): ZodOpenApiResponsesObject {
  const { answer, problems = {} } = description;
  const validated = description.path ?? description.query ?? description.headers ?? description.body;
  const responses: ZodOpenApiResponsesObject = {
    [answer.status]: {
      description: answer.description,
      content:
        'pdf' in answer
          ? { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } }
          : 'ndjson' in answer
            ? {
                'application/x-ndjson': {
                  schema: { type: 'string', description: 'one JSON object per line' },
                },
              }
            : { 'application/json': { schema: answer.schema } },
    },
  };
  if (validated !== undefined)
    responses['400'] = problemResponse('the request is invalid: errors[] names each bad field');
  if (route.authorized) responses['401'] = unauthorized;
  for (const [status, why] of Object.entries(problems)) {
    responses[status as `4${string}`] =
      status === '409' && description.headers?.['Idempotency-Key'] !== undefined
        ? {
            ...problemResponse(why),
            headers: z.object({
              'Retry-After': z
                .string()
                .optional()
                .meta({ description: 'seconds, when the first request is in progress' }),
            }),
          }
        : problemResponse(why);
  }
  if (description.body !== undefined) responses['413'] = problemResponse('the body is over 256 KB');
  responses['429'] = throttled;
  responses['500'] = problemResponse('an unexpected error; it is logged, never detailed here');
  return responses;
}

function operationOf(route: DescribedRoute, description: RouteDescription): ZodOpenApiOperationObject {
  const { path, query, headers, body } = description;
  return {
    operationId: route.id,
    summary: description.summary,
    ...(description.description ? { description: description.description } : {}),
    tags: [description.tag],
    requestParams: {
      ...(path ? { path: z.object(path) } : {}),
      ...(query ? { query: z.object(query) } : {}),
      ...(headers ? { header: z.object(headers) } : {}),
    },
    ...(body
      ? {
          requestBody: { required: !body.optional, content: { 'application/json': { schema: body.schema } } },
        }
      : {}),
    responses: responsesOf(route, description),
    security: route.authorized
      ? [{ [bearerScheme]: [] }]
      : route.route.startsWith('POST /webhooks/carriers/')
        ? [{ [signatureScheme]: [] }]
        : [],
  };
}

/**
 * The description of `routes` (the manifest's). A route without its description in `routes.ts`, or
 * a description of no route, is an error: the two lists are one.
 */
export function apiDescription(routes: readonly DescribedRoute[], serverUrl: string): oas31.OpenAPIObject {
  const missing = routes.filter((r) => routeDescriptions[r.route] === undefined).map((r) => r.route);
  if (missing.length > 0)
    throw new Error(
      `routes without a description in functions/shared/api-description/routes.ts: ${missing.join(', ')}`,
    );
  const deployed = new Set(routes.map((r) => r.route));
  const stale = Object.keys(routeDescriptions).filter((key) => !deployed.has(key));
  if (stale.length > 0)
    throw new Error(`descriptions of routes the manifest does not have: ${stale.join(', ')}`);

  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const [method, path] = route.route.split(' ') as [string, string];
    const description = routeDescriptions[route.route] as RouteDescription;
    paths[path] = { ...paths[path], [method.toLowerCase()]: operationOf(route, description) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Relais HTTP API',
      version: '1',
      description:
        'Distributed order management: stock, sourcing, delivery promise, orders, shipments, carriers ' +
        'and returns. JSON in and out; every error is `application/problem+json` (RFC 9457). Ids match ' +
        '`^[A-Za-z0-9_-]{1,64}$`.',
    },
    servers: [{ url: serverUrl }],
    tags: Object.entries(tags).map(([name, text]) => ({ name, description: text })),
    security: [{ [bearerScheme]: [] }],
    paths,
    components: {
      securitySchemes: {
        [bearerScheme]: {
          type: 'http',
          scheme: 'bearer',
          description:
            'In the local cloud, the value of `RELAIS_API_TOKEN` (no token needed when it is unset); on ' +
            'AWS, a JWT from the issuer and audience the stack was deployed with.',
        },
        [signatureScheme]: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Relais-Signature',
          description:
            '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`, the secret shared with ' +
            'the carrier (`RELAIS_WEBHOOK_SECRET` locally, Secrets Manager on AWS); refused when `t` is ' +
            'more than 300 s away.',
        },
      },
    },
  });
}
