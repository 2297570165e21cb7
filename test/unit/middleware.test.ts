/**
 * The one middy stack (functions/shared/middleware.ts) on its own: what each middleware does and
 * in which order, observed from outside: the answer a caller gets, the error a state machine
 * sees, and the metrics Powertools would flush at the end of the invocation.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import * as errors from '../../functions/shared/errors.ts';
import { DomainError, OrderInvalid } from '../../functions/shared/errors.ts';
import {
  answerMetric,
  httpRoute,
  json,
  maxBodyBytes,
  stepHandler,
} from '../../functions/shared/middleware.ts';
import { logger, metrics } from '../../functions/shared/powertools.ts';
import { apiQuery, apiRequest, id } from '../../functions/shared/schemas.ts';
import { lambdaContext } from '../support/lambda-context.ts';

// ---------------------------------------------------------------------------------------------
// What Powertools would flush

/** The metric names of each flush, one list per invocation, in the order of the flushes. */
let flushes: string[][];

beforeEach(() => {
  flushes = [];
  metrics.clearMetrics();
  // The EMF document publishStoredMetrics would print, kept instead of printed.
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
    const emf = metrics.serializeMetrics();
    flushes.push((emf._aws.CloudWatchMetrics[0]?.Metrics ?? []).map((metric) => metric.Name));
    metrics.clearMetrics();
    return metrics;
  });
  vi.spyOn(logger, 'error').mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

// ---------------------------------------------------------------------------------------------
// Events and context

const context = lambdaContext('relais-test');

/** A payload format 2.0 event, as API Gateway sends it for `POST /things/{thingId}`. */
function apiEvent(overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /things/{thingId}',
    rawPath: '/things/t-1',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'api.example.com' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: {
        method: 'POST',
        path: '/things/t-1',
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'test',
      },
      requestId: 'req-1',
      routeKey: 'POST /things/{thingId}',
      stage: '$default',
      time: '01/Jan/2026:10:00:00 +0000',
      timeEpoch: 1767261600000,
    },
    pathParameters: { thingId: 't-1' },
    body: JSON.stringify({ name: 'lamp', quantity: 2 }),
    isBase64Encoded: false,
    ...overrides,
  };
}

const thingRequest = apiRequest(z.object({ name: z.string().min(1), quantity: z.number().int().min(1) }), {
  thingId: id,
});

type DomainErrorClass = new (message: string) => DomainError;

/** Every error class Relais raises on purpose, from the module that defines them. */
const allDomainErrorClasses = Object.values(errors).filter(
  (value) => typeof value === 'function' && value.prototype instanceof DomainError,
) as unknown as DomainErrorClass[];
/** The refusals: the faults (IntegrityViolation, a 500 whose message stays inside) are not among them. */
const domainErrorClasses = allDomainErrorClasses.filter((ErrorClass) => new ErrorClass('x').statusCode < 500);

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

type Answer = { statusCode: number; headers?: Record<string, string | number | boolean>; body?: string };

/** Runs a route built on the stack and reads its answer as API Gateway would. */
async function answerOf(route: (event: never, context: Context) => Promise<unknown>, event: unknown) {
  const answer = (await route(event as never, context)) as Answer;
  const body =
    answer.body === undefined ? undefined : (JSON.parse(answer.body) as Problem & Record<string, unknown>);
  return { status: answer.statusCode, contentType: answer.headers?.['content-type'], body, raw: answer.body };
}

function throwing(error: Error) {
  return httpRoute(thingRequest, async () => {
    throw error;
  });
}

// ---------------------------------------------------------------------------------------------

describe('httpRoute: the answer metric', () => {
  it('counts a success as Http2xx, flushed with the invocation that answered it', async () => {
    const route = httpRoute(thingRequest, async () => json(201, { ok: true }));
    expect((await answerOf(route, apiEvent())).status).toBe(201);
    expect(flushes).toEqual([['Http2xx']]);
  });

  it('counts a 4xx problem as Http4xx and a 5xx as Http5xx, each in its own flush', async () => {
    // problem+json handles the error first; the count then sees the status it chose
    await answerOf(throwing(new errors.NotFound('no such thing')), apiEvent());
    await answerOf(throwing(new errors.Conflict('taken')), apiEvent());
    await answerOf(throwing(new Error('boom')), apiEvent());
    expect(flushes).toEqual([['Http4xx'], ['Http4xx'], ['Http5xx']]);
  });

  it('counts refusals of the body limit and of the parser as Http4xx', async () => {
    const route = httpRoute(thingRequest, async () => json(200, {}));
    await answerOf(route, apiEvent({ body: 'x'.repeat(maxBodyBytes + 1) }));
    await answerOf(route, apiEvent({ body: '{"name": 3}' }));
    expect(flushes).toEqual([['Http4xx'], ['Http4xx']]);
  });

  it('names the class of any status, and a missing or non-HTTP status Http5xx', () => {
    expect([200, 204, 302, 400, 413, 422, 499, 500, 503].map(answerMetric)).toEqual([
      'Http2xx',
      'Http2xx',
      'Http3xx',
      'Http4xx',
      'Http4xx',
      'Http4xx',
      'Http4xx',
      'Http5xx',
      'Http5xx',
    ]);
    expect([undefined, 0, 99, 600, 200.5].map(answerMetric)).toEqual(Array(5).fill('Http5xx'));
  });
});

