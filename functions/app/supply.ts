import { publicStock } from '../core/inventory/stock.ts';
import { canonicalSupply, isSameSupply, publicSupply, type SupplyRequest } from '../core/inventory/supply.ts';
import { Conflict, NotFound, UnknownReference } from '../shared/errors.ts';
import { event } from './events.ts';
import { optimistically, retry } from './optimistic.ts';
import type { AppPorts } from './ports.ts';
import { requireStockReferences } from './references.ts';

type SupplyPorts = Pick<AppPorts, 'network' | 'stock' | 'supply' | 'clock'>;

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
 * that marks the supply received and announces the new stock, so it happens once; a second
 * receipt is a 409.
 */
export async function receiveSupply(ports: SupplyPorts, supplyId: string) {
  return optimistically(`supply ${supplyId}`, async () => {
    const stored = await ports.supply.get(supplyId);
    if (!stored) throw new NotFound(`supply ${supplyId} does not exist`);
    if (stored.status === 'received')
      throw new Conflict(`supply ${supplyId} was already received at ${stored.receivedAt}`);
    const now = ports.clock.now().toISOString();
    const current = await ports.stock.row(stored.sku, stored.locationId);
    // the row as the receipt's restock leaves it: on hand and available up by the quantity
    const { locationId, sku, quantity } = stored;
    const stock = publicStock({
      locationId,
      sku,
      reserved: current?.reserved ?? 0,
      safetyStock: current?.safetyStock ?? 0,
      onHand: (current?.onHand ?? 0) + quantity,
      available: (current?.available ?? 0) + quantity,
    });
    const announced = event('StockChanged.v1', { ...stock, reason: 'supply received', at: now });
    if (!(await ports.supply.receive(stored, now, current, [announced]))) return retry;
    return { done: { ...publicSupply({ ...stored, status: 'received', receivedAt: now }), stock } };
  });
}
