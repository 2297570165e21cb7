import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { ParseError } from '@aws-lambda-powertools/parser';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { DomainError, PayloadTooLarge } from './errors.ts';
import { logger, metrics, tracer } from './powertools.ts';
import { fieldErrors, problem, problemFromDomainError } from './problem.ts';

export const maxBodyBytes = 256 * 1024;

export type HttpAnswer = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function pdf(bytes: Uint8Array, filename: string): HttpAnswer {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${filename}"` },
    body: Buffer.from(bytes).toString('base64'),
    isBase64Encoded: true,
  };
}

/** Bodies over 256 KB are refused before anything parses them. */
const bodyLimit = (): MiddlewareObj<APIGatewayProxyEventV2> => ({
  before: ({ event }) => {
    const bytes = event.body ? Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : 0;
    if (bytes > maxBodyBytes)
      throw new PayloadTooLarge(`the body is ${bytes} bytes; the limit is ${maxBodyBytes}`);
  },
});

/** Registered last: turns every error into problem+json; never leaks a stack or an SDK error. */
const problemDetails = (): MiddlewareObj<unknown, HttpAnswer> => ({
  onError: (request) => {
    const { error } = request;
    if (error instanceof DomainError) {
      request.response = problemFromDomainError(error);
    } else if (error instanceof ParseError) {
      const issues = Array.isArray(error.cause) ? error.cause : [];
      const errors = fieldErrors(issues);
      const invalidJson = errors.some((e) => e.field === 'body' && /json/i.test(e.message));
      request.response = problem(400, invalidJson ? 'the body is not valid JSON' : 'the request is invalid', {
        type: 'validation-failed',
        errors,
      });
    } else {
      logger.error('unexpected error', { error });
      request.response = problem(500, 'an unexpected error occurred; it has been logged');
    }
  },
});

/**
 * The metric an answer counts in: `Http2xx`, `Http4xx`, `Http5xx` (and `Http1xx`, `Http3xx`, which
 * no route sends). No answer, or a status that is not HTTP's, is a 500 at API Gateway: Http5xx.
 */
export function answerMetric(status: number | undefined): string {
  const valid = status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599;
  return `Http${valid ? Math.floor(status / 100) : 5}xx`;
}

/**
 * One metric per answer class: the API's health at a glance. Registered before `problemDetails`,
 * so that its `onError` (middy runs those in reverse order) sees the problem+json answer.
 */
const countAnswers = (): MiddlewareObj<APIGatewayProxyEventV2, HttpAnswer> => {
  // A middy hook that returns a value replaces the response: these return nothing.
  const count = (status: number | undefined): void => {
    metrics.addMetric(answerMetric(status), MetricUnit.Count, 1);
  };
  return {
    after: ({ response }) => {
      count(response?.statusCode);
    },
    onError: ({ response }) => {
      count(response?.statusCode);
    },
  };
};

/**
 * The one middleware stack of every HTTP route: Powertools logger, tracer and metrics, the body
 * limit, the parser (the whole API Gateway v2 event against `schema`), the answer count, and
 * problem+json last. Hooks `before` run in this order; `after` and `onError` in the reverse one, so
 * problem+json is the first to handle an error, the count sees the final status, and the metrics
 * are flushed after both.
 */
export function httpRoute<S extends z.ZodType>(
  schema: S,
  handle: (event: z.infer<S>, context: Context) => Promise<HttpAnswer>,
) {
  return middy<APIGatewayProxyEventV2, HttpAnswer>()
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics))
    .use(bodyLimit())
    .use(parser({ schema }) as unknown as MiddlewareObj<APIGatewayProxyEventV2, HttpAnswer>)
    .use(countAnswers())
    .use(problemDetails() as MiddlewareObj<APIGatewayProxyEventV2, HttpAnswer>)
    .handler((event, context) => handle(event as unknown as z.infer<S>, context));
}

/** The stack of step and event handlers: observability only; errors propagate so that ASL Catch sees their names. */
export function stepHandler<S extends z.ZodType, R>(
  schema: S,
  handle: (input: z.infer<S>, context: Context) => Promise<R>,
) {
  return middy<unknown, R>()
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics))
    .use(parser({ schema }) as unknown as MiddlewareObj<unknown, R>)
    .use({
      after: () => {
        metrics.addMetric('StepSucceeded', MetricUnit.Count, 1);
      },
      onError: ({ error }) => {
        metrics.addMetric(`StepFailed.${error?.name ?? 'Error'}`, MetricUnit.Count, 1);
      },
    })
    .handler((input, context) => handle(input as z.infer<S>, context));
}
