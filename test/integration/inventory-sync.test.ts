/**
 * Stock sync from a WMS or POS, through the HTTP contract: absolute counts dated by `asOf`,
 * idempotent deltas, reservations that survive a count, safety stock, network ATS, availability
 * around a point, and one StockChanged.v1 per change that was applied.
 */
import { describe, expect, it } from 'vitest';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, marseilleAddress, stockOf, untilStatus } from '../support/journey.ts';
import { expectProblem } from '../support/problem.ts';

const local = useTestCloud({ network: 'is' });
const { api, ids, events } = local;

interface StockView {
  locationId: string;
  sku: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  available: number;
}

/** The StockChanged.v1 events of a SKU on the bus, once the outbox pipe delivered what was committed. */
async function stockChanged(sku: string) {
  await local.cloud.idle();
  return events
    .filter((e) => e['detail-type'] === 'StockChanged.v1' && (e.detail as StockView).sku === sku)
    .map((e) => {
      expect(e.source).toBe('relais.inventory');
      return e.detail as StockView & { reason: string; at: string };
    });
}

/** The contract's stock row, with available computed as the API must show it. */
function row(
  locationId: string,
  sku: string,
  onHand: number,
  reserved: number,
  safetyStock: number,
): StockView {
  return {
    locationId,
    sku,
    onHand,
    reserved,
    safetyStock,
    available: Math.max(0, onHand - reserved - safetyStock),
  };
}

/** The same row as GET /inventory/{sku} lists it, under its SKU. */
function listed(locationId: string, sku: string, onHand: number, reserved: number, safetyStock: number) {
  const { sku: _sku, ...shown } = row(locationId, sku, onHand, reserved, safetyStock);
  return shown;
}

async function newProduct(sku: string) {
  expect((await api.put(`/products/${sku}`, { name: sku, weightKg: 0.5 })).status).toBe(200);
  return sku;
}

const count = (locationId: string, sku: string, body: object) =>
  api.put(`/inventory/${locationId}/${sku}`, body);
const adjust = (body: object) => api.post('/inventory/adjustments', body);

