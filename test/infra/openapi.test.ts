import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { apiDescription } from '../../functions/shared/api-description/document.ts';
import { buildApp } from '../../lib/app.ts';
import { httpRoutes } from '../../lib/functions-manifest.ts';

/** The template's routes, as API Gateway will serve them, against the description `GET /openapi.json` serves. */
const { stack } = buildApp({ bundle: false });
const resources = Template.fromStack(stack).toJSON().Resources as Record<
  string,
  { Type: string; Properties?: { RouteKey?: string; AuthorizationType?: string; Target?: unknown } }
>;
const templateRoutes = Object.values(resources)
  .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
  .map((r) => ({ key: r.Properties?.RouteKey ?? '', auth: r.Properties?.AuthorizationType }));

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required?: boolean; schema?: unknown }[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
const document = apiDescription(httpRoutes, 'https://api.example.org') as unknown as {
  paths: Record<string, Record<string, Operation>>;
};

function operationOf(routeKey: string): Operation {
  const [method = '', path = ''] = routeKey.split(' ');
  const operation = document.paths[path]?.[method.toLowerCase()];
  if (operation === undefined) throw new Error(`${routeKey} is in the template but not in the description`);
  return operation;
}

describe('the OpenAPI description against the synthesized template', () => {
  it('holds the routes of the template, GET /openapi.json among them, and no other', () => {
    expect(templateRoutes.map((r) => r.key)).toContain('GET /openapi.json');
    const described = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(described.sort()).toEqual(templateRoutes.map((r) => r.key).sort());
  });

  it('describes each path parameter of each route, required, with its schema', () => {
    for (const { key } of templateRoutes) {
      const names = [...key.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const parameters = (operationOf(key).parameters ?? []).filter((p) => p.in === 'path');
      expect(parameters.map((p) => p.name).sort(), key).toEqual(names.sort());
      for (const p of parameters) expect(p, `${key} ${p.name}`).toMatchObject({ required: true, schema: {} });
    }
  });

  it('gives each route its answer with a schema (a PDF for labels, NDJSON for the export) and problem+json 4xx answers', () => {
    for (const { key } of templateRoutes) {
      const { responses } = operationOf(key);
      const success = Object.keys(responses).filter((status) => status.startsWith('2'));
      expect(success, key).toHaveLength(1);
      const content = responses[success[0] ?? '']?.content ?? {};
      const answer = key.endsWith('/label')
        ? content['application/pdf']
        : key === 'GET /analytics/orders'
          ? content['application/x-ndjson']?.schema
          : content['application/json']?.schema;
      expect(answer, key).toBeDefined();
      const problems = Object.entries(responses).filter(
        ([status]) => /^4\d\d$/.test(status) && status !== '429',
      );
      const hasInput = key.includes('{') || operationOf(key).requestBody !== undefined;
      if (hasInput)
        expect(
          problems.map(([s]) => s),
          key,
        ).toContain('400');
      for (const [status, response] of problems) {
        expect(response.content?.['application/problem+json']?.schema, `${key} ${status}`).toBeDefined();
      }
    }
  });

  it('gives each route that takes a body (every PUT, most POSTs) its JSON schema', () => {
    const bodiless = [
      'POST /supply/{supplyId}/receive',
      'POST /shipments/{shipmentId}/collected',
      'POST /replenishment/suggestions/{suggestionId}/accept',
    ];
    for (const { key } of templateRoutes.filter((r) => /^(PUT|POST) /.test(r.key))) {
      const body = operationOf(key).requestBody;
      if (bodiless.includes(key)) expect(body, key).toBeUndefined();
      else expect(body?.content['application/json']?.schema, key).toBeDefined();
      if (key.startsWith('PUT ')) expect(body?.required, key).toBe(true);
    }
  });

  it("states each route's security as the template enforces it: the bearer token on JWT routes, the signature on webhooks", () => {
    for (const { key, auth } of templateRoutes) {
      const security = operationOf(key).security;
      if (auth === 'JWT') expect(security, key).toEqual([{ bearerToken: [] }]);
      else if (key.startsWith('POST /webhooks/carriers/'))
        expect(security, key).toEqual([{ carrierSignature: [] }]);
      else expect(security, key).toEqual([]);
      const unauthorized = operationOf(key).responses['401'];
      if (auth === 'JWT') expect(unauthorized, key).toBeDefined();
    }
  });
});
