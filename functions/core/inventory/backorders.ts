import { parisInstant } from '../carriers/calendar.ts';
import type { StockLine } from '../orders/types.ts';
import type { ExpectedArrival } from './supply.ts';

/**
 * Backorders and preorders (DESIGN.md section 6.1): an order that stock cannot fill but expected
 * supply can waits for that supply. It claims the units it counts on, so that the same expected
 * units are never promised to two orders; a receipt wakes the orders that claimed it.
 */

/** Units of one expected supply an order counts on. */
export interface SupplyClaim {
  supplyId: string;
  sku: string;
  locationId: string;
  quantity: number;
  expectedAt: string;
}

/** An expected arrival with what orders have not claimed of it yet. */
export type ClaimableArrival = ExpectedArrival & { sku: string; unclaimed: number };

/** One supply's claim by one order after a change: `quantity` 0 when the claim is given back. */
export interface SupplyClaimChange {
  claim: SupplyClaim;
  /** units taken from the supply's unclaimed ones (negative: given back) */
  delta: number;
}

/** What an order waiting for supply keeps: what it claimed, when it can be ready, until when it waits. */
export interface Backorder {
  /** when the order was first backordered: receipts serve waiting orders oldest first by it */
  since: string;
  claims: SupplyClaim[];
  /** when the last unit it waits for should be there (its claims' dates, or the release date) */
  readyAt: string;
  /** a preorder: the products' release date (YYYY-MM-DD, Paris) it waits for */
  releaseDate?: string | undefined;
  /** the supply a receipt of which woke the order last */
  wokenBy?: string | undefined;
}

/** Units of a supply that backorders count on (a record without `unclaimed` predates them: none). */
export function claimedOf(supply: { quantity: number; unclaimed?: number | undefined }): number {
  return supply.quantity - (supply.unclaimed ?? supply.quantity);
}

/** How long past the date it was promised an order waits for late supply before it is rejected. */
export const backorderGraceDays = 14;

/** The first instant of a release date: midnight in Paris. */
export function releaseInstant(releaseDate: string): Date {
  return parisInstant(new Date(`${releaseDate}T00:00:00Z`), 0);
}

/** The latest release date among products not yet released at `at`; undefined when all are on sale. */
export function pendingRelease(releaseDates: readonly (string | undefined)[], at: Date): string | undefined {
  const pending = releaseDates.filter(
    (d): d is string => d !== undefined && releaseInstant(d).getTime() > at.getTime(),
  );
  return pending.sort().at(-1);
}

/**
 * Units of expected supply nobody else counts on, by location then SKU: the order's own claims
 * (`own`) are its units still, so that deciding again never competes with itself.
 */
export function unclaimedSupply(
  arrivals: readonly ClaimableArrival[],
  own: readonly SupplyClaim[] = [],
): Map<string, Map<string, number>> {
  const mine = new Map(own.map((c) => [c.supplyId, c.quantity]));
  const units = new Map<string, Map<string, number>>();
  for (const arrival of arrivals) {
    const free = Math.max(0, arrival.unclaimed) + (mine.get(arrival.supplyId) ?? 0);
    if (free <= 0) continue;
    const perSku = units.get(arrival.locationId) ?? new Map<string, number>();
    perSku.set(arrival.sku, (perSku.get(arrival.sku) ?? 0) + free);
    units.set(arrival.locationId, perSku);
  }
  return units;
}

/** Stock and expected supply together: what sourcing may plan with for an order that can wait. */
export function withExpectedSupply(
  available: ReadonlyMap<string, ReadonlyMap<string, number>>,
  supply: ReadonlyMap<string, ReadonlyMap<string, number>>,
): Map<string, Map<string, number>> {
  const merged = new Map<string, Map<string, number>>();
  for (const source of [available, supply])
    for (const [locationId, perSku] of source) {
      const into = merged.get(locationId) ?? new Map<string, number>();
      for (const [sku, units] of perSku) into.set(sku, (into.get(sku) ?? 0) + Math.max(0, units));
      merged.set(locationId, into);
    }
  return merged;
}

/**
 * The supply a plan made with stock and expected supply counts on: at each location, each SKU's
 * units come from its stock first, then from the supplies arriving there, earliest first (the
 * order's own claims first among equals, so that deciding again keeps what it holds).
 */
