/**
 * The sourcing model as a mixed-integer program, solved by HiGHS: the oracle that sourceOptimal's
 * own search must match. The location-wide rules are taken from the core (they are the spec, and
 * each has its own test); the group eligibility, the costs and the constraints are written here
 * again from the model's definition (functions/core/sourcing/model.ts), so that a mistake in the
 * core's matrices or search shows up as a different optimum.
 *
 *   min  Σ_l F_l·y_l + Σ_{g,l} V_gl·x_gl − splitPenalty
 *   s.t. Σ_l x_gl = 1                       every line group ships from one location
 *        x_gl ≤ y_l                          only from a used location (one shipment each)
 *        Σ_g q_gs·x_gl ≤ a_ls               groups at one location share its stock of a SKU
 *        Σ_l y_l ≤ maxShipments
 *        x, y binary; x_gl exists only where l can handle every product of g
 *
 * The sourcing benchmark's own copy of the model in test/support/highs-oracle.ts (benchmarks do not
 * import tests): `buildLp` writes CPLEX LP text, `solveWithHighs` loads the WASM solver once and
 * solves to a zero relative gap. The test's oracle may drift from it (issue 6 wants it to re-state
 * the location rules too); this one is the baseline the benchmark times and checks gaps against.
 */
import type { Highs } from 'highs';
import { distanceKm, type Location } from '../../functions/core/network.ts';
import { locationExclusion, readStock } from '../../functions/core/sourcing/candidates.ts';
import type { SourcingProfile } from '../../functions/core/sourcing/profile.ts';
import type { SourcingRequest } from '../../functions/core/sourcing/types.ts';

export interface HighsSourcing {
  feasible: boolean;
  /** the optimum in EUR; +∞ when no plan exists */
  cost: number;
  shipments: number;
  /** the locations of HiGHS's optimal plan (one of them when several tie), by id */
  locationIds: string[];
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
}

const documentedDefaults = { priority: 5, performance: 1 };

function term(coefficient: number, name: string): string {
  return `${coefficient < 0 ? '-' : '+'} ${Math.abs(coefficient)} ${name}`;
}

/** LP lines stay short: a long sum continues on the next line. */
function sum(terms: string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < terms.length; i += 8) lines.push(terms.slice(i, i + 8).join(' '));
  return lines.join('\n   ');
}

function stock(request: SourcingRequest, locationId: string, sku: string): number {
  return Math.max(0, request.available.get(locationId)?.get(sku) ?? 0);
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
  for (const location of request.locations) {
    const km = request.destination ? distanceKm(location, request.destination) : 0;
    const stocked = readStock(request, location.locationId, skus, new Float64Array(skus.length));
    if (!locationExclusion(location, km, stocked, request, profile)) locations.push({ location, km });
  }

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
        costs.surplusUnits !== undefined && stock(request, location.locationId, sku) >= costs.surplusUnits;
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
      const handled = group.lines.every((line) =>
        (request.products.get(line.sku)?.handling ?? []).every((kind) => location.handling?.includes(kind)),
      );
      if (!handled) return;
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
      if (terms) rows.push(` stock${l}_${s}: ${sum(terms)} <= ${stock(request, location.locationId, sku)}`);
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
  };
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
  const infeasible = (solveMs: number): HighsSourcing => ({
    feasible: false,
    cost: Number.POSITIVE_INFINITY,
    shipments: 0,
    locationIds: [],
    solveMs,
  });
  if (request.groups.length === 0)
    return { feasible: true, cost: 0, shipments: 0, locationIds: [], solveMs: 0 };
  const started = performance.now();
  const model = buildLp(request, profile, options);
  if (!model.everyGroupHasALocation) return infeasible(performance.now() - started);
  const highs = await loadHighs();
  const solution = highs.solve(model.lp, { mip_rel_gap: 0, mip_abs_gap: 1e-9, output_flag: false });
  const solveMs = performance.now() - started;
  if (solution.Status === 'Infeasible') return infeasible(solveMs);
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
    solveMs,
  };
}
