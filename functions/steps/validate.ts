import { z } from 'zod';
import { getLocation, getProducts } from '../adapters/network-store.ts';
import { requireOrder } from '../adapters/order-store.ts';
import { OrderCancelled, OrderInvalid } from '../shared/errors.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

const capabilityOf = { click_collect: 'click_collect', e_reservation: 'e_reservation' } as const;

/** Business checks the API edge cannot make alone: products still exist, the store serves the mode. */
export const handler = stepHandler(z.object({ orderId: id }), async ({ orderId }) => {
  const order = await requireOrder(orderId);
  if (order.cancelRequested) throw new OrderCancelled(`order ${orderId} was cancelled`);
  const problems: string[] = [];
  const products = await getProducts(order.lines.map((l) => l.sku));
  for (const line of order.lines) if (!products.has(line.sku)) problems.push(`unknown product ${line.sku}`);
  const { mode, storeId, address } = order.delivery;
  if (mode === 'home' && !address) problems.push('home delivery needs an address');
  if (mode !== 'home') {
    const store = storeId ? await getLocation(storeId) : undefined;
    if (!store) problems.push(`unknown store ${storeId}`);
    else if (!store.capabilities.includes(capabilityOf[mode]))
      problems.push(`${storeId} does not offer ${mode}`);
  }
  if (problems.length > 0) throw new OrderInvalid(problems.join('; '));
  return { valid: true };
});
