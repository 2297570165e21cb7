/**
 * Checks real HTTP exchanges against the OpenAPI description the API serves: the route and the
 * answer's status and content type are described, the answer validates against its schema, and a
 * request that was accepted (2xx) validates against the request's (path, query, body). JSON Schema
 * 2020-12 (OpenAPI 3.1's dialect) by ajv, which node_modules holds (through
 * aws-local-stepfunctions' asl-validator).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export interface Exchange {
  method: string;
  /** path and query as sent */
  path: string;
  requestBody?: unknown;
  status: number;
  contentType: string | null;
  body: unknown;
}

interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema: object }[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: object }> };
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}

export interface ApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

/** Literal segments beat parameters: `/inventory/adjustments` before `/inventory/{sku}`. */
function matchPath(
  paths: string[],
  path: string,
): { template: string; params: Record<string, string> } | undefined {
  const parts = path.split('/');
  const matches = paths.flatMap((template) => {
    const segments = template.split('/');
    if (segments.length !== parts.length) return [];
    const params: Record<string, string> = {};
    for (const [i, segment] of segments.entries()) {
      const param = /^\{(.+)\}$/.exec(segment)?.[1];
      if (param !== undefined) params[param] = decodeURIComponent(parts[i] ?? '');
      else if (segment !== parts[i]) return [];
    }
    return [{ template, params, literals: segments.filter((s) => !s.startsWith('{')).length }];
  });
  return matches.sort((a, b) => b.literals - a.literals)[0];
}

export function apiContract(document: ApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(document, 'openapi');
  // query and path parameters arrive as text: coerced to the type their schema names
  const params = new Ajv2020({ strict: false, coerceTypes: true });
  addFormats.default(params);
  params.addSchema(document, 'openapi');
  const compiled = new Map<string, ValidateFunction>();
  const validator = (engine: Ajv2020, ref: string) => {
    const key = `${engine === params ? 'p' : 'b'}:${ref}`;
    let validate = compiled.get(key);
    if (validate === undefined) {
      validate = engine.compile({ $ref: `openapi#/${ref}` });
      compiled.set(key, validate);
    }
    return validate;
  };
  const errorsOf = (validate: ValidateFunction) => ajv.errorsText(validate.errors, { dataVar: '' });

  /** What is wrong with one exchange against the description; empty when nothing is. */
  function violations(exchange: Exchange): string[] {
    const [path = '', query = ''] = exchange.path.split('?');
    const what = `${exchange.method} ${exchange.path} → ${exchange.status}`;
    const route = matchPath(Object.keys(document.paths), path);
    const method = exchange.method.toLowerCase();
    const operation = route ? document.paths[route.template]?.[method] : undefined;
    // the local cloud's own endpoints are not the API's; a route that does not exist answers 404
    if (path.startsWith('/_local/')) return [];
    if ((!route || !operation) && exchange.status === 404) return [];
    if (!route || !operation) return [`${what}: no such operation in the description`];
    const found: string[] = [];
    const at = (...parts: string[]) => pointer('paths', route.template, method, ...parts);

    if (exchange.status < 300) {
      const given: Record<string, Record<string, string>> = {
        path: route.params,
        query: Object.fromEntries(new URLSearchParams(query)),
      };
      for (const [i, parameter] of (operation.parameters ?? []).entries()) {
        if (parameter.in !== 'path' && parameter.in !== 'query') continue;
        const value = given[parameter.in]?.[parameter.name];
        if (value === undefined) {
          if (parameter.required)
            found.push(`${what}: ${parameter.in} parameter ${parameter.name} is required`);
          continue;
        }
        const validate = validator(params, at('parameters', String(i), 'schema'));
        if (!validate(value))
          found.push(`${what}: ${parameter.in} parameter ${parameter.name}${errorsOf(validate)}`);
      }
      const unknown = Object.keys(given.query ?? {}).filter(
        (name) => !(operation.parameters ?? []).some((p) => p.in === 'query' && p.name === name),
      );
      if (unknown.length > 0) found.push(`${what}: undescribed query parameters ${unknown.join(', ')}`);
      // `{}` carries nothing: a client may send it to a route that takes no body (the API ignores it)
      const emptyObject =
        typeof exchange.requestBody === 'object' &&
        exchange.requestBody !== null &&
        Object.keys(exchange.requestBody).length === 0;
      if (exchange.requestBody !== undefined && !(emptyObject && operation.requestBody === undefined)) {
        if (operation.requestBody?.content['application/json'] === undefined)
          found.push(`${what}: a body was accepted, the description takes none`);
        else {
          const validate = validator(ajv, at('requestBody', 'content', 'application/json', 'schema'));
          if (!validate(exchange.requestBody)) found.push(`${what}: request body${errorsOf(validate)}`);
        }
      } else if (operation.requestBody?.required) {
        found.push(`${what}: accepted without the body the description requires`);
      }
    }

    const status = String(exchange.status);
    const response = operation.responses[status] ?? operation.responses.default;
    if (response === undefined) return [...found, `${what}: status ${status} is not described`];
    const type = exchange.contentType?.split(';')[0]?.trim() ?? '';
    const media = response.content?.[type];
    if (media === undefined) {
      const described = Object.keys(response.content ?? {}).join(', ') || 'no content';
      return [...found, `${what}: content type "${type}" is not described (${described})`];
    }
    if (type.endsWith('json') && media.schema !== undefined) {
      const key = operation.responses[status] ? status : 'default';
      const validate = validator(ajv, at('responses', key, 'content', type, 'schema'));
      if (!validate(exchange.body)) found.push(`${what}: answer${errorsOf(validate)}`);
    }
    return found;
  }

  return { violations };
}

/** Every exchange fits the description the cloud serves at `/openapi.json`. */
export async function expectDescribed(
  url: string,
  exchanges: readonly Exchange[],
  token?: string,
): Promise<void> {
  const answer = await fetch(`${url}/openapi.json`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (answer.status !== 200)
    throw new Error(`GET /openapi.json answered ${answer.status}: ${await answer.text()}`);
  const { violations } = apiContract((await answer.json()) as ApiDocument);
  const found = [...new Set(exchanges.flatMap(violations))];
  if (found.length > 0)
    throw new Error(
      `${found.length} exchanges the OpenAPI description does not describe ` +
        `(functions/shared/api-description/routes.ts, functions/shared/responses.ts):\n${found.join('\n')}`,
    );
}
