import { createHash } from 'node:crypto';
import { distanceKm } from '../network.ts';

/**
 * Transfer suggestions: units move from locations whose cover of a SKU is above the target to those
 * whose cover is below the minimum. Cover is in days: the units a location can sell (available,
 * so net of its reservations and safety stock, plus what is already on its way to it) over the
 * units it sells per day. A suggestion never takes an origin below its own target cover, and fills
 * destinations so as to raise the lowest cover first (water filling), each up to the target.
 */
export interface CoverTargets {
  /** a location with less cover than this is short and receives */
  minCoverDays: number;
  /** a location gives only what it holds beyond this many days; a receiving one is filled up to it */
  targetCoverDays: number;
}

export const defaultCoverTargets: CoverTargets = { minCoverDays: 7, targetCoverDays: 14 };

/** One location's position on the SKU. */
export interface ReplenishmentSite {
  locationId: string;
  /** units it can give or sell now: on hand net of reservations and safety stock, never below 0 */
  available: number;
  /** units expected to arrive (transfers and purchase orders not yet received) */
  inbound: number;
  /** units it sells per day, measured from the order history */
  dailyDemand: number;
  lat?: number | undefined;
  lon?: number | undefined;
}

export interface TransferSuggestion {
  suggestionId: string;
  sku: string;
  fromLocationId: string;
  toLocationId: string;
  quantity: number;
  reason: string;
  /** the destination's cover, before and after this transfer alone */
  coverDaysBefore: number;
  coverDaysAfter: number;
  /** the origin's cover before and after (null: it sells none, so any stock lasts forever) */
  originCoverDaysBefore: number | null;
  originCoverDaysAfter: number | null;
  /** what it was computed from, so that accepting it later checks the same rule on today's stock */
  basis: { from: ReplenishmentSite; to: ReplenishmentSite; targets: CoverTargets };
}

const unitsOf = (site: ReplenishmentSite) => Math.max(0, site.available) + Math.max(0, site.inbound);

/** Days the site's units last; infinite without demand. */
export function coverDays(site: ReplenishmentSite): number {
  return site.dailyDemand > 0 ? unitsOf(site) / site.dailyDemand : Number.POSITIVE_INFINITY;
}

/** Units an origin can give and still hold its target cover; only available units leave. */
export function surplusOf(site: ReplenishmentSite, targets: CoverTargets): number {
  if (coverDays(site) <= targets.targetCoverDays) return 0;
  const keep = Math.ceil(targets.targetCoverDays * site.dailyDemand);
  return Math.max(0, Math.min(Math.max(0, site.available), unitsOf(site) - keep));
}

/** Units a short site needs to reach `level` days of cover (0 when it has them). */
function unitsToReach(site: ReplenishmentSite, level: number): number {
  return Math.max(0, Math.ceil(level * site.dailyDemand - unitsOf(site) - 1e-9));
}

/** Units a site may still receive before it passes its target cover. */
export function roomOf(site: ReplenishmentSite, targets: CoverTargets): number {
  return site.dailyDemand > 0 ? unitsToReach(site, targets.targetCoverDays) : 0;
}

/**
 * The highest cover level all short sites can be raised to with `supply` units (capped at the
 * target), and the units each needs for it: the lowest covers rise first.
 */
function waterFill(short: ReplenishmentSite[], supply: number, targets: CoverTargets): Map<string, number> {
  const needAt = (level: number) => short.reduce((sum, s) => sum + unitsToReach(s, level), 0);
  let level = targets.targetCoverDays;
  if (needAt(level) > supply) {
    let low = Math.min(...short.map(coverDays));
    let high = targets.targetCoverDays;
    for (let i = 0; i < 60; i++) {
      const mid = (low + high) / 2;
      if (needAt(mid) <= supply) low = mid;
      else high = mid;
    }
    level = low;
  }
  const wanted = new Map(short.map((s) => [s.locationId, unitsToReach(s, level)]));
  // whole units round each share up: the few left go one by one to the lowest cover after the fill
  let left = Math.min(supply, needAt(targets.targetCoverDays)) - needAt(level);
  while (left > 0) {
    const coverAfter = (s: ReplenishmentSite) =>
      (unitsOf(s) + (wanted.get(s.locationId) ?? 0)) / s.dailyDemand;
    const lowest = short
      .filter((s) => (wanted.get(s.locationId) ?? 0) < roomOf(s, targets))
      .sort((a, b) => coverAfter(a) - coverAfter(b))[0];
    if (!lowest) break;
    wanted.set(lowest.locationId, (wanted.get(lowest.locationId) ?? 0) + 1);
    left -= 1;
  }
  return wanted;
}

/** Without coordinates every origin is as near as any other: the order falls to the ids. */
function kmBetween(a: ReplenishmentSite, b: ReplenishmentSite): number {
  if (a.lat === undefined || a.lon === undefined || b.lat === undefined || b.lon === undefined) return 0;
  return distanceKm({ lat: a.lat, lon: a.lon }, { lat: b.lat, lon: b.lon });
}

