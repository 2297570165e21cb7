/**
 * Orders past DynamoDB's limits: 100 lines of 100 SKUs reserve more rows than one transaction
 * takes (100 items), and a network of thousands of locations makes a long explanation. The
 * change is written in parts with a ledger of how to undo each; nothing stays reserved when a
 * part is refused or the writer dies between parts.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoOrders } from '../../functions/adapters/order-store.ts';
import { movements } from '../../functions/core/inventory/movements.ts';
import { ReservationConflict } from '../../functions/shared/errors.ts';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, stockOf, untilStatus } from '../support/journey.ts';
import { bareOrder } from '../support/orders.ts';
import { localClients, localResources } from '../support/ports.ts';

const local = useTestCloud();
const { api } = local;

const warehouse = 'big-WH-ORLEANS';

async function seedSkus(prefix: string, count: number, onHand: (i: number) => number) {
  const skus = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
  for (let i = 0; i < skus.length; i += 20)
    await Promise.all(
      skus.slice(i, i + 20).map(async (sku, j) => {
        expect((await api.put(`/products/${sku}`, { name: sku, weightKg: 0.05 })).status).toBe(200);
        expect((await api.put(`/inventory/${warehouse}/${sku}`, { onHand: onHand(i + j) })).status).toBe(200);
      }),
    );
  return skus;
}

async function stockRows(skus: string[]) {
  return Promise.all(skus.map((sku) => local.ports.stock.row(sku, warehouse)));
}

describe('an order past the 100 items of a transaction', () => {
  it('allocates a 100-line order of 100 distinct SKUs, each unit reserved once', async () => {
    expect(
      (
        await api.put(`/locations/${warehouse}`, {
          name: 'Orléans',
          type: 'warehouse',
          lat: 47.9,
          lon: 1.9,
          capabilities: ['ship'],
        })
      ).status,
    ).toBe(200);
    const skus = await seedSkus('big-A', 100, () => 3);
    const placed = await api.post('/orders', homeOrder(skus.map((sku) => ({ sku, quantity: 1 }))), {
      'Idempotency-Key': 'big-100-lines',
    });
    expect(placed.status).toBe(202);
    const order = await untilStatus(api, placed.body.orderId, ['ALLOCATED', 'REJECTED']);
    expect(order.rejection).toBeUndefined();
    expect(order.status).toBe('ALLOCATED');
    expect(order.shipments).toHaveLength(1);
    expect(order.shipments[0].lines).toHaveLength(100);
    for (const sku of [skus[0], skus[57], skus[99]] as string[])
      expect(await stockOf(api, sku, warehouse)).toMatchObject({ onHand: 3, reserved: 1, available: 2 });
    const rows = await stockRows(skus);
    expect(rows.map((r) => r?.reserved)).toEqual(skus.map(() => 1));
  });

  it('undoes the parts already written when a later part is refused, and leaves no ledger entry', async () => {
    // 150 reservations: the 140th finds nothing available, in the second part
    const skus = await seedSkus('big-B', 150, (i) => (i === 139 ? 0 : 2));
    const order = bareOrder('big-refused', 'c-big');
    expect(await local.ports.orders.create(order)).toBe(true);
    const reserve = movements(
      'reserve',
      warehouse,
      skus.map((sku) => ({ sku, quantity: 1 })),
    );
    await expect(local.ports.orders.save({ order, stock: reserve })).rejects.toBeInstanceOf(
      ReservationConflict,
    );
    const rows = await stockRows(skus);
    expect(rows.map((r) => r?.reserved)).toEqual(skus.map(() => 0));
    expect(rows.map((r) => r?.available)).toEqual(skus.map((_, i) => (i === 139 ? 0 : 2)));
    expect(await local.ports.orders.releaseUncommitted(order.orderId)).toBe(0);
    expect((await local.ports.orders.get(order.orderId))?.version).toBe(1);
  });

  it('releases what a writer that died between parts had reserved, at the next attempt or the compensation', async () => {
    const skus = await seedSkus('big-C', 120, () => 2);
    const order = bareOrder('big-crashed', 'c-big');
    expect(await local.ports.orders.create(order)).toBe(true);
    const clients = localClients(local.cloud);
    let transactions = 0;
    // the process dies as it sends the commit: that write and every later one never happen
    const dying = new Proxy(clients.dynamodb, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (command: { constructor: { name: string } }) => {
          if (command.constructor.name === 'TransactWriteCommand' && ++transactions > 2)
            return Promise.reject(new Error('the process died'));
          return target.send(command as never);
        };
      },
    });
    const crashing = dynamoOrders({ db: dying, tables: localResources(local.cloud).tables });
    const reserve = movements(
      'reserve',
      warehouse,
      skus.map((sku) => ({ sku, quantity: 1 })),
    );
    await expect(crashing.save({ order, stock: reserve })).rejects.toThrow('the process died');
    expect((await stockRows(skus)).filter((r) => r?.reserved === 1)).toHaveLength(120);

    expect(await local.ports.orders.releaseUncommitted(order.orderId)).toBe(2);
    const rows = await stockRows(skus);
    expect(rows.map((r) => [r?.reserved, r?.available])).toEqual(skus.map(() => [0, 2]));
    expect(await local.ports.orders.releaseUncommitted(order.orderId)).toBe(0);

    // the next attempt of the same change sweeps first and commits once
    const saved = await local.ports.orders.save({ order, stock: reserve });
    expect(saved.version).toBe(2);
    expect((await stockRows(skus)).map((r) => r?.reserved)).toEqual(skus.map(() => 1));
    const { Item } = await clients.dynamodb.send(
      new GetCommand({
        TableName: localResources(local.cloud).tables.orders,
        Key: { PK: 'ORDER#big-crashed', SK: 'ORDER' },
      }),
    );
    expect(Item?.version).toBe(2);
  });

  it('lets at most one of two racing writers of the same version commit, and a loser leaves nothing', async () => {
    const skus = await seedSkus('big-D', 110, () => 5);
    const order = bareOrder('big-race', 'c-big');
    expect(await local.ports.orders.create(order)).toBe(true);
    const reserve = movements(
      'reserve',
      warehouse,
      skus.map((sku) => ({ sku, quantity: 2 })),
    );
    const outcomes = await Promise.allSettled([
      local.ports.orders.save({ order, stock: reserve }),
      local.ports.orders.save({ order, stock: reserve }),
    ]);
    // each sweeps the other's parts before writing its own, so both may lose (and retry, as callers do)
    const committed = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(committed).toBeLessThanOrEqual(1);
    expect((await local.ports.orders.get(order.orderId))?.version).toBe(1 + committed);
    expect((await stockRows(skus)).map((r) => r?.reserved)).toEqual(skus.map(() => 2 * committed));
    expect(await local.ports.orders.releaseUncommitted(order.orderId)).toBe(0);
  });
});

describe('an order on a network of 5,000 locations', () => {
  it('is allocated and its item stays under 100 KB, the explanation still served whole', async () => {
    const prefix = 'huge';
    const sku = `${prefix}-SKU`;
    expect((await api.put(`/products/${sku}`, { name: 'Huge', weightKg: 1 })).status).toBe(200);
    const ids = Array.from({ length: 5000 }, (_, i) => `${prefix}-L${String(i).padStart(4, '0')}`);
    for (let i = 0; i < ids.length; i += 100)
      await Promise.all(
        ids.slice(i, i + 100).map((locationId, j) =>
          local.ports.network.putLocation({
            locationId,
            name: `Dépôt ${i + j}`,
            type: 'warehouse',
            lat: 43 + ((i + j) % 70) / 10,
            lon: -1 + Math.floor((i + j) / 70) / 10,
            capabilities: ['ship'],
          }),
        ),
      );
    expect((await api.put(`/inventory/${ids[4321]}/${sku}`, { onHand: 2 })).status).toBe(200);
    const placed = await api.post('/orders', homeOrder([{ sku, quantity: 1 }]), {
      'Idempotency-Key': 'huge-network',
    });
    const order = await untilStatus(api, placed.body.orderId, ['ALLOCATED', 'REJECTED']);
    expect(order.status).toBe('ALLOCATED');
    expect(order.shipments[0].locationId).toBe(ids[4321]);
    expect(order.sourcing.explanation.excluded.length).toBeGreaterThanOrEqual(4999);

    const { Item } = await localClients(local.cloud).dynamodb.send(
      new GetCommand({
        TableName: localResources(local.cloud).tables.orders,
        Key: { PK: `ORDER#${order.orderId}`, SK: 'ORDER' },
      }),
    );
    expect(Item).toBeDefined();
    expect(itemBytes(Item as Record<string, unknown>)).toBeLessThan(100 * 1024);

    // a page of orders leaves the explanation to the order's own route
    const page = await api.get('/orders?limit=100');
    const listed = page.body.items.find((o: { orderId: string }) => o.orderId === order.orderId);
    expect(listed.sourcing).toEqual({ cost: order.sourcing.cost });
    expect(Buffer.byteLength(JSON.stringify(page.body))).toBeLessThan(
      Buffer.byteLength(JSON.stringify(order.sourcing.explanation)),
    );
  }, 180_000);
});

/** DynamoDB's measure of an item, closely enough: attribute names plus values (binary by its bytes). */
function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      (value instanceof Uint8Array ? value.byteLength : Buffer.byteLength(JSON.stringify(value))),
    0,
  );
}