describe('httpRoute: the body limit', () => {
  it('answers 413 problem+json over 256 KB, before the parser or the handler sees the body', async () => {
    const handle = vi.fn(async () => json(200, {}));
    const route = httpRoute(thingRequest, handle);
    // not JSON at all: the limit answers first, so this is a 413, not a 400
    const answer = await answerOf(route, apiEvent({ body: 'x'.repeat(maxBodyBytes + 1) }));
    expect(answer).toMatchObject({ status: 413, contentType: 'application/problem+json' });
    expect(answer.body).toMatchObject({
      type: 'https://relais.dev/problems/payload-too-large',
      status: 413,
      detail: `the body is ${maxBodyBytes + 1} bytes; the limit is ${maxBodyBytes}`,
    });
    expect(handle).not.toHaveBeenCalled();
  });

  it('measures bytes, not characters, and decodes a base64 body before measuring it', async () => {
    const route = httpRoute(apiRequest(z.object({ note: z.string() }), {}), async (event) =>
      json(200, { length: event.body.note.length }),
    );
    // 2 bytes per character in UTF-8: over the limit in bytes, under it in characters
    const wide = JSON.stringify({ note: 'é'.repeat(maxBodyBytes / 2) });
    expect((await answerOf(route, apiEvent({ body: wide }))).status).toBe(413);
    // a base64 body of exactly the limit once decoded goes through the limit (then fails parsing)
    const exact = Buffer.alloc(maxBodyBytes, 'a').toString('base64');
    expect((await answerOf(route, apiEvent({ body: exact, isBase64Encoded: true }))).status).toBe(400);
    const over = Buffer.alloc(maxBodyBytes + 1, 'a').toString('base64');
    expect((await answerOf(route, apiEvent({ body: over, isBase64Encoded: true }))).status).toBe(413);
    // a body of exactly the limit is read
    const fits = JSON.stringify({ note: 'x'.repeat(maxBodyBytes - '{"note":""}'.length) });
    expect(Buffer.byteLength(fits)).toBe(maxBodyBytes);
    expect(await answerOf(route, apiEvent({ body: fits }))).toMatchObject({ status: 200 });
  });
});

