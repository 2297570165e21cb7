/**
 * The edge of the HTTP contract (DESIGN.md section 6), driven from outside: every write route
 * refuses what it cannot accept with a problem+json answer that names the bad field, and writes
 * nothing when it does. No input, however odd, earns a 500.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../functions/core/carriers/webhook-signature.ts';
import { type ApiAnswer, testWebhookSecret } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import { fulfilmentExecutionArn, homeOrder, stockOf, untilStatus } from '../support/journey.ts';
import { expectProblem as expectProblemWithFields } from '../support/problem.ts';

const expectProblem = (answer: ApiAnswer, status: number, fields?: string[]) =>
  expectProblemWithFields(answer, status, fields, { distinctFields: true });

const local = useTestCloud({ network: 'hv' });
const { api, ids, events } = local;

const raw = (method: string, path: string, text: string, headers: Record<string, string> = {}) =>
  api.call(method, path, text, headers);

/** Sets (or, with `undefined`, deletes) the value at a dotted path of a copy of `value`. */
function withValueAt(value: unknown, path: string, replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  const parts = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const last = parts[parts.length - 1] as string;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

const validLocation = {
  name: 'Marseille Vieux-Port',
  type: 'store',
  lat: 43.2965,
  lon: 5.3698,
  postcode: '13002',
  capabilities: ['ship', 'click_collect'],
  handlingCost: 1.5,
  storageCostPerUnitDay: 0.02,
  dailyCapacity: 200,
  priority: 3,
  performance: 0.9,
  handling: ['cold'],
  cutoffTime: '15:30',
  downtime: [{ from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' }],
};

describe('PUT /locations/{locationId}', () => {
  const cases: [string, string | object, string[]][] = [
    ['malformed JSON', '{"name": "Nice", "type":', ['body']],
    ['lat as a string', { ...validLocation, lat: '43.2' }, ['body.lat']],
    ['capabilities as a string', { ...validLocation, capabilities: 'ship' }, ['body.capabilities']],
    ['no name', withValueAt(validLocation, 'name', undefined) as object, ['body.name']],
    ['no type, no lat', { name: 'x', lon: 1, capabilities: [] }, ['body.type', 'body.lat']],
    ['lat 91', { ...validLocation, lat: 91 }, ['body.lat']],
    ['lon -180.5', { ...validLocation, lon: -180.5 }, ['body.lon']],
    ['priority 11', { ...validLocation, priority: 11 }, ['body.priority']],
    ['performance 1.5', { ...validLocation, performance: 1.5 }, ['body.performance']],
    ['type depot', { ...validLocation, type: 'depot' }, ['body.type']],
    [
      'capability teleport',
      { ...validLocation, capabilities: ['ship', 'teleport'] },
      ['body.capabilities.1'],
    ],
    ['handling radioactive', { ...validLocation, handling: ['radioactive'] }, ['body.handling.0']],
    ['cutoffTime 25:00', { ...validLocation, cutoffTime: '25:00' }, ['body.cutoffTime']],
    [
      'downtime ending before it starts',
      { ...validLocation, downtime: [{ from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' }] },
      ['body.downtime.0'],
    ],
    ['a JSON array', [validLocation], ['body']],
  ];

  it('refuses malformed, mistyped, missing, out-of-range and unknown values with 400 and writes nothing', async () => {
    for (const [i, [what, body, fields]] of cases.entries()) {
      const locationId = `hv-LOC-BAD-${i}`;
      const answer =
        typeof body === 'string'
          ? await raw('PUT', `/locations/${locationId}`, body)
          : await api.put(`/locations/${locationId}`, body);
      expectProblem(answer, 400, fields);
      expect((await api.get(`/locations/${locationId}`)).status, what).toBe(404);
    }
    const malformed = await raw('PUT', `/locations/hv-LOC-BAD-0`, '{"name": "Nice", "type":');
    expect(malformed.body.detail).toBe('the body is not valid JSON');
  });

  it('leaves an existing location as it was when an update is refused', async () => {
    const before = (await api.get(`/locations/${ids.lyon}`)).body;
    expectProblem(await api.put(`/locations/${ids.lyon}`, { ...before, lat: 91 }), 400, ['body.lat']);
    expectProblem(await api.put(`/locations/${ids.lyon}`, { ...before, type: 'depot' }), 400, ['body.type']);
    expect((await api.get(`/locations/${ids.lyon}`)).body).toEqual(before);
  });

  it('refuses ids that do not match ^[A-Za-z0-9_-]{1,64}$', async () => {
    const badIds = ['bad.id', 'a'.repeat(65), 'caf%C3%A9', 'with%20space', 'semi%3Bcolon'];
    for (const badId of badIds) {
      expectProblem(await api.put(`/locations/${badId}`, validLocation), 400, ['pathParameters.locationId']);
    }
    const listed = (await api.get('/locations')).body.items.map((l: { locationId: string }) => l.locationId);
    expect(listed.filter((l: string) => !/^[A-Za-z0-9_-]{1,64}$/.test(l))).toEqual([]);
    // the longest id allowed is accepted
    expect((await api.put(`/locations/${'b'.repeat(64)}`, validLocation)).status).toBe(200);
  });
});

describe('PUT /products/{sku}', () => {
  const product = { name: 'Teapot', weightKg: 1.2 };
  const cases: [string, string | object, string[]][] = [
    ['malformed JSON', '{"name": "Teapot",,}', ['body']],
    ['weightKg as a string', { ...product, weightKg: '1.2kg' }, ['body.weightKg']],
    ['no name', { weightKg: 1 }, ['body.name']],
    ['weightKg -1', { ...product, weightKg: -1 }, ['body.weightKg']],
    [
      'kit component quantity 0',
      { ...product, kit: [{ sku: 'hv-MUG', quantity: 0 }] },
      ['body.kit.0.quantity'],
    ],
    [
      'kit component quantity 1000',
      { ...product, kit: [{ sku: 'hv-MUG', quantity: 1000 }] },
      ['body.kit.0.quantity'],
    ],
    [
      'kit component with a bad id',
      { ...product, kit: [{ sku: 'hv MUG', quantity: 1 }] },
      ['body.kit.0.sku'],
    ],
    ['handling radioactive', { ...product, handling: ['radioactive'] }, ['body.handling.0']],
    ['endOfSeries as a string', { ...product, endOfSeries: 'yes' }, ['body.endOfSeries']],
    ['releaseDate not a calendar day', { ...product, releaseDate: '2026-02-30' }, ['body.releaseDate']],
    ['releaseDate as an instant', { ...product, releaseDate: '2026-03-01T00:00:00Z' }, ['body.releaseDate']],
  ];

  it('refuses bad bodies with 400 and creates no product', async () => {
    for (const [i, [, body, fields]] of cases.entries()) {
      const sku = `hv-SKU-BAD-${i}`;
      const answer =
        typeof body === 'string'
          ? await raw('PUT', `/products/${sku}`, body)
          : await api.put(`/products/${sku}`, body);
      expectProblem(answer, 400, fields);
      expectProblem(await api.get(`/inventory/${sku}`), 404);
    }
  });

  it('refuses a bad SKU in the path, and a kit of unknown components (422)', async () => {
    expectProblem(await api.put('/products/hv.SKU', product), 400, ['pathParameters.sku']);
    expectProblem(
      await api.put('/products/hv-KIT-GHOST', { ...product, kit: [{ sku: 'hv-NO-SUCH-PART', quantity: 1 }] }),
      422,
      ['kit.sku'],
    );
    expectProblem(await api.get('/inventory/hv-KIT-GHOST'), 404);
  });
});

describe('PUT /inventory/{locationId}/{sku}', () => {
  it('refuses bad counts with 400 and leaves the stock row as it was', async () => {
    const before = await stockOf(api, ids.mug, ids.lyon);
    const path = `/inventory/${ids.lyon}/${ids.mug}`;
    const cases: [string | object, string[]][] = [
      ['{"onHand": 3', ['body']],
      [{ onHand: '5' }, ['body.onHand']],
      [{ onHand: 1.5 }, ['body.onHand']],
      [{ onHand: -1 }, ['body.onHand']],
      [{}, ['body.onHand']],
      [{ onHand: 5, safetyStock: -1 }, ['body.safetyStock']],
      [{ onHand: 5, asOf: 'yesterday' }, ['body.asOf']],
      [{ onHand: 1_000_000_001 }, ['body.onHand']],
    ];
    for (const [body, fields] of cases) {
      const answer = typeof body === 'string' ? await raw('PUT', path, body) : await api.put(path, body);
      expectProblem(answer, 400, fields);
    }
    expectProblem(await api.put(`/inventory/hv.LOC/${ids.mug}`, { onHand: 1 }), 400, [
      'pathParameters.locationId',
    ]);
    expectProblem(await api.put(`/inventory/${ids.lyon}/${'s'.repeat(65)}`, { onHand: 1 }), 400, [
      'pathParameters.sku',
    ]);
    expect(await stockOf(api, ids.mug, ids.lyon)).toEqual(before);
  });
});

describe('POST /inventory/adjustments', () => {
  it('refuses bad adjustments with 400, records nothing, so the adjustmentId stays free', async () => {
    const before = await stockOf(api, ids.mug, ids.lille);
    const adjustment = {
      adjustmentId: 'hv-ADJ-1',
      locationId: ids.lille,
      sku: ids.mug,
      delta: 2,
      reason: 'found in the back',
    };
    const cases: [string | object, string[]][] = [
      ['{"adjustmentId": "hv-ADJ-1", "delta": }', ['body']],
      [{ ...adjustment, delta: '2' }, ['body.delta']],
      [{ ...adjustment, delta: 1.5 }, ['body.delta']],
      [{ ...adjustment, delta: 0 }, ['body.delta']],
      [withValueAt(adjustment, 'adjustmentId', undefined) as object, ['body.adjustmentId']],
      [{ ...adjustment, adjustmentId: 'hv ADJ 1' }, ['body.adjustmentId']],
      [{ ...adjustment, locationId: 'a/b' }, ['body.locationId']],
      [{ ...adjustment, reason: '' }, ['body.reason']],
      [{ ...adjustment, sku: 42 }, ['body.sku']],
    ];
    for (const [body, fields] of cases) {
      const answer =
        typeof body === 'string'
          ? await raw('POST', '/inventory/adjustments', body)
          : await api.post('/inventory/adjustments', body);
      expectProblem(answer, 400, fields);
    }
    expect(await stockOf(api, ids.mug, ids.lille)).toEqual(before);
    // the refused attempts did not consume the id: the first valid use applies
    const applied = await api.post('/inventory/adjustments', adjustment);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ onHand: before.onHand + 2 });
    expect(await stockOf(api, ids.mug, ids.lille)).toMatchObject({ onHand: before.onHand + 2 });
  });
});

describe('POST /orders', () => {
  const base = () => ({ ...homeOrder([{ sku: ids.mug, quantity: 1 }]), customer: { id: 'hv-customer' } });

  function ordersReceived(orderId: string) {
    return events.filter(
      (e) => e['detail-type'] === 'OrderReceived.v1' && (e.detail as { orderId: string }).orderId === orderId,
    );
  }

  async function expectNoOrder(orderId: string) {
    expectProblem(await api.get(`/orders/${orderId}`), 404);
    await local.cloud.idle();
    expect(ordersReceived(orderId)).toEqual([]);
    const machine = local.cloud.model.stateMachines.find((m) => /fulfil/i.test(m.name));
    const executions = local.cloud.stepFunctions.listExecutions({
      stateMachineArn: machine?.arn,
      maxResults: 1000,
    });
    expect(executions.executions?.map((e) => e.executionArn)).not.toContain(
      fulfilmentExecutionArn(local.cloud, orderId),
    );
  }

  const lines101 = Array.from({ length: 101 }, () => ({ sku: 'hv-MUG', quantity: 1 }));
  const cases: [string, (body: Record<string, unknown>) => unknown, string[]][] = [
    ['channel fax', (b) => ({ ...b, channel: 'fax' }), ['body.channel']],
    ['delivery.mode drone', (b) => ({ ...b, delivery: { mode: 'drone' } }), ['body.delivery.mode']],
    ['quantity 0', (b) => withValueAt(b, 'lines.0.quantity', 0), ['body.lines.0.quantity']],
    ['quantity 1000', (b) => withValueAt(b, 'lines.0.quantity', 1000), ['body.lines.0.quantity']],
    ['quantity 1.5', (b) => withValueAt(b, 'lines.0.quantity', 1.5), ['body.lines.0.quantity']],
    ['quantity "two"', (b) => withValueAt(b, 'lines.0.quantity', 'two'), ['body.lines.0.quantity']],
    ['101 lines', (b) => ({ ...b, lines: lines101 }), ['body.lines']],
    ['no lines', (b) => ({ ...b, lines: [] }), ['body.lines']],
    ['lines as an object', (b) => ({ ...b, lines: { sku: 'hv-MUG', quantity: 1 } }), ['body.lines']],
    ['no customer', (b) => withValueAt(b, 'customer', undefined), ['body.customer']],
    [
      'customer email not an email',
      (b) => ({ ...b, customer: { id: 'c', email: 'not-an-email' } }),
      ['body.customer.email'],
    ],
    [
      'an e-mail with 65 characters before the @',
      (b) => ({ ...b, customer: { id: 'c', email: `${'a'.repeat(65)}@example.com` } }),
      ['body.customer.email'],
    ],
    [
      'an e-mail of 255 characters',
      (b) => ({
        ...b,
        customer: {
          id: 'c',
          email: `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(61)}`,
        },
      }),
      ['body.customer.email'],
    ],
    [
      'a NUL in the address',
      (b) => withValueAt(b, 'delivery.address.line1', '1 rue\u0000 de Rivoli'),
      ['body.delivery.address.line1'],
    ],
    [
      'an escape sequence in the city',
      (b) => withValueAt(b, 'delivery.address.city', 'Paris\u001b[31m'),
      ['body.delivery.address.city'],
    ],
    ['a bad customer id', (b) => ({ ...b, customer: { id: 'c c' } }), ['body.customer.id']],
    [
      'home delivery without address',
      (b) => ({ ...b, delivery: { mode: 'home' } }),
      ['body.delivery.address'],
    ],
    [
      'click_collect without storeId',
      (b) => ({ ...b, delivery: { mode: 'click_collect' } }),
      ['body.delivery.storeId'],
    ],
    [
      'e_reservation without storeId',
      (b) => ({ ...b, delivery: { mode: 'e_reservation' } }),
      ['body.delivery.storeId'],
    ],
    ['address lat 91', (b) => withValueAt(b, 'delivery.address.lat', 91), ['body.delivery.address.lat']],
    [
      'address without postcode',
      (b) => withValueAt(b, 'delivery.address.postcode', undefined),
      ['body.delivery.address.postcode'],
    ],
    [
      'country France',
      (b) => withValueAt(b, 'delivery.address.country', 'France'),
      ['body.delivery.address.country'],
    ],
    ['service overnight', (b) => withValueAt(b, 'delivery.service', 'overnight'), ['body.delivery.service']],
    ['a SKU with a dot', (b) => withValueAt(b, 'lines.0.sku', 'hv.MUG'), ['body.lines.0.sku']],
    ['unitPrice -1', (b) => withValueAt(b, 'lines.0.unitPrice', -1), ['body.lines.0.unitPrice']],
    ['null', () => null, ['body']],
    ['a number', () => 42, ['body']],
  ];

  it('refuses each malformed order with 400 naming the field, and creates no order', async () => {
    for (const [i, [what, mutate, fields]] of cases.entries()) {
      const orderId = `hv-ORD-BAD-${i}`;
      const body = mutate({ ...base(), orderId });
      const answer = await api.placeOrder(body, `hv-key-bad-${i}`);
      expectProblem(answer, 400, fields);
      await expectNoOrder(orderId);
      expect(answer.body.detail, what).toBe('the request is invalid');
    }
  });

  it('refuses malformed JSON and a non-JSON body with 400', async () => {
    const malformed = await raw('POST', '/orders', '{"orderId": "hv-ORD-RAW", "channel": "web", ', {
      'idempotency-key': 'hv-raw-1',
    });
    expectProblem(malformed, 400, ['body']);
    expect(malformed.body.detail).toBe('the body is not valid JSON');
    const empty = await raw('POST', '/orders', '', { 'idempotency-key': 'hv-raw-2' });
    expectProblem(empty, 400);
    const form = await raw('POST', '/orders', 'orderId=hv-ORD-RAW&channel=web', {
      'idempotency-key': 'hv-raw-3',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expectProblem(form, 400, ['body']);
    await expectNoOrder('hv-ORD-RAW');
  });

  it('refuses an order id that does not match ^[A-Za-z0-9_-]{1,64}$', async () => {
    for (const orderId of ['hv ORD', 'hv/ORD', 'o'.repeat(65), '']) {
      expectProblem(await api.placeOrder({ ...base(), orderId }), 400, ['body.orderId']);
    }
  });

  it('needs an Idempotency-Key (400), of at most 255 characters', async () => {
    const missing = await api.post('/orders', { ...base(), orderId: 'hv-ORD-NOKEY' });
    expectProblem(missing, 400, ['Idempotency-Key']);
    const tooLong = await api.placeOrder({ ...base(), orderId: 'hv-ORD-NOKEY' }, 'k'.repeat(256));
    expectProblem(tooLong, 400, ['Idempotency-Key']);
    await expectNoOrder('hv-ORD-NOKEY');
  });

  it('refuses a body over 256 KB with 413 and writes nothing', async () => {
    const body = {
      ...base(),
      orderId: 'hv-ORD-HUGE',
      customer: { id: 'hv-huge', note: 'x'.repeat(300 * 1024) },
    };
    const huge = await api.placeOrder(body, 'hv-key-huge');
    expectProblem(huge, 413);
    // the handler's own check answers, not the HTTP front (API Gateway lets up to 10 MB through)
    expect(huge.body.detail).toMatch(/^the body is \d+ bytes; the limit is 262144$/);
    await expectNoOrder('hv-ORD-HUGE');
    // just under the limit, the body is read and checked (here: an unknown SKU, so nothing is created)
    const under = {
      ...base(),
      orderId: 'hv-ORD-BIG',
      customer: { id: 'hv-big', note: 'x'.repeat(200 * 1024) },
      lines: [{ sku: 'hv-GHOST', quantity: 1 }],
    };
    expectProblem(await api.placeOrder(under, 'hv-key-big'), 422, ['lines.0.sku']);
    await expectNoOrder('hv-ORD-BIG');
  });

  it('answers 422 naming the line of an unknown SKU, and the unknown store; the key stays usable', async () => {
    const unknownSku = await api.placeOrder(
      {
        ...base(),
        orderId: 'hv-ORD-GHOST',
        lines: [
          { sku: ids.mug, quantity: 1 },
          { sku: 'hv-GHOST', quantity: 2 },
        ],
      },
      'hv-key-ghost',
    );
    expectProblem(unknownSku, 422, ['lines.1.sku']);
    expect(unknownSku.body.errors[0].message).toContain('hv-GHOST');
    await expectNoOrder('hv-ORD-GHOST');

    const unknownStore = await api.placeOrder(
      { ...base(), orderId: 'hv-ORD-NOSTORE', delivery: { mode: 'click_collect', storeId: 'hv-NO-STORE' } },
      'hv-key-nostore',
    );
    expectProblem(unknownStore, 422, ['delivery.storeId']);
    await expectNoOrder('hv-ORD-NOSTORE');

    // a refused request does not keep its Idempotency-Key: the corrected order goes through with it
    const corrected = await api.placeOrder({ ...base(), orderId: 'hv-ORD-GHOST' }, 'hv-key-ghost');
    expect(corrected.status).toBe(202);
    expect(corrected.body.orderId).toBe('hv-ORD-GHOST');
    await untilStatus(api, 'hv-ORD-GHOST', 'ALLOCATED');
    expect((await api.post('/orders/hv-ORD-GHOST/cancel', {})).status).toBe(202);
    await untilStatus(api, 'hv-ORD-GHOST', 'CANCELLED');
  });
});

describe('POST /promise', () => {
  const delivery = homeOrder([]).delivery;
  it('refuses bad requests with 400, unknown SKUs and stores with 422', async () => {
    const cases: [string | object, string[]][] = [
      ['{"lines": [', ['body']],
      [{ lines: [], delivery }, ['body.lines']],
      [{ lines: [{ sku: ids.mug, quantity: 0 }], delivery }, ['body.lines.0.quantity']],
      [{ lines: [{ sku: ids.mug, quantity: 1000 }], delivery }, ['body.lines.0.quantity']],
      [{ lines: [{ sku: ids.mug, quantity: 1 }], delivery: { mode: 'drone' } }, ['body.delivery.mode']],
      [{ lines: [{ sku: ids.mug, quantity: 1 }], delivery: { mode: 'home' } }, ['body.delivery.address']],
      [
        { lines: [{ sku: ids.mug, quantity: 1 }], delivery: { mode: 'click_collect' } },
        ['body.delivery.storeId'],
      ],
      [{ lines: [{ sku: ids.mug, quantity: 1 }], delivery, at: 'tomorrow' }, ['body.at']],
      [{ lines: [{ sku: ids.mug, quantity: 1 }] }, ['body.delivery']],
    ];
    for (const [body, fields] of cases) {
      const answer =
        typeof body === 'string' ? await raw('POST', '/promise', body) : await api.post('/promise', body);
      expectProblem(answer, 400, fields);
    }
    const unknownSku = await api.post('/promise', {
      lines: [
        { sku: ids.mug, quantity: 1 },
        { sku: 'hv-GHOST', quantity: 1 },
      ],
      delivery,
    });
    expectProblem(unknownSku, 422, ['lines.1.sku']);
    expect(unknownSku.body.errors[0].message).toContain('hv-GHOST');
  });

  it('answers 422 for an unknown store, as POST /orders does, rather than an empty list of options', async () => {
    const answer = await api.post('/promise', {
      lines: [{ sku: ids.mug, quantity: 1 }],
      delivery: { mode: 'click_collect', storeId: 'hv-NO-STORE' },
    });
    expectProblem(answer, 422, ['delivery.storeId']);
  });
});

describe('POST /shipments/{shipmentId}/reject', () => {
  it('refuses a bad rejection with 400 and leaves the shipment allocated', async () => {
    const placed = await api.placeOrder({
      ...homeOrder([{ sku: ids.mug, quantity: 1 }]),
      orderId: 'hv-ORD-REJ',
    });
    expect(placed.status).toBe(202);
    const allocated = await untilStatus(api, 'hv-ORD-REJ', 'ALLOCATED');
    const { shipmentId } = allocated.shipments[0];
    const path = `/shipments/${shipmentId}/reject`;
    const cases: [string | object, string[]][] = [
      ['{"reason": "broken"', ['body']],
      [{}, ['body.reason']],
      [{ reason: '' }, ['body.reason']],
      [{ reason: 42 }, ['body.reason']],
      [{ reason: 'r'.repeat(501) }, ['body.reason']],
    ];
    for (const [body, fields] of cases) {
      const answer = typeof body === 'string' ? await raw('POST', path, body) : await api.post(path, body);
      expectProblem(answer, 400, fields);
    }
    expectProblem(await api.post('/shipments/hv.SHIP/reject', { reason: 'broken' }), 400, [
      'pathParameters.shipmentId',
    ]);
    expectProblem(await api.post('/shipments/hv-NO-SHIP/reject', { reason: 'broken' }), 404);
    await local.cloud.idle();
    const after = (await api.get('/orders/hv-ORD-REJ')).body;
    expect(after.status).toBe('ALLOCATED');
    expect(after.shipments).toHaveLength(1);
    expect(after.shipments[0]).toMatchObject({ shipmentId, status: 'ALLOCATED' });
    expect(after.shipments[0].rejection).toBeUndefined();
    expect((await api.post('/orders/hv-ORD-REJ/cancel', {})).status).toBe(202);
    await untilStatus(api, 'hv-ORD-REJ', 'CANCELLED');
  });
});

describe('POST /webhooks/carriers/{carrierId}', () => {
  /** Signed with the right secret, so that what is refused is the body, not the signature. */
  async function postSigned(carrierId: string, body: string) {
    const response = await fetch(`${local.cloud.url}/webhooks/carriers/${carrierId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-relais-signature': signWebhook(testWebhookSecret, body),
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: JSON.parse(text) } satisfies ApiAnswer;
  }

  it('refuses a signed but malformed carrier event with 400 and forwards nothing', async () => {
    await local.cloud.idle();
    const seen = events.length;
    const event = {
      eventId: 'hv-EVT-1',
      trackingNumber: 'CS12345678901234FR',
      status: 'IN_TRANSIT',
      occurredAt: new Date().toISOString(),
    };
    const cases: [string, string[]][] = [
      ['{"eventId": "hv-EVT-1", ', ['body']],
      [JSON.stringify({ ...event, status: 'TELEPORTED' }), ['status']],
      [JSON.stringify(withValueAt(event, 'trackingNumber', undefined)), ['trackingNumber']],
      [JSON.stringify({ ...event, occurredAt: 'just now' }), ['occurredAt']],
      [JSON.stringify({ ...event, eventId: 'hv EVT' }), ['eventId']],
      [JSON.stringify({ ...event, reason: 'aliens' }), ['reason']],
      [JSON.stringify({ ...event, rawCode: 'X'.repeat(65) }), ['rawCode']],
      [JSON.stringify({ ...event, rawCode: '' }), ['rawCode']],
    ];
    for (const [body, fields] of cases) expectProblem(await postSigned('colis-standard', body), 400, fields);
    expectProblem(await postSigned('colis-standard', JSON.stringify([event])), 400);
    expectProblem(await postSigned('colis.standard', JSON.stringify(event)), 400, [
      'pathParameters.carrierId',
    ]);
    await local.cloud.idle();
    expect(events.slice(seen).filter((e) => e['detail-type'] === 'CarrierTrackingEvent.v1')).toEqual([]);
  });
});

describe('POST /orders/{orderId}/returns', () => {
  it('refuses bad return requests with 400 and creates no return', async () => {
    const path = `/orders/hv-ORD-REJ/returns`;
    const line = { sku: ids.mug, quantity: 1, reason: 'too small' };
    const cases: [string | object, string[]][] = [
      ['{"returnId": "hv-RET-1", "lines": [', ['body']],
      [{ returnId: 'hv-RET-1', lines: [] }, ['body.lines']],
      [{ returnId: 'hv-RET-1', lines: [{ ...line, quantity: 0 }] }, ['body.lines.0.quantity']],
      [{ returnId: 'hv-RET-1', lines: [{ ...line, quantity: 1000 }] }, ['body.lines.0.quantity']],
      [{ returnId: 'hv-RET-1', lines: [withValueAt(line, 'reason', undefined)] }, ['body.lines.0.reason']],
      [{ returnId: 'hv RET', lines: [line] }, ['body.returnId']],
      [{ returnId: 'hv-RET-1', lines: [{ ...line, sku: 'hv.MUG' }] }, ['body.lines.0.sku']],
    ];
    for (const [body, fields] of cases) {
      const answer = typeof body === 'string' ? await raw('POST', path, body) : await api.post(path, body);
      expectProblem(answer, 400, fields);
    }
    expectProblem(await api.post('/orders/hv.ORD/returns', { lines: [line] }), 400, [
      'pathParameters.orderId',
    ]);
    expectProblem(await api.get('/returns/hv-RET-1'), 404);
  });
});

describe('unknown ids in paths', () => {
  it('answers 404 problem+json for ids that match the pattern but name nothing', async () => {
    expectProblem(await api.get('/orders/nope'), 404);
    expectProblem(await api.get('/locations/nope'), 404);
    expectProblem(await api.get('/returns/nope'), 404);
    expectProblem(await api.get('/inventory/nope'), 404);
    expectProblem(await api.get('/shipments/nope/label'), 404);
    expectProblem(await api.get('/returns/nope/label'), 404);
    expectProblem(await api.post('/shipments/nope/confirm', {}), 404);
    expectProblem(await api.post('/shipments/nope/reject', { reason: 'broken' }), 404);
    expectProblem(await api.post('/shipments/nope/collected'), 404);
    expectProblem(await api.post('/orders/nope/cancel', {}), 404);
    expectProblem(
      await api.post('/orders/nope/returns', { lines: [{ sku: ids.mug, quantity: 1, reason: 'x' }] }),
      404,
    );
    expectProblem(await api.get('/no/such/route'), 404);
  });
});

describe('query strings', () => {
  it('refuses bad query parameters with 400, never 500', async () => {
    expectProblem(await api.get('/orders?limit=0'), 400, ['queryStringParameters.limit']);
    expectProblem(await api.get('/orders?limit=101'), 400, ['queryStringParameters.limit']);
    expectProblem(await api.get('/orders?limit=ten'), 400, ['queryStringParameters.limit']);
    expectProblem(await api.get('/orders?status=LOST_IN_SPACE'), 400, ['queryStringParameters.status']);
    expectProblem(await api.get('/availability?skus='), 400, ['queryStringParameters.skus']);
    expectProblem(await api.get(`/availability?skus=${ids.mug}&lat=abc&lon=2`), 400, [
      'queryStringParameters.lat',
    ]);
    expectProblem(await api.get(`/availability?skus=${ids.mug}&lat=91&lon=2`), 400, [
      'queryStringParameters.lat',
    ]);
  });

  it('answers 400 when /availability has no query string at all', async () => {
    expectProblem(await api.get('/availability'), 400, ['queryStringParameters.skus']);
  });
});

describe('numbers too small for DynamoDB (magnitude below 1e-130)', () => {
  // Valid for every schema (0 ≤ x ≤ max), but DynamoDB refuses to store them: "Number underflow".
  const tiny = 1e-200;

  it('never answer 500: the value is stored rounded to the business precision, i.e. 0', async () => {
    const location = { name: 'Tiny', type: 'store', lat: 45, lon: 4, capabilities: ['ship'] };
    const latitude = await api.put('/locations/hv-TINY-1', { ...location, lat: tiny });
    expect(latitude.status).toBe(200);
    expect(latitude.body.lat).toBe(0);
    expect((await api.get('/locations/hv-TINY-1')).body.lat).toBe(0);
    const handlingCost = await api.put('/locations/hv-TINY-2', { ...location, handlingCost: tiny });
    expect(handlingCost.status).toBe(200);
    expect((await api.get('/locations/hv-TINY-2')).body.handlingCost).toBe(0);
    const product = await api.put('/products/hv-TINY-SKU', { name: 'Feather', weightKg: tiny });
    expect(product.status).toBe(200);
    expect(product.body.weightKg).toBe(0);

    const unitPrice = await api.placeOrder({
      ...homeOrder([]),
      orderId: 'hv-ORD-TINY-1',
      lines: [{ sku: ids.mug, quantity: 1, unitPrice: tiny }],
    });
    expect(unitPrice.status).toBe(202);
    const addressLat = await api.placeOrder({
      ...homeOrder([{ sku: ids.mug, quantity: 1 }]),
      orderId: 'hv-ORD-TINY-2',
      delivery: {
        mode: 'home',
        address: {
          line1: '1 rue',
          postcode: '13002',
          city: 'Marseille',
          country: 'FR',
          lat: tiny,
          lon: 5.37,
        },
      },
    });
    expect(addressLat.status).toBe(202);
    const priced = await untilStatus(api, 'hv-ORD-TINY-1', ['ALLOCATED', 'REJECTED']);
    expect(priced.lines).toEqual([{ sku: ids.mug, quantity: 1, unitPrice: 0 }]);
    const addressed = await untilStatus(api, 'hv-ORD-TINY-2', ['ALLOCATED', 'REJECTED']);
    expect(addressed.delivery.address.lat).toBe(0);
    for (const orderId of ['hv-ORD-TINY-1', 'hv-ORD-TINY-2']) await api.post(`/orders/${orderId}/cancel`, {});
  });
});

describe('never a 500', () => {
  const anyJson = fc.jsonValue({ maxDepth: 4 });

  it('POST /orders answers 400, 413 or 422 to any JSON value and to any single-field mutation of an order', async () => {
    const orderPaths = [
      'orderId',
      'channel',
      'customer',
      'customer.id',
      'customer.email',
      'delivery',
      'delivery.mode',
      'delivery.address',
      'delivery.address.lat',
      'delivery.storeId',
      'delivery.service',
      'lines',
      'lines.0',
      'lines.0.sku',
      'lines.0.quantity',
      'lines.0.unitPrice',
    ];
    // An order for a SKU that does not exist: however it is mutated, nothing can be created.
    const ghostOrder = {
      channel: 'web',
      customer: { id: 'hv-fc', email: 'fc@example.com' },
      delivery: {
        mode: 'home',
        address: { line1: '1 rue', postcode: '13002', city: 'Marseille', country: 'FR' },
        service: 'standard',
      },
      lines: [{ sku: 'hv-FC-GHOST', quantity: 1, unitPrice: 10 }],
    };
    const bodies = fc.oneof(
      anyJson,
      fc
        .tuple(fc.constantFrom(...orderPaths), fc.option(anyJson, { nil: undefined }))
        .map(([path, value]) => withValueAt(ghostOrder, path, value)),
    );
    // Events of the earlier tests' orders come through the outbox pipe in their own time: let
    // them all arrive before counting, so that only what this property caused is looked at.
    await local.cloud.idle();
    const seen = events.length;
    await fc.assert(
      fc.asyncProperty(bodies, fc.uuid(), async (body, key) => {
        const answer = await api.placeOrder(body, key);
        expect([400, 413, 422], JSON.stringify({ body, answer: answer.body })).toContain(answer.status);
        expect(answer.headers.get('content-type')).toBe('application/problem+json');
        expect(answer.body.errors?.length ?? 0).toBeGreaterThan(0);
      }),
      { numRuns: 40 },
    );
    await local.cloud.idle();
    expect(events.slice(seen).filter((e) => e['detail-type'] === 'OrderReceived.v1')).toEqual([]);
  });

  it('PUT /locations/{id} answers 400 to any JSON value, and 200 or 400 to mutations: never a half-write', async () => {
    const locationPaths = [
      'name',
      'type',
      'lat',
      'lon',
      'postcode',
      'capabilities',
      'capabilities.0',
      'handlingCost',
      'dailyCapacity',
      'priority',
      'performance',
      'handling',
      'cutoffTime',
      'downtime',
      'downtime.0',
      'downtime.0.to',
    ];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          anyJson.map((body) => ({ body, mutated: false })),
          fc
            .tuple(fc.constantFrom(...locationPaths), fc.option(anyJson, { nil: undefined }))
            .map(([path, value]) => ({ body: withValueAt(validLocation, path, value), mutated: true })),
        ),
        async ({ body, mutated }) => {
          const locationId = `hv-FC-LOC-${run++}`;
          const answer = await api.put(`/locations/${locationId}`, body);
          const stored = await api.get(`/locations/${locationId}`);
          if (answer.status === 200) {
            expect(mutated).toBe(true);
            expect(stored.body).toEqual(answer.body);
          } else {
            expect(answer.status, JSON.stringify({ body, answer: answer.body })).toBe(400);
            expect(answer.headers.get('content-type')).toBe('application/problem+json');
            expect(stored.status).toBe(404);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
