import type { StoredOrder } from '../../functions/app/ports.ts';

/** An order item as the adapter would create it, for changes written straight through the adapter. */
export function bareOrder(orderId: string, customerId: string): StoredOrder {
  const now = new Date().toISOString();
  return {
    orderId,
    status: 'RECEIVED',
    channel: 'web',
    customer: { id: customerId },
    delivery: { mode: 'home' },
    lines: [],
    shipments: [],
    history: [],
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}
