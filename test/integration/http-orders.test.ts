/**
 * Orders through the HTTP contract: idempotent intake (one order per Idempotency-Key, whatever
 * the retries), the list with its cursor, and the shape of an order as a client reads it.
 */

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/keys.ts';
import { useTestCloud } from '../support/fixture.ts';
import { fulfilmentExecutionArn, homeOrder, untilStatus } from '../support/journey.ts';
import { localClients, localResources } from '../support/ports.ts';
import { expectProblem } from '../support/problem.ts';

const local = useTestCloud({ network: 'ho' });
const { api, ids } = local;

const orderStatuses = [
  'RECEIVED',
  'REJECTED',
  'BACKORDERED',
  'ALLOCATED',
  'IN_FULFILLMENT',
  'SHIPPED',
  'DELIVERED',
  'READY_FOR_PICKUP',
  'COLLECTED',
  'CANCELLED',
];

function orderFor(customerId: string, quantity = 1) {
  return { ...homeOrder([{ sku: ids.mug, quantity }]), customer: { id: customerId } };
}

/** Every order the API lists, following `next` to the end. */
async function allOrders(
  query = '',
): Promise<{ orderId: string; status: string; customer: { id: string } }[]> {
  const items = [];
  let next: string | undefined;
  do {
    const page = await api.get(`/orders?limit=100${query}${next ? `&next=${encodeURIComponent(next)}` : ''}`);
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    next = page.body.next;
  } while (next);
  return items;
}

async function ordersOfCustomer(customerId: string) {
  return (await allOrders()).filter((o) => o.customer.id === customerId);
}

function fulfilmentExecutionsOf(orderId: string) {
  const machine = local.cloud.model.stateMachines.find((m) => /fulfil/i.test(m.name));
  const listed = local.cloud.stepFunctions.listExecutions({
    stateMachineArn: machine?.arn,
    maxResults: 1000,
  });
  return (listed.executions ?? []).filter(
    (e) => e.executionArn === fulfilmentExecutionArn(local.cloud, orderId),
  );
}

async function cancel(orderId: string) {
  expect((await api.post(`/orders/${orderId}/cancel`, {})).status).toBe(202);
  await untilStatus(api, orderId, 'CANCELLED');
}

