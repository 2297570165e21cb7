/**
 * Per-channel buffers through the HTTP contract: units a location holds back from one channel
 * (a number, or a share of on hand), shown per location, subtracted from that channel's ATS and
 * from what sourcing may plan for it, and never from the others.
 */
import { describe, expect, it } from 'vitest';
import { availabilityOf as availability } from '../../functions/app/sourcing-inputs.ts';
import type { Channel } from '../../functions/core/orders/types.ts';
import { useTestCloud } from '../support/fixture.ts';
import { stockOf } from '../support/journey.ts';
import { expectProblem } from '../support/problem.ts';

const local = useTestCloud({ network: 'ib' });
const { api, ids } = local;

async function newProduct(sku: string) {
  expect((await api.put(`/products/${sku}`, { name: sku, weightKg: 1 })).status).toBe(200);
  return sku;
}

const count = (locationId: string, sku: string, body: object) =>
  api.put(`/inventory/${locationId}/${sku}`, body);
const setBuffers = (locationId: string, sku: string, body: unknown) =>
  api.put(`/inventory/${locationId}/${sku}/channel-buffers`, body);
const atsFor = async (sku: string, channel?: string) =>
  (await api.get(`/inventory/${sku}${channel ? `?channel=${channel}` : ''}`)).body.ats;

describe('channel buffers on PUT /inventory/{locationId}/{sku}', () => {
  it('keeps 20% of store stock away from the marketplace: marketplace ATS drops, web ATS does not', async () => {
    const sku = await newProduct('ib-SHARE');
    const stored = await count(ids.store, sku, {
      onHand: 10,
      channelBuffers: { marketplace: { share: 0.2 } },
    });
    expect(stored.status, JSON.stringify(stored.body)).toBe(200);
    expect(stored.body).toEqual({
      locationId: ids.store,
      sku,
      onHand: 10,
      reserved: 0,
      safetyStock: 0,
      available: 10,
      channelBuffers: { marketplace: { share: 0.2 } },
    });
    expect((await count(ids.lyon, sku, { onHand: 5 })).status).toBe(200);

    const plain = await api.get(`/inventory/${sku}`);
    expect(plain.body.ats).toBe(15);
    expect(plain.body).not.toHaveProperty('channel');
    // sorted by location id
    expect(plain.body.locations).toEqual([
      {
        locationId: ids.store,
        onHand: 10,
        reserved: 0,
        safetyStock: 0,
        available: 10,
        channelBuffers: { marketplace: { share: 0.2 } },
      },
      { locationId: ids.lyon, onHand: 5, reserved: 0, safetyStock: 0, available: 5 },
    ]);

    const marketplace = await api.get(`/inventory/${sku}?channel=marketplace`);
    expect(marketplace.status).toBe(200);
    expect(marketplace.body).toMatchObject({ sku, channel: 'marketplace', ats: 5 + 8 });
    expect(
      marketplace.body.locations.map((l: { locationId: string; ats: number }) => [l.locationId, l.ats]),
    ).toEqual([
      [ids.store, 8],
      [ids.lyon, 5],
    ]);
    expect(await atsFor(sku, 'web')).toBe(15);

    // the share follows on hand: 11 units keep ceil(2.2) = 3 back
    expect((await count(ids.store, sku, { onHand: 11 })).body.channelBuffers).toEqual({
      marketplace: { share: 0.2 },
    });
    expect(await atsFor(sku, 'marketplace')).toBe(5 + 8);
    // /availability says the same for the channel
    const availability = await api.get(`/availability?skus=${sku}&channel=marketplace&lat=48.86&lon=2.35`);
    expect(availability.status).toBe(200);
    expect(availability.body.items[0].ats).toBe(13);
    expect(availability.body.items[0].nearby.map((n: { available: number }) => n.available)).toEqual([8, 5]);
  });

  it('a count without buffers keeps them; new buffers replace them; {} clears them', async () => {
    const sku = await newProduct('ib-REPLACE');
    await count(ids.lyon, sku, {
      onHand: 20,
      channelBuffers: { web: { units: 4 }, callcenter: { units: 2 } },
    });
    expect((await count(ids.lyon, sku, { onHand: 18 })).body.channelBuffers).toEqual({
      web: { units: 4 },
      callcenter: { units: 2 },
    });
    expect(await atsFor(sku, 'web')).toBe(14);
    expect(await atsFor(sku, 'callcenter')).toBe(16);
    expect(
      (await count(ids.lyon, sku, { onHand: 18, channelBuffers: { store: { units: 1 } } })).body
        .channelBuffers,
    ).toEqual({ store: { units: 1 } });
    expect(await atsFor(sku, 'web')).toBe(18);
    const cleared = await count(ids.lyon, sku, { onHand: 18, channelBuffers: {} });
    expect(cleared.body).not.toHaveProperty('channelBuffers');
    expect(await stockOf(api, sku, ids.lyon)).not.toHaveProperty('channelBuffers');
    // a delta keeps them too
    await count(ids.lyon, sku, { onHand: 18, channelBuffers: { web: { units: 3, share: 0.5 } } });
    const adjusted = await api.post('/inventory/adjustments', {
      adjustmentId: 'ib-ADJ-1',
      locationId: ids.lyon,
      sku,
      delta: 2,
      reason: 'found',
    });
    expect(adjusted.body).toMatchObject({ onHand: 20, channelBuffers: { web: { units: 3, share: 0.5 } } });
    expect(await atsFor(sku, 'web')).toBe(10);
  });

  it('never shows a negative channel ATS, whatever the buffer', async () => {
    const sku = await newProduct('ib-NEG');
    await count(ids.lille, sku, { onHand: 3, safetyStock: 1, channelBuffers: { web: { units: 50 } } });
    const web = await api.get(`/inventory/${sku}?channel=web`);
    expect(web.body.ats).toBe(0);
    expect(web.body.locations[0]).toMatchObject({ available: 2, ats: 0 });
  });
});

