/**
 * Channel allocation rules through the HTTP contract on the local cloud: a rule keeps a store's
 * last units of a product type for its walk-in customers, applied with each count or adjustment
 * and when the rules change, explained per buffer in the inventory answer; the reservation enforces
 * it like any buffer; a buffer set by hand wins for its channel.
 */
import { describe, expect, it } from 'vitest';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, parisAddress, untilStatus } from '../support/journey.ts';
import { expectProblem } from '../support/problem.ts';

const { api, ids } = useTestCloud({ network: 'ca' });

const lastShirtsForTheStore = {
  ruleId: 'APPAREL-LAST-UNITS',
  category: 'apparel',
  protectedChannel: 'store',
  threshold: 10,
  units: 4,
};

/** A count, answered with the row as the rules left it. */
const count = async (locationId: string, sku: string, onHand: number) => {
  const answer = await api.put(`/inventory/${locationId}/${sku}`, { onHand });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};

const storeRow = async (sku: string) =>
  (await api.get(`/inventory/${sku}`)).body.locations.find(
    (l: { locationId: string }) => l.locationId === ids.store,
  );

describe('channel allocation rules', () => {
  it('keep the last units for the store channel, explained, enforced, and yield to a buffer set by hand', async () => {
    const sku = 'ca-SHIRT';
    expect(
      (await api.put(`/products/${sku}`, { name: 'Shirt', weightKg: 0.3, category: 'apparel' })).status,
    ).toBe(200);
    await count(ids.store, sku, 20);

    const put = await api.put('/channel-allocation/rules', { rules: [lastShirtsForTheStore] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    // 20 on hand is above the threshold: nothing held back yet
    expect(put.body).toEqual({ rules: [lastShirtsForTheStore], applied: 0 });
    expect((await api.get('/channel-allocation/rules')).body).toEqual({ rules: [lastShirtsForTheStore] });
    expect(await storeRow(sku)).not.toHaveProperty('channelBuffers');

    // the store counts 8: the rule holds 4 back from every other channel, and says why
    const held = await count(ids.store, sku, 8);
    expect(held.channelBuffers).toEqual({
      web: { units: 4 },
      marketplace: { units: 4 },
      callcenter: { units: 4 },
    });
    expect(await storeRow(sku)).toMatchObject({
      channelBuffers: held.channelBuffers,
      bufferSources: held.bufferSources,
    });
    expect(held.bufferSources.web).toEqual({
      ruleId: 'APPAREL-LAST-UNITS',
      reason: '8 on hand, at or below 10: 4 units kept for store',
    });
    expect(held.bufferSources).not.toHaveProperty('store');
    expect((await api.get(`/inventory/${sku}?channel=web`)).body.ats).toBe(4);
    expect((await api.get(`/inventory/${sku}?channel=store`)).body.ats).toBe(8);

    // the reservation enforces it: the web cannot take 5 of the 8
    const web = await api.placeOrder(homeOrder([{ sku, quantity: 5 }], parisAddress));
    expect(web.status).toBe(202);
    expect((await untilStatus(api, web.body.orderId, 'REJECTED')).status).toBe('REJECTED');
    expect(await storeRow(sku)).toMatchObject({ onHand: 8, reserved: 0 });

    // a buffer set by hand wins for its channel; the rule keeps the others
    const manual = await api.put(`/inventory/${ids.store}/${sku}/channel-buffers`, { web: { units: 1 } });
    expect(manual.body.channelBuffers).toEqual({
      web: { units: 1 },
      marketplace: { units: 4 },
      callcenter: { units: 4 },
    });
    expect(Object.keys(manual.body.bufferSources).sort()).toEqual(['callcenter', 'marketplace']);
    const mixed = await count(ids.store, sku, 7);
    expect(mixed.channelBuffers).toEqual({
      web: { units: 1 },
      marketplace: { units: 4 },
      callcenter: { units: 4 },
    });
    expect(Object.keys(mixed.bufferSources).sort()).toEqual(['callcenter', 'marketplace']);

    // restocked above the threshold: the rule's buffers go, the one set by hand stays
    const restocked = await api.post('/inventory/adjustments', {
      adjustmentId: 'ca-SHIRT-delivery',
      locationId: ids.store,
      sku,
      delta: 23,
      reason: 'delivery',
    });
    expect(restocked.body).toMatchObject({ onHand: 30, channelBuffers: { web: { units: 1 } } });
    expect(restocked.body).not.toHaveProperty('bufferSources');
    expect((await storeRow(sku)).channelBuffers).toEqual({ web: { units: 1 } });
  });

  it('applies new rules at once to the rows they cover, and leaves other products alone', async () => {
    const sku = 'ca-SOCK';
    expect(
      (await api.put(`/products/${sku}`, { name: 'Sock', weightKg: 0.1, category: 'apparel' })).status,
    ).toBe(200);
    await count(ids.store, sku, 3);
    const put = await api.put('/channel-allocation/rules', {
      rules: [
        {
          ...lastShirtsForTheStore,
          ruleId: 'SOCKS-WEB',
          category: undefined,
          skus: [sku],
          protectedChannel: 'web',
          units: 2,
        },
      ],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.applied).toBeGreaterThanOrEqual(1);
    expect((await storeRow(sku)).channelBuffers).toEqual({
      store: { units: 2 },
      marketplace: { units: 2 },
      callcenter: { units: 2 },
    });
    // the mug is not a sock: no buffer on it
    expect((await storeRow(ids.mug)).channelBuffers).toBeUndefined();
  });

  it('refuses bad rules with a 400 naming the field, and keeps the rules in force', async () => {
    const before = (await api.get('/channel-allocation/rules')).body;
    expectProblem(
      await api.put('/channel-allocation/rules', {
        rules: [{ ...lastShirtsForTheStore, protectedChannel: 'fax' }],
      }),
      400,
      'body.rules.0.protectedChannel',
    );
    expectProblem(
      await api.put('/channel-allocation/rules', {
        rules: [{ ...lastShirtsForTheStore, skus: ['ca-SHIRT'] }],
      }),
      400,
      'body.rules.0.category',
    );
    expectProblem(
      await api.put('/channel-allocation/rules', { rules: [{ ...lastShirtsForTheStore, units: -1 }] }),
      400,
      'body.rules.0.units',
    );
    expect((await api.get('/channel-allocation/rules')).body).toEqual(before);
  });
});
