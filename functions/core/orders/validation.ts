import type { Location, Product } from '../network.ts';
import type { Order } from './types.ts';

const capabilityOf = { click_collect: 'click_collect', e_reservation: 'e_reservation' } as const;

/**
 * Business checks the API edge cannot make alone, made again when the order is allocated: its
 * products still exist, home delivery has an address, the store exists and serves the mode.
 * Empty when the order can be sourced.
 */
export function orderProblems(
  order: Pick<Order, 'lines' | 'delivery'>,
  products: ReadonlyMap<string, Product>,
  locations: readonly Location[],
): string[] {
  const problems: string[] = [];
  for (const line of order.lines) if (!products.has(line.sku)) problems.push(`unknown product ${line.sku}`);
  const { mode, storeId, address } = order.delivery;
  if (mode === 'home' && !address) problems.push('home delivery needs an address');
  if (mode !== 'home') {
    const store = storeId ? locations.find((l) => l.locationId === storeId) : undefined;
    if (!store) problems.push(`unknown store ${storeId}`);
    else if (!store.capabilities.includes(capabilityOf[mode]))
      problems.push(`${storeId} does not offer ${mode}`);
  }
  return problems;
}