describe('POST /orders is idempotent per Idempotency-Key', () => {
  it('answers a retry with the same key and body with the same order, and makes one order', async () => {
    const body = orderFor('ho-cust-retry');
    const first = await api.placeOrder(body, 'ho-key-retry');
    const second = await api.placeOrder(body, 'ho-key-retry');
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ orderId: expect.any(String), status: 'RECEIVED' });
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    await untilStatus(api, first.body.orderId, 'ALLOCATED');
    expect((await api.placeOrder(body, 'ho-key-retry')).body).toEqual(first.body);

    const orders = await ordersOfCustomer('ho-cust-retry');
    expect(orders.map((o) => o.orderId)).toEqual([first.body.orderId]);
    expect(fulfilmentExecutionsOf(first.body.orderId)).toHaveLength(1);
    await cancel(first.body.orderId);
  });

  it('makes one order from five concurrent requests with one key; each caller ends with that order', async () => {
    const body = orderFor('ho-cust-burst');
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.placeOrder(body, 'ho-key-burst')));
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    const orderId = accepted[0]?.body.orderId;
    for (const answer of answers) {
      if (answer.status === 202) {
        expect(answer.body.orderId).toBe(orderId);
        continue;
      }
      // A request racing the first one may be told to retry (409, as the IETF Idempotency-Key draft
      // specifies for a request still in progress); its retry gets the same order.
      expectProblem(answer, 409);
      expect(answer.body.type).toBe('https://relais.dev/problems/idempotency-conflict');
      expect(answer.body.detail).toMatch(/in progress/);
      expect(answer.headers.get('retry-after')).toBe('1');
      const retried = await api.placeOrder(body, 'ho-key-burst');
      expect(retried.status).toBe(202);
      expect(retried.body.orderId).toBe(orderId);
    }
    await untilStatus(api, orderId, 'ALLOCATED');
    expect((await ordersOfCustomer('ho-cust-burst')).map((o) => o.orderId)).toEqual([orderId]);
    expect(fulfilmentExecutionsOf(orderId)).toHaveLength(1);
    await cancel(orderId);
  });

  it('refuses the same key with another body (409 problem) and creates nothing for it', async () => {
    const first = await api.placeOrder(orderFor('ho-cust-other'), 'ho-key-other');
    expect(first.status).toBe(202);
    const other = await api.placeOrder(orderFor('ho-cust-other', 2), 'ho-key-other');
    expectProblem(other, 409);
    expect(other.body.type).toBe('https://relais.dev/problems/idempotency-conflict');
    const stranger = await api.placeOrder(orderFor('ho-cust-stranger'), 'ho-key-other');
    expectProblem(stranger, 409);
    await untilStatus(api, first.body.orderId, 'ALLOCATED');
    const orders = await ordersOfCustomer('ho-cust-other');
    expect(orders.map((o) => o.orderId)).toEqual([first.body.orderId]);
    expect((await api.get(`/orders/${first.body.orderId}`)).body.lines).toEqual([
      { sku: ids.mug, quantity: 1 },
    ]);
    expect(await ordersOfCustomer('ho-cust-stranger')).toEqual([]);
    await cancel(first.body.orderId);
  });

  it('treats a retry whose JSON lists the same fields in another order as the same body', async () => {
    const body = orderFor('ho-cust-reordered');
    const first = await api.placeOrder(body, 'ho-key-reordered');
    expect(first.status).toBe(202);
    const { lines, delivery, customer, channel } = body;
    const reordered = await api.placeOrder({ lines, delivery, customer, channel }, 'ho-key-reordered');
    expect(reordered.status, JSON.stringify(reordered.body)).toBe(202);
    expect(reordered.body).toEqual(first.body);
    await untilStatus(api, first.body.orderId, 'ALLOCATED');
    await cancel(first.body.orderId);
  });

  it('keeps a client-chosen orderId unique across keys (409 for a second key)', async () => {
    const body = { ...orderFor('ho-cust-own-id'), orderId: 'ho-ORD-OWN' };
    const first = await api.placeOrder(body, 'ho-key-own-1');
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ orderId: 'ho-ORD-OWN', status: 'RECEIVED' });
    expectProblem(
      await api.placeOrder({ ...body, lines: [{ sku: ids.lamp, quantity: 1 }] }, 'ho-key-own-2'),
      409,
    );
    await untilStatus(api, 'ho-ORD-OWN', 'ALLOCATED');
    expect((await api.get('/orders/ho-ORD-OWN')).body.lines).toEqual([{ sku: ids.mug, quantity: 1 }]);
    expect(fulfilmentExecutionsOf('ho-ORD-OWN')).toHaveLength(1);
    await cancel('ho-ORD-OWN');
  });
});

