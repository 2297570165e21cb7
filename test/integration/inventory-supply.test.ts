/**
 * Expected supply through the HTTP contract: inbound transfers and purchase orders recorded per
 * location with a date, idempotent by id, listed by `GET /inventory/{sku}` until they arrive, and
 * received exactly once (on hand grows in the same transaction that closes the supply).
 */
import { describe, expect, it } from 'vitest';
import { useTestCloud } from '../support/fixture.ts';
import { stockOf } from '../support/journey.ts';
import { expectProblem } from '../support/problem.ts';

const local = useTestCloud({ network: 'isp' });
const { api, ids, events } = local;

async function newProduct(sku: string) {
  expect((await api.put(`/products/${sku}`, { name: sku, weightKg: 1 })).status).toBe(200);
  return sku;
}

const putSupply = (supplyId: string, body: unknown) => api.put(`/supply/${supplyId}`, body);
const receive = (supplyId: string) => api.post(`/supply/${supplyId}/receive`);
const expectedOf = async (sku: string) => (await api.get(`/inventory/${sku}`)).body.expected;

/** The SKU's StockChanged.v1 on the bus, once the outbox pipe has delivered what was committed. */
async function stockChanged(sku: string) {
  await local.cloud.idle();
  return events
    .filter((e) => e['detail-type'] === 'StockChanged.v1' && (e.detail as { sku: string }).sku === sku)
    .map((e) => e.detail as { locationId: string; onHand: number; available: number; reason: string });
}

