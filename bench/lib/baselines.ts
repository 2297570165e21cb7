import { distanceKm, isInDowntime, type Location } from '../../functions/core/network.ts';
import { type LineGroup, mergeStockLines } from '../../functions/core/orders/lines.ts';
import type { StockLine } from '../../functions/core/orders/types.ts';
import type { SourcingRequest } from '../../functions/core/sourcing/types.ts';

/**
 * The two routing rules commercial order managers ship, as yardsticks for the optimizer. Both apply
 * the same location rules (delivery capability, downtime, maximum distance, daily capacity, special
 * handling, stock) and never split a kit; they only choose differently (and know no maximum number of
 * shipments: a plan above the profile's maximum is counted). Their plans are priced with the optimizer's own cost model.
 *
 * - closest: locations ranked by distance; each line leaves from the first ranked location that has
 *   it (Shopify's "ranked locations" / closest-location routing).
 * - fewestSplits: the fewest locations that can ship the whole order, then the shortest total
 *   distance among those (Salesforce Order Management's "fewest splits, then distance").
 */

export interface BaselineShipment {
  locationId: string;
  lines: StockLine[];
  distanceKm: number;
  weightKg: number;
}

export type BaselinePlan = { ok: true; shipments: BaselineShipment[] } | { ok: false };

interface Site {
  location: Location;
  distance: number;
}

const capabilityFor = {
  home: 'ship',
  click_collect: 'click_collect',
  e_reservation: 'e_reservation',
} as const;

/** Eligible sites, nearest first (ties: priority, then id), under the rules every plan must obey. */
function rankedSites(request: SourcingRequest, maxDistanceKm?: number): Site[] {
  const sites: Site[] = [];
  for (const location of request.locations) {
    if (request.excluded.has(location.locationId)) continue;
    if (request.mode !== 'home' && location.locationId !== request.storeId) continue;
    if (!location.capabilities.includes(capabilityFor[request.mode])) continue;
    if (isInDowntime(location, request.at)) continue;
    const capacityLeft = request.capacityLeft?.get(location.locationId) ?? location.dailyCapacity;
    if (capacityLeft !== undefined && capacityLeft <= 0) continue;
    if (!request.available.has(location.locationId)) continue;
    const distance = request.destination ? distanceKm(location, request.destination) : 0;
    if (maxDistanceKm !== undefined && distance > maxDistanceKm) continue;
    sites.push({ location, distance });
  }
  return sites.sort(
    (a, b) =>
      a.distance - b.distance ||
      (a.location.priority ?? 5) - (b.location.priority ?? 5) ||
      (a.location.locationId < b.location.locationId ? -1 : 1),
  );
}

function handles(location: Location, group: LineGroup, request: SourcingRequest): boolean {
  return group.lines.every((line) =>
    (request.products.get(line.sku)?.handling ?? []).every((kind) => location.handling?.includes(kind)),
  );
}

/** Stock left at each site while a plan is being built (two groups may draw on one SKU). */
class Ledger {
  private readonly taken = new Map<string, number>();
  constructor(private readonly request: SourcingRequest) {}
  private key(locationId: string, sku: string) {
    return `${locationId}\u0000${sku}`;
  }
  canFill(site: Site, group: LineGroup): boolean {
    if (!handles(site.location, group, this.request)) return false;
    const stock = this.request.available.get(site.location.locationId);
    return mergeStockLines(group.lines).every(
      (line) =>
        (stock?.get(line.sku) ?? 0) - (this.taken.get(this.key(site.location.locationId, line.sku)) ?? 0) >=
        line.quantity,
    );
  }
  take(site: Site, group: LineGroup): void {
    for (const line of group.lines) {
      const key = this.key(site.location.locationId, line.sku);
      this.taken.set(key, (this.taken.get(key) ?? 0) + line.quantity);
    }
  }
}

function planOf(assignment: Map<Site, LineGroup[]>, request: SourcingRequest): BaselinePlan {
  return {
    ok: true,
    shipments: [...assignment].map(([site, groups]) => {
      const lines = mergeStockLines(groups.flatMap((g) => g.lines));
      return {
        locationId: site.location.locationId,
        lines,
        distanceKm: site.distance,
        weightKg: lines.reduce(
          (sum, l) => sum + (request.products.get(l.sku)?.weightKg ?? 0) * l.quantity,
          0,
        ),
      };
    }),
  };
}

export function closestPlan(request: SourcingRequest, maxDistanceKm?: number): BaselinePlan {
  const sites = rankedSites(request, maxDistanceKm);
  const ledger = new Ledger(request);
  const assignment = new Map<Site, LineGroup[]>();
  for (const group of request.groups) {
    const site = sites.find((s) => ledger.canFill(s, group));
    if (!site) return { ok: false };
    ledger.take(site, group);
    assignment.set(site, [...(assignment.get(site) ?? []), group]);
  }
  return planOf(assignment, request);
}

export function fewestSplitsPlan(request: SourcingRequest, maxDistanceKm?: number): BaselinePlan {
  const sites = rankedSites(request, maxDistanceKm);
  const groups = request.groups;
  const full = (1 << groups.length) - 1;
  // Sites by the exact set of groups each can ship on its own, nearest first within a set.
  const byMask = new Map<number, Site[]>();
  const probe = new Ledger(request);
  for (const site of sites) {
    let mask = 0;
    groups.forEach((group, i) => {
      if (probe.canFill(site, group)) mask |= 1 << i;
    });
    if (mask === 0) continue;
    const list = byMask.get(mask) ?? [];
    list.push(site);
    byMask.set(mask, list);
  }
  const masks = [...byMask.keys()];

  for (let k = 1; k <= groups.length; k++) {
    const combinations: Site[][] = [];
    const choose = (from: number, union: number, chosen: Site[], used: Map<number, number>) => {
      if (chosen.length === k) {
        if (union === full) combinations.push([...chosen]);
        return;
      }
      for (let m = from; m < masks.length; m++) {
        const mask = masks[m] as number;
        const count = used.get(mask) ?? 0;
        const site = byMask.get(mask)?.[count];
        if (!site) continue;
        used.set(mask, count + 1);
        chosen.push(site);
        choose(m, union | mask, chosen, used);
        chosen.pop();
        used.set(mask, count);
      }
    };
    choose(0, 0, [], new Map());
    combinations.sort(
      (a, b) => a.reduce((t, s) => t + s.distance, 0) - b.reduce((t, s) => t + s.distance, 0),
    );
    for (const combination of combinations) {
      const chosen = [...combination].sort((a, b) => a.distance - b.distance);
      const ledger = new Ledger(request);
      const assignment = new Map<Site, LineGroup[]>();
      const filled = groups.every((group) => {
        const site = chosen.find((s) => ledger.canFill(s, group));
        if (!site) return false;
        ledger.take(site, group);
        assignment.set(site, [...(assignment.get(site) ?? []), group]);
        return true;
      });
      if (filled) return planOf(assignment, request);
    }
  }
  return { ok: false };
}
