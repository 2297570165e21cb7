/**
 * The sourcing model as a mixed-integer program, solved by HiGHS: the oracle that sourceOptimal's
 * own search must match. Nothing of the core's behaviour is imported (only its types): the rules
 * (DESIGN.md sections 1 and 6: the capability for the delivery mode, the chosen store, downtime
 * windows, the maximum distance, a carrier that serves the address, daily capacity, available
 * stock, special handling, the locations that already failed the order), the costs (the objective
 * in functions/core/sourcing/model.ts, the carriers' rate cards of DESIGN.md section 6.1) and the
 * constraints (kits and lines ship whole, shared stock, maximum shipments) are written here again,
 * so that a mistake in any of them in the core shows up as a different optimum, a different
 * feasibility or a different exclusion.
 *
 * (F_l includes lateDayPenalty × the days l ships late when its slots for today are taken and the
 * request names a later day with one; without a later day such a location is excluded.)
 *
 *   min  Σ_l F_l·y_l + Σ_{g,l} V_gl·x_gl + Σ_{l,k} p_k·z_lk + Σ_{g,l,k} s_lk·w_g·b_glk − splitPenalty
 *   s.t. Σ_l x_gl = 1                       every line group ships from one location
 *        x_gl ≤ y_l                          only from a used location (one shipment, one parcel)
 *        Σ_g q_gs·x_gl ≤ a_ls               groups at one location share its stock of a SKU
 *        Σ_l y_l ≤ maxShipments
 *        Σ_k z_lk = y_l                      a home parcel takes one rate band k of one offer,
 *        Σ_k b_glk = x_gl                    each of its groups rides in that band (k: a band
 *                                            that takes w_g),
 *        Σ_g w_g·b_glk ≤ m_k·z_lk            within its weight limit (m_k: the band's maximum,
 *                                            the service's, the most l could ship; a band not
 *                                            chosen carries nothing that weighs)
 *        x, y, z binary, 0 ≤ b ≤ 1; l only where every location-wide rule holds, x_gl only where
 *        l can handle every product of g and some band takes g's weight
 *
 * A plain line (one line of its own SKU, not a kit) may split across locations unless the profile
 * says `splitLines: false`: its x_gl then says whether l ships some of it, and a general integer
 * u_gl how many units (Σ_l u_gl = q_g, x_gl ≤ u_gl ≤ q_g·x_gl); its per-unit costs, stock and
 * weight count u_gl, its units ride in the parcel's band as v_glk ≥ 0 (Σ_k v_glk = u_gl, weight
 * w_unit·v_glk in the band's limit), and l may ship it where it holds one unit and a band takes
 * one unit's weight. Each location is still one parcel, so a split pays every extra parcel's
 * fixed terms, split penalty and band price.
 *
 * With x and z integer, b_glk = x_gl in the band chosen and 0 elsewhere (a weightless group may
 * ride in any band, at no cost), so the parcel pays the band's price and its CO2 per kg on its
 * whole weight: exact. Splitting the weight by band (rather
 * than one weight per location against m_k·z_lk) keeps the relaxation tight enough for HiGHS to
 * solve the benchmark's 2,000-location orders.
 *
 * A band k of a carrier's service in the zone of l prices a parcel of W kg at p_k (its rate) plus
 * s_lk·W (its CO2e, W/1000 t × km × the service's factor, at the profile's carbon price); the
 * minimum over the bands that take W is what the cheapest offer costs, and the solver picks it.
 *
 * Self-contained (the benchmark imports it): `buildLp` writes CPLEX LP text, `solveWithHighs` loads
 * the WASM solver once and solves to a zero relative gap.
 */
import type { Highs } from 'highs';
import type { Carrier } from '../functions/core/carriers/carriers.ts';
import type { Capability, GeoPoint, Location, Product } from '../functions/core/network.ts';
import type { LineGroup } from '../functions/core/orders/lines.ts';
import type { DeliveryMode, OrderLine } from '../functions/core/orders/types.ts';
import type { SourcingProfile } from '../functions/core/sourcing/profile.ts';
import type { SourcingRequest } from '../functions/core/sourcing/types.ts';

/** A location the rules keep out of the plan, and the first rule that does (per SKU for handling). */
export interface OracleExclusion {
  locationId: string;
  rule: string;
  sku?: string;
}

