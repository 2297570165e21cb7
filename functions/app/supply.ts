import { claimedOf } from '../core/inventory/backorders.ts';
import { publicStock, type StockRow } from '../core/inventory/stock.ts';
import { canonicalSupply, isSameSupply, publicSupply, type SupplyRequest } from '../core/inventory/supply.ts';
import { Conflict, NotFound, UnknownReference } from '../shared/errors.ts';
import { wakeBackorders } from './await-supply.ts';
import { event } from './events.ts';
import { optimistically, retry } from './optimistic.ts';
import type { AppPorts, StoredSupply } from './ports.ts';
import { requireStockReferences } from './references.ts';

type SupplyPorts = Pick<AppPorts, 'network' | 'stock' | 'supply' | 'clock'>;
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
    if (stored && isSameSupply(stored, next)) return { done: stored };
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
    const now = ports.clock.now().toISOString();
    const originRow = leaving && (await ports.stock.row(sku, leaving.locationId));
    if (leaving && (originRow?.available ?? 0) < leaving.quantity)
      throw shortOf(fromLocationId, next.quantity, sku);
    // the origin's row as the transfer leaves it, announced with it
    const left = leaving && [
      event('StockChanged.v1', {
        ...publicStock(rowAfter(originRow, leaving, -leaving.quantity)),
        reason: 'transfer left',
        at: now,
      }),
    ];
    const written = await ports.supply.put(stored, next, now, leaving, originRow, left);
    if (written === 'short') throw shortOf(fromLocationId, next.quantity, sku);
    return written ? { done: next } : retry;
  });
  return publicSupply(recorded);
}

function shortOf(origin: string | undefined, quantity: number, sku: string) {
  return new Conflict(`${origin} has fewer than ${quantity} ${sku} available to transfer`, {
    errors: [{ field: 'quantity', message: 'more than the origin has available' }],
  });
}

/**
 * The expected units arrived: on hand (and available) grow by the quantity in the same transaction
 * that marks the supply received and announces the new stock, so it happens once; a second receipt
 * is a 409. Then the orders waiting for it are woken, oldest first (`wakeBackorders`). A receipt
 * retried after its answer was lost (a crash, a timeout, a workflow that could not be told) finishes
 * that waking before its 409, so no backorder waits for a receipt that already happened.
 */
export async function receiveSupply(ports: ReceiptPorts, supplyId: string) {
  type Receipt = {
    receipt: StoredSupply;
    /** the supply as received and its stock row after; none: it was received before */
    received?: ReturnType<typeof publicSupply> & { stock: ReturnType<typeof publicStock> };
  };
  const { receipt, received } = await optimistically<Receipt>(`supply ${supplyId}`, async () => {
    const stored = await ports.supply.get(supplyId);
    if (!stored) throw new NotFound(`supply ${supplyId} does not exist`);
    if (stored.status === 'received') return { done: { receipt: stored } };
    const now = ports.clock.now().toISOString();
    const current = await ports.stock.row(stored.sku, stored.locationId);
    const stock = publicStock(rowAfter(current, stored, stored.quantity));
    const announced = event('StockChanged.v1', { ...stock, reason: 'supply received', at: now });
    if (!(await ports.supply.receive(stored, now, current, [announced]))) return retry;
    const supply = publicSupply({ ...stored, status: 'received', receivedAt: now });
    return { done: { receipt: stored, received: { ...supply, stock } } };
  });
  await wakeBackorders(ports, receipt);
  if (!received) throw new Conflict(`supply ${supplyId} was already received at ${receipt.receivedAt}`);
  return received;
}

/** The row as a movement of `delta` on hand (and available) leaves it, computed before it is written. */
function rowAfter(
  current: StockRow | undefined,
  at: { locationId: string; sku: string },
  delta: number,
): StockRow {
  return {
    ...current,
    locationId: at.locationId,
    sku: at.sku,
    reserved: current?.reserved ?? 0,
    safetyStock: current?.safetyStock ?? 0,
    onHand: (current?.onHand ?? 0) + delta,
    available: (current?.available ?? 0) + delta,
  };
}
