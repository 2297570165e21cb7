/**
 * The sourcing reads on DynamoDB Local: the network copied by a container and stamped with the
 * network's version, the stock rows and capacity counters read in one batch beside the stamp. A
 * network change written through another container is seen by the very next reading.
 */
import { describe, expect, it } from 'vitest';
import { dynamoNetwork } from '../../functions/adapters/network-store.ts';
import { dynamoSourcingReads } from '../../functions/adapters/sourcing-reads.ts';
import type { SourcingReads } from '../../functions/app/ports.ts';
import { capacityDay } from '../../functions/core/inventory/capacity.ts';
import type { Location } from '../../functions/core/network.ts';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, untilStatus } from '../support/journey.ts';
import { localClients, localResources } from '../support/ports.ts';

const local = useTestCloud();

/** A container of its own: its own copy of the network, on the shared tables. */
function container() {
  const context = { db: localClients(local.cloud).dynamodb, tables: localResources(local.cloud).tables };
  return { reads: dynamoSourcingReads(context), network: dynamoNetwork(context) };
}

const warehouse = (locationId: string, dailyCapacity?: number): Location => ({
  locationId,
  name: locationId,
  type: 'warehouse',
  lat: 45.76,
  lon: 4.84,
  capabilities: ['ship'],
  ...(dailyCapacity !== undefined ? { dailyCapacity } : {}),
});

async function stockOf(reads: SourcingReads, skus: string[], day: string) {
  const snapshot = await reads.snapshot(skus, [day]);
  return {
    snapshot,
    rows: Object.fromEntries(snapshot.stockRows.map((r) => [`${r.sku}@${r.locationId}`, r.available])),
  };
}

describe('sourcing reads', () => {
  it('reads products, kit components, stock rows and capacity counters as the stores hold them', async () => {
    const { network } = container();
    await network.putLocation(warehouse('sr-A', 5));
    await network.putLocation(warehouse('sr-B'));
    await network.putProduct({ sku: 'sr-mug', name: 'Mug', weightKg: 0.4 });
    await network.putProduct({ sku: 'sr-lid', name: 'Lid', weightKg: 0.1 });
    await network.putProduct({
      sku: 'sr-set',
      name: 'Mug and lid',
      weightKg: 0.5,
      kit: [
        { sku: 'sr-mug', quantity: 1 },
        { sku: 'sr-lid', quantity: 2 },
      ],
    });
    for (const [locationId, sku, onHand] of [
      ['sr-A', 'sr-mug', 7],
      ['sr-B', 'sr-mug', 3],
      ['sr-A', 'sr-lid', 9],
    ] as const)
      await local.api.put(`/inventory/${locationId}/${sku}`, { onHand });
    // one shipment taken at sr-A today: its capacity counter holds 1
    const placed = await local.api.placeOrder(homeOrder([{ sku: 'sr-lid', quantity: 1 }]));
    await untilStatus(local.api, placed.body.orderId, 'ALLOCATED');
    const today = capacityDay(new Date());

    const { snapshot, rows } = await stockOf(container().reads, ['sr-set', 'sr-mug'], today);
    expect([...snapshot.products.keys()].sort()).toEqual(['sr-lid', 'sr-mug', 'sr-set']);
    expect(rows).toMatchObject({ 'sr-mug@sr-A': 7, 'sr-mug@sr-B': 3, 'sr-lid@sr-A': 8 });
    expect(snapshot.stockRows.some((r) => r.sku === 'sr-set')).toBe(false);
    expect(snapshot.locations.map((l) => l.locationId)).toEqual(expect.arrayContaining(['sr-A', 'sr-B']));
    expect(snapshot.capacityUsed.get(today)?.get('sr-A')).toBe(1);
    expect(snapshot.capacityUsed.get(today)?.has('sr-B')).toBe(false);
  });

  it('sees a location, a product or a stock change made through another container at its next reading', async () => {
    const first = container();
    const other = container();
    await other.network.putLocation(warehouse('sr-C'));
    await other.network.putProduct({ sku: 'sr-lamp', name: 'Lamp', weightKg: 2 });
    await local.api.put('/inventory/sr-C/sr-lamp', { onHand: 4 });
    const before = await first.reads.snapshot(['sr-lamp'], ['2030-03-04']);
    expect(before.products.get('sr-lamp')?.weightKg).toBe(2);
    expect(before.locations.find((l) => l.locationId === 'sr-C')?.dailyCapacity).toBeUndefined();

    // another container changes the network: the copy of the first is stale, and its stamp says so
    await other.network.putLocation(warehouse('sr-C', 1));
    await other.network.putLocation(warehouse('sr-D'));
    await other.network.putProduct({ sku: 'sr-lamp', name: 'Lamp', weightKg: 2.5 });
    await local.api.put('/inventory/sr-D/sr-lamp', { onHand: 6 });
    const after = await first.reads.snapshot(['sr-lamp'], ['2030-03-04']);
    expect(after.products.get('sr-lamp')?.weightKg).toBe(2.5);
    expect(after.locations.find((l) => l.locationId === 'sr-C')?.dailyCapacity).toBe(1);
    expect(after.stockRows.find((r) => r.locationId === 'sr-D')?.available).toBe(6);
  });

  it('reads a network too large for one batch with a query per SKU, with the same answer', async () => {
    const { network, reads } = container();
    const many = Array.from({ length: 160 }, (_, i) => `sr-L${String(i).padStart(3, '0')}`);
    await Promise.all(many.map((id) => network.putLocation(warehouse(id, 10))));
    await network.putProduct({ sku: 'sr-vase', name: 'Vase', weightKg: 1 });
    await network.putProduct({ sku: 'sr-bowl', name: 'Bowl', weightKg: 1 });
    await local.api.put(`/inventory/${many[7]}/sr-vase`, { onHand: 2 });
    await local.api.put(`/inventory/${many[150]}/sr-bowl`, { onHand: 5 });
    const { snapshot, rows } = await stockOf(reads, ['sr-vase', 'sr-bowl'], '2030-03-05');
    expect(rows).toEqual({ [`sr-vase@${many[7]}`]: 2, [`sr-bowl@${many[150]}`]: 5 });
    expect(snapshot.locations.length).toBeGreaterThanOrEqual(160);
  });
});
