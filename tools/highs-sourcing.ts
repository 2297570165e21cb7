/**
 * The sourcing model as a mixed-integer program, solved by HiGHS: the oracle that sourceOptimal's
 * own search must match. Nothing of the core's behaviour is imported (only its types): the rules
 * (DESIGN.md sections 1 and 6: the capability for the delivery mode, the chosen store, downtime
 * windows, the maximum distance, daily capacity, available stock, special handling, the locations
 * that already failed the order), the costs (the objective in functions/core/sourcing/model.ts)
 * and the constraints (kits and lines ship whole, shared stock, maximum shipments) are written
 * here again, so that a mistake in any of them in the core shows up as a different optimum, a
 * different feasibility or a different exclusion.
 *
 *   min  Σ_l F_l·y_l + Σ_{g,l} V_gl·x_gl − splitPenalty
 *   s.t. Σ_l x_gl = 1                       every line group ships from one location
 *        x_gl ≤ y_l                          only from a used location (one shipment each)
 *        Σ_g q_gs·x_gl ≤ a_ls               groups at one location share its stock of a SKU
 *        Σ_l y_l ≤ maxShipments
 *        x, y binary; l only where every location-wide rule holds, x_gl only where l can handle
 *        every product of g
 *
 * Self-contained (the benchmark imports it): `buildLp` writes CPLEX LP text, `solveWithHighs` loads
 * the WASM solver once and solves to a zero relative gap.
 */
import type { Highs } from 'highs';
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
 * far it is, whether it can prepare one more shipment today, and whether it holds anything asked.
 */
function brokenRule(
  location: Location,
  km: number,
  request: SourcingRequest,
  profile: SourcingProfile,
  skus: readonly string[],
): string | undefined {
  const { locationId } = location;
  if (request.excluded.has(locationId)) return 'previously-failed';
  if (request.mode !== 'home' && locationId !== request.storeId) return 'not-the-chosen-store';
  if (!location.capabilities.includes(capabilityNeeded[request.mode])) return 'capability';
  const t = request.at.getTime();
  if ((location.downtime ?? []).some(({ from, to }) => Date.parse(from) <= t && t < Date.parse(to)))
    return 'downtime';
  if (profile.maxDistanceKm !== undefined && km > profile.maxDistanceKm) return 'max-distance';
  // Today's count of shipments left when one was read; otherwise the whole daily capacity is left.
  const shipmentsLeft = request.capacityLeft?.has(locationId)
    ? request.capacityLeft.get(locationId)
    : location.dailyCapacity;
  if (shipmentsLeft !== undefined && !(shipmentsLeft > 0)) return 'capacity';
  if (!skus.some((sku) => unitsAt(request, locationId, sku) > 0)) return 'stock';
  return undefined;
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
 * group whole, `stock` if some group lacks units there.
 */
function exclusionsOf(
  location: Location,
  wideRule: string | undefined,
  request: SourcingRequest,
  skus: readonly string[],
): OracleExclusion[] {
  const { locationId } = location;
  if (wideRule) return [{ locationId, rule: wideRule }];
  const found: OracleExclusion[] = [];
  let shortOfStock = false;
  let shipsSomeGroup = false;
  for (const group of request.groups) {
    const handled = group.lines.every((line) => handles(location, request.products.get(line.sku)));
    const stocked = [...demandOf(group)].every(([sku, units]) => units <= unitsAt(request, locationId, sku));
    if (!stocked) shortOfStock = true;
    if (handled && stocked) shipsSomeGroup = true;
  }
  if (!shipsSomeGroup && shortOfStock) found.push({ locationId, rule: 'stock' });
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
  const locations: { location: Location; km: number }[] = [];
  const excluded: OracleExclusion[] = [];
  for (const location of request.locations) {
    const km = request.destination ? greatCircleKm(location, request.destination) : 0;
    const wideRule = brokenRule(location, km, request, profile, skus);
    excluded.push(...exclusionsOf(location, wideRule, request, skus));
    if (!wideRule) locations.push({ location, km });
  }
  excluded.sort(
    (a, b) =>
      compare(a.locationId, b.locationId) || compare(a.sku ?? '', b.sku ?? '') || compare(a.rule, b.rule),
  );

  const objective: string[] = [];
  const rows: string[] = [];
  const binaries: string[] = [];
  const assign: string[][] = request.groups.map(() => []);
  locations.forEach(({ location, km }, l) => {
    const y = `y${l}`;
    binaries.push(y);
    const fixed =
      costs.perParcel +
      (location.handlingCost ?? costs.defaultHandling) +
      km * costs.perKm +
      costs.performancePenalty * (1 - (location.performance ?? documentedDefaults.performance)) +
      costs.priorityPenaltyPerRank * ((location.priority ?? documentedDefaults.priority) - 1) +
      costs.splitPenalty;
    objective.push(term(fixed, y));
    const perUnit = (sku: string) => {
      const product = request.products.get(sku);
      const kg = product?.weightKg ?? 0;
      const surplus =
        costs.surplusUnits !== undefined && unitsAt(request, location.locationId, sku) >= costs.surplusUnits;
      return (
        kg * km * costs.perKgKm +
        (kg / 1000) * km * costs.co2KgPerTonneKm * costs.co2PricePerKg -
        (product?.endOfSeries || surplus ? costs.destockingBonusPerUnit : 0) -
        (location.storageCostPerUnitDay ?? 0) * costs.storageDays
      );
    };
    const usesSku = new Map<string, string[]>();
    const ships: string[] = [];
    request.groups.forEach((group, g) => {
      if (!group.lines.every((line) => handles(location, request.products.get(line.sku)))) return;
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
    });
    // A location is used exactly when it ships something, so y is the set of shipments.
    rows.push(` used${l}: ${sum([`+ 1 ${y}`, ...ships])} <= 0`);
    skus.forEach((sku, s) => {
      const terms = usesSku.get(sku);
      if (terms) rows.push(` stock${l}_${s}: ${sum(terms)} <= ${unitsAt(request, location.locationId, sku)}`);
    });
  });
  request.groups.forEach((_, g) => {
    rows.push(` assign${g}: ${sum(assign[g] ?? [])} = 1`);
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
    'Binary',
    ...binaries.map((b) => ` ${b}`),
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
  const solution = highs.solve(model.lp, { mip_rel_gap: 0, mip_abs_gap: 1e-9, output_flag: false });
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
