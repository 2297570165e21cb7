import type { z } from 'zod';
import { ValidationFailed } from './errors.ts';
import { fieldErrors } from './problem.ts';

/** The body exactly as the client sent it (API Gateway base64-encodes binary bodies). */
export function rawBody(event: { body?: string | undefined; isBase64Encoded: boolean }): string {
  return event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
}

/** A JSON body checked against `schema`, for bodies that must be read raw first (signed ones): 400 naming the fields. */
export function parseJsonBody<S extends z.ZodType>(schema: S, raw: string, what: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ValidationFailed('the body is not valid JSON', {
      errors: [{ field: 'body', message: 'invalid JSON' }],
    });
  }
  const result = schema.safeParse(json);
  if (!result.success) throw new ValidationFailed(what, { errors: fieldErrors(result.error.issues) });
  return result.data;
}
