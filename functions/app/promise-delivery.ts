import { carriersInForce } from '../core/carriers/carriers.ts';
import type { Delivery, OrderLine } from '../core/orders/types.ts';
import { type PromiseOption, promiseOptions } from '../core/promise/promise.ts';
import { sourcingProfileFor } from '../core/sourcing/profiles.ts';
import { type FulfilmentPlan, planFulfilment } from './fulfilment-plan.ts';
import type { AppPorts } from './ports.ts';
import { requireOrderReferences } from './references.ts';

type PromisePorts = Pick<AppPorts, 'network' | 'sourcingReads' | 'stock' | 'clock' | 'supply'>;

/**
 * Delivery options before purchase, planned with the same exact sourcing and profile as the order
 * will get, so that the promised locations are the ones that will ship, and dated by the promise
 * engine with the carriers in force. Intake calls the same function, so that an order is promised
 * what `POST /promise` answered for the same cart at the same moment.
 */
export async function deliveryOptions(
  ports: PromisePorts,
  lines: OrderLine[],
  delivery: Delivery,
  at: Date,
): Promise<PromiseOption[]> {
  const profile = sourcingProfileFor(undefined);
  const [plan, stored] = await Promise.all([
    planFulfilment(ports, { lines, delivery, at }, profile),
    ports.network.listCarriers(),
  ]);
  return optionsOfPlan(plan, { delivery, at, carriers: stored, co2PricePerKg: profile.costs.co2PricePerKg });
}

/**
 * The options of a plan: from stock, dated from now (a transfer to the store is ready when it got
 * there); against expected supply, dated from when the last unit it waits for is there (the
 * supply's `expectedAt`, or the release date of a preorder).
 */
export function optionsOfPlan(
  plan: FulfilmentPlan,
  context: {
    delivery: Delivery;
    at: Date;
    carriers: Parameters<typeof carriersInForce>[0];
    co2PricePerKg: number;
  },
): PromiseOption[] {
  if (plan.kind === 'none') return [];
  const { delivery } = context;
  return promiseOptions({
    mode: delivery.mode,
    shipments: plan.result.shipments,
    at: plan.kind === 'supply' ? plan.readyAt : context.at,
    locations: new Map(plan.request.locations.map((l) => [l.locationId, l])),
    carriers: carriersInForce(context.carriers),
    postcode: delivery.address?.postcode,
    co2PricePerKg: context.co2PricePerKg,
  });
}

export async function promiseDelivery(
  ports: PromisePorts,
  request: { lines: OrderLine[]; delivery: Delivery; at?: string | undefined },
) {
  const { lines, delivery } = request;
  await requireOrderReferences(ports.network, lines, delivery);
  const at = request.at ? new Date(request.at) : ports.clock.now();
  return { options: await deliveryOptions(ports, lines, delivery, at) };
}