describe('PUT /supply/{supplyId}', () => {
  it('records a purchase order, answers the same record to a replay, and updates on a changed body', async () => {
    const sku = await newProduct('isp-PO');
    const body = {
      locationId: ids.lyon,
      sku,
      quantity: 40,
      expectedAt: '2030-05-06T09:00:00+02:00',
      kind: 'purchase_order',
    };
    const created = await putSupply('isp-PO-1', body);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toEqual({
      supplyId: 'isp-PO-1',
      locationId: ids.lyon,
      sku,
      quantity: 40,
      expectedAt: '2030-05-06T07:00:00.000Z',
      kind: 'purchase_order',
      status: 'expected',
    });

    // the same request, even with the date written in another offset: nothing changes
    const replays = await Promise.all([
      putSupply('isp-PO-1', body),
      putSupply('isp-PO-1', { ...body, expectedAt: '2030-05-06T07:00:00Z' }),
    ]);
    for (const replay of replays) expect(replay).toMatchObject({ status: 200, body: created.body });
    expect((await api.get('/supply/isp-PO-1')).body).toEqual(created.body);
    expect(await expectedOf(sku)).toEqual([
      {
        supplyId: 'isp-PO-1',
        locationId: ids.lyon,
        quantity: 40,
        expectedAt: '2030-05-06T07:00:00.000Z',
        kind: 'purchase_order',
      },
    ]);

    // the supplier moves the date and the quantity: one record, at its new place in the list
    const moved = await putSupply('isp-PO-1', { ...body, quantity: 30, expectedAt: '2030-05-09T09:00:00Z' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      quantity: 30,
      expectedAt: '2030-05-09T09:00:00.000Z',
      status: 'expected',
    });
    expect(await expectedOf(sku)).toEqual([
      {
        supplyId: 'isp-PO-1',
        locationId: ids.lyon,
        quantity: 30,
        expectedAt: '2030-05-09T09:00:00.000Z',
        kind: 'purchase_order',
      },
    ]);
    // recorded supply is not stock: nothing to sell yet
    expect((await api.get(`/inventory/${sku}`)).body).toMatchObject({ ats: 0, locations: [] });
  });

  it('lists what is expected for a SKU across locations, earliest first; a supply moved to another SKU moves with it', async () => {
    const sku = await newProduct('isp-LIST');
    const other = await newProduct('isp-LIST-2');
    const supplies = [
      ['isp-L-late', ids.lille, '2030-07-01T00:00:00Z', 'purchase_order', 5],
      ['isp-L-early', ids.store, '2030-06-01T08:00:00Z', 'purchase_order', 2],
      ['isp-L-mid', ids.lyon, '2030-06-15T00:00:00Z', 'purchase_order', 9],
    ] as const;
    for (const [supplyId, locationId, expectedAt, kind, quantity] of supplies) {
      expect((await putSupply(supplyId, { locationId, sku, quantity, expectedAt, kind })).status).toBe(200);
    }
    const expected = await expectedOf(sku);
    expect(expected.map((e: { supplyId: string }) => e.supplyId)).toEqual([
      'isp-L-early',
      'isp-L-mid',
      'isp-L-late',
    ]);
    expect(expected[0]).toEqual({
      supplyId: 'isp-L-early',
      locationId: ids.store,
      quantity: 2,
      expectedAt: '2030-06-01T08:00:00.000Z',
      kind: 'purchase_order',
    });

    // keyed in its SKU's partition: a corrected SKU moves the entry
    const corrected = {
      locationId: ids.lyon,
      sku: other,
      quantity: 9,
      expectedAt: '2030-06-15T00:00:00Z',
      kind: 'purchase_order',
    };
    expect((await putSupply('isp-L-mid', corrected)).status).toBe(200);
    expect((await expectedOf(sku)).map((e: { supplyId: string }) => e.supplyId)).toEqual([
      'isp-L-early',
      'isp-L-late',
    ]);
    expect((await expectedOf(other)).map((e: { supplyId: string }) => e.supplyId)).toEqual(['isp-L-mid']);
    // the stock rows of the SKU stay apart from its supply entries
    expect((await api.get(`/inventory/${sku}`)).body.locations).toEqual([]);
  });

  it('refuses bad bodies with 400 naming the fields, and records nothing', async () => {
    const body = {
      locationId: ids.lyon,
      sku: ids.mug,
      quantity: 1,
      expectedAt: '2030-01-01T00:00:00Z',
      kind: 'transfer',
    };
    const cases: [unknown, string[]][] = [
      [{ ...body, quantity: 0 }, ['body.quantity']],
      [{ ...body, quantity: 2.5 }, ['body.quantity']],
      [{ ...body, quantity: '3' }, ['body.quantity']],
      [{ ...body, expectedAt: 'soon' }, ['body.expectedAt']],
      [{ ...body, kind: 'gift' }, ['body.kind']],
      [{ ...body, fromLocationId: ids.lyon }, ['body.fromLocationId']],
      [{ ...body, sku: 'a.b' }, ['body.sku']],
      [{}, ['body.expectedAt', 'body.kind', 'body.locationId', 'body.quantity', 'body.sku']],
    ];
    for (const [i, [bad, fields]] of cases.entries()) {
      expectProblem(await putSupply(`isp-BAD-${i}`, bad), 400, fields);
      expectProblem(await api.get(`/supply/isp-BAD-${i}`), 404);
    }
    expectProblem(await putSupply('isp.BAD', body), 400, ['pathParameters.supplyId']);
    expect(await expectedOf(ids.mug)).toEqual([]);
  });

  it('answers 422 for an unknown location, origin or SKU, and for a kit', async () => {
    const body = {
      locationId: ids.lyon,
      sku: ids.mug,
      quantity: 1,
      expectedAt: '2030-01-01T00:00:00Z',
      kind: 'transfer',
    };
    expectProblem(await putSupply('isp-U-1', { ...body, locationId: 'isp-NOWHERE' }), 422, ['locationId']);
    expectProblem(await putSupply('isp-U-2', { ...body, sku: 'isp-NOTHING' }), 422, ['sku']);
    expectProblem(await putSupply('isp-U-3', { ...body, fromLocationId: 'isp-NOWHERE' }), 422, [
      'fromLocationId',
    ]);
    expectProblem(await putSupply('isp-U-4', { ...body, sku: ids.kit }), 422, ['sku']);
    for (const id of ['isp-U-1', 'isp-U-2', 'isp-U-3', 'isp-U-4'])
      expectProblem(await api.get(`/supply/${id}`), 404);
  });
});

