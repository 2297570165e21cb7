import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { httpRoute, json } from '../../functions/shared/middleware.ts';
import { metrics } from '../../functions/shared/powertools.ts';
import { apiRequest } from '../../functions/shared/schemas.ts';
import {
  apiGatewayPayloadLimitBytes,
  type HttpFront,
  startHttpFront,
  toHttpAnswer,
} from '../../local/http-front.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const token = 'let-me-in';
const endpoints = {
  dynamodb: 'http://127.0.0.1:1',
  stepfunctions: 'http://127.0.0.1:2',
  eventbridge: 'http://127.0.0.1:3',
  s3: 'http://127.0.0.1:4',
  secretsmanager: 'http://127.0.0.1:5',
  ses: 'http://127.0.0.1:6',
  sqs: 'http://127.0.0.1:7',
};

/** The function behind a route answers what the test puts here, and records the events it got. */
let answer: (event: APIGatewayProxyEventV2) => unknown;
const calls: { functionArn: string; event: APIGatewayProxyEventV2 }[] = [];
let front: HttpFront;

beforeAll(async () => {
  front = await startHttpFront({
    routes: [
      { routeKey: 'GET /health', functionArn: 'health', authorized: false },
      { routeKey: 'GET /orders/{orderId}', functionArn: 'get-order', authorized: true },
      { routeKey: 'GET /orders/search', functionArn: 'search-orders', authorized: true },
      { routeKey: 'POST /orders', functionArn: 'create-order', authorized: true },
      { routeKey: 'PUT /inventory/{locationId}/{sku}', functionArn: 'put-stock', authorized: true },
      { routeKey: 'GET /files/{path+}', functionArn: 'files', authorized: false },
      { routeKey: 'POST /webhooks/carriers/{carrierId}', functionArn: 'webhook', authorized: false },
    ],
    invoke: async (functionArn, event) => {
      calls.push({ functionArn, event });
      return answer(event);
    },
    apiToken: token,
    endpoints,
    logError: () => {},
  });
});

afterAll(() => front.close());