export function claimsFor(
  plan: readonly { locationId: string; lines: readonly StockLine[] }[],
  available: ReadonlyMap<string, ReadonlyMap<string, number>>,
  arrivals: readonly ClaimableArrival[],
  own: readonly SupplyClaim[] = [],
): SupplyClaim[] {
  const stockLeft = new Map<string, number>();
  const free = unclaimedSupply(arrivals, own);
  const mine = new Map(own.map((c) => [c.supplyId, c.quantity]));
  const supplyLeft = new Map(
    arrivals.map((a) => [a.supplyId, Math.max(0, a.unclaimed) + (mine.get(a.supplyId) ?? 0)]),
  );
  const claims = new Map<string, SupplyClaim>();
  const earliestFirst = [...arrivals].sort(
    (a, b) =>
      Date.parse(a.expectedAt) - Date.parse(b.expectedAt) ||
      Number(mine.has(b.supplyId)) - Number(mine.has(a.supplyId)) ||
      (a.supplyId < b.supplyId ? -1 : a.supplyId > b.supplyId ? 1 : 0),
  );
  for (const shipment of plan)
    for (const line of shipment.lines) {
      const key = `${shipment.locationId}#${line.sku}`;
      const inStock =
        stockLeft.get(key) ?? Math.max(0, available.get(shipment.locationId)?.get(line.sku) ?? 0);
      const fromStock = Math.min(inStock, line.quantity);
      stockLeft.set(key, inStock - fromStock);
      let needed = line.quantity - fromStock;
      if (needed > 0 && (free.get(shipment.locationId)?.get(line.sku) ?? 0) < needed)
        throw new Error(
          `the plan counts on more ${line.sku} at ${shipment.locationId} than is expected there`,
        );
      for (const arrival of earliestFirst) {
        if (needed === 0) break;
        if (arrival.locationId !== shipment.locationId || arrival.sku !== line.sku) continue;
        const left = supplyLeft.get(arrival.supplyId) ?? 0;
        const take = Math.min(left, needed);
        if (take === 0) continue;
        supplyLeft.set(arrival.supplyId, left - take);
        needed -= take;
        const previous = claims.get(arrival.supplyId);
        claims.set(arrival.supplyId, {
          supplyId: arrival.supplyId,
          sku: arrival.sku,
          locationId: arrival.locationId,
          quantity: (previous?.quantity ?? 0) + take,
          expectedAt: arrival.expectedAt,
        });
      }
    }
  return [...claims.values()].sort((a, b) => (a.supplyId < b.supplyId ? -1 : 1));
}

/**
 * When an order counting on these claims can be prepared: the latest claimed arrival, or the
 * release date when it is later; `at` when it counts on nothing that is still to come.
 */
export function readyAtOf(claims: readonly SupplyClaim[], releaseDate: string | undefined, at: Date): Date {
  const times = [at.getTime(), ...claims.map((c) => Date.parse(c.expectedAt))];
  if (releaseDate) times.push(releaseInstant(releaseDate).getTime());
  return new Date(Math.max(...times));
}

/** The changes that take an order from the claims it holds to the ones it needs: one per supply. */
export function claimChanges(
  before: readonly SupplyClaim[],
  after: readonly SupplyClaim[],
): SupplyClaimChange[] {
  const previous = new Map(before.map((c) => [c.supplyId, c]));
  const next = new Map(after.map((c) => [c.supplyId, c]));
  const changes: SupplyClaimChange[] = [];
  for (const claim of after) {
    const delta = claim.quantity - (previous.get(claim.supplyId)?.quantity ?? 0);
    if (delta !== 0) changes.push({ claim, delta });
  }
  for (const claim of before)
    if (!next.has(claim.supplyId)) changes.push({ claim: { ...claim, quantity: 0 }, delta: -claim.quantity });
  return changes;
}

/**
 * How long the workflow waits before it decides again, in seconds: until the grace after the date
 * it is ready by (a receipt wakes it before). Never less than a minute.
 */
export function backorderWaitSeconds(backorder: Pick<Backorder, 'readyAt'>, at: Date) {
  const until = Date.parse(backorder.readyAt) + backorderGraceDays * 86_400_000;
  return Math.max(60, Math.ceil((until - at.getTime()) / 1000));
}

/** Whether the supply an order counts on is so late that it stops waiting (it is rejected). */
export function isOverdue(readyAt: Date, at: Date): boolean {
  return at.getTime() > readyAt.getTime() + backorderGraceDays * 86_400_000;
}

/**
 * Which waiting orders a receipt wakes, oldest first: those that claimed this supply, then others
 * waiting for the same SKU as long as the units nobody claimed cover what they wait for.
 */
export function ordersToWake(
  supplyId: string,
  unclaimed: number,
  waiting: readonly { orderId: string; supplyId: string; quantity: number; since: string }[],
): string[] {
  const byAge = [...waiting].sort(
    (a, b) => a.since.localeCompare(b.since) || a.orderId.localeCompare(b.orderId),
  );
  const woken: string[] = [];
  const claimants = new Set(byAge.filter((w) => w.supplyId === supplyId).map((w) => w.orderId));
  const others = new Map<string, number>();
  for (const w of byAge) {
    if (claimants.has(w.orderId)) {
      if (!woken.includes(w.orderId)) woken.push(w.orderId);
    } else others.set(w.orderId, (others.get(w.orderId) ?? 0) + w.quantity);
  }
  let surplus = Math.max(0, unclaimed);
  for (const [orderId, quantity] of others) {
    if (quantity > surplus) continue;
    surplus -= quantity;
    woken.push(orderId);
  }
  return woken;
}
