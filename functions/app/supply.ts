import { claimedOf } from '../core/inventory/backorders.ts';
import { publicStock } from '../core/inventory/stock.ts';
import { canonicalSupply, isSameSupply, publicSupply, type SupplyRequest } from '../core/inventory/supply.ts';
import { Conflict, NotFound, UnknownReference } from '../shared/errors.ts';
import { wakeBackorders } from './await-supply.ts';
import { event } from './events.ts';
import { optimistically, retry } from './optimistic.ts';
import type { AppPorts, StoredSupply } from './ports.ts';
import { requireStockReferences } from './references.ts';

type SupplyPorts = Pick<AppPorts, 'network' | 'stock' | 'supply' | 'events' | 'clock'>;
type ReceiptPorts = SupplyPorts & Pick<AppPorts, 'orders' | 'workflows'>;

export async function supplyById(ports: Pick<AppPorts, 'supply'>, supplyId: string) {
  const stored = await ports.supply.get(supplyId);
  if (!stored) throw new NotFound(`supply ${supplyId} does not exist`);
  return publicSupply(stored);
}

/**
 * Records an inbound transfer or a purchase order under its id. Replaying the same request changes
 * nothing; another request for an expected supply updates it; a received one can no longer change.
 * A transfer from a location of the network leaves it when it is recorded: the origin's on hand
 * drops in the same transaction (409 when it has fewer available), and only its date may change
 * afterwards. A quantity below what backorders claimed of it is refused.
 */
export async function recordSupply(ports: SupplyPorts, supplyId: string, request: SupplyRequest) {
  const { locationId, sku, fromLocationId } = request;
  const [, origin] = await Promise.all([
    requireStockReferences(ports.network, locationId, sku),
    fromLocationId === undefined ? undefined : ports.network.getLocation(fromLocationId),
  ]);
  if (fromLocationId !== undefined && !origin)
    throw new UnknownReference(`location ${fromLocationId} does not exist`, {
      errors: [{ field: 'fromLocationId', message: 'unknown location' }],
    });
  const next = canonicalSupply(supplyId, request);
  const leaves = next.kind === 'transfer' && next.fromLocationId !== undefined;
  const recorded = await optimistically(`supply ${supplyId}`, async () => {
    const stored = await ports.supply.get(supplyId);
    if (stored && isSameSupply(stored, next)) return { done: { supply: publicSupply(stored), left: false } };
    if (stored?.status === 'received')
      throw new Conflict(`supply ${supplyId} was received at ${stored.receivedAt}; it can no longer change`);
    if (stored && (stored.kind === 'transfer' && stored.fromLocationId !== undefined) !== leaves)
      throw new Conflict(
        `supply ${supplyId} cannot change between a transfer from a location and other supply`,
      );
    if (stored && leaves && !isSameSupply(stored, { ...next, expectedAt: stored.expectedAt }))
      throw new Conflict(
        `transfer ${supplyId} left ${stored.fromLocationId}: only its expectedAt may change`,
      );
    if (stored && next.quantity < claimedOf(stored))
      throw new Conflict(`backorders count on ${claimedOf(stored)} units of supply ${supplyId}`, {
        errors: [{ field: 'quantity', message: `must be at least ${claimedOf(stored)}` }],
      });
    const leaving =
      !stored && leaves
        ? {
            kind: 'withdraw' as const,
            locationId: next.fromLocationId as string,
            sku,
            quantity: next.quantity,
          }
        : undefined;
    const written = await ports.supply.put(stored, next, ports.clock.now().toISOString(), leaving);
    if (written === 'short')
      throw new Conflict(`${fromLocationId} has fewer than ${next.quantity} ${sku} available to transfer`, {
        errors: [{ field: 'quantity', message: 'more than the origin has available' }],
      });
    return written ? { done: { supply: next, left: leaving !== undefined } } : retry;
  });
  if (recorded.left && fromLocationId) await announceStock(ports, sku, fromLocationId, 'transfer left');
  return publicSupply(recorded.supply);
}

async function announceStock(ports: SupplyPorts, sku: string, locationId: string, reason: string) {
  const row = await ports.stock.row(sku, locationId);
  if (!row) return;
  await ports.events.publish([
    event('StockChanged.v1', { ...publicStock(row), reason, at: ports.clock.now().toISOString() }),
  ]);
}

/**
 * The expected units arrived: on hand (and available) grow by the quantity in the same transaction
 * that marks the supply received, so it happens once; a second receipt is a 409. Then the orders
 * waiting for it are woken, oldest first (`wakeBackorders`).
 */
export async function receiveSupply(ports: ReceiptPorts, supplyId: string) {
  let receipt: StoredSupply | undefined;
  const received = await optimistically(`supply ${supplyId}`, async () => {
    const stored = await ports.supply.get(supplyId);
    if (!stored) throw new NotFound(`supply ${supplyId} does not exist`);
    if (stored.status === 'received')
      throw new Conflict(`supply ${supplyId} was already received at ${stored.receivedAt}`);
    const now = ports.clock.now().toISOString();
    receipt = stored;
    return (await ports.supply.receive(stored, now))
      ? { done: publicSupply({ ...stored, status: 'received', receivedAt: now }) }
      : retry;
  });
  const row = await ports.stock.row(received.sku, received.locationId);
  if (!row) throw new Error(`the stock row of ${received.sku} at ${received.locationId} vanished`);
  const stock = publicStock(row);
  await ports.events.publish([
    event('StockChanged.v1', {
      ...stock,
      reason: 'supply received',
      at: received.receivedAt ?? ports.clock.now().toISOString(),
    }),
  ]);
  if (receipt) await wakeBackorders(ports, receipt);
  return { ...received, stock };
}
