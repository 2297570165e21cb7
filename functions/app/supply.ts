import { publicStock } from '../core/inventory/stock.ts';
import { canonicalSupply, isSameSupply, publicSupply, type SupplyRequest } from '../core/inventory/supply.ts';
import { Conflict, NotFound, UnknownReference } from '../shared/errors.ts';
import { event } from './events.ts';
import { optimistically, retry } from './optimistic.ts';
import type { AppPorts } from './ports.ts';
import { requireStockReferences } from './references.ts';

type SupplyPorts = Pick<AppPorts, 'network' | 'stock' | 'supply' | 'events' | 'clock'>;

export async function supplyById(ports: Pick<AppPorts, 'supply'>, supplyId: string) {
  const stored = await ports.supply.get(supplyId);
  if (!stored) throw new NotFound(`supply ${supplyId} does not exist`);
  return publicSupply(stored);
}

/**
 * Records an inbound transfer or a purchase order under its id. Replaying the same request changes
 * nothing; another request for an expected supply updates it; a received one can no longer change.
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
  return optimistically(`supply ${supplyId}`, async () => {
    const stored = await ports.supply.get(supplyId);
    if (stored && isSameSupply(stored, next)) return { done: publicSupply(stored) };
    if (stored?.status === 'received')
      throw new Conflict(`supply ${supplyId} was received at ${stored.receivedAt}; it can no longer change`);
    return (await ports.supply.put(stored, next, ports.clock.now().toISOString())) ? { done: next } : retry;
  });
}

/**
 * The expected units arrived: on hand (and available) grow by the quantity in the same transaction
 * that marks the supply received, so it happens once; a second receipt is a 409.
 */
export async function receiveSupply(ports: SupplyPorts, supplyId: string) {
  const received = await optimistically(`supply ${supplyId}`, async () => {
    const stored = await ports.supply.get(supplyId);
    if (!stored) throw new NotFound(`supply ${supplyId} does not exist`);
    if (stored.status === 'received')
      throw new Conflict(`supply ${supplyId} was already received at ${stored.receivedAt}`);
    const now = ports.clock.now().toISOString();
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
  return { ...received, stock };
}