describe('httpRoute: the parser', () => {
  it('answers 400 problem+json with errors[] naming each bad field, path parameters included', async () => {
    const handle = vi.fn(async () => json(200, {}));
    const route = httpRoute(thingRequest, handle);
    const answer = await answerOf(
      route,
      apiEvent({ body: JSON.stringify({ quantity: 0 }), pathParameters: { thingId: 'not an id!' } }),
    );
    expect(answer).toMatchObject({ status: 400, contentType: 'application/problem+json' });
    expect(answer.body).toMatchObject({
      type: 'https://relais.dev/problems/validation-failed',
      title: 'Bad Request',
      detail: 'the request is invalid',
    });
    const fields = (answer.body?.errors ?? []).map((e) => e.field);
    expect(fields.sort()).toEqual(['body.name', 'body.quantity', 'pathParameters.thingId']);
    for (const error of answer.body?.errors ?? []) expect(error.message).toEqual(expect.any(String));
    expect(handle).not.toHaveBeenCalled();
  });

  it('says the body is not valid JSON when it is not, naming the body', async () => {
    const answer = await answerOf(
      httpRoute(thingRequest, async () => json(200, {})),
      apiEvent({ body: '{"name":' }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body?.detail).toBe('the body is not valid JSON');
    expect(answer.body?.errors).toEqual([{ field: 'body', message: expect.stringMatching(/json/i) }]);
  });

  it('checks query parameters too, and hands the handler the parsed, typed event', async () => {
    const route = httpRoute(
      apiQuery({}, { limit: z.coerce.number().int().min(1).max(100).optional() }),
      async (event) => json(200, { limit: event.queryStringParameters.limit ?? null }),
    );
    const ok = await answerOf(route, apiEvent({ body: undefined, queryStringParameters: { limit: '7' } }));
    expect(ok).toMatchObject({ status: 200, body: { limit: 7 } });
    const bad = await answerOf(route, apiEvent({ body: undefined, queryStringParameters: { limit: '0' } }));
    expect(bad.status).toBe(400);
    expect(bad.body?.errors).toEqual([{ field: 'queryStringParameters.limit', message: expect.any(String) }]);
  });
});

describe('httpRoute: errors', () => {
  it('maps every DomainError to its status, a problem type from its name, and its message', async () => {
    expect(domainErrorClasses.length).toBeGreaterThanOrEqual(15);
    for (const ErrorClass of domainErrorClasses) {
      const error = new ErrorClass(`because of ${ErrorClass.name}`);
      const answer = await answerOf(throwing(error), apiEvent());
      const type = error.name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
      expect(answer, error.name).toMatchObject({
        status: error.statusCode,
        contentType: 'application/problem+json',
        body: {
          type: `https://relais.dev/problems/${type}`,
          status: error.statusCode,
          detail: `because of ${ErrorClass.name}`,
        },
      });
    }
  });

  it('answers a fault raised on purpose (IntegrityViolation) as a 500 that tells nothing of its data', async () => {
    const faults = allDomainErrorClasses.filter((ErrorClass) => new ErrorClass('x').statusCode >= 500);
    expect(faults.map((ErrorClass) => new ErrorClass('x').name)).toEqual(['IntegrityViolation']);
    const answer = await answerOf(
      throwing(new errors.IntegrityViolation('shipment o-1-S9 is not part of o-1')),
      apiEvent(),
    );
    expect(answer).toMatchObject({
      status: 500,
      contentType: 'application/problem+json',
      body: { status: 500 },
    });
    expect(answer.raw).not.toContain('o-1');
  });

  it('carries a DomainError’s field errors, and hides the message of one not meant for the caller', async () => {
    const invalid = new errors.ValidationFailed('the header is missing', {
      errors: [{ field: 'Idempotency-Key', message: 'missing' }],
    });
    expect((await answerOf(throwing(invalid), apiEvent())).body?.errors).toEqual([
      { field: 'Idempotency-Key', message: 'missing' },
    ]);
    class Internal extends errors.Conflict {
      override readonly expose = false;
    }
    const hidden = await answerOf(
      throwing(new Internal('row v7 of ORDER#o-1 in table prod-orders')),
      apiEvent(),
    );
    expect(hidden.status).toBe(409);
    expect(hidden.raw).not.toContain('ORDER#');
    expect(hidden.body?.detail).toBe('Conflict');
  });

  it('answers any other error 500 problem+json, without its stack, name or message, and logs it', async () => {
    // what an AWS SDK error looks like when it reaches a handler
    const sdkError = Object.assign(
      new Error(
        'User: arn:aws:sts::123456789012:assumed-role/x is not authorized to perform: dynamodb:PutItem',
      ),
      { name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 } },
    );
    for (const error of [sdkError, new TypeError("Cannot read properties of undefined (reading 'x')")]) {
      const answer = await answerOf(throwing(error), apiEvent());
      expect(answer).toMatchObject({ status: 500, contentType: 'application/problem+json' });
      expect(answer.body).toEqual({
        type: 'https://relais.dev/problems/http-500',
        title: 'Internal Server Error',
        status: 500,
        detail: 'an unexpected error occurred; it has been logged',
      });
      expect(answer.raw).not.toContain(error.message);
      expect(answer.raw).not.toContain(error.name);
      expect(answer.raw).not.toMatch(/\bat \S+/);
      expect(logger.error).toHaveBeenLastCalledWith('unexpected error', { error });
    }
  });
});