beforeEach(() => {
  calls.length = 0;
  answer = () => ({ ok: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const authorization = { authorization: `Bearer ${token}` };

const handlerContext = lambdaContext('create-order');

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${front.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

function expectProblem(result: Awaited<ReturnType<typeof call>>, status: number) {
  expect(result.status).toBe(status);
  expect(result.headers.get('content-type')).toBe('application/problem+json');
  const body = result.json();
  expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(body.type).toMatch(/^https:\/\/relais\.dev\/problems\//);
  return body;
}

describe('routing', () => {
  it('answers 404 problem+json for a path no route has, without invoking anything', async () => {
    const result = await call('/nowhere', { headers: authorization });
    expect(expectProblem(result, 404).detail).toContain('GET /nowhere');
    expect(calls).toHaveLength(0);
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const result = await call('/health', { method: 'DELETE' });
    expectProblem(result, 405);
    expect(result.headers.get('allow')).toBe('GET');
    expect(calls).toHaveLength(0);
  });

  it('passes decoded path parameters, and prefers a literal segment over a parameter', async () => {
    await call('/inventory/PARIS%20NORD/SKU%2F42', { method: 'PUT', headers: authorization });
    await call('/orders/search', { headers: authorization });
    await call('/orders/o-1/', { headers: authorization });
    await call('/files/a/b%20c/d.pdf');
    expect(calls.map((c) => [c.functionArn, c.event.routeKey, c.event.pathParameters])).toEqual([
      ['put-stock', 'PUT /inventory/{locationId}/{sku}', { locationId: 'PARIS NORD', sku: 'SKU/42' }],
      ['search-orders', 'GET /orders/search', undefined],
      ['get-order', 'GET /orders/{orderId}', { orderId: 'o-1' }],
      ['files', 'GET /files/{path+}', { path: 'a/b c/d.pdf' }],
    ]);
    expect(calls[0]?.event.rawPath).toBe('/inventory/PARIS%20NORD/SKU%2F42');
  });

  it('keeps an idle connection open past the 5 s keep-alive of Node, so a busy loop never resets the next request', async () => {
    const socket = connect(front.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const answers: string[] = [];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => answers.push(chunk));
    const get = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n';
    socket.write(get);
    await vi.waitFor(() => expect(answers.join('')).toContain('200 OK'));
    // idle longer than the default keep-alive timeout and its 1 s buffer: the server must not have closed the socket
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expect(socket.destroyed).toBe(false);
    socket.write(get);
    await vi.waitFor(() => expect(answers.join('').match(/200 OK/g)).toHaveLength(2));
    socket.destroy();
  }, 20_000);

  it('answers GET /_local/endpoints with the service URLs, no token needed', async () => {
    const result = await call('/_local/endpoints');
    expect(result.status).toBe(200);
    expect(result.json()).toEqual(endpoints);
  });
});

describe('bearer token (the JWT authorizer locally)', () => {
  it('refuses an authorized route without a token, or with a wrong one, before the function runs', async () => {
    const missing = await call('/orders/o-1');
    expect(expectProblem(missing, 401).detail).toMatch(/required/);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await call('/orders/o-1', { headers: { authorization: 'Bearer nope' } });
    expect(expectProblem(wrong, 401).detail).toMatch(/not valid/);
    const notBearer = await call('/orders/o-1', { headers: { authorization: `Basic ${token}` } });
    expectProblem(notBearer, 401);
    expect(calls).toHaveLength(0);
  });

  it('lets the right token through, with the authorizer context a JWT authorizer adds', async () => {
    const result = await call('/orders/o-1', { headers: { authorization: `bearer ${token}` } });
    expect(result.status).toBe(200);
    const context = calls[0]?.event.requestContext as unknown as {
      authorizer?: { jwt?: { claims: object } };
    };
    expect(context.authorizer?.jwt?.claims).toMatchObject({ sub: 'local' });
  });

  it('leaves public routes (health, carrier webhooks) open', async () => {
    expect((await call('/health')).status).toBe(200);
    const webhook = await call('/webhooks/carriers/colissimo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(webhook.status).toBe(200);
    expect(calls.map((c) => c.functionArn)).toEqual(['health', 'webhook']);
    // no authorizer context on a route that has no authorizer
    expect(
      calls.map(({ event }) => [event.requestContext.routeKey, 'authorizer' in event.requestContext]),
    ).toEqual([
      ['GET /health', false],
      ['POST /webhooks/carriers/{carrierId}', false],
    ]);
  });
});

describe('request → payload format 2.0 event', () => {
  it('carries the raw and parsed query string, duplicates comma-joined', async () => {
    await call('/health?status=ALLOCATED&status=SHIPPED&limit=10&q=caf%C3%A9&empty=');
    const [event] = calls.map((c) => c.event);
    expect(event?.rawQueryString).toBe('status=ALLOCATED&status=SHIPPED&limit=10&q=caf%C3%A9&empty=');
    expect(event?.queryStringParameters).toEqual({
      status: 'ALLOCATED,SHIPPED',
      limit: '10',
      q: 'café',
      empty: '',
    });
    await call('/health');
    expect(calls[1]?.event.queryStringParameters).toBeUndefined();
    expect(calls[1]?.event.rawQueryString).toBe('');
  });

  it('lower-cases headers, joins repeated ones with commas, moves cookies to `cookies`, adds x-forwarded-*', async () => {
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest(`${front.url}/health`, {
        // a flat [name, value, ...] list: the only way to send one header twice
        headers: [
          'Host',
          `127.0.0.1:${front.port}`,
          'X-Custom',
          'one',
          'x-custom',
          'two',
          'Cookie',
          'a=1; b=2',
          'User-Agent',
          'relais-test',
        ],
      });
      request.on('response', (response) => {
        response.resume();
        response.on('end', resolve);
      });
      request.on('error', reject);
      request.end();
    });
    const [event] = calls.map((c) => c.event);
    expect(event?.headers['x-custom']).toBe('one,two');
    expect(event?.headers['x-forwarded-proto']).toBe('http');
    expect(event?.headers['x-forwarded-port']).toBe(String(front.port));
    expect(event?.headers.cookie).toBeUndefined();
    expect(event?.cookies).toEqual(['a=1', 'b=2']);
    expect(event?.requestContext).toMatchObject({
      accountId: '000000000000',
      domainName: `127.0.0.1:${front.port}`,
      domainPrefix: '127',
      routeKey: 'GET /health',
      stage: '$default',
      http: {
        method: 'GET',
        path: '/health',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'relais-test',
      },
    });
    expect(event?.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs((event?.requestContext.timeEpoch ?? 0) - Date.now())).toBeLessThan(10_000);
    expect(event?.version).toBe('2.0');
    expect(event?.body).toBeUndefined();
    expect(event?.isBase64Encoded).toBe(false);
  });

  it('passes a JSON body as text and a binary body base64-encoded', async () => {
    const json = JSON.stringify({ channel: 'web', note: 'été' });
    await call('/orders', {
      method: 'POST',
      headers: { ...authorization, 'content-type': 'application/json' },
      body: json,
    });
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    await call('/orders', {
      method: 'POST',
      headers: { ...authorization, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    const [text, binary] = calls.map((c) => c.event);
    expect(text).toMatchObject({ body: json, isBase64Encoded: false });
    expect(binary?.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary?.body ?? '', 'base64')).toEqual(bytes);
  });

  it('passes a body over Relais’s 256 KB to the function, whose own middleware answers 413 problem+json', async () => {
    // the real middleware stack of every HTTP route, behind the front as on AWS
    const route = httpRoute(apiRequest(z.object({ padding: z.string() }), {}), async () => json(200, {}));
    answer = (event) => route(event, handlerContext);
    // what Powertools would print as EMF; the local cloud turns metrics off the same way
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      metrics.clearMetrics();
      return metrics;
    });
    const body = JSON.stringify({ padding: 'x'.repeat(300 * 1024) });
    const result = await call('/orders', {
      method: 'POST',
      headers: { ...authorization, 'content-type': 'application/json' },
      body,
    });
    const problem = expectProblem(result, 413);
    expect(problem).toMatchObject({
      type: 'https://relais.dev/problems/payload-too-large',
      detail: `the body is ${body.length} bytes; the limit is ${256 * 1024}`,
    });
    expect(calls.map((c) => c.event.body)).toEqual([body]);
  });

  it('passes a body of exactly API Gateway’s 10 MB quota through whole', async () => {
    const body = Buffer.alloc(apiGatewayPayloadLimitBytes, 'x');
    const result = await call('/orders', {
      method: 'POST',
      headers: { ...authorization, 'content-type': 'text/plain' },
      body,
    });
    expect(result.status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.event.body?.length).toBe(apiGatewayPayloadLimitBytes);
  });

  it('refuses a payload over 10 MB as API Gateway does, before any function runs', async () => {
    const result = await call('/orders', {
      method: 'POST',
      headers: { ...authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(11 * 1024 * 1024) }),
    });
    expect(result.status).toBe(413);
    expect(result.headers.get('content-type')).toBe('application/json');
    expect(result.json()).toEqual({ message: 'Request Entity Too Large' });
    expect(calls).toHaveLength(0);
  });

  it('counts a chunked body without Content-Length against the 10 MB quota too', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(65);
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 11; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const result = await call('/orders', {
      method: 'POST',
      headers: { ...authorization, 'content-type': 'text/plain' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(result.status).toBe(413);
    expect(result.json()).toEqual({ message: 'Request Entity Too Large' });
    expect(calls).toHaveLength(0);
  });
});

describe('function answer → HTTP response (payload format 2.0 rules)', () => {
  it('sends an object without statusCode as a 200 JSON body', async () => {
    answer = () => ({ status: 'ok', count: 2 });
    const result = await call('/health');
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('application/json');
    expect(result.json()).toEqual({ status: 'ok', count: 2 });
  });

  it('honours statusCode, headers, cookies and a base64 body', async () => {
    const pdf = Buffer.from('%PDF-1.7 binary \u0000\u00ff');
    answer = () => ({
      statusCode: 201,
      headers: { 'Content-Type': 'application/pdf', 'X-Count': 3 },
      cookies: ['session=abc; HttpOnly', 'theme=dark'],
      body: pdf.toString('base64'),
      isBase64Encoded: true,
    });
    const response = await fetch(`${front.url}/health`);
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('x-count')).toBe('3');
    expect(response.headers.getSetCookie()).toEqual(['session=abc; HttpOnly', 'theme=dark']);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(pdf);
  });

  it('passes a handler’s problem+json answer through untouched', async () => {
    const problem = {
      type: 'https://relais.dev/problems/not-found',
      title: 'Not Found',
      status: 404,
      detail: 'no o-9',
    };
    answer = () => ({
      statusCode: 404,
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify(problem),
    });
    const result = await call('/orders/o-9', { headers: authorization });
    expect(result.status).toBe(404);
    expect(result.json()).toEqual(problem);
  });

  it('turns a crashing function into a 500 problem that leaks no stack or message', async () => {
    answer = () => {
      throw new Error('secret connection string at line 42');
    };
    const result = await call('/health');
    const body = expectProblem(result, 500);
    expect(result.text).not.toContain('secret');
    expect(result.text).not.toContain('at ');
    expect(body.detail).toMatch(/failed/);
  });

  it('treats a malformed statusCode as a failure of the function', async () => {
    answer = () => ({ statusCode: 'twohundred', body: 'x' });
    expectProblem(await call('/health'), 500);
  });

  it('maps answers the same way outside a server', () => {
    expect(toHttpAnswer('plain')).toMatchObject({ statusCode: 200, body: Buffer.from('plain') });
    expect(toHttpAnswer(null).body.toString()).toBe('null');
    expect(toHttpAnswer({ statusCode: 204 })).toMatchObject({
      statusCode: 204,
      headers: {},
      body: Buffer.alloc(0),
    });
    expect(toHttpAnswer({ statusCode: 200, body: '{"a":1}' }).headers['content-type']).toBe(
      'application/json',
    );
  });
});
