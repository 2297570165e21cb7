/**
 * Replenishment through the HTTP contract and its use cases, on the local cloud (DynamoDB Local,
 * the real handlers and workflow): demand skewed toward one store makes its cover short, the
 * suggestion moves units to it from a warehouse with surplus, accepting it records the transfer
 * (on hand leaves the origin, expected supply at the destination) once, and a suggestion that no
 * longer holds on today's stock is refused rather than oversold.
 */
import { describe, expect, it } from 'vitest';
import { acceptSuggestion } from '../../functions/app/replenishment.ts';
import { useTestCloud } from '../support/fixture.ts';
import { stockOf, untilStatus } from '../support/journey.ts';
import { expectProblem } from '../support/problem.ts';

const local = useTestCloud({ network: 'rp' });
const { api, ids, events } = local;

interface Suggestion {
  suggestionId: string;
  sku: string;
  fromLocationId: string;
  toLocationId: string;
  quantity: number;
  coverDaysBefore: number;
  coverDaysAfter: number;
}

async function newProduct(sku: string) {
  expect((await api.put(`/products/${sku}`, { name: sku, weightKg: 1 })).status).toBe(200);
  return sku;
}

const count = async (locationId: string, sku: string, onHand: number) =>
  expect((await api.put(`/inventory/${locationId}/${sku}`, { onHand })).status).toBe(200);

