import { expect } from 'vitest';
import type { ApiAnswer } from './cloud.ts';

/**
 * A 4xx answer in RFC 9457 form, with no stack trace or raw SDK error in it. `fields` are the
 * `errors[].field` values, in any order; with `distinctFields`, each field counts once (zod may
 * report two issues on one field, e.g. a string where an array with a maximum length is expected).
 */
export function expectProblem(
  answer: ApiAnswer,
  status: number,
  fields?: string | string[],
  options: { distinctFields?: boolean } = {},
): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  expect(answer.body).toMatchObject({
    type: expect.stringMatching(/^https:\/\/relais\.dev\/problems\/[a-z0-9-]+$/),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  expect(JSON.stringify(answer.body)).not.toMatch(/\s+at \S+ \(|node_modules|Exception/);
  if (fields === undefined) return;
  expect(Array.isArray(answer.body.errors)).toBe(true);
  const named = answer.body.errors.map((e: { field: string; message: string }) => {
    expect(e.message).toEqual(expect.any(String));
    return e.field;
  });
  const expected = typeof fields === 'string' ? [fields] : fields;
  const actual = options.distinctFields ? [...new Set<string>(named)] : named;
  expect([...actual].sort()).toEqual([...expected].sort());
}
