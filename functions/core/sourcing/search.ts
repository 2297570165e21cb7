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
 * so the largest, not the sum). A node is cut only when the bound exceeds the
 * incumbent next-best plan (see below) by more than `costTolerance`, so no plan that could win, or
 * be the next best, is ever cut.
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
 * Tie-breaking, total and independent of input order: lower cost (within `costTolerance`), then
 * fewer shipments, then the lower sum of priority ranks, then the assignment with the smaller
 * location ids, group by group in order-line order.
 */

export const costTolerance = 1e-9;

export interface Plan {
  /** candidate index shipping each group, in the model's group order */
  assignment: Int32Array;
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
  for (let g = 0; g < a.assignment.length; g++) {
    const diff = (a.assignment[g] as number) - (b.assignment[g] as number);
    if (diff !== 0) return diff;
  }
  return 0;
}

function sameSet(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Block {
  /** groups in the block */
  members: number[];
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
  /** [h]: 1 when group h could join the block (some candidate of the block ships both, stock shared) */
  joinable: Uint8Array;
}

export function searchPlans(model: SourcingModel, maxShipments: number, workLimit: number): SearchOutcome {
  const { fixed, groupCost, available, priority, groupSkus, groupQty, constant } = model;
  const { groupMg, parcelCost, heaviestKg, minSlope } = model;
  const n = model.candidates.length;
  const groupCount = model.groups.length;
  const skuCount = model.skus.length;
  const shipmentsCap = Math.min(maxShipments, groupCount);
  const listSize = shipmentsCap + 1;

  const minCost = new Float64Array(groupCount);
  const minFixed = new Float64Array(groupCount);
  const servers = new Int32Array(groupCount);
  for (let g = 0; g < groupCount; g++) {
    let min = Number.POSITIVE_INFINITY;
    let minF = Number.POSITIVE_INFINITY;
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

  function singleBlock(g: number): Block {
    const locs = new Int32Array(n);
    const linear = new Float64Array(n);
    let count = 0;
    for (let c = 0; c < n; c++) {
      const v = groupCost[g * n + c] as number;
      if (v === Number.POSITIVE_INFINITY) continue;
      locs[count] = c;
      linear[count++] = (fixed[c] as number) + v;
    }
    const demand = new Float64Array(skuCount);
    const skus = groupSkus[g] as Int32Array;
    const qty = groupQty[g] as Float64Array;
    for (let k = 0; k < skus.length; k++) demand[skus[k] as number] = qty[k] as number;
    return makeBlock([g], count, locs, linear, demand, groupMg[g] as number);
  }

  function extendBlock(parent: Block, g: number): Block {
    const skus = groupSkus[g] as Int32Array;
    const qty = groupQty[g] as Float64Array;
    const demand = parent.demand.slice();
    for (let k = 0; k < skus.length; k++)
      demand[skus[k] as number] = (demand[skus[k] as number] as number) + (qty[k] as number);
    const weightMg = parent.weightMg + (groupMg[g] as number);
    const weightKg = kgOf(weightMg);
    const size = parent.locs.length;
    const locs = new Int32Array(size);
    const linear = new Float64Array(size);
    let count = 0;
    next: for (let i = 0; i < size; i++) {
      const c = parent.locs[i] as number;
      const v = groupCost[g * n + c] as number;
      if (v === Number.POSITIVE_INFINITY || weightKg > (heaviestKg[c] as number)) continue;
      for (let k = 0; k < skus.length; k++) {
        const s = skus[k] as number;
        if ((demand[s] as number) > (available[c * skuCount + s] as number)) continue next;
      }
      locs[count] = c;
      linear[count++] = (parent.linear[i] as number) + v;
    }
    return makeBlock([...parent.members, g], count, locs, linear, demand, weightMg);
  }

  // Blocks are keyed by their groups as a bit mask when the order is small enough for one.
  const memo = new Map<number, Block>();
  const memoised = groupCount <= 30;
  const maskOf = (members: number[]) => members.reduce((mask, g) => mask | (1 << g), 0);
  const remembered = (key: number, make: () => Block) => {
    if (!memoised) return make();
    const known = memo.get(key);
    if (known) return known;
    const block = make();
    memo.set(key, block);
    return block;
  };
  const single = (g: number) => remembered(1 << g, () => singleBlock(g));
  const extended = (parent: Block, g: number) =>
    remembered(maskOf(parent.members) | (1 << g), () => extendBlock(parent, g));

  let best: Plan | undefined;
  let nextBest: Plan | undefined;
  let nodes = 0;
  let stopped = false;
  const limit = () => (nextBest ? nextBest.cost + costTolerance : Number.POSITIVE_INFINITY);

  function offer(blocks: Block[], chosen: Int32Array, cost: number) {
    const assignment = new Int32Array(groupCount);
    let prioritySum = 0;
    blocks.forEach((block, j) => {
      const c = chosen[j] as number;
      prioritySum += priority[c] as number;
      for (const g of block.members) assignment[g] = c;
    });
    const plan: Plan = { assignment, locations: chosen.slice().sort(), cost, prioritySum };
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
    for (let j = k - 1; j >= 0; j--)
      rest[j] = (rest[j + 1] as number) + ((blocks[j] as Block).topCost[0] as number);
    const pick = (j: number, partial: number) => {
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
        if (cost + (rest[j + 1] as number) + constant > limit()) continue;
        chosen[j] = c;
        pick(j + 1, cost);
      }
    };
    pick(0, 0);
  }

  const blocks: Block[] = [];
  function branch(i: number, blockSum: number) {
    if (stopped) return;
    nodes++;
    if (++work > workLimit) {
      stopped = true;
      return;
    }
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
    const g = order[i] as number;
    // Joining an open block first: plans with fewer shipments are met, and bound the rest, early.
    for (let j = 0; j < blocks.length; j++) {
      const open = blocks[j] as Block;
      if (open.joinable[g] !== 1) continue;
      const grown = extended(open, g);
      blocks[j] = grown;
      branch(i + 1, blockSum - (open.topCost[0] as number) + (grown.topCost[0] as number));
      blocks[j] = open;
    }
    if (blocks.length < shipmentsCap) {
      const fresh = single(g);
      blocks.push(fresh);
      branch(i + 1, blockSum + (fresh.topCost[0] as number));
      blocks.pop();
    }
  }
  branch(0, 0);
  return { best, nextBest, nodes, work, complete: !stopped };
}