const suggestionsFor = async (sku: string): Promise<Suggestion[]> => {
  const answer = await api.get(`/replenishment/suggestions?sku=${sku}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  // what it announced reaches the bus through the outbox pipe, just after the answer
  await local.cloud.idle();
  return answer.body.items;
};

const suggestedEvents = (sku: string) =>
  events.filter(
    (e) => e['detail-type'] === 'TransferSuggested.v1' && (e.detail as { sku: string }).sku === sku,
  );

/** A click & collect order of `quantity` at the store, served from the store's own stock. */
async function storeDemand(sku: string, quantity: number) {
  const placed = await api.placeOrder({
    channel: 'store',
    customer: { id: 'cust-rp' },
    delivery: { mode: 'click_collect', storeId: ids.store },
    lines: [{ sku, quantity }],
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(202);
  const order = await untilStatus(api, placed.body.orderId, [
    'ALLOCATED',
    'IN_FULFILLMENT',
    'READY_FOR_PICKUP',
  ]);
  expect(order.shipments[0].locationId).toBe(ids.store);
}

describe('replenishment suggestions', () => {
  it('after demand skewed toward the store, moves surplus from the warehouse to it; accepting twice makes one transfer', async () => {
    const sku = await newProduct('rp-TEE');
    await count(ids.store, sku, 30);
    await count(ids.lyon, sku, 100);
    // 28 units in the last 28 days: 1 a day, and 2 left available at the store: 2 days of cover
    await storeDemand(sku, 28);

    const [suggestion, ...others] = await suggestionsFor(sku);
    expect(others).toEqual([]);
    expect(suggestion).toMatchObject({
      sku,
      fromLocationId: ids.lyon,
      toLocationId: ids.store,
      quantity: 12, // up to the 14-day target: 14 − 2
      coverDaysBefore: 2,
      coverDaysAfter: 14,
    });
    if (!suggestion) throw new Error('no suggestion');
    expect(suggestion.coverDaysAfter).toBeGreaterThan(suggestion.coverDaysBefore);

    // asked again with nothing changed: the same suggestion, announced once
    expect((await suggestionsFor(sku)).map((s) => s.suggestionId)).toEqual([suggestion.suggestionId]);
    expect(suggestedEvents(sku)).toHaveLength(1);
    expect(suggestedEvents(sku)[0]?.detail).toMatchObject({
      suggestionId: suggestion.suggestionId,
      quantity: 12,
      coverDaysBefore: 2,
    });

    const accepted = await api.post(`/replenishment/suggestions/${suggestion.suggestionId}/accept`);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(accepted.body).toMatchObject({
      supplyId: `TRANSFER-${suggestion.suggestionId}`,
      kind: 'transfer',
      fromLocationId: ids.lyon,
      locationId: ids.store,
      sku,
      quantity: 12,
      status: 'expected',
    });
    expect(await stockOf(api, sku, ids.lyon)).toMatchObject({ onHand: 88, available: 88 });
    const inventory = (await api.get(`/inventory/${sku}`)).body;
    expect(inventory.expected).toEqual([
      expect.objectContaining({ supplyId: accepted.body.supplyId, locationId: ids.store, quantity: 12 }),
    ]);

    // a second accept: the same transfer, no second withdrawal
    const again = await api.post(`/replenishment/suggestions/${suggestion.suggestionId}/accept`);
    expect(again).toMatchObject({ status: 201, body: accepted.body });
    expect(await stockOf(api, sku, ids.lyon)).toMatchObject({ onHand: 88 });
    expect((await api.get(`/inventory/${sku}`)).body.expected).toHaveLength(1);

    // the store's cover counts the transfer on its way: nothing more to suggest
    expect(await suggestionsFor(sku)).toEqual([]);
  });

  it("refuses a suggestion that no longer holds on today's stock (409), and creates no transfer", async () => {
    const sku = await newProduct('rp-CAP');
    await count(ids.store, sku, 30);
    await count(ids.lyon, sku, 100);
    await storeDemand(sku, 28);
    const [suggestion] = await suggestionsFor(sku);
    if (!suggestion) throw new Error('no suggestion');
    // the warehouse was counted down meanwhile: it has only 5, giving 12 would empty it
    await count(ids.lyon, sku, 5);

    const refused = await api.post(`/replenishment/suggestions/${suggestion.suggestionId}/accept`);
    expectProblem(refused, 409);
    expect(refused.body.detail).toMatch(/no longer holds/);
    expect((await api.get(`/supply/TRANSFER-${suggestion.suggestionId}`)).status).toBe(404);
    expect(await stockOf(api, sku, ids.lyon)).toMatchObject({ onHand: 5 });
  });

  it('two accepts racing create one transfer and withdraw once', async () => {
    const sku = await newProduct('rp-SOCK');
    await count(ids.store, sku, 30);
    await count(ids.lille, sku, 100);
    await storeDemand(sku, 28);
    const [suggestion] = await suggestionsFor(sku);
    if (!suggestion) throw new Error('no suggestion');
    expect(suggestion.fromLocationId).toBe(ids.lille);

    const outcomes = await Promise.allSettled([
      acceptSuggestion(local.ports, suggestion.suggestionId),
      acceptSuggestion(local.ports, suggestion.suggestionId),
      acceptSuggestion(local.ports, suggestion.suggestionId),
    ]);
    const transfers = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.supplyId] : []));
    expect(new Set(transfers)).toEqual(new Set([`TRANSFER-${suggestion.suggestionId}`]));
    expect(await stockOf(api, sku, ids.lille)).toMatchObject({ onHand: 100 - suggestion.quantity });
    expect((await api.get(`/inventory/${sku}`)).body.expected).toHaveLength(1);
  });

  it('without a SKU, suggests for every SKU in stock', async () => {
    const sku = await newProduct('rp-HAT');
    await count(ids.store, sku, 30);
    await count(ids.lille, sku, 100);
    await storeDemand(sku, 28);
    const answer = await api.get('/replenishment/suggestions');
    expect(answer.status).toBe(200);
    expect(answer.body.items).toContainEqual(
      expect.objectContaining({ sku, fromLocationId: ids.lille, toLocationId: ids.store, quantity: 12 }),
    );
  });

  it('answers 404 for an unknown suggestion and 400 naming the field for a bad SKU', async () => {
    expectProblem(await api.post('/replenishment/suggestions/SUG-unknown/accept'), 404);
    const bad = await api.get('/replenishment/suggestions?sku=not%20an%20id');
    expectProblem(bad, 400, 'queryStringParameters.sku');
  });
});
