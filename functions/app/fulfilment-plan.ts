import {
  claimsFor,
  pendingRelease,
  readyAtOf,
  type SupplyClaim,
  unclaimedSupply,
  withExpectedSupply,
} from '../core/inventory/backorders.ts';
import type { Channel, Delivery, OrderLine } from '../core/orders/types.ts';
import { sourceOptimal } from '../core/sourcing/optimal.ts';
import type { SourcingProfile } from '../core/sourcing/profile.ts';
import type { SourcingRequest, SourcingResult } from '../core/sourcing/types.ts';
import type { AppPorts } from './ports.ts';
import { sourcingRequestFor } from './sourcing-inputs.ts';

type PlanPorts = Pick<AppPorts, 'network' | 'sourcingReads' | 'stock' | 'supply'>;
type Planned = Extract<SourcingResult, { ok: true }>;
type Request = Awaited<ReturnType<typeof sourcingRequestFor>>;

/**
 * How an order can be filled, decided in this order: from stock (click & collect at a store that
 * lacks it: by a transfer from another location to the store); else, or always for a preorder,
 * from stock and expected supply together, the order waiting for the supply it claims; else not.
 */
export type FulfilmentPlan =
  | { kind: 'stock'; request: Request; result: Planned; transferTo?: string | undefined }
  | {
      kind: 'supply';
      request: Request;
      result: Planned;
      claims: SupplyClaim[];
      readyAt: Date;
      releaseDate?: string | undefined;
    }
  | { kind: 'none'; request: Request; result: Extract<SourcingResult, { ok: false }> };

export interface PlanInput {
  lines: OrderLine[];
  delivery: Delivery;
  at: Date;
  excluded?: string[] | undefined;
  channel?: Channel | undefined;
  /** the claims the order holds already: still its own when deciding again */
  claims?: readonly SupplyClaim[] | undefined;
}

/** The same decision for `POST /promise`, intake and allocation, so that all three agree. */
export async function planFulfilment(
  ports: PlanPorts,
  input: PlanInput,
  profile: SourcingProfile,
): Promise<FulfilmentPlan> {
  const request = await sourcingRequestFor(ports, input.lines, input.delivery, input);
  const releaseDate = pendingRelease(
    [...request.products.values()].map((p) => p.releaseDate),
    input.at,
  );
  let failed: Extract<SourcingResult, { ok: false }> | undefined;
  if (!releaseDate) {
    const result = sourceOptimal(request, profile);
    if (result.ok) return { kind: 'stock', request, result };
    failed = result;
    const transfer = transferPlan(request, profile);
    if (transfer) return transfer;
  }
  const skus = [...new Set(request.groups.flatMap((g) => g.lines.map((l) => l.sku)))];
  const arrivals = (await Promise.all(skus.map((sku) => ports.supply.claimableOf(sku)))).flat();
  const own = input.claims ?? [];
  const withSupply: SourcingRequest = {
    ...request,
    available: withExpectedSupply(request.available, unclaimedSupply(arrivals, own)),
  };
  const result = sourceOptimal(withSupply, profile);
  if (!result.ok) return { kind: 'none', request, result: failed ?? result };
  const claims = claimsFor(result.shipments, request.available, arrivals, own);
  // stock alone can fill it but sourcing refused it (a rule that supply does not change): not a backorder
  if (claims.length === 0 && !releaseDate)
    return {
      kind: 'none',
      request,
      result: failed ?? { ok: false, reason: 'no plan', explanation: result.explanation },
    };
  return {
    kind: 'supply',
    request: withSupply as Request,
    result,
    claims,
    readyAt: readyAtOf(claims, releaseDate, input.at),
    releaseDate,
  };
}

/**
 * Click & collect at a store that cannot serve it from its own stock: the lines travel to the
 * store from locations that ship, planned as a delivery to the store's address.
 */
function transferPlan(request: Request, profile: SourcingProfile): FulfilmentPlan | undefined {
  if (request.mode !== 'click_collect' || !request.storeId) return undefined;
  const store = request.locations.find((l) => l.locationId === request.storeId);
  if (!store) return undefined;
  const toStore: Request = {
    ...request,
    mode: 'home',
    storeId: undefined,
    destination: { lat: store.lat, lon: store.lon },
    postcode: store.postcode,
    service: 'standard',
    excluded: new Set([...request.excluded, store.locationId]),
  };
  const result = sourceOptimal(toStore, profile);
  return result.ok ? { kind: 'stock', request: toStore, result, transferTo: store.locationId } : undefined;
}
