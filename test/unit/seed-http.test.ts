import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDemoNetwork, type DemoNetwork } from '../../local/demo/network.ts';
import { SeedRequestError, seedDemo, seedNetwork } from '../../local/seed.ts';

interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

type Answer = { status: number; body?: unknown };

/** A stand-in for Relais that records every request and answers 200 unless `answer` says otherwise. */
async function fakeRelais(answer: (request: Recorded) => Answer | undefined = () => undefined) {
  const requests: Recorded[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const request: Recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: raw ? JSON.parse(raw) : undefined,
      };
      requests.push(request);
      const { status, body } = answer(request) ?? { status: 200, body: request.body };
      setTimeout(() => {
        inFlight--;
        res.writeHead(status, {
          'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
        });
        res.end(JSON.stringify(body ?? {}));
      }, 2);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: () => maxInFlight,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function started(answer?: (request: Recorded) => Answer | undefined) {
  const server = await fakeRelais(answer);
  servers.push(server);
  return server;
}

describe('seedDemo', { timeout: 60_000 }, () => {
  it('PUTs every location, product and stock row of the demo network, with the bearer token', async () => {
    const relais = await started();
    const network = buildDemoNetwork();

    const result = await seedDemo(`${relais.baseUrl}/`, 'secret-token');

    expect(result).toEqual({
      locations: network.locations.length,
      products: network.products.length,
      stockRows: network.stock.length,
    });
    expect(result).toEqual({ locations: 26, products: 30, stockRows: expect.any(Number) });
    expect(relais.requests).toHaveLength(result.locations + result.products + result.stockRows);
    for (const request of relais.requests) {
      expect(request.method).toBe('PUT');
      expect(request.headers.authorization).toBe('Bearer secret-token');
      expect(request.headers['content-type']).toBe('application/json');
    }

    const lyon = relais.requests.find((r) => r.path === '/locations/WH-LYON');
    expect(lyon?.body).toMatchObject({ type: 'warehouse', capabilities: ['ship'], lat: expect.any(Number) });
    expect(lyon?.body).not.toHaveProperty('locationId');

    const kit = relais.requests.find((r) => r.path === '/products/SKU-0030');
    expect(kit?.body).toMatchObject({
      kit: [
        { sku: 'SKU-0006', quantity: 1 },
        { sku: 'SKU-0007', quantity: 1 },
      ],
    });
    expect(kit?.body).not.toHaveProperty('sku');
    expect(kit?.body).not.toHaveProperty('unitPrice');

    const row = network.stock[0];
    const stockRequest = relais.requests.find((r) => r.path === `/inventory/${row?.locationId}/${row?.sku}`);
    expect(stockRequest?.body).toEqual({
      onHand: row?.onHand,
      ...(row?.safetyStock !== undefined ? { safetyStock: row.safetyStock } : {}),
    });
  });

  it('sends stock only once every location and product exists, at most 8 requests at a time', async () => {
    const relais = await started();
    await seedDemo(relais.baseUrl);

    const paths = relais.requests.map((r) => r.path);
    const lastMaster = Math.max(...paths.map((p, i) => (p.startsWith('/inventory/') ? -1 : i)));
    const firstStock = paths.findIndex((p) => p.startsWith('/inventory/'));
    expect(lastMaster).toBeLessThan(firstStock);
    expect(relais.maxInFlight()).toBeLessThanOrEqual(8);
    expect(relais.maxInFlight()).toBeGreaterThan(1);
    expect(relais.requests[0]?.headers.authorization).toBeUndefined();
  });
});

describe('seedNetwork failures', () => {
  const tiny: DemoNetwork = {
    locations: [
      { locationId: 'WH-A', name: 'A', type: 'warehouse', lat: 45, lon: 4, capabilities: ['ship'] },
      { locationId: 'WH-B', name: 'B', type: 'warehouse', lat: 46, lon: 4, capabilities: ['ship'] },
    ],
    products: [{ sku: 'SKU-1', name: 'One', weightKg: 1, unitPrice: 1 }],
    stock: [
      { locationId: 'WH-A', sku: 'SKU-1', onHand: 5 },
      { locationId: 'WH-B', sku: 'SKU-1', onHand: 5 },
    ],
  };

  it('throws with the problem detail of a non-2xx answer, and sends no stock after a failed location', async () => {
    const problem = {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'lat must be between -90 and 90',
      errors: [{ path: 'lat', message: 'too big' }],
    };
    const relais = await started((r) =>
      r.path === '/locations/WH-B' ? { status: 400, body: problem } : undefined,
    );

    const failure = await seedNetwork(relais.baseUrl, tiny, { concurrency: 1 }).catch(
      (error: unknown) => error,
    );

    if (!(failure instanceof SeedRequestError))
      throw new Error(`expected a SeedRequestError, got ${failure}`);
    const error = failure;
    expect(error.message).toContain('PUT /locations/WH-B answered 400');
    expect(error.message).toContain('lat must be between -90 and 90');
    expect(error.message).toContain('too big');
    expect(error.status).toBe(400);
    expect(error.problem).toEqual(problem);
    expect(relais.requests.some((r) => r.path.startsWith('/inventory/'))).toBe(false);
  });

  it('reports a 401 without a problem body', async () => {
    const relais = await started(() => ({ status: 401, body: 'nope' }));
    await expect(seedNetwork(relais.baseUrl, tiny)).rejects.toThrow(/answered 401/);
  });

  it('throws when nothing answers', async () => {
    const relais = await started();
    await relais.close();
    servers = [];
    await expect(seedNetwork(relais.baseUrl, tiny)).rejects.toThrow(/got no answer/);
  });
});
