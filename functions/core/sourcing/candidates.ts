import { type Capability, distanceKm, type Location, type Product } from '../network.ts';
import type { LineGroup } from '../orders/lines.ts';
import type { DeliveryMode } from '../orders/types.ts';
import {
  kgOf,
  milligrams,
  type ParcelTariff,
  parcelTariff,
  type ZoneTariff,
  zoneTariffAt,
} from './parcel-cost.ts';
import { type SourcingProfile, splitsLines } from './profile.ts';
import type { Exclusion, LaterCapacity, SourcingRequest } from './types.ts';

/**
 * The rules that exclude a location, in the order they are checked: a location is reported under
 * the first rule it breaks. `special-handling` is per SKU: the location stays a candidate for the
 * lines it can handle. `carrier`: no carrier offers the order's service from the location to the
 * address (coverage, zone), or none takes any line it could ship (weight). Priority is not a rule
 * but a cost term; kits and the maximum number of shipments are constraints of the plan, not of a
 * location.
 */
export const sourcingRules = [
  'previously-failed',
  'not-the-chosen-store',
  'capability',
  'downtime',
  'max-distance',
  'carrier',
  'capacity',
  'stock',
  'special-handling',
] as const;
export type SourcingRule = (typeof sourcingRules)[number];

export interface Candidate {
  location: Location;
  distanceKm: number;
  /** the rate cards of its zone to the address; absent when the parcel needs no carrier (pickup) */
  tariff?: ZoneTariff | undefined;
  /** set when its slots for today are taken: the later day it ships on */
  later?: LaterCapacity | undefined;
}

export const capabilityFor: Record<DeliveryMode, Capability> = {
  home: 'ship',
  click_collect: 'click_collect',
  e_reservation: 'e_reservation',
};

export function orderedSkus(groups: readonly LineGroup[]): string[] {
  return [...new Set(groups.flatMap((g) => g.lines.map((l) => l.sku)))];
}

/**
 * A plain order line, whose units may leave from several locations when the profile allows it; a
 * kit (its components, under the kit's own SKU) never splits.
 */
export function isPlainLine(group: LineGroup): boolean {
  return group.lines.length === 1 && group.lines[0]?.sku === group.orderSku;
}

/** Code-unit order: the same in every locale and runtime, and far cheaper than `localeCompare`. */
export function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The handling kinds a product needs that the location lacks (empty: it can ship the product). */
export function missingHandling(location: Location, product: Product | undefined): string[] {
  return (product?.handling ?? []).filter((kind) => !location.handling?.includes(kind));
}

function downtimeAt(location: Location, t: number): { from: string; to: string } | undefined {
  return location.downtime?.find((w) => Date.parse(w.from) <= t && t < Date.parse(w.to));
}

/**
 * The ordered demand in index form: SKU s is `skus[s]`; group g takes `groupQty[g][k]` units of SKU
 * `groupSkus[g][k]`, one entry per SKU (a kit may list a component a plain line also asks for).
 */
export interface Demand {
  skus: string[];
  groupSkus: Int32Array[];
  groupQty: Float64Array[];
}

export function demandOf(groups: readonly LineGroup[]): Demand {
  const skus = orderedSkus(groups);
  const skuIndex = new Map(skus.map((sku, s) => [sku, s]));
  const groupSkus: Int32Array[] = [];
  const groupQty: Float64Array[] = [];
  for (const group of groups) {
    const totals = new Map<number, number>();
    for (const line of group.lines) {
      const s = skuIndex.get(line.sku) as number;
      totals.set(s, (totals.get(s) ?? 0) + line.quantity);
    }
    groupSkus.push(Int32Array.from(totals.keys()));
    groupQty.push(Float64Array.from(totals.values()));
  }
  return { skus, groupSkus, groupQty };
}

/**
 * The first location-wide rule the location breaks, given its distance to the destination and its
 * available units of the ordered SKUs.
 */