export interface HighsSourcing {
  feasible: boolean;
  /** the optimum in EUR; +∞ when no plan exists */
  cost: number;
  shipments: number;
  /** the locations of HiGHS's optimal plan (one of them when several tie), by id */
  locationIds: string[];
  excluded: OracleExclusion[];
  solveMs: number;
}

export interface SourcingLp {
  lp: string;
  /** added to the LP's objective value to give the plan's cost */
  constant: number;
  /** `y${i}` is `locationIds[i]` */
  locationIds: string[];
  /** false when some group has no location at all: the program is infeasible as written */
  everyGroupHasALocation: boolean;
  excluded: OracleExclusion[];
}

/** What DESIGN.md's location fields mean when absent: the middle rank of 1…10, a perfect record. */
const documentedDefaults = { priority: 5, performance: 1 };

/** The capability each delivery mode needs of the location that serves it (DESIGN.md section 6). */
const capabilityNeeded: Record<DeliveryMode, Capability> = {
  home: 'ship',
  click_collect: 'click_collect',
  e_reservation: 'e_reservation',
};

/** Great-circle distance on the mean Earth (radius 6371.0088 km), by the haversine formula. */
function greatCircleKm(a: GeoPoint, b: GeoPoint): number {
  const toRad = (degrees: number) => (degrees * Math.PI) / 180;
  const halfChord =
    Math.sin(toRad(b.lat - a.lat) / 2) ** 2 +
    Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(toRad(b.lon - a.lon) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(halfChord)));
}

/** One rate band of a carrier's service from a location: parcels up to `maxKg` for `price` + `perKg`·kg. */
interface Band {
  maxKg: number;
  price: number;
  /** EUR of priced CO2e per kg of parcel over this location's distance */
  perKg: number;
}

/** Rate-card zones of DESIGN.md section 6.1: local up to 50 km, regional up to 300 km, else national. */
function rateZone(km: number): 'local' | 'regional' | 'national' {
  return km <= 50 ? 'local' : km <= 300 ? 'regional' : 'national';
}

/**
 * The bands a home parcel from `km` away may take: every carrier that covers the postcode (no
 * coverage list: all of France; no postcode: covered), its services of the order's service, their
 * rates in the zone, each capped by the service's maximum weight (and the most the location could
 * ship of the order). Undefined for a pickup: the
 * store hands the goods over itself, no carrier is paid.
 */
function bandsFrom(
  km: number,
  request: SourcingRequest,
  profile: SourcingProfile,
  mostKg: number,
): Band[] | undefined {
  if (request.mode !== 'home') return undefined;
  const service = request.service ?? 'standard';
  const zone = rateZone(km);
  const { postcode } = request;
  const covered = (carrier: Carrier) =>
    postcode === undefined ||
    !carrier.coverage ||
    carrier.coverage.some((prefix) => postcode.startsWith(prefix));
  const all = request.carriers.filter(covered).flatMap((carrier) =>
    carrier.services
      .filter((offered) => offered.service === service)
      .flatMap((offered) =>
        offered.rates
          .filter((rate) => rate.zone === zone && Math.min(rate.maxKg, offered.maxWeightKg) >= 0)
          .map((rate) => ({
            // no parcel from here weighs more: a band above it is as good as one at it
            maxKg: Math.min(rate.maxKg, offered.maxWeightKg, mostKg),
            price: rate.price,
            perKg: (km / 1000) * offered.co2KgPerTonneKm * profile.costs.co2PricePerKg,
          })),
      ),
  );
  // A band that another takes as heavy a parcel as, for no more and no more per kg, is never the
  // cheapest: left out, the program is smaller and has the same optimum.
  const better = (a: Band, b: Band) => a.maxKg >= b.maxKg && a.price <= b.price && a.perKg <= b.perKg;
  return all.filter(
    (band, k) => !all.some((other, j) => j !== k && better(other, band) && (j < k || !better(band, other))),
  );
}

/** A plain order line of its own SKU, which the profile may let split; a kit's components never do. */
function splits(group: LineGroup, profile: SourcingProfile): boolean {
  return profile.splitLines !== false && group.lines.length === 1 && group.lines[0]?.sku === group.orderSku;
}

function kgOfGroup(group: LineGroup, request: SourcingRequest): number {
  return group.lines.reduce(
    (kg, line) => kg + line.quantity * (request.products.get(line.sku)?.weightKg ?? 0),
    0,
  );
}