describe('PUT /inventory/{locationId}/{sku}: absolute counts', () => {
  it('applies a newer count, refuses an older asOf with 409 and changes nothing', async () => {
    const sku = await newProduct('is-COUNT');
    const first = await count(ids.lyon, sku, { onHand: 10, asOf: '2030-01-01T10:00:00Z' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual(row(ids.lyon, sku, 10, 0, 0));

    const newer = await count(ids.lyon, sku, { onHand: 12, asOf: '2030-01-01T12:00:00Z' });
    expect(newer.status).toBe(200);
    expect(newer.body).toEqual(row(ids.lyon, sku, 12, 0, 0));

    expectProblem(await count(ids.lyon, sku, { onHand: 5, asOf: '2030-01-01T11:00:00Z' }), 409);
    // 13:00 at UTC+2 is 11:00 UTC: older too, whatever the notation
    expectProblem(await count(ids.lyon, sku, { onHand: 5, asOf: '2030-01-01T13:00:00+02:00' }), 409);
    expect(await stockOf(api, sku, ids.lyon)).toEqual(listed(ids.lyon, sku, 12, 0, 0));

    // 15:00 at UTC+2 is 13:00 UTC: newer
    expect((await count(ids.lyon, sku, { onHand: 7, asOf: '2030-01-01T15:00:00+02:00' })).body).toEqual(
      row(ids.lyon, sku, 7, 0, 0),
    );
    expect((await stockChanged(sku)).map((e) => [e.onHand, e.reason])).toEqual([
      [10, 'count'],
      [12, 'count'],
      [7, 'count'],
    ]);
  });

  it('keeps the reservation when a count lands while units are reserved', async () => {
    const sku = await newProduct('is-RESERVED');
    expect((await count(ids.lyon, sku, { onHand: 5 })).status).toBe(200);
    const placed = await api.placeOrder({
      ...homeOrder([{ sku, quantity: 3 }], marseilleAddress),
      orderId: 'is-ORD-RES',
    });
    expect(placed.status).toBe(202);
    const allocated = await untilStatus(api, 'is-ORD-RES', 'ALLOCATED');
    expect(allocated.shipments[0].locationId).toBe(ids.lyon);
    expect(await stockOf(api, sku, ids.lyon)).toEqual(listed(ids.lyon, sku, 5, 3, 0));

    // the shelf count finds only two: the three units stay reserved, nothing is available
    const lower = await count(ids.lyon, sku, { onHand: 2 });
    expect(lower.status).toBe(200);
    expect(lower.body).toEqual(row(ids.lyon, sku, 2, 3, 0));
    expect(await stockOf(api, sku, ids.lyon)).toEqual(listed(ids.lyon, sku, 2, 3, 0));
    expect((await api.get(`/inventory/${sku}`)).body.ats).toBe(0);

    const recount = await count(ids.lyon, sku, { onHand: 10, safetyStock: 1 });
    expect(recount.body).toEqual(row(ids.lyon, sku, 10, 3, 1));
    expect(recount.body.available).toBe(6);

    // a delta that would leave less on hand than reserved is refused, and changes nothing
    expectProblem(
      await adjust({ adjustmentId: 'is-ADJ-RES-1', locationId: ids.lyon, sku, delta: -8, reason: 'shrink' }),
      409,
    );
    expect(await stockOf(api, sku, ids.lyon)).toEqual(listed(ids.lyon, sku, 10, 3, 1));
    const down = await adjust({
      adjustmentId: 'is-ADJ-RES-2',
      locationId: ids.lyon,
      sku,
      delta: -7,
      reason: 'shrink',
    });
    expect(down.status).toBe(200);
    expect(down.body).toEqual(row(ids.lyon, sku, 3, 3, 1));

    expect((await api.post('/orders/is-ORD-RES/cancel', {})).status).toBe(202);
    await untilStatus(api, 'is-ORD-RES', 'CANCELLED');
    expect(await stockOf(api, sku, ids.lyon)).toEqual(listed(ids.lyon, sku, 3, 0, 1));
    expect((await stockChanged(sku)).map((e) => [e.onHand, e.reserved, e.available, e.reason])).toEqual([
      [5, 0, 5, 'count'],
      [2, 3, 0, 'count'],
      [10, 3, 6, 'count'],
      [3, 3, 0, 'shrink'],
    ]);
  });

  it('answers 422 for an unknown location, an unknown SKU and a kit, and writes nothing', async () => {
    expectProblem(await count('is-NO-SUCH-LOC', ids.mug, { onHand: 1 }), 422, 'locationId');
    expectProblem(await count(ids.lyon, 'is-NO-SUCH-SKU', { onHand: 1 }), 422, 'sku');
    expectProblem(await count(ids.lyon, ids.kit, { onHand: 1 }), 422, 'sku');
    expectProblem(
      await adjust({ adjustmentId: 'is-ADJ-KIT', locationId: ids.lyon, sku: ids.kit, delta: 1, reason: 'x' }),
      422,
      'sku',
    );
    expectProblem(
      await adjust({
        adjustmentId: 'is-ADJ-NOLOC',
        locationId: 'is-NO-SUCH-LOC',
        sku: ids.mug,
        delta: 1,
        reason: 'x',
      }),
      422,
      'locationId',
    );
    expectProblem(await api.get('/inventory/is-NO-SUCH-SKU'), 404);
    const kit = await api.get(`/inventory/${ids.kit}`);
    expect(kit.status).toBe(200);
    expect(kit.body).toEqual({ sku: ids.kit, ats: 0, locations: [], expected: [] });
    expect(
      (await api.get(`/inventory/${ids.mug}`)).body.locations.map((l: StockView) => l.locationId),
    ).not.toContain('is-NO-SUCH-LOC');
    expect(await stockChanged(ids.kit)).toEqual([]);
    expect(await stockChanged('is-NO-SUCH-SKU')).toEqual([]);
  });
});

describe('POST /inventory/adjustments: deltas', () => {
  it('applies a delta once per adjustmentId: a replay answers the row and has no second effect', async () => {
    const sku = await newProduct('is-ADJ');
    expect((await count(ids.lille, sku, { onHand: 10 })).status).toBe(200);
    const adjustment = {
      adjustmentId: 'is-ADJ-A',
      locationId: ids.lille,
      sku,
      delta: 5,
      reason: 'delivery received',
    };

    const applied = await adjust(adjustment);
    expect(applied.status).toBe(200);
    expect(applied.body).toEqual(row(ids.lille, sku, 15, 0, 0));
    const replayed = await adjust(adjustment);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual(applied.body);
    // the id, not the body, makes the adjustment: a replay with another delta has no effect either
    expect((await adjust({ ...adjustment, delta: 100 })).body).toEqual(applied.body);
    expect(await stockOf(api, sku, ids.lille)).toEqual(listed(ids.lille, sku, 15, 0, 0));
    // the same id for another row is a client mistake
    expectProblem(await adjust({ ...adjustment, locationId: ids.lyon }), 409);

    const concurrent = await Promise.all(
      [1, 2, 3].map(() =>
        adjust({ adjustmentId: 'is-ADJ-B', locationId: ids.lille, sku, delta: -15, reason: 'recount' }),
      ),
    );
    expect(concurrent.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(await stockOf(api, sku, ids.lille)).toEqual(listed(ids.lille, sku, 0, 0, 0));

    // below zero: refused, and not recorded, so the id can still be used
    expectProblem(
      await adjust({ adjustmentId: 'is-ADJ-C', locationId: ids.lille, sku, delta: -1, reason: 'broken' }),
      409,
    );
    expect(await stockOf(api, sku, ids.lille)).toEqual(listed(ids.lille, sku, 0, 0, 0));
    expect(
      (await adjust({ adjustmentId: 'is-ADJ-C', locationId: ids.lille, sku, delta: 1, reason: 'found' }))
        .body,
    ).toEqual(row(ids.lille, sku, 1, 0, 0));

    expectProblem(
      await adjust({ adjustmentId: 'is-ADJ-D', locationId: ids.lille, sku, delta: 0, reason: 'nothing' }),
      400,
      'body.delta',
    );

    // a delta where no row exists yet starts one
    expect(
      (
        await adjust({
          adjustmentId: 'is-ADJ-E',
          locationId: ids.store,
          sku,
          delta: 3,
          reason: 'transfer in',
        })
      ).body,
    ).toEqual(row(ids.store, sku, 3, 0, 0));

    expect((await stockChanged(sku)).map((e) => [e.locationId, e.onHand, e.reason])).toEqual([
      [ids.lille, 10, 'count'],
      [ids.lille, 15, 'delivery received'],
      [ids.lille, 0, 'recount'],
      [ids.lille, 1, 'found'],
      [ids.store, 3, 'transfer in'],
    ]);
  });
});

describe('safety stock, ATS and availability', () => {
  it('lowers available by the safety stock; ATS is the sum of what is available', async () => {
    const sku = await newProduct('is-ATS');
    expect((await count(ids.lyon, sku, { onHand: 10, safetyStock: 3 })).body).toEqual(
      row(ids.lyon, sku, 10, 0, 3),
    );
    expect((await count(ids.lille, sku, { onHand: 4, safetyStock: 6 })).body).toEqual(
      row(ids.lille, sku, 4, 0, 6),
    );
    expect((await count(ids.store, sku, { onHand: 5 })).body).toEqual(row(ids.store, sku, 5, 0, 0));
    // a count without safetyStock keeps the one already set
    expect((await count(ids.lyon, sku, { onHand: 9 })).body).toEqual(row(ids.lyon, sku, 9, 0, 3));

    const inventory = await api.get(`/inventory/${sku}`);
    expect(inventory.status).toBe(200);
    expect(inventory.body.ats).toBe(0 + 5 + 6);
    expect(inventory.body.locations).toHaveLength(3);
    for (const want of [
      listed(ids.lille, sku, 4, 0, 6),
      listed(ids.store, sku, 5, 0, 0),
      listed(ids.lyon, sku, 9, 0, 3),
    ]) {
      expect(inventory.body.locations).toContainEqual(want);
    }
    expect(inventory.body.ats).toBe(
      inventory.body.locations.reduce((sum: number, l: StockView) => sum + l.available, 0),
    );
  });

  it('GET /availability lists nearby stock per SKU, nearest first, with distances', async () => {
    const sku = await newProduct('is-NEAR');
    expect((await count(ids.lyon, sku, { onHand: 9, safetyStock: 3 })).status).toBe(200);
    expect((await count(ids.lille, sku, { onHand: 4, safetyStock: 6 })).status).toBe(200);
    expect((await count(ids.store, sku, { onHand: 5 })).status).toBe(200);
    const other = await newProduct('is-AVL');
    expect((await count(ids.lille, other, { onHand: 2 })).status).toBe(200);

    const fromMarseille = await api.get(`/availability?skus=${sku},${other}&lat=43.2965&lon=5.3698`);
    expect(fromMarseille.status).toBe(200);
    const [ats, avl] = fromMarseille.body.items;
    expect(ats.sku).toBe(sku);
    expect(ats.ats).toBe(6 + 5);
    expect(ats.ats).toBe((await api.get(`/inventory/${sku}`)).body.ats);
    // Lille has stock but none available (safety stock): not listed
    expect(ats.nearby.map((n: { locationId: string }) => n.locationId)).toEqual([ids.lyon, ids.store]);
    expect(ats.nearby.map((n: { available: number }) => n.available)).toEqual([6, 5]);
    const distances = ats.nearby.map((n: { distanceKm: number }) => n.distanceKm);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(distances[0]).toBeGreaterThan(250); // Marseille → Lyon, about 280 km
    expect(distances[0]).toBeLessThan(320);
    expect(distances[1]).toBeGreaterThan(600); // Marseille → Paris, about 660 km
    expect(distances[1]).toBeLessThan(720);
    expect(avl).toEqual({
      sku: other,
      ats: 2,
      nearby: [{ locationId: ids.lille, available: 2, distanceKm: expect.any(Number) }],
    });

    const fromLille = await api.get(`/availability?skus=${sku}&lat=50.63&lon=3.06`);
    expect(fromLille.body.items[0].nearby.map((n: { locationId: string }) => n.locationId)).toEqual([
      ids.store,
      ids.lyon,
    ]);
  });
});
