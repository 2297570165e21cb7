import type { SourcingModel } from './model.ts';
import { kgOf } from './parcel-cost.ts';

/**
 * Exact branch and bound over the ways to cut an order's line groups into shipments.
 *
 * A plan is a partition of the groups into blocks, each block shipped whole from its own location
 * (two blocks at one location would be one shipment, i.e. a coarser partition). So the search
 * branches on partitions, group by group: a group joins one of the blocks already open or opens a
 * new one while fewer than `maxShipments` are open (restricted growth: each partition is met once).
 *
 * For a block B of weight W(B), every candidate that can ship B whole (handling, the SUM of its
 * groups' demand per SKU within the candidate's stock: groups asking for the same SKU share it, and
 * a carrier offer that takes W(B)) is scanned once and
 * c(B) = min over them of fixed(l) + Σ_{g∈B} groupCost(g, l) + parcel(l, W(B)). Blocks are
 * memoised by their set of groups and extended from their parent's feasible candidates only.
 *
 * Bound: parcel(l, ·) is non-decreasing and grows by at least minSlope(l)·w when w is added (see
 * parcel-cost.ts), so with minCost(g) = min_l groupCost(g, l) + minSlope(l)·w(g), a placed group
 * adds to its block at least minCost(g): c(B ∪ {g}) ≥ c(B) + minCost(g). Hence for a partial
 * partition, Σ c(B) over open blocks + Σ minCost(g) over groups not yet placed + constant is a
 * valid lower bound (a new block's fixed(l) + parcel(l, W) − minSlope(l)·W is ≥ 0), and giving the
 * blocks DISTINCT locations can only cost more. On top of it, a group h that no open block can take
 * (no candidate of the block ships both: stock shared, weight) needs a new shipment: none may be
 * left under the cap, and the bound adds the largest of those groups' minFixed(h) = min_l fixed(l)
 * + parcel(l, w(h)) − minSlope(l)·w(h), which the new block pays on top of its groups' minCost
 * because parcel(l, W) − minSlope(l)·W does not decrease in W (one new location may take them all,
 * so the largest, not the sum). A node is cut when the bound exceeds the
 * incumbent next-best plan (see below) by more than `costTolerance`, or when it is not cheaper
 * than either incumbent by more than that and its plans lose to both on the tie-break that comes
 * next: more shipments (blocks only grow), or at a leaf as many and a larger sum of priority
 * ranks. So no plan that could win, or be the next best, is ever cut; and when every plan ties
 * (costs of 1e-300, or none), the tie-break cuts what the cost bound cannot.
 *
 * Leaf: the blocks need distinct locations. Each block keeps its K = min(maxShipments, groups) + 1
 * best candidates, ordered by (cost, priority, id), and the leaf tries every injective choice among
 * them. Why K suffices: in an optimal choice of k ≤ K − 1 blocks, a block using a candidate outside
 * its list leaves at least two of its listed candidates unused by the others; either is no worse
 * (same key order), and at most one of the two rebuilds any given set of locations — so the best
 * plan, and the best plan whose set of locations differs from any given set, are both reached.
 *
 * Two incumbents: `best` and `nextBest`, the cheapest plan whose SET of locations differs from the
 * best plan's set (a plan that only moves a line between the same locations is not an alternative
 * routing). Keeping them both exact is why nodes are cut against `nextBest`, not `best`.
 *
 * Split lines (model.splittable: a plain line the profile lets split): such a group may instead
 * leave in parts, k₁ + k₂ + … = q units in distinct blocks. Its parts are placed in increasing
 * block order (an open block, then new ones), every quantity tried, largest first, so each way to
 * share the units among blocks is met once; a block keeps the units of its part as it keeps those
 * of a whole group (stock, weight). The bounds stay valid: a unit of g costs at least
 * min_l pieceCost(g, l) + minSlope(l)·unit weight wherever it goes (so minCost(g) is q times
 * that), and a new block opened for a part pays at least the fixed cost and the parcel of one unit
 * beyond its units' minimum. A group h counts as one no open block can take only when none can
 * take a single unit of it. The shipments cap grows to the units of split lines (each part is a
 * shipment), and the leaf argument below holds block by block, whatever a block holds.
 *
 * Tie-breaking, total and independent of input order: lower cost (within `costTolerance`), then
 * fewer shipments, then the lower sum of priority ranks, then fewer parts of split lines, then the
 * assignment with the smaller location ids, group by group in order-line order, then the parts.
 */

