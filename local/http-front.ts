/**
 * The local stand-in for API Gateway (HTTP API): each request becomes a payload format 2.0 event
 * for the function its route is integrated with, and the function's answer becomes the HTTP
 * response by the same rules API Gateway applies. The front answers by itself for what API Gateway
 * would refuse before any function runs: no route, a payload over API Gateway's own 10 MB quota (in
 * API Gateway's own words), a missing or wrong bearer token (the JWT authorizer's part). It adds no
 * rule of Relais's: the handlers' middleware refuses bodies over Relais's 256 KB, as on AWS.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { localAccount } from './account.ts';
import { keepIdleConnectionsOpen } from './keep-alive.ts';
import type { LocalEndpoints } from './lambda-runtime.ts';

export interface HttpFrontRoute {
  /** `GET /orders/{orderId}`, `ANY /{proxy+}` or `$default` */
  routeKey: string;
  functionArn: string;
  /** behind the JWT authorizer on AWS: needs the bearer token locally when one is set */
  authorized: boolean;
}

export interface HttpFrontOptions {
  routes: readonly HttpFrontRoute[];
  invoke: (functionArn: string, event: APIGatewayProxyEventV2) => Promise<unknown>;
  /** 0 (default) picks a free port */
  port?: number;
  host?: string;
  /** when set, authorized routes need `Authorization: Bearer <apiToken>` */
  apiToken?: string;
  /** what `GET /_local/endpoints` answers */
  endpoints: LocalEndpoints | (() => LocalEndpoints);
  /** where a failing function's error goes (default: console.error) */
  logError?: (message: string, error: unknown) => void;
  /** one line per request when set */
  logRequest?: (line: string) => void;
}

/** A local tool served beside the API (the operator's pages): answers true when it took the request. */
export type MountedHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

export interface HttpFront {
  url: string;
  port: number;
  /** serves paths of the local cloud's own (no API route) before the routes are matched */
  mount(handler: MountedHandler): void;
  close(): Promise<void>;
}

/** API Gateway's payload quota for an HTTP API (10 MB, not adjustable): larger requests never reach a function. */
export const apiGatewayPayloadLimitBytes = 10 * 1024 * 1024;
/** Past this much, a refused body is not even read to its end: the connection is dropped. */
const maxDrainBytes = 16 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Routes

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

interface CompiledRoute {
  route: HttpFrontRoute;
  method: string;
  segments: Segment[] | 'default';
}

export function compileRoute(route: HttpFrontRoute): CompiledRoute {
  if (route.routeKey === '$default') return { route, method: 'ANY', segments: 'default' };
  const [method, path] = route.routeKey.split(' ');
  if (method === undefined || path === undefined || !path.startsWith('/')) {
    throw new Error(`route key ${route.routeKey} is not "METHOD /path"`);
  }
  const segments = path
    .split('/')
    .slice(1)
    .filter((part, i, all) => part !== '' || i < all.length - 1)
    .map((part): Segment => {
      const param = /^\{([^}+]+)(\+?)\}$/.exec(part);
      if (param === null) return { kind: 'literal', value: part };
      const name = param[1] ?? '';
      return param[2] === '+' ? { kind: 'greedy', name } : { kind: 'param', name };
    });
  return { route, method: method.toUpperCase(), segments };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Path parameters when the path fits the route's segments, else undefined. */
function pathParametersOf(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.every((part) => part === '')) return undefined;
      parameters[segment.name] = decode(rest.join('/'));
      return parameters;
    }
    const part = parts[i];
    if (part === undefined || part === '') return undefined;
    if (segment.kind === 'literal' && decode(part) !== segment.value) return undefined;
    if (segment.kind === 'param') parameters[segment.name] = decode(part);
  }
  return parts.length === segments.length ? parameters : undefined;
}

/** Literal segments beat parameters, which beat a greedy one, earliest segment first (as API Gateway ranks). */
function specificity(segments: Segment[]): number[] {
  return segments.map((segment) => (segment.kind === 'literal' ? 2 : segment.kind === 'param' ? 1 : 0));
}