/** Some band takes a parcel of `kg` (always, for a pickup). */
function carried(kg: number, bands: readonly Band[] | undefined): boolean {
  return !bands || bands.some((band) => band.maxKg >= kg);
}

/** Units a location can promise: an oversold row (available below zero) promises none. */
function unitsAt(request: SourcingRequest, locationId: string, sku: string): number {
  return Math.max(0, request.available.get(locationId)?.get(sku) ?? 0);
}

/** A kit ships as its components, all from one place; any other line is a group of itself. */
export function oracleLineGroups(
  lines: readonly OrderLine[],
  products: ReadonlyMap<string, Product>,
): LineGroup[] {
  return lines.map(({ sku, quantity }) => {
    const components = products.get(sku)?.kit ?? [];
    return {
      orderSku: sku,
      lines:
        components.length > 0
          ? components.map((component) => ({ sku: component.sku, quantity: component.quantity * quantity }))
          : [{ sku, quantity }],
    };
  });
}

/**
 * The first location-wide rule the location breaks, in the order the explanation reports them:
 * the order's history, the store the customer chose, what the site can do, when it is open, how
 * far it is, whether a carrier offers the service from it to the address, whether it can prepare
 * one more shipment today, and whether it holds anything asked.
 */
function brokenRule(
  location: Location,
  km: number,
  request: SourcingRequest,
  profile: SourcingProfile,
  skus: readonly string[],
  bands: readonly Band[] | undefined,
): string | undefined {
  const { locationId } = location;
  if (request.excluded.has(locationId)) return 'previously-failed';
  if (request.mode !== 'home' && locationId !== request.storeId) return 'not-the-chosen-store';
  if (!location.capabilities.includes(capabilityNeeded[request.mode])) return 'capability';
  const t = request.at.getTime();
  if ((location.downtime ?? []).some(({ from, to }) => Date.parse(from) <= t && t < Date.parse(to)))
    return 'downtime';
  if (profile.maxDistanceKm !== undefined && km > profile.maxDistanceKm) return 'max-distance';
  if (bands && bands.length === 0) return 'carrier';
  // Today's count of shipments left when one was read; otherwise the whole daily capacity is left.
  const shipmentsLeft = request.capacityLeft?.has(locationId)
    ? request.capacityLeft.get(locationId)
    : location.dailyCapacity;
  // A location whose slots for today are taken but that has one on a later day ships then.
  if (shipmentsLeft !== undefined && !(shipmentsLeft > 0) && !request.laterCapacity?.has(locationId))
    return 'capacity';
  if (!skus.some((sku) => unitsAt(request, locationId, sku) > 0)) return 'stock';
  return undefined;
}

/** Carrier days a location ships late: only when today's count of its shipments left is zero. */
function lateDaysOf(location: Location, request: SourcingRequest): number {
  const left = request.capacityLeft?.has(location.locationId)
    ? request.capacityLeft.get(location.locationId)
    : location.dailyCapacity;
  if (left === undefined || left > 0) return 0;
  return request.laterCapacity?.get(location.locationId)?.daysLate ?? 0;
}

function handles(location: Location, product: Product | undefined): boolean {
  return (product?.handling ?? []).every((kind) => location.handling?.includes(kind) ?? false);
}

/** Σ units of each SKU a group takes (a kit may list a SKU that another line also asks for). */
function demandOf(group: LineGroup): Map<string, number> {
  const demand = new Map<string, number>();
  for (const line of group.lines) demand.set(line.sku, (demand.get(line.sku) ?? 0) + line.quantity);
  return demand;
}

/**
 * The exclusions the explanation must list, by location id then SKU: a location-wide rule; else
 * a product it holds but may not ship (special handling, once per SKU); and, when it can ship no
 * group whole, `carrier` if some group it holds and handles is too heavy for every band, else
 * `stock` if some group lacks units there.
 */
