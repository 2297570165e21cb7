import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyWebhookSignature } from '../../functions/core/carriers/webhook-signature.ts';
import {
  type Autopilot,
  type AutopilotOptions,
  type BusEvent,
  CARRIER_JOURNEY,
  startAutopilot,
} from '../../local/autopilot.ts';

const SECRET = 'test-webhook-secret';

interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
}

type Answer = { status: number; body?: unknown };

/** A stand-in for Relais: records requests and answers 202 (GET: an order) unless `answer` says otherwise. */
async function fakeRelais(answer: (request: Recorded) => Answer | undefined = () => undefined) {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    let rawBody = '';
    req.on('data', (chunk: Buffer) => {
      rawBody += chunk.toString('utf8');
    });
    req.on('end', () => {
      const request: Recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody,
        body: rawBody ? JSON.parse(rawBody) : undefined,
      };
      requests.push(request);
      const { status, body } =
        answer(request) ??
        (request.method === 'GET'
          ? {
              status: 200,
              body: {
                orderId: 'ORD-1',
                shipments: [
                  {
                    shipmentId: 'SHP-1',
                    locationId: 'WH-LYON',
                    status: 'ALLOCATED',
                    lines: [{ sku: 'SKU-0006', quantity: 2 }],
                  },
                ],
              },
            }
          : { status: 202, body: {} });
      res.writeHead(status, {
        'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
      });
      res.end(JSON.stringify(body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    posts: () => requests.filter((r) => r.method === 'POST'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The smallest bus the autopilot accepts: subscribe, and a way for the test to publish. */
function fakeBus() {
  const listeners = new Set<(event: BusEvent) => void>();
  let sequence = 0;
  return {
    listeners,
    subscribe(listener: (event: BusEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(detailType: string, detail: unknown, id = `evt-${++sequence}`) {
      const event: BusEvent = {
        id,
        source: 'relais.orders',
        'detail-type': detailType,
        time: new Date().toISOString(),
        detail,
      };
      for (const listener of listeners) listener(event);
    },
  };
}

/** Generous: the suite shares the machine with DynamoDB Local and the workflow tests. */
const eventually = (assertion: () => void) => vi.waitFor(assertion, { timeout: 15_000, interval: 10 });

const quietLogger = () => ({ info: vi.fn(), warn: vi.fn() });

const running: Autopilot[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const autopilot of running.splice(0)) autopilot.stop();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setUp(
  overrides: Partial<AutopilotOptions> = {},
  answer?: (request: Recorded) => Answer | undefined,
) {
  const relais = await fakeRelais(answer);
  cleanups.push(relais.close);
  const bus = fakeBus();
  const logger = quietLogger();
  const autopilot = startAutopilot({
    baseUrl: relais.baseUrl,
    webhookSecret: SECRET,
    bus,
    speed: 200,
    seed: 1,
    logger,
    // the happy journey unless a test asks for the carriers' mishaps
    failedAttemptRate: 0,
    lostRate: 0,
    ...overrides,
  });
  running.push(autopilot);
  return { relais, bus, logger, autopilot };
}

const allocated = {
  orderId: 'ORD-1',
  shipmentId: 'SHP-1',
  locationId: 'WH-LYON',
  status: 'ALLOCATED',
  mode: 'home',
};
const dispatched = {
  orderId: 'ORD-1',
  shipmentId: 'SHP-1',
  carrierId: 'colissimo',
  trackingNumber: 'TRK-123',
  locationId: 'WH-LYON',
};

describe('autopilot: locations', { timeout: 30_000 }, () => {
  it('confirms an allocated shipment with its packages, using the bearer token', async () => {
    const { relais, bus } = await setUp({ token: 'tok' });
    bus.emit('ShipmentStatusChanged.v1', allocated);

    await eventually(() => expect(relais.posts()).toHaveLength(1));
    const confirm = relais.posts()[0];
    expect(confirm?.path).toBe('/shipments/SHP-1/confirm');
    // Two 2.9 kg tents from the demo catalogue.
    expect(confirm?.body).toEqual({ packages: [{ weightKg: 5.8 }] });
    expect(confirm?.headers.authorization).toBe('Bearer tok');
    expect(relais.requests[0]).toMatchObject({ method: 'GET', path: '/orders/ORD-1' });
  });

  it('confirms without packages when the order cannot be read', async () => {
    const { relais, bus } = await setUp({}, (r) => (r.method === 'GET' ? { status: 404 } : undefined));
    bus.emit('ShipmentStatusChanged.v1', allocated);
    await eventually(() => expect(relais.posts()).toHaveLength(1));
    expect(relais.posts()[0]).toMatchObject({ path: '/shipments/SHP-1/confirm', body: {} });
  });

  it('rejects with damaged stock at the reject rate', async () => {
    const { relais, bus } = await setUp({ rejectRate: 1 });
    bus.emit('ShipmentStatusChanged.v1', allocated);
    await eventually(() => expect(relais.posts()).toHaveLength(1));
    expect(relais.posts()[0]).toMatchObject({
      path: '/shipments/SHP-1/reject',
      body: { reason: 'damaged stock' },
    });
  });

  it('acts once on a repeated event, and ignores other statuses and event types', async () => {
    const { relais, bus } = await setUp();
    bus.emit('ShipmentStatusChanged.v1', allocated, 'same-id');
    bus.emit('ShipmentStatusChanged.v1', allocated, 'same-id');
    bus.emit('ShipmentStatusChanged.v1', { ...allocated, status: 'PACKED' });
    bus.emit('OrderReceived.v1', { orderId: 'ORD-1' });
    await eventually(() => expect(relais.posts()).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(relais.posts()).toHaveLength(1);
  });
});

describe('autopilot: carriers', { timeout: 30_000 }, () => {
  it('posts the four tracking webhooks in order, each with a valid signature and a unique event id', async () => {
    const { relais, bus } = await setUp({ token: 'tok' });
    bus.emit('ShipmentDispatched.v1', dispatched);

    await eventually(() => expect(relais.posts()).toHaveLength(4));
    const webhooks = relais.posts();
    expect(webhooks.map((w) => w.path)).toEqual(Array(4).fill('/webhooks/carriers/colissimo'));
    expect(webhooks.map((w) => (w.body as { status: string }).status)).toEqual([...CARRIER_JOURNEY]);
    const now = Math.floor(Date.now() / 1000);
    for (const webhook of webhooks) {
      const signature = webhook.headers['x-relais-signature'];
      expect(typeof signature).toBe('string');
      expect(verifyWebhookSignature(SECRET, String(signature), webhook.rawBody, now)).toBe(true);
      expect(verifyWebhookSignature('wrong', String(signature), webhook.rawBody, now)).toBe(false);
      expect(webhook.body).toMatchObject({ trackingNumber: 'TRK-123', eventId: expect.any(String) });
      expect(new Date((webhook.body as { occurredAt: string }).occurredAt).toISOString()).toBe(
        (webhook.body as { occurredAt: string }).occurredAt,
      );
      // The webhook is authenticated by its signature, not by the API token.
      expect(webhook.headers.authorization).toBeUndefined();
    }
    expect(new Set(webhooks.map((w) => (w.body as { eventId: string }).eventId)).size).toBe(4);
  });

  it('a missed delivery is reported with its reason and tried again, at most three times', async () => {
    const { relais, bus } = await setUp({ failedAttemptRate: 1 });
    bus.emit('ShipmentDispatched.v1', dispatched);
    await eventually(() => expect(relais.posts()).toHaveLength(8));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const bodies = relais.posts().map((w) => w.body as { status: string; reason?: string });
    expect(bodies.map((b) => b.status)).toEqual([
      'PICKED_UP',
      'IN_TRANSIT',
      ...Array(3).fill(['OUT_FOR_DELIVERY', 'DELIVERY_FAILED']).flat(),
    ]);
    for (const b of bodies.filter((b) => b.status === 'DELIVERY_FAILED'))
      expect(b.reason).toBe('recipient_absent');
  });

  it('a lost parcel is reported LOST after it went into transit, and nothing follows', async () => {
    const { relais, bus } = await setUp({ lostRate: 1 });
    bus.emit('ShipmentDispatched.v1', dispatched);
    await eventually(() => expect(relais.posts()).toHaveLength(3));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(relais.posts().map((w) => (w.body as { status: string }).status)).toEqual([
      'PICKED_UP',
      'IN_TRANSIT',
      'LOST',
    ]);
  });

  it('stops the journey on a 404 (unknown tracking number), logging it', async () => {
    const { relais, bus, logger } = await setUp({}, () => ({ status: 404, body: { title: 'Not Found' } }));
    bus.emit('ShipmentDispatched.v1', dispatched);
    await eventually(() => expect(logger.warn).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(relais.posts()).toHaveLength(1);
  });

  it('goes on after a 409, and resends the same event id after a 5xx', async () => {
    let calls = 0;
    const { relais, bus, logger } = await setUp({}, (r) => {
      calls++;
      if (calls === 1) return { status: 503 };
      if (r.body && (r.body as { status?: string }).status === 'IN_TRANSIT') return { status: 409 };
      return undefined;
    });
    bus.emit('ShipmentDispatched.v1', dispatched);
    await eventually(() => expect(relais.posts()).toHaveLength(5));
    const bodies = relais.posts().map((w) => w.body as { eventId: string; status: string });
    expect(bodies.map((b) => b.status)).toEqual([
      'PICKED_UP',
      'PICKED_UP',
      'IN_TRANSIT',
      'OUT_FOR_DELIVERY',
      'DELIVERED',
    ]);
    expect(bodies[0]?.eventId).toBe(bodies[1]?.eventId);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('409'), expect.anything());
  });
});

describe('autopilot: customers', { timeout: 30_000 }, () => {
  it('collects a shipment ready for pickup', async () => {
    const { relais, bus } = await setUp();
    bus.emit('ShipmentStatusChanged.v1', { ...allocated, status: 'READY_FOR_PICKUP', mode: 'click_collect' });
    await eventually(() => expect(relais.posts()).toHaveLength(1));
    expect(relais.posts()[0]).toMatchObject({ path: '/shipments/SHP-1/collected' });
  });

  it('places demo orders with an idempotency key, a real address and 1 to 3 lines', async () => {
    const { relais } = await setUp({ placeOrdersEverySeconds: 0.02, clickCollectShare: 0 });
    await eventually(() => expect(relais.posts().length).toBeGreaterThanOrEqual(3));
    const orders = relais.posts().slice(0, 3);
    for (const order of orders) {
      expect(order.path).toBe('/orders');
      expect(order.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
      const body = order.body as {
        channel: string;
        customer: { id: string };
        delivery: { mode: string; address: { postcode: string; country: string } };
        lines: { sku: string; quantity: number }[];
      };
      expect(['web', 'store', 'marketplace', 'callcenter']).toContain(body.channel);
      expect(body.customer.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(body.delivery.mode).toBe('home');
      expect(body.delivery.address).toMatchObject({
        postcode: expect.stringMatching(/^\d{5}$/),
        country: 'FR',
      });
      expect(body.lines.length).toBeGreaterThanOrEqual(1);
      expect(body.lines.length).toBeLessThanOrEqual(3);
      expect(new Set(body.lines.map((l) => l.sku)).size).toBe(body.lines.length);
      for (const line of body.lines) expect(line.sku).toMatch(/^SKU-\d{4}$/);
    }
    expect(new Set(orders.map((o) => o.headers['idempotency-key'])).size).toBe(3);
  });

  it('can place click & collect orders at a demo store', async () => {
    const { relais } = await setUp({ placeOrdersEverySeconds: 0.02, clickCollectShare: 1 });
    await eventually(() => expect(relais.posts().length).toBeGreaterThanOrEqual(1));
    expect(relais.posts()[0]?.body).toMatchObject({
      delivery: { mode: 'click_collect', storeId: expect.stringMatching(/^ST-/) },
    });
  });
});

describe('autopilot: robustness', { timeout: 30_000 }, () => {
  it('never throws out of a listener, whatever arrives', async () => {
    const { bus, logger } = await setUp();
    expect(bus.listeners.size).toBe(1);
    const [listener] = [...bus.listeners];
    const garbage: unknown[] = [
      null,
      undefined,
      {},
      { id: 'x1', 'detail-type': 'ShipmentStatusChanged.v1', detail: null },
      { id: 'x2', 'detail-type': 'ShipmentDispatched.v1', detail: { orderId: 1 } },
      { id: 'x3', 'detail-type': 'ShipmentStatusChanged.v1', detail: 'ALLOCATED' },
    ];
    for (const event of garbage) expect(() => listener?.(event as BusEvent)).not.toThrow();
    expect(logger.warn).toHaveBeenCalled();
  });

  it('logs and ignores a 409 from the location endpoints', async () => {
    const { relais, bus, logger } = await setUp({}, (r) =>
      r.method === 'POST' ? { status: 409 } : undefined,
    );
    bus.emit('ShipmentStatusChanged.v1', allocated);
    await eventually(() =>
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('409'), expect.anything()),
    );
    expect(relais.posts()).toHaveLength(1);
  });

  it('stop() cancels pending actions, unsubscribes and stops placing orders', async () => {
    const { relais, bus, autopilot } = await setUp({ speed: 10, placeOrdersEverySeconds: 0.05 });
    bus.emit('ShipmentStatusChanged.v1', allocated);
    bus.emit('ShipmentDispatched.v1', dispatched);
    bus.emit('ShipmentStatusChanged.v1', { ...allocated, shipmentId: 'SHP-2', status: 'READY_FOR_PICKUP' });
    autopilot.stop();
    expect(bus.listeners.size).toBe(0);
    autopilot.stop();

    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(relais.requests).toHaveLength(0);
  });

  it('stop() in the middle of a carrier journey aborts the call in flight and sends nothing more', async () => {
    let stopNow = () => {};
    const { relais, bus, autopilot } = await setUp({ speed: 20 }, (r) => {
      if (r.method === 'POST') stopNow();
      return undefined;
    });
    stopNow = () => autopilot.stop();
    bus.emit('ShipmentDispatched.v1', dispatched);
    await eventually(() => expect(relais.posts()).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(relais.posts()).toHaveLength(1);
  });
});