function moreSpecific(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? -1) - (b[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

export type RouteMatch =
  | { kind: 'route'; route: HttpFrontRoute; pathParameters: Record<string, string> }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'none' };

export function matchRoute(routes: readonly CompiledRoute[], method: string, rawPath: string): RouteMatch {
  const parts = rawPath.split('/').slice(1);
  // `/orders/` is `/orders`
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  let best: { compiled: CompiledRoute; parameters: Record<string, string>; rank: number[] } | undefined;
  const allowed = new Set<string>();
  for (const compiled of routes) {
    if (compiled.segments === 'default') continue;
    const parameters = pathParametersOf(compiled.segments, parts);
    if (parameters === undefined) continue;
    if (compiled.method !== method && compiled.method !== 'ANY') {
      allowed.add(compiled.method);
      continue;
    }
    const rank = [...specificity(compiled.segments), compiled.method === 'ANY' ? 0 : 1];
    if (best === undefined || moreSpecific(rank, best.rank) > 0) best = { compiled, parameters, rank };
  }
  if (best !== undefined)
    return { kind: 'route', route: best.compiled.route, pathParameters: best.parameters };
  const fallback = routes.find((compiled) => compiled.segments === 'default');
  if (fallback !== undefined) return { kind: 'route', route: fallback.route, pathParameters: {} };
  return allowed.size > 0 ? { kind: 'wrong-method', allowed: [...allowed].sort() } : { kind: 'none' };
}

// ---------------------------------------------------------------------------------------------
// Request → event

const textTypes = [
  /^text\//,
  /^application\/(json|xml|javascript|x-www-form-urlencoded|graphql|yaml|x-yaml)\b/,
  /^application\/[^;]+\+(json|xml)\b/,
];

/** Bodies API Gateway passes as text; anything else (or no content type) travels base64-encoded. */
export function isTextContent(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.trim().toLowerCase();
  return textTypes.some((pattern) => pattern.test(type));
}

function requestTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

export interface RequestFacts {
  method: string;
  /** path and query as received: `/orders?status=ALLOCATED` */
  url: string;
  httpVersion: string;
  /** header name (any case) to its values, in order */
  headers: Record<string, string[]>;
  body: Buffer;
  sourceIp: string;
  /** the port the front listens on, for x-forwarded-port */
  port: number;
  requestId: string;
  now: Date;
}

/** The API Gateway payload format 2.0 event for one request. */
export function toApiGatewayEvent(
  facts: RequestFacts,
  routeKey: string,
  pathParameters: Record<string, string>,
  authorized: boolean,
): APIGatewayProxyEventV2 {
  const queryAt = facts.url.indexOf('?');
  const rawPath = queryAt < 0 ? facts.url : facts.url.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? '' : facts.url.slice(queryAt + 1).replace(/#.*$/, '');

  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [name, values] of Object.entries(facts.headers)) {
    const key = name.toLowerCase();
    if (key === 'cookie') {
      cookies = cookies.concat(values.flatMap((value) => value.split(';').map((cookie) => cookie.trim())));
      continue;
    }
    headers[key] = headers[key] === undefined ? values.join(',') : `${headers[key]},${values.join(',')}`;
  }
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(facts.port);
  headers['x-forwarded-for'] =
    headers['x-forwarded-for'] === undefined
      ? facts.sourceIp
      : `${headers['x-forwarded-for']}, ${facts.sourceIp}`;

  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  }

  const domainName = headers.host ?? `127.0.0.1:${facts.port}`;
  const text = isTextContent(headers['content-type']);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.filter(Boolean).length > 0 ? { cookies: cookies.filter(Boolean) } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: localAccount.accountId,
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split(':')[0]?.split('.')[0] ?? 'local',
      http: {
        method: facts.method,
        path: rawPath,
        protocol: `HTTP/${facts.httpVersion}`,
        sourceIp: facts.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: facts.requestId,
      routeKey,
      stage: '$default',
      time: requestTime(facts.now),
      timeEpoch: facts.now.getTime(),
    },
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    ...(facts.body.length > 0
      ? { body: text ? facts.body.toString('utf8') : facts.body.toString('base64') }
      : {}),
    isBase64Encoded: facts.body.length > 0 && !text,
  };
  if (authorized) {
    // What the JWT authorizer adds on AWS; locally one caller stands for every token.
    (event.requestContext as unknown as Record<string, unknown>).authorizer = {
      jwt: { claims: { sub: 'local', iss: 'relais-local' }, scopes: null },
    };
  }
  return event;
}

// ---------------------------------------------------------------------------------------------
// Function answer → response

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

export class MalformedFunctionResponse extends Error {
  override name = 'MalformedFunctionResponse';
}

/**
 * Payload format 2.0 rules: an answer with a `statusCode` is a response (headers, cookies, body,
 * isBase64Encoded); any other JSON value is the body of a 200 `application/json` response.
 */
export function toHttpAnswer(result: unknown): HttpAnswer {
  const structured =
    result !== null && typeof result === 'object' && !Array.isArray(result) && 'statusCode' in result;
  if (!structured) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      cookies: [],
      body: Buffer.from(body),
    };
  }
  const answer = result as Record<string, unknown>;
  const statusCode = Number(answer.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedFunctionResponse(
      `statusCode ${JSON.stringify(answer.statusCode)} is not an HTTP status`,
    );
  }
  const headers: Record<string, string> = {};
  if (answer.headers !== undefined && answer.headers !== null) {
    if (typeof answer.headers !== 'object') throw new MalformedFunctionResponse('headers is not an object');
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
  }
  const cookies = Array.isArray(answer.cookies) ? answer.cookies.map(String) : [];
  let body: Buffer;
  if (answer.body === undefined || answer.body === null) body = Buffer.alloc(0);
  else if (typeof answer.body === 'string') {
    body = answer.isBase64Encoded === true ? Buffer.from(answer.body, 'base64') : Buffer.from(answer.body);
  } else body = Buffer.from(JSON.stringify(answer.body));
  if (body.length > 0 && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  return { statusCode, headers, cookies, body };
}