describe('POST /supply/{supplyId}/receive', () => {
  it('adds the quantity to on hand once: concurrent receipts, one wins, the others are 409', async () => {
    const sku = await newProduct('isp-RCV');
    expect((await api.put(`/inventory/${ids.lille}/${sku}`, { onHand: 3, safetyStock: 1 })).status).toBe(200);
    const body = {
      locationId: ids.lille,
      sku,
      quantity: 25,
      expectedAt: '2030-02-01T06:00:00Z',
      kind: 'purchase_order',
    };
    expect((await putSupply('isp-RCV-1', body)).status).toBe(200);

    const answers = await Promise.all(Array.from({ length: 5 }, () => receive('isp-RCV-1')));
    const won = answers.filter((a) => a.status === 200);
    expect(won, JSON.stringify(answers.map((a) => [a.status, a.body]))).toHaveLength(1);
    for (const lost of answers.filter((a) => a.status !== 200)) expectProblem(lost, 409);
    expect(won[0]?.body).toEqual({
      supplyId: 'isp-RCV-1',
      locationId: ids.lille,
      sku,
      quantity: 25,
      expectedAt: '2030-02-01T06:00:00.000Z',
      kind: 'purchase_order',
      status: 'received',
      receivedAt: expect.any(String),
      stock: { locationId: ids.lille, sku, onHand: 28, reserved: 0, safetyStock: 1, available: 27 },
    });

    expect(await stockOf(api, sku, ids.lille)).toEqual({
      locationId: ids.lille,
      onHand: 28,
      reserved: 0,
      safetyStock: 1,
      available: 27,
    });
    expect(await expectedOf(sku)).toEqual([]);
    expectProblem(await receive('isp-RCV-1'), 409);
    expect((await api.get('/supply/isp-RCV-1')).body).toMatchObject({ status: 'received' });

    // a received supply is history: a replay still answers it, a change is refused
    expect((await putSupply('isp-RCV-1', body)).body).toMatchObject({ status: 'received', quantity: 25 });
    expectProblem(await putSupply('isp-RCV-1', { ...body, quantity: 26 }), 409);
    expect((await stockOf(api, sku, ids.lille)).onHand).toBe(28);

    expect((await stockChanged(sku)).map((e) => [e.onHand, e.available, e.reason])).toEqual([
      [3, 2, 'count'],
      [28, 27, 'supply received'],
    ]);
  });

  it('starts the stock row when the location had none, and keeps its channel buffers', async () => {
    const sku = await newProduct('isp-RCV-NEW');
    const buffers = { marketplace: { share: 0.5 } };
    expect((await api.put(`/inventory/${ids.store}/${sku}/channel-buffers`, buffers)).status).toBe(200);
    const body = {
      locationId: ids.store,
      sku,
      quantity: 6,
      expectedAt: '2030-02-01T06:00:00Z',
      kind: 'purchase_order',
    };
    expect((await putSupply('isp-RCV-2', body)).status).toBe(200);
    expect((await receive('isp-RCV-2')).body.stock).toEqual({
      locationId: ids.store,
      sku,
      onHand: 6,
      reserved: 0,
      safetyStock: 0,
      available: 6,
      channelBuffers: buffers,
    });
    expect((await api.get(`/inventory/${sku}?channel=marketplace`)).body.ats).toBe(3);
  });

  it('answers 404 for an unknown supply and 400 for a bad id', async () => {
    expectProblem(await receive('isp-NO-SUCH-SUPPLY'), 404);
    expectProblem(await receive('isp.bad'), 400, ['pathParameters.supplyId']);
    expectProblem(await api.get('/supply/isp-NO-SUCH-SUPPLY'), 404);
  });
});