export const costTolerance = 1e-9;

export interface Plan {
  /** candidate index shipping each group, in the model's group order; −1 for a group shipped in parts */
  assignment: Int32Array;
  /** the parts of split groups, flat as (group, candidate, units) triples, by group then candidate */
  parts: Int32Array;
  /** the candidates used, ascending */
  locations: Int32Array;
  cost: number;
  prioritySum: number;
}

export interface SearchOutcome {
  best?: Plan | undefined;
  nextBest?: Plan | undefined;
  nodes: number;
  /** nodes plus candidates scanned: what the work limit counts */
  work: number;
  /** false when the work limit stopped the search: `best` is then the best plan found, not a proof */
  complete: boolean;
}

/** Negative when `a` is the better plan (see the tie-breaking rule above). */
export function comparePlans(a: Plan, b: Plan): number {
  if (a.cost < b.cost - costTolerance) return -1;
  if (a.cost > b.cost + costTolerance) return 1;
  if (a.locations.length !== b.locations.length) return a.locations.length - b.locations.length;
  if (a.prioritySum !== b.prioritySum) return a.prioritySum - b.prioritySum;
  if (a.parts.length !== b.parts.length) return a.parts.length - b.parts.length;
  for (let g = 0; g < a.assignment.length; g++) {
    const diff = (a.assignment[g] as number) - (b.assignment[g] as number);
    if (diff !== 0) return diff;
  }
  for (let i = 0; i < a.parts.length; i++) {
    const diff = (a.parts[i] as number) - (b.parts[i] as number);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Whether any plan of at least that cost, shipments and priority-rank sum is worse than `plan`. */
function losesTo(plan: Plan, cost: number, shipments: number, prioritySum: number): boolean {
  if (cost > plan.cost + costTolerance) return true;
  if (cost < plan.cost - costTolerance) return false;
  const fewest = plan.locations.length;
  return shipments > fewest || (shipments === fewest && prioritySum > plan.prioritySum);
}

function sameSet(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Block {
  /** groups in the block */
  members: number[];
  /** units of each member here: 0 for a whole group, k for a part of k units of a split line */
  amounts: number[];
  /** the memo key: the whole members as a bit mask, and the parts (`g:units,`) in the order they were placed */
  mask: number;
  parts: string;
  /** candidates that can ship the block whole, with fixed + variable cost there, and with the parcel's */
  locs: Int32Array;
  linear: Float64Array;
  costs: Float64Array;
  /** the parcel's weight, mg */
  weightMg: number;
  /** units per SKU the block takes */
  demand: Float64Array;
  /** its best candidates by (cost, priority, id) */
  top: Int32Array;
  topCost: Float64Array;
  topLen: number;
  /** [h]: 1 when group h could join the block (some candidate of the block ships both, stock shared); a split line: one unit of it */
  joinable: Uint8Array;
}

export function searchPlans(model: SourcingModel, maxShipments: number, workLimit: number): SearchOutcome {
  const { fixed, groupCost, available, priority, groupSkus, groupQty, constant } = model;
  const { groupMg, parcelCost, heaviestKg, minSlope, splittable, pieceCost, unitMg } = model;
  const n = model.candidates.length;
  const groupCount = model.groups.length;
  const skuCount = model.skus.length;
  // Each part of a split line is a shipment of its own: a line of q units may need up to q.
  let parcelsAtMost = 0;
  for (let g = 0; g < groupCount; g++)
    parcelsAtMost += splittable[g] ? ((groupQty[g] as Float64Array)[0] as number) : 1;
  const shipmentsCap = Math.min(maxShipments, parcelsAtMost);
  const listSize = shipmentsCap + 1;

  const minCost = new Float64Array(groupCount);
  const minFixed = new Float64Array(groupCount);
  /** [g]: the least a unit of split line g adds to any block */
  const minUnit = new Float64Array(groupCount);
  const servers = new Int32Array(groupCount);
  for (let g = 0; g < groupCount; g++) {
    let min = Number.POSITIVE_INFINITY;
    let minF = Number.POSITIVE_INFINITY;
    if (splittable[g]) {
      const s = (groupSkus[g] as Int32Array)[0] as number;
      const q = (groupQty[g] as Float64Array)[0] as number;
      const w = unitMg[g] as number;
      let units = 0;
      for (let c = 0; c < n; c++) {
        const v = pieceCost[g * n + c] as number;
        if (v === Number.POSITIVE_INFINITY) continue;
        servers[g] = (servers[g] as number) + 1;
        units += available[c * skuCount + s] as number;
        const slope = (minSlope[c] as number) * w;
        if (v + slope < min) min = v + slope;
        const opening = (fixed[c] as number) + parcelCost(c, w) - slope;
        if (opening < minF) minF = opening;
      }
      if (min === Number.POSITIVE_INFINITY || units < q) return { nodes: 0, work: 0, complete: true };
      minUnit[g] = min;
      minCost[g] = min * q;
      minFixed[g] = minF;
      continue;
    }
    for (let c = 0; c < n; c++) {
      const v = groupCost[g * n + c] as number;
      if (v === Number.POSITIVE_INFINITY) continue;
      servers[g] = (servers[g] as number) + 1;
      const w = groupMg[g] as number;
      const slope = (minSlope[c] as number) * w;
      if (v + slope < min) min = v + slope;
      const opening = (fixed[c] as number) + parcelCost(c, w) - slope;
      if (opening < minF) minF = opening;
    }
    if (min === Number.POSITIVE_INFINITY) return { nodes: 0, work: 0, complete: true };
    minCost[g] = min;
    minFixed[g] = minF;
  }
  // The most constrained groups first: their blocks are small and their bounds bite early.
  const order = Array.from({ length: groupCount }, (_, g) => g).sort(
    (a, b) => (servers[a] as number) - (servers[b] as number) || a - b,
  );
  const remainingMin = new Float64Array(groupCount + 1);
  for (let i = groupCount - 1; i >= 0; i--)
    remainingMin[i] = (remainingMin[i + 1] as number) + (minCost[order[i] as number] as number);

  // Work done, in candidate scans and nodes: the budget that bounds a pathological order's search.
  let work = 0;

  const fits = (demand: Float64Array, weightMg: number, h: number, c: number) => {
    if (splittable[h]) {
      if ((pieceCost[h * n + c] as number) === Number.POSITIVE_INFINITY) return false;
      if (kgOf(weightMg + (unitMg[h] as number)) > (heaviestKg[c] as number)) return false;
      const s = (groupSkus[h] as Int32Array)[0] as number;
      return (demand[s] as number) + 1 <= (available[c * skuCount + s] as number);
    }
    if ((groupCost[h * n + c] as number) === Number.POSITIVE_INFINITY) return false;
    if (kgOf(weightMg + (groupMg[h] as number)) > (heaviestKg[c] as number)) return false;
    const skus = groupSkus[h] as Int32Array;
    const qty = groupQty[h] as Float64Array;
    for (let k = 0; k < skus.length; k++) {
      const s = skus[k] as number;
      if ((demand[s] as number) + (qty[k] as number) > (available[c * skuCount + s] as number)) return false;
    }
    return true;
  };

  const ranksBefore = (costA: number, a: number, costB: number, b: number) =>
    costA < costB - costTolerance ||
    (costA <= costB + costTolerance &&
      ((priority[a] as number) < (priority[b] as number) || (priority[a] === priority[b] && a < b)));

  function makeBlock(
    members: number[],
    amounts: number[],
    mask: number,
    parts: string,
    count: number,
    locs: Int32Array,
    linear: Float64Array,
    demand: Float64Array,
    weightMg: number,
  ) {
    const costs = new Float64Array(count);
    for (let i = 0; i < count; i++)
      costs[i] = (linear[i] as number) + parcelCost(locs[i] as number, weightMg);
    const block: Block = {
      members,
      amounts,
      mask,
      parts,
      locs: locs.subarray(0, count),
      linear: linear.subarray(0, count),
      costs,
      weightMg,
      demand,
      top: new Int32Array(listSize),
      topCost: new Float64Array(listSize),
      topLen: 0,
      joinable: new Uint8Array(groupCount),
    };
    work += count;
    for (let h = 0; h < groupCount; h++) {
      if (members.includes(h)) continue;
      for (let i = 0; i < count; i++) {
        work++;
        if (fits(demand, weightMg, h, locs[i] as number)) {
          block.joinable[h] = 1;
          break;
        }
      }
    }
    for (let i = 0; i < count; i++) {
      const c = locs[i] as number;
      const cost = costs[i] as number;
      let at = block.topLen;
      while (at > 0 && ranksBefore(cost, c, block.topCost[at - 1] as number, block.top[at - 1] as number))
        at--;
      if (at >= listSize) continue;
      const end = Math.min(block.topLen, listSize - 1);
      for (let j = end; j > at; j--) {
        block.top[j] = block.top[j - 1] as number;
        block.topCost[j] = block.topCost[j - 1] as number;
      }
      block.top[at] = c;
      block.topCost[at] = cost;
      if (block.topLen < listSize) block.topLen++;
    }
    return block;
  }

  /** The cost per unit of group g at c and the units it adds, for g whole (units 0) or a part. */
  const addedCost = (g: number, c: number, units: number) =>
    units === 0 ? (groupCost[g * n + c] as number) : units * (pieceCost[g * n + c] as number);

  const maskOf = (parent: Block | undefined, g: number, units: number) =>
    (parent?.mask ?? 0) | (units === 0 ? 1 << g : 0);
  const partsOf = (parent: Block | undefined, g: number, units: number) =>
    units === 0 ? (parent?.parts ?? '') : `${parent?.parts ?? ''}${g}:${units},`;

  /** A block of group g (whole: units 0; else a part of that many units), alone or added to `parent`. */
  function blockWith(parent: Block | undefined, g: number, units: number): Block {
    const skus = groupSkus[g] as Int32Array;
    const qty = groupQty[g] as Float64Array;
    const demand = parent ? parent.demand.slice() : new Float64Array(skuCount);
    if (units === 0)
      for (let k = 0; k < skus.length; k++)
        demand[skus[k] as number] = (demand[skus[k] as number] as number) + (qty[k] as number);
    else demand[skus[0] as number] = (demand[skus[0] as number] as number) + units;
    const weightMg =
      (parent?.weightMg ?? 0) + (units === 0 ? (groupMg[g] as number) : units * (unitMg[g] as number));
    const weightKg = kgOf(weightMg);
    const size = parent ? parent.locs.length : n;
    const locs = new Int32Array(size);
    const linear = new Float64Array(size);
    let count = 0;
    next: for (let i = 0; i < size; i++) {
      const c = parent ? (parent.locs[i] as number) : i;
      const v = addedCost(g, c, units);
      if (v === Number.POSITIVE_INFINITY || weightKg > (heaviestKg[c] as number)) continue;
      for (let k = 0; k < skus.length; k++) {
        const s = skus[k] as number;
        if ((demand[s] as number) > (available[c * skuCount + s] as number)) continue next;
      }
      locs[count] = c;
      linear[count++] = (parent ? (parent.linear[i] as number) : (fixed[c] as number)) + v;
    }
    return makeBlock(
      parent ? [...parent.members, g] : [g],
      parent ? [...parent.amounts, units] : [units],
      maskOf(parent, g, units),
      partsOf(parent, g, units),
      count,
      locs,
      linear,
      demand,
      weightMg,
    );
  }

  // Blocks are remembered by their content when the order is small enough for a mask of its groups.
  // Blocks of whole groups only, the common case, are keyed by the mask alone.
  const memo = new Map<number, Block>();
  const memoOfParts = new Map<string, Block>();
  const memoised = groupCount <= 30;
  const withGroup = (parent: Block | undefined, g: number, units: number) => {
    if (!memoised) return blockWith(parent, g, units);
    const mask = maskOf(parent, g, units);
    const parts = partsOf(parent, g, units);
    const known = parts === '' ? memo.get(mask) : memoOfParts.get(`${mask}|${parts}`);
    if (known) return known;
    const block = blockWith(parent, g, units);
    if (parts === '') memo.set(mask, block);
    else memoOfParts.set(`${mask}|${parts}`, block);
    return block;
  };

  /** The most units of split line g that one of the block's candidates could add (stock, weight). */
  function roomFor(block: Block | undefined, g: number): number {
    const s = (groupSkus[g] as Int32Array)[0] as number;
    const w = unitMg[g] as number;
    let most = 0;
    const size = block ? block.locs.length : n;
    for (let i = 0; i < size; i++) {
      const c = block ? (block.locs[i] as number) : i;
      if ((pieceCost[g * n + c] as number) === Number.POSITIVE_INFINITY) continue;
      let units = (available[c * skuCount + s] as number) - (block ? (block.demand[s] as number) : 0);
      if (w > 0) {
        const heaviest = heaviestKg[c] as number;
        if (heaviest !== Number.POSITIVE_INFINITY)
          // rounding up by a hair: a size too large only yields a block without candidates
          units = Math.min(units, Math.floor((heaviest * 1e6 - (block?.weightMg ?? 0)) / w + 1e-6));
      }
      if (units > most) most = units;
    }
    work += size;
    return most;
  }

  let best: Plan | undefined;
  let nextBest: Plan | undefined;
  let nodes = 0;
  let stopped = false;
  const limit = () => (nextBest ? nextBest.cost + costTolerance : Number.POSITIVE_INFINITY);
  /**
   * Whether every plan of at least `shipments` shipments, `cost` and `prioritySum` loses to both
   * incumbents under comparePlans. A cost bound alone cuts nothing when the plans tie within
   * `costTolerance` (costs of 1e-300, or all zero): the tie-break ranks then have to cut instead.
   */
  const outranked = (cost: number, shipments: number, prioritySum: number) =>
    nextBest !== undefined &&
    best !== undefined &&
    losesTo(nextBest, cost, shipments, prioritySum) &&
    losesTo(best, cost, shipments, prioritySum);

  function offer(blocks: Block[], chosen: Int32Array, cost: number) {
    const assignment = new Int32Array(groupCount);
    const parts: number[][] = [];
    let prioritySum = 0;
    blocks.forEach((block, j) => {
      const c = chosen[j] as number;
      prioritySum += priority[c] as number;
      block.members.forEach((g, m) => {
        const units = block.amounts[m] as number;
        if (units === 0) assignment[g] = c;
        else {
          assignment[g] = -1;
          parts.push([g, c, units]);
        }
      });
    });
    parts.sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
    const plan: Plan = {
      assignment,
      parts: Int32Array.from(parts.flat()),
      locations: chosen.slice().sort(),
      cost,
      prioritySum,
    };
    if (!best || comparePlans(plan, best) < 0) {
      if (best && !sameSet(plan.locations, best.locations)) nextBest = best;
      best = plan;
    } else if (!sameSet(plan.locations, best.locations) && (!nextBest || comparePlans(plan, nextBest) < 0))
      nextBest = plan;
  }

  function chooseLocations(blocks: Block[]) {
    const k = blocks.length;
    const chosen = new Int32Array(k);
    const rest = new Float64Array(k + 1);
    /** the least priority-rank sum the blocks from j on can add */
    const restPriority = new Float64Array(k + 1);
    for (let j = k - 1; j >= 0; j--) {
      const block = blocks[j] as Block;
      rest[j] = (rest[j + 1] as number) + (block.topCost[0] as number);
      let least = Number.POSITIVE_INFINITY;
      for (let t = 0; t < block.topLen; t++)
        least = Math.min(least, priority[block.top[t] as number] as number);
      restPriority[j] = (restPriority[j + 1] as number) + least;
    }
    const pick = (j: number, partial: number, prioritySum: number) => {
      nodes++;
      work++;
      if (j === k) {
        offer(blocks, chosen, partial + constant);
        return;
      }
      const block = blocks[j] as Block;
      candidates: for (let t = 0; t < block.topLen; t++) {
        const c = block.top[t] as number;
        for (let i = 0; i < j; i++) if (chosen[i] === c) continue candidates;
        const cost = partial + (block.topCost[t] as number);
        const bound = cost + (rest[j + 1] as number) + constant;
        if (bound > limit()) continue;
        const ranks = prioritySum + (priority[c] as number);
        if (outranked(bound, k, ranks + (restPriority[j + 1] as number))) continue;
        chosen[j] = c;
        pick(j + 1, cost, ranks);
      }
    };
    pick(0, 0, 0);
  }

  const blocks: Block[] = [];
  /** One step of the search: counts it, and says whether the work limit stops it. */
  const step = () => {
    if (stopped) return false;
    nodes++;
    if (++work > workLimit) {
      stopped = true;
      return false;
    }
    return true;
  };

  function branch(i: number, blockSum: number) {
    if (!step()) return;
    let bound = blockSum + (remainingMin[i] as number) + constant;
    if (bound > limit()) return;
    if (i === groupCount) {
      chooseLocations(blocks);
      return;
    }
    // A group no open block can take needs a new shipment: none may be left, and its location
    // costs at least its cheapest fixed cost (one new location may take several such groups).
    let newShipment = Number.NEGATIVE_INFINITY;
    for (let r = i; r < groupCount; r++) {
      const h = order[r] as number;
      if (!blocks.some((block) => block.joinable[h] === 1))
        newShipment = Math.max(newShipment, minFixed[h] as number);
    }
    if (newShipment > Number.NEGATIVE_INFINITY) {
      if (blocks.length === shipmentsCap) return;
      bound += newShipment;
      if (bound > limit()) return;
    }
    if (
      outranked(
        bound,
        blocks.length + (newShipment > Number.NEGATIVE_INFINITY ? 1 : 0),
        Number.NEGATIVE_INFINITY,
      )
    )
      return;
    const g = order[i] as number;
    if (splittable[g]) {
      const q = (groupQty[g] as Float64Array)[0] as number;
      placeParts(i, g, q, 0, q, blockSum);
      return;
    }
    // Joining an open block first: plans with fewer shipments are met, and bound the rest, early.
    for (let j = 0; j < blocks.length; j++) {
      const open = blocks[j] as Block;
      if (open.joinable[g] !== 1) continue;
      const grown = withGroup(open, g, 0);
      blocks[j] = grown;
      branch(i + 1, blockSum - (open.topCost[0] as number) + (grown.topCost[0] as number));
      blocks[j] = open;
    }
    if (blocks.length < shipmentsCap) {
      const fresh = withGroup(undefined, g, 0);
      blocks.push(fresh);
      branch(i + 1, blockSum + (fresh.topCost[0] as number));
      blocks.pop();
    }
  }

  /**
   * Places the `left` units of split line g still to place, in blocks from index `from` on: all of
   * them in one block first (the whole line when none is placed yet), then a part of every size,
   * largest first. New blocks are interchangeable, so parts in successive new blocks never grow
   * (`newAtMost`): each way to share the units is met once.
   */
  function placeParts(i: number, g: number, left: number, from: number, newAtMost: number, blockSum: number) {
    const q = (groupQty[g] as Float64Array)[0] as number;
    if (left < q) {
      if (!step()) return;
      let bound = blockSum + left * (minUnit[g] as number) + (remainingMin[i + 1] as number) + constant;
      // the rest needs a new shipment when none of the open blocks it may still use takes a unit
      let joinable = false;
      for (let j = from; j < blocks.length && !joinable; j++)
        joinable = (blocks[j] as Block).joinable[g] === 1;
      if (!joinable) {
        if (blocks.length === shipmentsCap) return;
        bound += minFixed[g] as number;
      }
      if (bound > limit()) return;
      if (outranked(bound, blocks.length + (joinable ? 0 : 1), Number.NEGATIVE_INFINITY)) return;
    }
    const place = (j: number, open: Block | undefined, units: number) => {
      // the whole line keeps the key of a whole group, so its blocks are shared with unsplit plans
      const grown = withGroup(open, g, units === q ? 0 : units);
      if (grown.locs.length === 0) return;
      const sum = blockSum - (open ? (open.topCost[0] as number) : 0) + (grown.topCost[0] as number);
      if (open) blocks[j] = grown;
      else blocks.push(grown);
      if (units === left) branch(i + 1, sum);
      else if (open) placeParts(i, g, left - units, j + 1, newAtMost, sum);
      else placeParts(i, g, left - units, blocks.length, units, sum);
      if (open) blocks[j] = open;
      else blocks.pop();
    };
    for (let j = from; j < blocks.length; j++) {
      const open = blocks[j] as Block;
      if (open.joinable[g] !== 1) continue;
      place(j, open, left);
      if (left > 1)
        for (let units = Math.min(left - 1, roomFor(open, g)); units >= 1 && !stopped; units--)
          place(j, open, units);
    }
    if (blocks.length < shipmentsCap) {
      if (left <= newAtMost) place(blocks.length, undefined, left);
      if (left > 1 && blocks.length + 1 < shipmentsCap)
        for (
          let units = Math.min(left - 1, newAtMost, roomFor(undefined, g));
          units >= 1 && !stopped;
          units--
        )
          place(blocks.length, undefined, units);
    }
  }

  branch(0, 0);
  return { best, nextBest, nodes, work, complete: !stopped };
}
