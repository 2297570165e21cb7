/**
 * Channel buffers under concurrency: orders of several channels race for one shelf whose location
 * holds units back from one of them. Each order is sourced on what it read, so only the
 * reservation's condition can stop a channel from taking what is held back from it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferUnits } from '../../functions/core/inventory/channels.ts';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, stockOf, untilStatus } from '../support/journey.ts';

const { api } = useTestCloud();
const warehouse = 'ibr-WH-NIMES';

interface Round {
  onHand: number;
  buffer: { units?: number; share?: number };
  marketplaceOrders: number;
  webOrders: number;
}

const roundArb: fc.Arbitrary<Round> = fc.record({
  onHand: fc.integer({ min: 3, max: 12 }),
  buffer: fc.oneof(
    fc.record({ units: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ share: fc.constantFrom(0.25, 0.5, 0.75) }),
  ),
  marketplaceOrders: fc.integer({ min: 3, max: 10 }),
  webOrders: fc.integer({ min: 0, max: 5 }),
});

let round = 0;

async function race({ onHand, buffer, marketplaceOrders, webOrders }: Round) {
  const sku = `ibr-SKU-${++round}`;
  expect((await api.put(`/products/${sku}`, { name: sku, weightKg: 0.5 })).status).toBe(200);
  const counted = await api.put(`/inventory/${warehouse}/${sku}`, {
    onHand,
    channelBuffers: { marketplace: buffer },
  });
  expect(counted.status).toBe(200);
  const channels = [
    ...Array.from({ length: marketplaceOrders }, () => 'marketplace'),
    ...Array.from({ length: webOrders }, () => 'web'),
  ];
  const placed = await Promise.all(
    channels.map((channel, i) =>
      api.post(
        '/orders',
        { ...homeOrder([{ sku, quantity: 1 }]), channel },
        { 'Idempotency-Key': `ibr-${round}-${i}` },
      ),
    ),
  );
  const settled = await Promise.all(
    placed.map((p) => untilStatus(api, p.body.orderId, ['ALLOCATED', 'REJECTED'])),
  );
  const allocated = (channel: string) =>
    settled.filter((o, i) => channels[i] === channel && o.status === 'ALLOCATED').length;
  const heldBack = bufferUnits({ onHand, channelBuffers: { marketplace: buffer } }, 'marketplace');
  const row = await stockOf(api, sku, warehouse);
  return { allocatedMarketplace: allocated('marketplace'), allocatedWeb: allocated('web'), heldBack, row };
}

describe('reservations of racing channels', () => {
  it('never let a channel reserve units held back from it, and never oversell', async () => {
    expect(
      (
        await api.put(`/locations/${warehouse}`, {
          name: 'Nîmes',
          type: 'warehouse',
          lat: 43.84,
          lon: 4.36,
          capabilities: ['ship'],
        })
      ).status,
    ).toBe(200);
    await fc.assert(
      fc.asyncProperty(roundArb, async (r) => {
        const { allocatedMarketplace, allocatedWeb, heldBack, row } = await race(r);
        expect(allocatedMarketplace).toBeLessThanOrEqual(Math.max(0, r.onHand - heldBack));
        expect(allocatedMarketplace + allocatedWeb).toBeLessThanOrEqual(r.onHand);
        expect(row.reserved).toBe(allocatedMarketplace + allocatedWeb);
        expect(row.available).toBe(r.onHand - row.reserved);
      }),
      { numRuns: 6 },
    );
  }, 240_000);
});