describe('stepHandler', () => {
  const stepInput = z.object({ orderId: id });

  it('lets a DomainError propagate with its class and name, and counts StepFailed.<name>', async () => {
    const step = stepHandler(stepInput, async () => {
      throw new OrderInvalid('no lines');
    });
    const thrown = await step({ orderId: 'o-1' }, context).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(OrderInvalid);
    expect(thrown).toMatchObject({ name: 'OrderInvalid', message: 'no lines' });
    expect(flushes).toEqual([['StepFailed.OrderInvalid']]);
  });

  it('lets an unexpected error propagate as it is, and counts it under its own name', async () => {
    const crash = new RangeError('index out of range');
    const step = stepHandler(stepInput, async () => {
      throw crash;
    });
    await expect(step({ orderId: 'o-1' }, context)).rejects.toBe(crash);
    expect(flushes).toEqual([['StepFailed.RangeError']]);
  });

  it('refuses an input that does not parse with a ParseError, before the step runs', async () => {
    const handle = vi.fn(async () => ({}));
    const step = stepHandler(stepInput, handle);
    await expect(step({ orderId: 'no spaces allowed' }, context)).rejects.toMatchObject({
      name: 'ParseError',
    });
    expect(handle).not.toHaveBeenCalled();
    expect(flushes).toEqual([['StepFailed.ParseError']]);
  });

  it('returns the step’s answer untouched, and counts StepSucceeded', async () => {
    const step = stepHandler(stepInput, async (input) => ({ orderId: input.orderId, reserved: true }));
    expect(await step({ orderId: 'o-1' }, context)).toEqual({ orderId: 'o-1', reserved: true });
    expect(flushes).toEqual([['StepSucceeded']]);
  });
});

// ---------------------------------------------------------------------------------------------
// No input makes the stack answer 5xx

const domainErrors = domainErrorClasses.map((ErrorClass) => () => new ErrorClass('refused'));

/** What a handler that only succeeds or throws DomainErrors may do. */
const outcome = fc.oneof(
  fc.constantFrom(200, 201, 202, 204).map((status) => ({ kind: 'answer' as const, status })),
  fc.constantFrom(...domainErrors).map((raise) => ({ kind: 'throw' as const, raise })),
);

const text = fc.string({ unit: 'binary', maxLength: 40 });
const validId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
// Valid parts often enough that the handler runs in about half the cases, invalid ones otherwise.
const bodies = fc
  .oneof(
    { arbitrary: fc.record({ name: text.filter(Boolean), quantity: fc.integer({ min: 1 }) }), weight: 4 },
    fc.constant(undefined),
    text,
    fc.json({ maxDepth: 3 }),
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify({ name: value, quantity: value })),
    fc.record({ name: text, quantity: fc.oneof(fc.integer(), fc.double()) }).map((b) => JSON.stringify(b)),
    fc.nat({ max: 2 * maxBodyBytes }).map((size) => 'x'.repeat(size)),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64')),
  )
  .map((body) => (typeof body === 'object' ? JSON.stringify(body) : body));
const names = fc.oneof(fc.constantFrom('content-type', 'idempotency-key', 'authorization', 'host'), text);
const events = fc.record({
  headers: fc.dictionary(names, text, { maxKeys: 6 }),
  body: bodies,
  isBase64Encoded: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, fc.constant(true)),
  pathParameters: fc.oneof(
    { arbitrary: fc.record({ thingId: validId }), weight: 4 },
    fc.constant(undefined),
    fc.dictionary(fc.oneof(fc.constant('thingId'), text), text, { maxKeys: 3 }),
  ),
  queryStringParameters: fc.option(
    fc.dictionary(fc.oneof(fc.constant('limit'), text), fc.oneof(fc.nat().map(String), text), { maxKeys: 3 }),
    { nil: undefined },
  ),
  cookies: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
  rawPath: fc.oneof(fc.constant('/things/t-1'), text),
});

const schemas = [
  thingRequest,
  apiQuery({ thingId: id }, { limit: z.coerce.number().int().min(1).optional() }),
  // raw body routes (the carrier webhook) parse the body themselves
  thingRequest.extend({ body: z.string().optional() }),
];

describe('httpRoute: no input answers 5xx', () => {
  it('answers every event below 500, in problem+json when it refuses, for a handler that only throws DomainErrors or succeeds', async () => {
    await fc.assert(
      fc.asyncProperty(events, outcome, fc.constantFrom(...schemas), async (parts, then, schema) => {
        flushes = [];
        const route = httpRoute(schema, async () => {
          if (then.kind === 'throw') throw then.raise();
          return json(then.status, { ok: true });
        });
        const event: Record<string, unknown> = { ...apiEvent(), ...parts };
        for (const key of Object.keys(event)) if (event[key] === undefined) delete event[key];
        const answer = (await route(event as never, context)) as Answer;
        expect(answer.statusCode).toBeLessThan(500);
        if (answer.statusCode >= 400) {
          expect(answer.headers?.['content-type']).toBe('application/problem+json');
          const problem = JSON.parse(answer.body ?? '') as { status: number; detail: string };
          expect(problem.status).toBe(answer.statusCode);
        }
        expect(flushes).toEqual([[answerMetric(answer.statusCode)]]);
        expect(logger.error).not.toHaveBeenCalled();
      }),
      { numRuns: 300 },
    );
  });
});