describe('PUT /inventory/{locationId}/{sku}/channel-buffers', () => {
  it('sets buffers without a count, on an existing row or before the first count', async () => {
    const sku = await newProduct('ib-ROUTE');
    await count(ids.lyon, sku, { onHand: 9, asOf: '2030-01-01T10:00:00Z' });
    const set = await setBuffers(ids.lyon, sku, { marketplace: { units: 2 } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toEqual({
      locationId: ids.lyon,
      sku,
      onHand: 9,
      reserved: 0,
      safetyStock: 0,
      available: 9,
      channelBuffers: { marketplace: { units: 2 } },
    });
    // the count's asOf still guards against older counts
    expect((await count(ids.lyon, sku, { onHand: 1, asOf: '2030-01-01T09:00:00Z' })).status).toBe(409);

    const early = await setBuffers(ids.store, sku, { store: { share: 0.5 } });
    expect(early.body).toMatchObject({ onHand: 0, available: 0, channelBuffers: { store: { share: 0.5 } } });
    expect((await count(ids.store, sku, { onHand: 4 })).body.channelBuffers).toEqual({
      store: { share: 0.5 },
    });
    expect(await atsFor(sku, 'store')).toBe(9 + 2);
    expect(await atsFor(sku, 'marketplace')).toBe(7 + 4);

    const cleared = await setBuffers(ids.lyon, sku, {});
    expect(cleared.body).toEqual({
      locationId: ids.lyon,
      sku,
      onHand: 9,
      reserved: 0,
      safetyStock: 0,
      available: 9,
    });
  });

  it('refuses bad buffers with 400 naming the field, and changes nothing', async () => {
    const sku = await newProduct('ib-BAD');
    await count(ids.lyon, sku, { onHand: 5, channelBuffers: { web: { units: 1 } } });
    const before = await stockOf(api, sku, ids.lyon);
    const cases: [unknown, string[]][] = [
      [{ web: { share: 1.5 } }, ['body.web.share']],
      [{ web: { share: -0.1 } }, ['body.web.share']],
      [{ web: { units: -1 } }, ['body.web.units']],
      [{ web: { units: 0.5 } }, ['body.web.units']],
      [{ web: { units: '3' } }, ['body.web.units']],
      [{ amazon: { units: 3 } }, ['body']],
      [{ web: { percent: 20 } }, ['body.web']],
      [{ web: 3 }, ['body.web']],
    ];
    for (const [body, fields] of cases) expectProblem(await setBuffers(ids.lyon, sku, body), 400, fields);
    // an empty request is not `{}`: it clears nothing
    const buffersPath = `/inventory/${ids.lyon}/${sku}/channel-buffers`;
    expectProblem(await api.call('PUT', buffersPath), 400, ['body']);
    expectProblem(await api.call('PUT', buffersPath, ' \n', { 'content-type': 'application/json' }), 400, [
      'body',
    ]);
    expectProblem(
      await count(ids.lyon, sku, { onHand: 5, channelBuffers: { marketplace: { share: 2 } } }),
      400,
      ['body.channelBuffers.marketplace.share'],
    );
    expectProblem(await api.get(`/inventory/${sku}?channel=amazon`), 400, ['queryStringParameters.channel']);
    expectProblem(await api.get(`/availability?skus=${sku}&channel=amazon`), 400, [
      'queryStringParameters.channel',
    ]);
    expect(await stockOf(api, sku, ids.lyon)).toEqual(before);
  });

  it('answers 422 for an unknown location, an unknown SKU or a kit', async () => {
    expectProblem(await setBuffers('ib-NOWHERE', ids.mug, { web: { units: 1 } }), 422, ['locationId']);
    expectProblem(await setBuffers(ids.lyon, 'ib-NOTHING', { web: { units: 1 } }), 422, ['sku']);
    expectProblem(await setBuffers(ids.lyon, ids.kit, { web: { units: 1 } }), 422, ['sku']);
    expectProblem(await api.get('/inventory/ib-NOTHING'), 404);
  });
});

describe('availabilityOf(skus, channel): what sourcing may plan for a channel', () => {
  it('is net of the channel buffer with a channel, and the stored available without', async () => {
    const sku = await newProduct('ib-SOURCING');
    await count(ids.store, sku, {
      onHand: 10,
      safetyStock: 1,
      channelBuffers: { marketplace: { share: 0.3 } },
    });
    await count(ids.lyon, sku, { onHand: 2, channelBuffers: { marketplace: { units: 5 } } });
    const availabilityOf = (skus: string[], channel?: Channel) =>
      availability(local.ports.stock, skus, channel);

    const all = await availabilityOf([sku, sku]);
    expect(all.get(ids.store)?.get(sku)).toBe(9);
    expect(all.get(ids.lyon)?.get(sku)).toBe(2);
    const marketplace = await availabilityOf([sku], 'marketplace');
    expect(marketplace.get(ids.store)?.get(sku)).toBe(9 - 3);
    expect(marketplace.get(ids.lyon)?.get(sku)).toBe(0);
    const web = await availabilityOf([sku], 'web');
    expect(web.get(ids.store)?.get(sku)).toBe(9);
  });
});
