import { demandBySite, recentDemandDays } from '../core/inventory/cover.ts';
import {
  type CoverTargets,
  defaultCoverTargets,
  type ReplenishmentSite,
  staleness,
  suggestTransfers,
  type TransferSuggestion,
} from '../core/inventory/replenishment.ts';
import { publicSupply } from '../core/inventory/supply.ts';
import type { Location } from '../core/network.ts';
import type { Order } from '../core/orders/types.ts';
import { Conflict, NotFound } from '../shared/errors.ts';
import { event } from './events.ts';
import type { AppPorts, StoredSuggestion } from './ports.ts';
import { recordSupply } from './supply.ts';

type SuggestPorts = Pick<
  AppPorts,
  'network' | 'stock' | 'supply' | 'orderHistory' | 'stockOverview' | 'suggestions' | 'clock'
>;
type AcceptPorts = Pick<AppPorts, 'network' | 'stock' | 'supply' | 'suggestions' | 'clock'>;

const dayMs = 86_400_000;
/** A suggestion can be accepted this long after it was made (then it is gone: 404). */
export const suggestionLifetimeDays = 7;
/** A transfer is expected at its destination this long after it was accepted. */
export const transferLeadDays = 2;
/** Orders read per page of the history while measuring demand. */
const historyPage = 500;

/** The transfer an accepted suggestion creates: its id is the suggestion's, so a second accept finds it. */
export const transferIdOf = (suggestionId: string) => `TRANSFER-${suggestionId}`;

async function recentOrders(ports: Pick<AppPorts, 'orderHistory'>, since: Date, now: Date): Promise<Order[]> {
  const orders: Order[] = [];
  let next: string | undefined;
  do {
    const page = await ports.orderHistory.createdBetween({
      from: since.toISOString(),
      to: now.toISOString(),
      limit: historyPage,
      next,
    });
    orders.push(...page.items);
    next = page.next;
  } while (next);
  return orders;
}

/** Suppliers send purchase orders; transfers move stock between the retailer's own sites. */
const holdsRetailStock = (location: Location) => location.type !== 'supplier';

/** Each site's units of the SKU now: available (net of reservations and safety stock) and inbound. */
async function positionsOf(ports: Pick<AppPorts, 'stock' | 'supply'>, sku: string) {
  const [rows, expected] = await Promise.all([ports.stock.rowsOfSku(sku), ports.supply.expectedOf(sku)]);
  const inbound = new Map<string, number>();
  for (const arrival of expected)
    inbound.set(arrival.locationId, (inbound.get(arrival.locationId) ?? 0) + arrival.quantity);
  const available = new Map(rows.map((r) => [r.locationId, Math.max(0, r.available)]));
  return (locationId: string) => ({
    available: available.get(locationId) ?? 0,
    inbound: inbound.get(locationId) ?? 0,
  });
}

async function suggestionsOfSku(
  ports: SuggestPorts,
  sku: string,
  context: { locations: Location[]; orders: Order[]; since: Date },
  targets: CoverTargets,
): Promise<TransferSuggestion[]> {
  const position = await positionsOf(ports, sku);
  const demand = demandBySite(context.orders, sku, context.since);
  const sites: ReplenishmentSite[] = context.locations.filter(holdsRetailStock).map((l) => ({
    locationId: l.locationId,
    ...position(l.locationId),
    dailyDemand: (demand.get(l.locationId) ?? 0) / recentDemandDays,
    lat: l.lat,
    lon: l.lon,
  }));
  return suggestTransfers(sku, sites, targets);
}

/**
 * Transfer suggestions for one SKU (or every SKU in stock): cover per location from the last
 * weeks' orders against today's stock and inbound supply (README, "Replenishment"). Each new
 * suggestion is kept (so that it can be accepted) and announced once with TransferSuggested.v1.
 */
export async function replenishmentSuggestions(
  ports: SuggestPorts,
  query: { sku?: string | undefined },
  targets: CoverTargets = defaultCoverTargets,
): Promise<TransferSuggestion[]> {
  const now = ports.clock.now();
  const since = new Date(now.getTime() - recentDemandDays * dayMs);
  const [locations, orders, skus] = await Promise.all([
    ports.network.listLocations(),
    recentOrders(ports, since, now),
    query.sku === undefined
      ? ports.stockOverview.allRows().then((rows) => [...new Set(rows.map((r) => r.sku))].sort())
      : [query.sku],
  ]);
  const suggestions: TransferSuggestion[] = [];
  for (const sku of skus)
    suggestions.push(...(await suggestionsOfSku(ports, sku, { locations, orders, since }, targets)));
  const suggestedAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + suggestionLifetimeDays * dayMs);
  for (const suggestion of suggestions)
    await ports.suggestions.keep({ ...suggestion, suggestedAt }, expiresAt, [
      event('TransferSuggested.v1', { ...publicSuggestion(suggestion), at: suggestedAt }),
    ]);
  return suggestions;
}

/**
 * Accepting a suggestion records its transfer through the supply use case (on hand leaves the
 * origin, expected supply appears at the destination). It is re-checked on today's stock first: a
 * suggestion that no longer holds (the origin sold its surplus, the destination was filled) is a
 * 409, never a transfer that oversells. A second accept answers the transfer the first created.
 */
export async function acceptSuggestion(ports: AcceptPorts, suggestionId: string) {
  const now = ports.clock.now();
  const suggestion = await ports.suggestions.get(suggestionId, now);
  if (!suggestion) throw new NotFound(`suggestion ${suggestionId} does not exist or expired`);
  const supplyId = transferIdOf(suggestionId);
  const accepted = await ports.supply.get(supplyId);
  if (accepted) return publicSupply(accepted);
  const position = await positionsOf(ports, suggestion.sku);
  const stale = staleness(suggestion, {
    from: position(suggestion.fromLocationId),
    to: position(suggestion.toLocationId),
  });
  if (stale) {
    // a concurrent accept may have just created the transfer: that is the answer, not a conflict
    const meanwhile = await ports.supply.get(supplyId);
    if (meanwhile) return publicSupply(meanwhile);
    throw new Conflict(`suggestion ${suggestionId} no longer holds: ${stale}`);
  }
  const transfer = await recordSupply(ports, supplyId, {
    locationId: suggestion.toLocationId,
    fromLocationId: suggestion.fromLocationId,
    sku: suggestion.sku,
    quantity: suggestion.quantity,
    expectedAt: new Date(now.getTime() + transferLeadDays * dayMs).toISOString(),
    kind: 'transfer',
  });
  await ports.suggestions.markAccepted(suggestionId, supplyId, now.toISOString());
  return transfer;
}

/** The suggestion as the API shows it (what it was computed from stays inside). */
export function publicSuggestion(suggestion: TransferSuggestion | StoredSuggestion) {
  const { basis: _basis, ...shown } = suggestion;
  return shown;
}