function exclusionsOf(
  location: Location,
  wideRule: string | undefined,
  request: SourcingRequest,
  profile: SourcingProfile,
  skus: readonly string[],
  bands: readonly Band[] | undefined,
): OracleExclusion[] {
  const { locationId } = location;
  if (wideRule) return [{ locationId, rule: wideRule }];
  const found: OracleExclusion[] = [];
  let shortOfStock = false;
  let tooHeavy = false;
  let shipsSomeGroup = false;
  for (const group of request.groups) {
    const handled = group.lines.every((line) => handles(location, request.products.get(line.sku)));
    const stocked = [...demandOf(group)].every(([sku, units]) => units <= unitsAt(request, locationId, sku));
    const light = carried(kgOfGroup(group, request), bands);
    if (!stocked) shortOfStock = true;
    if (handled && stocked && !light) tooHeavy = true;
    if (handled && stocked && light) shipsSomeGroup = true;
    // a line that may split: one unit held here, and a band for one unit's weight, is enough
    const line = group.lines[0];
    if (line && splits(group, profile) && handled && unitsAt(request, locationId, line.sku) >= 1) {
      if (carried(request.products.get(line.sku)?.weightKg ?? 0, bands)) shipsSomeGroup = true;
      else tooHeavy = true;
    }
  }
  // A site that could ship a line but for its weight is out because of the carriers, not its stock.
  if (!shipsSomeGroup && tooHeavy) found.push({ locationId, rule: 'carrier' });
  else if (!shipsSomeGroup && shortOfStock) found.push({ locationId, rule: 'stock' });
  for (const sku of [...skus].sort()) {
    if (!handles(location, request.products.get(sku)) && unitsAt(request, locationId, sku) > 0)
      found.push({ locationId, rule: 'special-handling', sku });
  }
  return found;
}

function term(coefficient: number, name: string): string {
  return `${coefficient < 0 ? '-' : '+'} ${Math.abs(coefficient)} ${name}`;
}

/** LP lines stay short: a long sum continues on the next line. */
function sum(terms: string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < terms.length; i += 8) lines.push(terms.slice(i, i + 8).join(' '));
  return lines.join('\n   ');
}

export interface OracleOptions {
  /** look for the best plan whose set of shipping locations is not exactly this one (nextBest) */
  differentFrom?: readonly string[];
}