// ---------------------------------------------------------------------------------------------
// The server

const problemTitles: Record<number, string> = {
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
};

function problem(
  status: number,
  type: string,
  detail: string,
  headers: Record<string, string> = {},
): HttpAnswer {
  const body = {
    type: `https://relais.dev/problems/${type}`,
    title: problemTitles[status] ?? 'Error',
    status,
    detail,
  };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    cookies: [],
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** What API Gateway itself answers to a request over its payload quota (not problem+json: no function ran). */
function payloadTooLarge(): HttpAnswer {
  return {
    statusCode: 413,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message: 'Request Entity Too Large' })),
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearerProblem(authorization: string | undefined, apiToken: string): HttpAnswer | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (match?.[1] !== undefined && sameSecret(match[1], apiToken)) return undefined;
  const detail = authorization === undefined ? 'A bearer token is required' : 'The bearer token is not valid';
  return problem(401, 'unauthorized', detail, { 'www-authenticate': 'Bearer' });
}

/** Reads the body, or reports that it is over the limit (having drained it, so the client gets the 413). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    let tooLarge = declared > limit;
    if (declared > maxDrainBytes) {
      request.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (size > maxDrainBytes) {
        request.pause();
        resolve('too-large');
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    request.once('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function send(response: ServerResponse, method: string, answer: HttpAnswer, requestId: string): void {
  const bodiless = answer.statusCode === 204 || answer.statusCode === 304;
  const headers: Record<string, string | string[]> = {
    ...answer.headers,
    ...(bodiless ? {} : { 'content-length': String(answer.body.length) }),
    'apigw-requestid': requestId,
  };
  const cookies = [
    ...answer.cookies,
    ...(answer.headers['set-cookie'] ? [answer.headers['set-cookie']] : []),
  ];
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  response.writeHead(answer.statusCode, headers);
  response.end(method === 'HEAD' || bodiless ? undefined : answer.body);
}

export async function startHttpFront(options: HttpFrontOptions): Promise<HttpFront> {
  const routes = options.routes.map(compileRoute);
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  const mounted: MountedHandler[] = [];
  let port = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = Date.now();
    const requestId = randomBytes(10).toString('base64url');
    const method = (request.method ?? 'GET').toUpperCase();
    const url = request.url ?? '/';
    const rawPath = url.split('?')[0] ?? '/';
    const answer = async (): Promise<HttpAnswer> => {
      if (method === 'GET' && rawPath === '/_local/endpoints') {
        request.resume();
        const endpoints = typeof options.endpoints === 'function' ? options.endpoints() : options.endpoints;
        return toHttpAnswer(endpoints);
      }
      const match = matchRoute(routes, method, rawPath);
      if (match.kind !== 'route') {
        request.resume();
        return match.kind === 'none'
          ? problem(404, 'not-found', `No route for ${method} ${rawPath}`)
          : problem(405, 'method-not-allowed', `${rawPath} does not accept ${method}`, {
              allow: match.allowed.join(', '),
            });
      }
      const { route, pathParameters } = match;
      if (route.authorized && options.apiToken !== undefined) {
        const refused = bearerProblem(request.headers.authorization, options.apiToken);
        if (refused !== undefined) {
          request.resume();
          return refused;
        }
      }
      const body = await readBody(request, apiGatewayPayloadLimitBytes);
      if (body === 'too-large') return payloadTooLarge();
      const event = toApiGatewayEvent(
        {
          method,
          url,
          httpVersion: request.httpVersion,
          headers: request.headersDistinct as Record<string, string[]>,
          body,
          sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
          port,
          requestId,
          now: new Date(started),
        },
        route.routeKey,
        pathParameters,
        route.authorized,
      );
      try {
        return toHttpAnswer(await options.invoke(route.functionArn, event));
      } catch (error) {
        logError(`${method} ${rawPath} (${route.routeKey}) failed:`, error);
        const timedOut = error instanceof Error && error.name === 'Sandbox.Timedout';
        return problem(
          500,
          'internal-error',
          timedOut ? 'The function timed out' : 'The function failed; the local cloud log has the details',
        );
      }
    };

    let result: HttpAnswer;
    try {
      result = await answer();
    } catch (error) {
      logError(`${method} ${rawPath} failed in the local HTTP front:`, error);
      result = problem(500, 'internal-error', 'The local HTTP front failed; its log has the details');
    }
    if (response.destroyed) return;
    if (!request.complete) {
      // A body too large to drain: answer, then drop the connection rather than read the rest.
      result.headers.connection = 'close';
      response.once('finish', () => request.socket.destroy());
    }
    send(response, method, result, requestId);
    options.logRequest?.(`${method} ${url} ${result.statusCode} ${Date.now() - started} ms`);
  };

  const server = createServer((request, response) => {
    void (async () => {
      for (const local of mounted) if (await local(request, response)) return;
      await handle(request, response);
    })();
  });
  keepIdleConnectionsOpen(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    mount: (handler) => {
      mounted.push(handler);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
