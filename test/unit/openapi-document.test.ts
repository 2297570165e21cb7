import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { apiDescription } from '../../functions/shared/api-description/document.ts';
import { httpRoutes } from '../../lib/functions-manifest.ts';
import { type ApiDocument, apiContract, expectDescribed } from '../support/api-contract.ts';

const root = join(import.meta.dirname, '../..');
const document = apiDescription(httpRoutes, 'http://127.0.0.1:3000');
const { violations } = apiContract(document as unknown as ApiDocument);
const scratch = mkdtempSync(join(tmpdir(), 'relais-openapi-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the OpenAPI description', () => {
  it('refuses a manifest route that has no description, and a description of no route', () => {
    const undescribed = { id: 'GetWidgets', route: 'GET /widgets', authorized: true };
    expect(() => apiDescription([...httpRoutes, undescribed], 'http://x')).toThrow(/GET \/widgets/);
    expect(() => apiDescription(httpRoutes.slice(1), 'http://x')).toThrow(/GET \/health/);
  });

  it('serves the server it is asked from', () => {
    expect(apiDescription(httpRoutes, 'https://api.example.org').servers).toEqual([
      { url: 'https://api.example.org' },
    ]);
  });

  it('lints clean with @redocly/cli (redocly.yaml), offline: no error and no warning', async () => {
    const file = join(scratch, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const cli = join(root, 'node_modules/@redocly/cli/bin/cli.js');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, 'lint', '--config', join(root, 'redocly.yaml'), '--format', 'json', file],
      {
        cwd: scratch,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
    const report = JSON.parse(stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
    };
    const problems = report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);
});

describe('checking exchanges against the description', () => {
  const order = {
    orderId: 'o-1',
    status: 'ALLOCATED',
    channel: 'web',
    customer: { id: 'c-1' },
    lines: [{ sku: 'SKU-1', quantity: 1 }],
    delivery: { mode: 'click_collect', storeId: 'store-1' },
    shipments: [],
    incidents: [],
    history: [{ status: 'RECEIVED', at: '2026-12-01T10:00:00.000Z' }],
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
  };
  const get = (body: unknown, status = 200) => ({
    method: 'GET',
    path: '/orders/o-1',
    status,
    contentType: 'application/json',
    body,
  });

  it('accepts an answer that fits its schema', () => {
    expect(violations(get(order))).toEqual([]);
  });

  it('finds a field the description does not have, a missing one, and a wrong enum value', () => {
    expect(violations(get({ ...order, secret: 1 })).join()).toMatch(/additional properties/);
    const { createdAt: _, ...withoutCreatedAt } = order;
    expect(violations(get(withoutCreatedAt)).join()).toMatch(/createdAt/);
    expect(violations(get({ ...order, status: 'LOST_IN_SPACE' })).join()).toMatch(/status/);
  });

  it('finds an undescribed status, content type or route', () => {
    expect(violations(get(order, 418)).join()).toMatch(/418 is not described/);
    expect(violations({ ...get(order), contentType: 'text/html' }).join()).toMatch(/"text\/html"/);
    expect(violations({ ...get(order), path: '/widgets' }).join()).toMatch(/no such operation/);
  });

  it('checks problem+json answers against the Problem schema', () => {
    const problem = {
      type: 'https://relais.dev/problems/not-found',
      title: 'Not Found',
      status: 404,
      detail: 'x',
    };
    const notFound = { ...get(problem, 404), contentType: 'application/problem+json' };
    expect(violations(notFound)).toEqual([]);
    expect(violations({ ...notFound, body: { ...problem, stack: 'at ...' } }).join()).toMatch(/additional/);
  });

  it('checks an accepted request: body, path and query parameters, by the handler schemas', () => {
    const accepted = {
      status: 202,
      contentType: 'application/json',
      body: { orderId: 'o-1', status: 'RECEIVED' },
    };
    const body = {
      channel: 'web',
      customer: { id: 'c' },
      delivery: { mode: 'home' },
      lines: [{ sku: 'A', quantity: 1 }],
    };
    expect(violations({ method: 'POST', path: '/orders', requestBody: body, ...accepted })).toEqual([]);
    const tooMany = { ...body, lines: [{ sku: 'A', quantity: 1000 }] };
    expect(violations({ method: 'POST', path: '/orders', requestBody: tooMany, ...accepted }).join()).toMatch(
      /request body/,
    );
    const page = { status: 200, contentType: 'application/json', body: { items: [] } };
    expect(violations({ method: 'GET', path: '/orders?limit=5&status=ALLOCATED', ...page })).toEqual([]);
    expect(violations({ method: 'GET', path: '/orders?limit=500', ...page }).join()).toMatch(/limit/);
    expect(violations({ method: 'GET', path: '/orders?colour=red', ...page }).join()).toMatch(/colour/);
    expect(violations({ ...get(order), path: '/orders/not%20an%20id' }).join()).toMatch(/orderId/);
  });
});

describe('expectDescribed, run after each file that drives a cloud', () => {
  it('reads the description the server serves, with the token, and fails naming each undescribed exchange', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const health = { method: 'GET', path: '/health', status: 200, contentType: 'application/json' };
      await expectDescribed(url, [{ ...health, body: { status: 'ok' } }], 'sesame');
      expect(seen).toEqual(['Bearer sesame']);
      await expect(
        expectDescribed(url, [
          { ...health, body: { status: 'ok' } },
          { ...health, body: { status: 'tired' } },
          { ...health, path: '/widgets', body: {} },
        ]),
      ).rejects.toThrow(
        /2 exchanges[\s\S]*GET \/health → 200: answer[\s\S]*GET \/widgets → 200: no such operation/,
      );
    } finally {
      server.close();
    }
  });
});