describe('GET /orders', () => {
  it('pages through ALLOCATED orders one at a time with `next`, each once', async () => {
    const placed = [];
    for (const n of [1, 2, 3]) {
      const answer = await api.placeOrder({ ...orderFor('ho-cust-page'), orderId: `ho-ORD-PAGE-${n}` });
      expect(answer.status).toBe(202);
      placed.push(answer.body.orderId as string);
    }
    for (const orderId of placed) await untilStatus(api, orderId, 'ALLOCATED');

    const first = await api.get('/orders?status=ALLOCATED&limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(typeof first.body.next).toBe('string');

    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await api.get(
        `/orders?status=ALLOCATED&limit=1${next ? `&next=${encodeURIComponent(next)}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      for (const item of page.body.items) {
        expect(item.status).toBe('ALLOCATED');
        seen.push(item.orderId);
      }
      next = page.body.next;
      pages++;
    } while (next && pages < 50);
    expect(next).toBeUndefined();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(placed));

    const everything = await allOrders();
    const allocated = everything.filter((o) => o.status === 'ALLOCATED').map((o) => o.orderId);
    expect([...seen].sort()).toEqual([...allocated].sort());
    for (const orderId of placed) await cancel(orderId);
    const cancelled = (await allOrders('&status=CANCELLED')).map((o) => o.orderId);
    expect(cancelled).toEqual(expect.arrayContaining(placed));
  });

  it('answers 200 with the default page when there is no query string at all', async () => {
    expect(
      (await api.placeOrder({ ...orderFor('ho-cust-default-page'), orderId: 'ho-ORD-DEFAULT-PAGE' })).status,
    ).toBe(202);
    await untilStatus(api, 'ho-ORD-DEFAULT-PAGE', 'ALLOCATED');
    const answer = await api.get('/orders');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    // newest first: the order just placed heads the page
    expect(answer.body.items[0]?.orderId).toBe('ho-ORD-DEFAULT-PAGE');
    expect(answer.body.items.length).toBeLessThanOrEqual(20);
    await cancel('ho-ORD-DEFAULT-PAGE');
  });

  it('refuses a `next` it did not issue with 400, never 500', async () => {
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const n of [1, 2]) {
      expect(
        (await api.placeOrder({ ...orderFor('ho-cust-cursor'), orderId: `ho-ORD-CURSOR-${n}` })).status,
      ).toBe(202);
    }
    const issued = (await api.get('/orders?limit=1')).body.next as string;
    expect(typeof issued).toBe('string');
    const forged = [
      'not-a-cursor',
      '%%%',
      cursor('just a string'),
      cursor({ foo: 1 }),
      cursor(null),
      cursor([1, 2]),
      cursor({ PK: 42 }),
      `${issued.slice(0, -4)}AAAA`,
    ];
    const statuses: Record<string, number> = {};
    for (const next of forged) {
      const answer = await api.get(`/orders?limit=1&next=${encodeURIComponent(next)}`);
      statuses[next] = answer.status;
      if (answer.status === 400) expectProblem(answer, 400);
    }
    for (const n of [1, 2]) {
      await untilStatus(api, `ho-ORD-CURSOR-${n}`, 'ALLOCATED');
      await cancel(`ho-ORD-CURSOR-${n}`);
    }
    expect(statuses).toEqual(Object.fromEntries(forged.map((next) => [next, 400])));
  });
});