export function locationExclusion(
  location: Location,
  distance: number,
  stocked: boolean,
  request: SourcingRequest,
  profile: SourcingProfile,
  tariff: ZoneTariff | undefined,
): Exclusion | undefined {
  const { locationId } = location;
  if (request.excluded.has(locationId))
    return { locationId, rule: 'previously-failed', detail: 'rejected or failed this order' };
  if (request.mode !== 'home' && locationId !== request.storeId)
    return {
      locationId,
      rule: 'not-the-chosen-store',
      detail: request.storeId
        ? `${request.mode} is served by ${request.storeId} only`
        : `${request.mode} needs a chosen store`,
    };
  const capability = capabilityFor[request.mode];
  if (!location.capabilities.includes(capability))
    return { locationId, rule: 'capability', detail: `cannot ${capability}` };
  const down = location.downtime?.length ? downtimeAt(location, request.at.getTime()) : undefined;
  if (down) return { locationId, rule: 'downtime', detail: `down from ${down.from} to ${down.to}` };
  if (profile.maxDistanceKm !== undefined && distance > profile.maxDistanceKm)
    return {
      locationId,
      rule: 'max-distance',
      detail: `${distance.toFixed(1)} km > ${profile.maxDistanceKm} km`,
    };
  if (tariff && tariff.maxKg.length === 0)
    return {
      locationId,
      rule: 'carrier',
      detail: `no ${request.service ?? 'standard'} offer covers ${request.postcode ?? 'the address'} at ${distance.toFixed(1)} km`,
    };
  const left = request.capacityLeft?.get(locationId) ?? location.dailyCapacity;
  if (left !== undefined && left <= 0 && !request.laterCapacity?.has(locationId))
    return {
      locationId,
      rule: 'capacity',
      detail: request.laterCapacity
        ? 'no shipment left to prepare today nor on the later days read'
        : 'no shipment left to prepare today',
    };
  if (!stocked) return { locationId, rule: 'stock', detail: 'no available unit of any ordered SKU' };
  return undefined;
}

/**
 * The location's available units of each ordered SKU, into `rows` from `offset` on; true when any
 * is above zero.
 */
export function readStock(
  request: SourcingRequest,
  locationId: string,
  skus: string[],
  rows: Float64Array,
  offset = 0,
): boolean {
  const stock = request.available.get(locationId);
  let any = false;
  for (let s = 0; s < skus.length; s++) {
    const units = Math.max(0, stock?.get(skus[s] as string) ?? 0);
    rows[offset + s] = units;
    if (units > 0) any = true;
  }
  return any;
}

export interface Screening {
  demand: Demand;
  /** locations that pass every location-wide rule and can ship at least one line group, by id */
  candidates: Candidate[];
  /** every location a rule excluded, by id; special handling once per (location, SKU) */
  excluded: Exclusion[];
  /** `serves[g * candidates.length + c]` is 1 when candidate c can ship group g alone */
  serves: Uint8Array;
  /** [g]: 1 when group g is a plain line the profile lets split across locations */
  splittable: Uint8Array;
  /** `servesPart[g * candidates.length + c]` is 1 when candidate c can ship some units of splittable group g */
  servesPart: Uint8Array;
  /** `available[c * skus + s]`: units of SKU s at candidate c */
  available: Float64Array;
  /** weight of each line group, whole mg (`milligrams`) */
  groupMg: Float64Array;
  /** home delivery's parcel prices; absent for pickups */
  tariff?: ParcelTariff | undefined;
}

/** The weight of each line group in mg: its lines' units × their product's weight. */
function groupWeights(request: SourcingRequest): Float64Array {
  return Float64Array.from(request.groups, (group) =>
    group.lines.reduce(
      (mg, line) => mg + milligrams(request.products.get(line.sku)?.weightKg) * line.quantity,
      0,
    ),
  );
}

