import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { DomainError, FieldError } from './errors.ts';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
};

/** RFC 9457 problem details: what every 4xx/5xx answer of the API looks like. */
export function problem(
  status: number,
  detail: string,
  options: { type?: string; errors?: FieldError[] | undefined } = {},
): APIGatewayProxyStructuredResultV2 {
  const body = {
    type: `https://relais.dev/problems/${options.type ?? `http-${status}`}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    ...(options.errors?.length ? { errors: options.errors } : {}),
  };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify(body),
  };
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

export function problemFromDomainError(error: DomainError): APIGatewayProxyStructuredResultV2 {
  const answer = problem(
    error.statusCode,
    error.expose ? error.message : (titles[error.statusCode] ?? 'Error'),
    { type: kebab(error.name), errors: error.errors },
  );
  if (error.retryAfterSeconds !== undefined) {
    answer.headers = { ...answer.headers, 'retry-after': String(error.retryAfterSeconds) };
  }
  return answer;
}

/** Field errors from Standard Schema issues (what the Powertools parser reports), dotted paths. */
export function fieldErrors(
  issues: readonly { message: string; path?: readonly unknown[] | undefined }[],
): FieldError[] {
  return issues.map((issue) => ({
    field: (issue.path ?? [])
      .map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p)))
      .join('.'),
    message: issue.message,
  }));
}
