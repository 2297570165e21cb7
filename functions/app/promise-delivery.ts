import { carriersInForce } from '../core/carriers/carriers.ts';
import type { Delivery, OrderLine } from '../core/orders/types.ts';
import { type PromiseOption, promiseOptions } from '../core/promise/promise.ts';
import { sourceOptimal } from '../core/sourcing/optimal.ts';
import { sourcingProfileFor } from '../core/sourcing/profiles.ts';
import type { AppPorts } from './ports.ts';
import { requireOrderReferences } from './references.ts';
import { sourcingRequestFor } from './sourcing-inputs.ts';

type PromisePorts = Pick<AppPorts, 'network' | 'sourcingReads' | 'stock' | 'clock'>;

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
  const [request, stored] = await Promise.all([
    sourcingRequestFor(ports, lines, delivery, { at }),
    ports.network.listCarriers(),
  ]);
  const result = sourceOptimal(request, profile);
  if (!result.ok) return [];
  return promiseOptions({
    mode: delivery.mode,
    shipments: result.shipments,
    at,
    locations: new Map(request.locations.map((l) => [l.locationId, l])),
    carriers: carriersInForce(stored),
    postcode: delivery.address?.postcode,
    co2PricePerKg: profile.costs.co2PricePerKg,
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