const roundDays = (days: number) => Math.round(days * 10) / 10;
const finiteDays = (days: number) => (Number.isFinite(days) ? roundDays(days) : null);

/**
 * Stable while the facts it rests on stay the same (the same SKU, route, quantity and both sites'
 * units and demand): computing twice gives one suggestion; once stock moves, it is another.
 */
export function suggestionIdOf(
  sku: string,
  from: ReplenishmentSite,
  to: ReplenishmentSite,
  quantity: number,
): string {
  const facts = [sku, from.locationId, to.locationId, quantity, unitsOf(from), unitsOf(to), to.dailyDemand];
  return `SUG-${createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 24)}`;
}

function suggestion(
  sku: string,
  from: ReplenishmentSite,
  to: ReplenishmentSite,
  quantity: number,
  targets: CoverTargets,
): TransferSuggestion {
  const before = coverDays(to);
  const after = (unitsOf(to) + quantity) / to.dailyDemand;
  const originBefore = coverDays(from);
  const originAfter =
    from.dailyDemand > 0 ? (unitsOf(from) - quantity) / from.dailyDemand : Number.POSITIVE_INFINITY;
  const originCover = Number.isFinite(originBefore)
    ? `${from.locationId} holds ${roundDays(originBefore)} days`
    : `${from.locationId} holds ${unitsOf(from)} units it does not sell`;
  return {
    suggestionId: suggestionIdOf(sku, from, to, quantity),
    sku,
    fromLocationId: from.locationId,
    toLocationId: to.locationId,
    quantity,
    reason:
      `${to.locationId} has ${roundDays(before)} days of cover (minimum ${targets.minCoverDays}); ` +
      `${originCover} (target ${targets.targetCoverDays})`,
    coverDaysBefore: roundDays(before),
    coverDaysAfter: roundDays(after),
    originCoverDaysBefore: finiteDays(originBefore),
    originCoverDaysAfter: finiteDays(originAfter),
    basis: { from, to, targets },
  };
}

/**
 * The transfers that raise the lowest cover of `sku`: the short sites (cover below the minimum)
 * share what the others hold beyond their target, each filled toward the target, the lowest first;
 * each draws from the nearest origin that has units, then the next. Lowest destination cover first.
 */
export function suggestTransfers(
  sku: string,
  sites: readonly ReplenishmentSite[],
  targets: CoverTargets = defaultCoverTargets,
): TransferSuggestion[] {
  const short = sites
    .filter((s) => s.dailyDemand > 0 && coverDays(s) < targets.minCoverDays)
    .sort((a, b) => coverDays(a) - coverDays(b) || a.locationId.localeCompare(b.locationId));
  const left = new Map(sites.map((s) => [s.locationId, surplusOf(s, targets)]));
  const supply = [...left.values()].reduce((sum, units) => sum + units, 0);
  if (short.length === 0 || supply === 0) return [];
  const wanted = waterFill(short, supply, targets);
  const suggestions: TransferSuggestion[] = [];
  for (const to of short) {
    let need = wanted.get(to.locationId) ?? 0;
    const origins = sites
      .filter((s) => s.locationId !== to.locationId && (left.get(s.locationId) ?? 0) > 0)
      .sort((a, b) => kmBetween(a, to) - kmBetween(b, to) || a.locationId.localeCompare(b.locationId));
    for (const from of origins) {
      if (need <= 0) break;
      const quantity = Math.min(need, left.get(from.locationId) ?? 0);
      if (quantity <= 0) continue;
      left.set(from.locationId, (left.get(from.locationId) ?? 0) - quantity);
      need -= quantity;
      suggestions.push(suggestion(sku, from, to, quantity, targets));
    }
  }
  return suggestions;
}

/**
 * Why an accepted suggestion no longer holds on today's stock (undefined: it holds): the origin must
 * still give its quantity and keep its target cover, and the destination must still have room for
 * it below its target, at the demand the suggestion was computed from.
 */
export function staleness(
  accepted: Pick<TransferSuggestion, 'quantity' | 'basis' | 'fromLocationId' | 'toLocationId'>,
  now: {
    from: Pick<ReplenishmentSite, 'available' | 'inbound'>;
    to: Pick<ReplenishmentSite, 'available' | 'inbound'>;
  },
): string | undefined {
  const { targets } = accepted.basis;
  const from = { ...accepted.basis.from, ...now.from };
  const to = { ...accepted.basis.to, ...now.to };
  const surplus = surplusOf(from, targets);
  if (surplus < accepted.quantity)
    return `${accepted.fromLocationId} can now give ${surplus} units and keep its target cover, not ${accepted.quantity}`;
  const room = roomOf(to, targets);
  if (room < accepted.quantity)
    return `${accepted.toLocationId} now needs ${room} units to reach its target cover, not ${accepted.quantity}`;
  return undefined;
}
