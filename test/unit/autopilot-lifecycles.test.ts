/**
 * The demo autopilot shows the order lifecycles' other endings now and then: a customer who never
 * collects (the hold expires), one who cancels a unit before the pick, one who sends a delivered
 * order back. Driven against a stand-in for Relais's HTTP API, as autopilot-flow.test.ts does.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Autopilot, type BusEvent, startAutopilot } from '../../local/autopilot.ts';

interface Recorded {
  method: string;
  path: string;
  body: unknown;
}

const order = {
  orderId: 'ORD-1',
  lines: [{ sku: 'SKU-0006', quantity: 2 }],
  shipments: [{ shipmentId: 'SHP-1', status: 'DELIVERED', lines: [{ sku: 'SKU-0006', quantity: 2 }] }],
};

async function fakeRelais() {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        body: raw ? JSON.parse(raw) : undefined,
      };
      requests.push(request);
      const body =
        request.method === 'GET'
          ? order
          : request.path === '/orders/ORD-1/returns'
            ? { returnId: 'RET-1', carrierId: 'colissimo', trackingNumber: 'TRK-RET-1' }
            : {};
      res.writeHead(request.method === 'GET' ? 200 : request.path.endsWith('/returns') ? 201 : 202, {
        'content-type': 'application/json',
      });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts: () => requests.filter((r) => r.method === 'POST'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const running: Autopilot[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const autopilot of running.splice(0)) autopilot.stop();
  for (const close of closers.splice(0)) await close();
});

async function setUp(rates: { noShowRate?: number; partialCancelRate?: number; returnRate?: number }) {
  const relais = await fakeRelais();
  closers.push(relais.close);
  const listeners: ((event: BusEvent) => void)[] = [];
  let n = 0;
  const emit = (detailType: string, detail: unknown) =>
    listeners.forEach((l) => {
      l({ id: `e-${++n}`, source: 'relais.orders', 'detail-type': detailType, time: '', detail });
    });
  running.push(
    startAutopilot({
      baseUrl: relais.baseUrl,
      webhookSecret: 'secret',
      bus: {
        subscribe: (l) => {
          listeners.push(l);
          return () => {};
        },
      },
      speed: 200,
      seed: 1,
      logger: { info: () => {}, warn: () => {} },
      ...rates,
    }),
  );
  return { relais, emit };
}

const settled = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

describe('autopilot: the other endings', { timeout: 30_000 }, () => {
  it('a customer who never comes leaves the parcel to its hold: nothing is collected', async () => {
    const { relais, emit } = await setUp({ noShowRate: 1 });
    emit('ShipmentStatusChanged.v1', { orderId: 'ORD-1', shipmentId: 'SHP-1', status: 'READY_FOR_PICKUP' });
    await new Promise((r) => setTimeout(r, 200));
    expect(relais.posts()).toEqual([]);
  });

  it('cancels one unit of a line of several before the pick, then the location confirms the rest', async () => {
    const { relais, emit } = await setUp({ partialCancelRate: 1 });
    emit('ShipmentStatusChanged.v1', { orderId: 'ORD-1', shipmentId: 'SHP-1', status: 'ALLOCATED' });
    await settled(() => expect(relais.posts()).toHaveLength(2));
    expect(relais.posts()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: '/orders/ORD-1/cancel',
          body: { lines: [{ sku: 'SKU-0006', quantity: 1 }] },
        }),
        expect.objectContaining({ path: '/shipments/SHP-1/confirm' }),
      ]),
    );
  });

  it('sends a delivered order back and carries the return to the network', async () => {
    const { relais, emit } = await setUp({ returnRate: 1 });
    emit('OrderDelivered.v1', { orderId: 'ORD-1', status: 'DELIVERED' });
    await settled(() =>
      expect(relais.posts().map((p) => (p.body as { status?: string }).status)).toContain('RETURN_RECEIVED'),
    );
    const [request] = relais.posts();
    expect(request).toMatchObject({ path: '/orders/ORD-1/returns' });
    expect((request?.body as { lines?: unknown } | undefined)?.lines).toEqual([
      expect.objectContaining({ sku: 'SKU-0006', quantity: 1 }),
    ]);
    const carried = relais.posts().filter((p) => p.path === '/webhooks/carriers/colissimo');
    expect(carried.map((p) => (p.body as { trackingNumber: string; status: string }).status)).toEqual([
      'IN_TRANSIT',
      'RETURN_RECEIVED',
    ]);
    expect((carried[0]?.body as { trackingNumber?: string } | undefined)?.trackingNumber).toBe('TRK-RET-1');
  });
});
