import type { Delivery, OrderLine } from '../core/orders/types.ts';
import { promiseOptions } from '../core/promise/promise.ts';
import { sourceOptimal } from '../core/sourcing/optimal.ts';
import { sourcingProfileFor } from '../core/sourcing/profiles.ts';
import type { AppPorts } from './ports.ts';
import { requireOrderReferences } from './references.ts';
import { sourcingRequestFor } from './sourcing-inputs.ts';

/**
 * Delivery options before purchase, planned with the same exact sourcing and profile as the order
 * will get, so that the promised locations are the ones that will ship.
 */
export async function promiseDelivery(
  ports: Pick<AppPorts, 'network' | 'stock' | 'clock'>,
  request: { lines: OrderLine[]; delivery: Delivery; at?: string | undefined },
) {
  const { lines, delivery } = request;
  const at = request.at ? new Date(request.at) : ports.clock.now();
  await requireOrderReferences(ports.network, lines, delivery);
  const result = sourceOptimal(
    await sourcingRequestFor(ports, lines, delivery, { at }),
    sourcingProfileFor(undefined),
  );
  return { options: result.ok ? promiseOptions(delivery.mode, result.shipments, at) : [] };
}