/** Applies the rules to every location of the request: who may ship what. */
export function screenLocations(request: SourcingRequest, profile: SourcingProfile): Screening {
  const demand = demandOf(request.groups);
  const { skus, groupSkus, groupQty } = demand;
  const skuCount = skus.length;
  const groupCount = request.groups.length;
  const groupMg = groupWeights(request);
  const tariff =
    request.mode === 'home'
      ? parcelTariff(
          request.carriers,
          request.service ?? 'standard',
          request.postcode,
          profile.costs.co2PricePerKg,
        )
      : undefined;
  // Products that need special handling, per group (most groups have none).
  const handled = request.groups.map((group) =>
    [...new Set(group.lines.map((l) => l.sku))]
      .map((sku) => request.products.get(sku))
      .filter((p): p is Product => !!p?.handling?.length),
  );

  const splits = splitsLines(profile);
  const splittable = Uint8Array.from(request.groups, (group) => (splits && isPlainLine(group) ? 1 : 0));
  const unitMg = Float64Array.from(request.groups, (group, g) =>
    splittable[g] ? milligrams(request.products.get(group.orderSku)?.weightKg) : 0,
  );

  // Rows of the locations that pass, in input order; sorted by id once the loop is done.
  const stockRows = new Float64Array(request.locations.length * skuCount);
  const servesRows = new Uint8Array(request.locations.length * groupCount);
  const partRows = new Uint8Array(request.locations.length * groupCount);
  const passing: Candidate[] = [];
  const excluded: Exclusion[] = [];
  for (const location of request.locations) {
    const { locationId } = location;
    const p = passing.length;
    const row = p * skuCount;
    const distance = request.destination ? distanceKm(location, request.destination) : 0;
    const stocked = readStock(request, locationId, skus, stockRows, row);
    const zone = tariff && zoneTariffAt(tariff, distance);
    const exclusion = locationExclusion(location, distance, stocked, request, profile, zone);
    if (exclusion) {
      excluded.push(exclusion);
      continue;
    }
    let servesAny = false;
    let shortOfStock = false;
    let tooHeavy = false;
    let reported: Set<string> | undefined;
    for (let g = 0; g < groupCount; g++) {
      let ok = true;
      for (const product of handled[g] as Product[]) {
        const missing = missingHandling(location, product);
        if (missing.length === 0) continue;
        ok = false;
        // Reported where it matters: the location holds the SKU but may not ship it.
        reported ??= new Set();
        if ((stockRows[row + skus.indexOf(product.sku)] as number) > 0 && !reported.has(product.sku)) {
          reported.add(product.sku);
          excluded.push({
            locationId,
            rule: 'special-handling',
            sku: product.sku,
            detail: `needs ${missing.join(', ')}`,
          });
        }
      }
      const groupSku = groupSkus[g] as Int32Array;
      const qty = groupQty[g] as Float64Array;
      // A line that may split needs only some of its units here, and a carrier for one of them.
      if (splittable[g] && ok && (stockRows[row + (groupSku[0] as number)] as number) >= 1) {
        if (zone && kgOf(unitMg[g] as number) > zone.heaviestKg) tooHeavy = true;
        else {
          partRows[p * groupCount + g] = 1;
          servesAny = true;
        }
      }
      for (let k = 0; k < groupSku.length; k++)
        if ((qty[k] as number) > (stockRows[row + (groupSku[k] as number)] as number)) {
          shortOfStock = true;
          ok = false;
          break;
        }
      if (ok && zone && kgOf(groupMg[g] as number) > zone.heaviestKg) {
        tooHeavy = true;
        ok = false;
      }
      if (ok) {
        servesRows[p * groupCount + g] = 1;
        servesAny = true;
      }
    }
    if (servesAny) {
      const left = request.capacityLeft?.get(locationId) ?? location.dailyCapacity;
      const later = left !== undefined && left <= 0 ? request.laterCapacity?.get(locationId) : undefined;
      passing.push({ location, distanceKm: distance, tariff: zone, ...(later && { later }) });
    } else {
      servesRows.fill(0, p * groupCount, (p + 1) * groupCount);
      partRows.fill(0, p * groupCount, (p + 1) * groupCount);
      if (tooHeavy)
        excluded.push({
          locationId,
          rule: 'carrier',
          detail: `no ${request.service ?? 'standard'} offer takes a parcel over ${zone?.heaviestKg} kg from here`,
        });
      else if (shortOfStock)
        excluded.push({ locationId, rule: 'stock', detail: 'not enough units to fill any line whole' });
    }
  }
  const order = Array.from(passing.keys()).sort((a, b) =>
    byId((passing[a] as Candidate).location.locationId, (passing[b] as Candidate).location.locationId),
  );
  excluded.sort((a, b) => byId(a.locationId, b.locationId) || byId(a.sku ?? '', b.sku ?? ''));

  const n = passing.length;
  const serves = new Uint8Array(groupCount * n);
  const servesPart = new Uint8Array(groupCount * n);
  const available = new Float64Array(n * skuCount);
  order.forEach((p, c) => {
    available.set(stockRows.subarray(p * skuCount, (p + 1) * skuCount), c * skuCount);
    for (let g = 0; g < groupCount; g++) {
      serves[g * n + c] = servesRows[p * groupCount + g] as number;
      servesPart[g * n + c] = partRows[p * groupCount + g] as number;
    }
  });
  return {
    demand,
    candidates: order.map((p) => passing[p] as Candidate),
    excluded,
    serves,
    splittable,
    servesPart,
    available,
    groupMg,
    tariff,
  };
}