export function buildLp(
  request: SourcingRequest,
  profile: SourcingProfile,
  options: OracleOptions = {},
): SourcingLp {
  const { costs } = profile;
  const skus = [...new Set(request.groups.flatMap((g) => g.lines.map((l) => l.sku)))];
  const groupKg = request.groups.map((group) => kgOfGroup(group, request));
  const locations: { location: Location; km: number; bands: Band[] | undefined }[] = [];
  const excluded: OracleExclusion[] = [];
  for (const location of request.locations) {
    const km = request.destination ? greatCircleKm(location, request.destination) : 0;
    // A parcel from here weighs at most the groups it could ship one by one (handled, in stock).
    const mostKg = request.groups.reduce((kg, group, g) => {
      if (!group.lines.every((line) => handles(location, request.products.get(line.sku)))) return kg;
      const line = group.lines[0];
      if (line && splits(group, profile))
        return (
          kg +
          Math.min(line.quantity, unitsAt(request, location.locationId, line.sku)) *
            (request.products.get(line.sku)?.weightKg ?? 0)
        );
      return [...demandOf(group)].every(([sku, units]) => units <= unitsAt(request, location.locationId, sku))
        ? kg + (groupKg[g] as number)
        : kg;
    }, 0);
    const bands = bandsFrom(km, request, profile, mostKg);
    const wideRule = brokenRule(location, km, request, profile, skus, bands);
    excluded.push(...exclusionsOf(location, wideRule, request, profile, skus, bands));
    if (!wideRule) locations.push({ location, km, bands });
  }
  excluded.sort(
    (a, b) =>
      compare(a.locationId, b.locationId) || compare(a.sku ?? '', b.sku ?? '') || compare(a.rule, b.rule),
  );

  const objective: string[] = [];
  const rows: string[] = [];
  const binaries: string[] = [];
  const assign: string[][] = request.groups.map(() => []);
  const continuous: string[] = [];
  /** general integers with their upper bound: the units of a split line at a location */
  const generals: { name: string; upTo: number }[] = [];
  locations.forEach(({ location, bands }, l) => {
    const y = `y${l}`;
    binaries.push(y);
    const fixed =
      (location.handlingCost ?? costs.defaultHandling) +
      costs.performancePenalty * (1 - (location.performance ?? documentedDefaults.performance)) +
      costs.priorityPenaltyPerRank * ((location.priority ?? documentedDefaults.priority) - 1) +
      costs.splitPenalty +
      (costs.lateDayPenalty ?? 0) * lateDaysOf(location, request);
    objective.push(term(fixed, y));
    const perUnit = (sku: string) => {
      const product = request.products.get(sku);
      const surplus =
        costs.surplusUnits !== undefined && unitsAt(request, location.locationId, sku) >= costs.surplusUnits;
      return (
        -(product?.endOfSeries || surplus ? costs.destockingBonusPerUnit : 0) -
        (location.storageCostPerUnitDay ?? 0) * costs.storageDays
      );
    };
    const usesSku = new Map<string, string[]>();
    const ships: string[] = [];
    // per band k: the groups it may carry (w_g·b_glk), for its weight limit
    const inBand: string[][] = (bands ?? []).map(() => []);
    request.groups.forEach((group, g) => {
      if (!group.lines.every((line) => handles(location, request.products.get(line.sku)))) return;
      const line = group.lines[0];
      if (line && splits(group, profile)) {
        const unitKg = request.products.get(line.sku)?.weightKg ?? 0;
        if (unitsAt(request, location.locationId, line.sku) < 1 || !carried(unitKg, bands)) return;
        const x = `x${g}_${l}`;
        const u = `u${g}_${l}`;
        binaries.push(x);
        generals.push({ name: u, upTo: line.quantity });
        assign[g]?.push(`+ 1 ${u}`);
        rows.push(` open${g}_${l}: ${x} - ${y} <= 0`);
        rows.push(` some${g}_${l}: ${x} - ${u} <= 0`);
        rows.push(` most${g}_${l}: ${u} - ${line.quantity} ${x} <= 0`);
        ships.push(`- 1 ${x}`);
        const variable = perUnit(line.sku);
        if (variable !== 0) objective.push(term(variable, u));
        const list = usesSku.get(line.sku) ?? [];
        list.push(`+ 1 ${u}`);
        usesSku.set(line.sku, list);
        if (!bands) return;
        const inBands: string[] = [];
        bands.forEach((band, k) => {
          if (band.maxKg < unitKg) return;
          const v = `v${g}_${l}_${k}`;
          continuous.push(v);
          inBands.push(`+ 1 ${v}`);
          if (unitKg !== 0) inBand[k]?.push(term(unitKg, v));
          if (band.perKg * unitKg !== 0) objective.push(term(band.perKg * unitKg, v));
        });
        rows.push(` units${g}_${l}: ${sum([...inBands, `- 1 ${u}`])} = 0`);
        return;
      }
      const kg = groupKg[g] as number;
      if (!carried(kg, bands)) return;
      const x = `x${g}_${l}`;
      binaries.push(x);
      assign[g]?.push(`+ 1 ${x}`);
      rows.push(` open${g}_${l}: ${x} - ${y} <= 0`);
      ships.push(`- 1 ${x}`);
      const variable = group.lines.reduce((s, line) => s + line.quantity * perUnit(line.sku), 0);
      if (variable !== 0) objective.push(term(variable, x));
      for (const line of group.lines) {
        const list = usesSku.get(line.sku) ?? [];
        list.push(term(line.quantity, x));
        usesSku.set(line.sku, list);
      }
      if (!bands) return;
      // The group rides in the parcel's band: b_glk, one of the bands that take its weight.
      const split: string[] = [];
      bands.forEach((band, k) => {
        if (band.maxKg < kg) return;
        const b = `b${g}_${l}_${k}`;
        continuous.push(b);
        split.push(`+ 1 ${b}`);
        if (kg !== 0) inBand[k]?.push(term(kg, b));
        if (band.perKg * kg !== 0) objective.push(term(band.perKg * kg, b));
      });
      rows.push(` split${g}_${l}: ${sum([...split, `- 1 ${x}`])} = 0`);
    });
    // A location is used exactly when it ships something, so y is the set of shipments.
    rows.push(` used${l}: ${sum([`+ 1 ${y}`, ...ships])} <= 0`);
    if (bands) {
      const picks: string[] = [];
      bands.forEach((band, k) => {
        const z = `z${l}_${k}`;
        binaries.push(z);
        picks.push(`+ 1 ${z}`);
        if (band.price !== 0) objective.push(term(band.price, z));
        const load = inBand[k] ?? [];
        if (load.length > 0) rows.push(` band${l}_${k}: ${sum([...load, `- ${band.maxKg} ${z}`])} <= 0`);
      });
      rows.push(` parcel${l}: ${sum([...picks, `- 1 ${y}`])} = 0`);
    }
    skus.forEach((sku, s) => {
      const terms = usesSku.get(sku);
      if (terms) rows.push(` stock${l}_${s}: ${sum(terms)} <= ${unitsAt(request, location.locationId, sku)}`);
    });
  });
  request.groups.forEach((group, g) => {
    const line = group.lines[0];
    const units = line && splits(group, profile) ? line.quantity : 1;
    rows.push(` assign${g}: ${sum(assign[g] ?? [])} = ${units}`);
  });
  if (locations.length > 0)
    rows.push(` shipments: ${sum(locations.map((_, l) => `+ 1 y${l}`))} <= ${profile.maxShipments}`);
  if (options.differentFrom && locations.length > 0) {
    // No-good cut: Σ_{l∈S} y_l − Σ_{l∉S} y_l ≤ |S| − 1 forbids exactly the set S.
    const set = new Set(options.differentFrom);
    const inSet = locations.filter(({ location }) => set.has(location.locationId)).length;
    if (inSet === set.size) {
      const cut = locations.map(({ location }, l) => `${set.has(location.locationId) ? '+' : '-'} 1 y${l}`);
      rows.push(` differs: ${sum(cut)} <= ${set.size - 1}`);
    }
  }

  const lp = [
    'Minimize',
    ` obj: ${sum(objective.length > 0 ? objective : ['0 y0'])}`,
    'Subject To',
    ...rows,
    ...(continuous.length + generals.length > 0
      ? [
          'Bounds',
          ...continuous.map((b) => (b.startsWith('v') ? ` ${b} >= 0` : ` 0 <= ${b} <= 1`)),
          ...generals.map(({ name, upTo }) => ` 0 <= ${name} <= ${upTo}`),
        ]
      : []),
    'Binary',
    ...binaries.map((b) => ` ${b}`),
    ...(generals.length > 0 ? ['General', ...generals.map(({ name }) => ` ${name}`)] : []),
    'End',
    '',
  ].join('\n');
  return {
    lp,
    constant: -costs.splitPenalty,
    locationIds: locations.map(({ location }) => location.locationId),
    everyGroupHasALocation: assign.every((terms) => terms.length > 0),
    excluded,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

let solver: Promise<Highs> | undefined;

/** The WASM solver, loaded once per process. */
export function loadHighs(): Promise<Highs> {
  // The package's types describe its CommonJS build; under ESM its loader is the default export.
  solver ??= import('highs').then((module) =>
    (module as unknown as { default: () => Promise<Highs> }).default(),
  );
  return solver;
}

export async function solveWithHighs(
  request: SourcingRequest,
  profile: SourcingProfile,
  options: OracleOptions = {},
): Promise<HighsSourcing> {
  const started = performance.now();
  const model = buildLp(request, profile, options);
  const infeasible = (): HighsSourcing => ({
    feasible: false,
    cost: Number.POSITIVE_INFINITY,
    shipments: 0,
    locationIds: [],
    excluded: model.excluded,
    solveMs: performance.now() - started,
  });
  if (request.groups.length === 0)
    return { feasible: true, cost: 0, shipments: 0, locationIds: [], excluded: model.excluded, solveMs: 0 };
  if (!model.everyGroupHasALocation) return infeasible();
  const highs = await loadHighs();
  // HiGHS takes a general integer within mip_feasibility_tolerance (1e-6 by default) as integral:
  // 3.0000005 units of a split line at a destocking bonus of 2 EUR "saved" 1e-6 EUR and the oracle
  // came out below the true optimum by more than the 1e-6 it is compared at.
  const solution = highs.solve(model.lp, {
    mip_rel_gap: 0,
    mip_abs_gap: 1e-9,
    mip_feasibility_tolerance: 1e-9,
    output_flag: false,
  });
  if (solution.Status === 'Infeasible') return infeasible();
  if (solution.Status !== 'Optimal') throw new Error(`HiGHS: ${solution.Status}`);
  const used = new Set<string>();
  for (const [name, column] of Object.entries(solution.Columns)) {
    const shipsFrom = /^x\d+_(\d+)$/.exec(name);
    if (shipsFrom && 'Primal' in column && column.Primal > 0.5)
      used.add(model.locationIds[Number(shipsFrom[1])] as string);
  }
  return {
    feasible: true,
    cost: solution.ObjectiveValue + model.constant,
    shipments: used.size,
    locationIds: [...used].sort(),
    excluded: model.excluded,
    solveMs: performance.now() - started,
  };
}