describe('GET /orders/{orderId}', () => {
  it('shows an allocated order as the contract describes it', async () => {
    const body = {
      ...homeOrder([
        { sku: ids.mug, quantity: 2 },
        { sku: ids.lamp, quantity: 1 },
      ]),
      orderId: 'ho-ORD-SHAPE',
      channel: 'callcenter',
      customer: { id: 'ho-cust-shape', email: 'shape@example.com' },
    };
    const received = await api.placeOrder(body);
    expect(received.status).toBe(202);
    const early = await api.get('/orders/ho-ORD-SHAPE');
    expect(early.status).toBe(200);
    expect(early.headers.get('content-type')).toBe('application/json');
    expect(orderStatuses).toContain(early.body.status);

    const order = await untilStatus(api, 'ho-ORD-SHAPE', 'ALLOCATED');
    expect(order).toMatchObject({
      orderId: 'ho-ORD-SHAPE',
      status: 'ALLOCATED',
      channel: 'callcenter',
      lines: body.lines,
      delivery: { mode: 'home', address: body.delivery.address },
    });
    for (const hidden of ['waiting', 'version', 'PK', 'SK', 'GSI1PK', 'GSI1SK', 'cancelRequested']) {
      expect(Object.keys(order)).not.toContain(hidden);
    }

    expect(order.shipments.length).toBeGreaterThanOrEqual(1);
    const shipped = new Map<string, number>();
    for (const shipment of order.shipments) {
      expect(shipment).toMatchObject({
        shipmentId: expect.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        locationId: expect.any(String),
        status: 'ALLOCATED',
      });
      for (const line of shipment.lines) shipped.set(line.sku, (shipped.get(line.sku) ?? 0) + line.quantity);
    }
    expect(Object.fromEntries(shipped)).toEqual({ [ids.mug]: 2, [ids.lamp]: 1 });

    // only Lyon holds lamps, so the lamp's shipment is Lyon's; the explanation tells the same plan
    const lampShipment = order.shipments.find((s: { lines: { sku: string }[] }) =>
      s.lines.some((line) => line.sku === ids.lamp),
    );
    expect(lampShipment?.locationId).toBe(ids.lyon);
    const { cost, explanation } = order.sourcing;
    expect(cost).toBeGreaterThan(0);
    expect(explanation).toMatchObject({
      strategy: 'exact-branch-and-bound',
      provenOptimal: true,
      candidates: 3,
      excluded: [],
    });
    expect(explanation.costTerms.total).toBeCloseTo(cost, 2);
    type Chosen = { locationId: string; skus: string[]; cost: number };
    expect(explanation.chosen.map((c: Chosen) => c.locationId).sort()).toEqual(
      order.shipments.map((s: { locationId: string }) => s.locationId).sort(),
    );
    expect(explanation.chosen.flatMap((c: Chosen) => c.skus).sort()).toEqual([ids.lamp, ids.mug].sort());
    expect(explanation.chosen.reduce((sum: number, c: Chosen) => sum + c.cost, 0)).toBeCloseTo(cost, 1);

    expect(order.history.length).toBeGreaterThanOrEqual(2);
    for (const entry of order.history) {
      expect(orderStatuses).toContain(entry.status);
      expect(new Date(entry.at).toISOString()).toBe(entry.at);
      if (entry.detail !== undefined) expect(entry.detail).toEqual(expect.any(String));
    }
    expect(order.history[0].status).toBe('RECEIVED');
    expect(order.history.map((h: { status: string }) => h.status)).toContain('ALLOCATED');
    const times = order.history.map((h: { at: string }) => Date.parse(h.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const listed = (await allOrders('&status=ALLOCATED')).find((o) => o.orderId === 'ho-ORD-SHAPE');
    // the list shows the same order, its sourcing by cost only (the explanation is the order's route's)
    expect(listed).toEqual({ ...order, sourcing: { cost: order.sourcing.cost } });
    await cancel('ho-ORD-SHAPE');
  });

  it('shows a rejected order with its reason', async () => {
    const received = await api.placeOrder({
      ...homeOrder([{ sku: ids.lamp, quantity: 500 }]),
      orderId: 'ho-ORD-NOPE',
    });
    expect(received.status).toBe(202);
    const order = await untilStatus(api, 'ho-ORD-NOPE', 'REJECTED');
    expect(order.rejection.reason).toEqual(expect.any(String));
    expect(order.rejection.reason).toContain(ids.lamp);
    expect(order.history.map((h: { status: string }) => h.status)).toEqual(['RECEIVED', 'REJECTED']);
  });
});

describe('the stored order', () => {
  it('keeps its sourcing explanation deflated beside its fields, and serves it whole', async () => {
    const placed = await api.placeOrder(homeOrder([{ sku: ids.mug, quantity: 1 }]));
    expect(placed.status).toBe(202);
    const allocated = await untilStatus(api, placed.body.orderId, 'ALLOCATED');
    const explanation = allocated.sourcing.explanation;
    expect(explanation.chosen).toHaveLength(1);
    const { Item } = await localClients(local.cloud).dynamodb.send(
      new GetCommand({
        TableName: localResources(local.cloud).tables.orders,
        Key: keys.order(placed.body.orderId),
        ConsistentRead: true,
      }),
    );
    expect(Item?.sourcing.explanation).toBeNull();
    const deflated = Item?.sourcingExplanationDeflated as Uint8Array;
    expect(deflated).toBeInstanceOf(Uint8Array);
    expect(deflated.byteLength).toBeLessThan(JSON.stringify(explanation).length);
    // a page of the list shows its cost and leaves the explanation to the order's route
    const listed = (await api.get('/orders?limit=5')).body.items.find(
      (o: { orderId: string }) => o.orderId === placed.body.orderId,
    );
    expect(listed.sourcing).toEqual({ cost: allocated.sourcing.cost });
    await api.post(`/orders/${placed.body.orderId}/cancel`);
  });
});
