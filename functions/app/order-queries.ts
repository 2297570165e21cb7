import { findShipment } from '../core/orders/order.ts';
import { NotFound } from '../shared/errors.ts';
import { requireOrder, requireOrderOfShipment } from './order-access.ts';
import type { AppPorts } from './ports.ts';

export const orderById = (ports: Pick<AppPorts, 'orders'>, orderId: string) =>
  requireOrder(ports.orders, orderId);

export const listOrders = (
  ports: Pick<AppPorts, 'orders'>,
  query: { status?: string | undefined; limit: number; next?: string | undefined },
) => ports.orders.list(query);

/** The shipment's PDF label; NotFound until the shipment is dispatched. */
export async function shipmentLabel(ports: Pick<AppPorts, 'orders' | 'labels'>, shipmentId: string) {
  const order = await requireOrderOfShipment(ports.orders, shipmentId);
  const key = findShipment(order, shipmentId)?.labelKey;
  const label = key ? await ports.labels.read(key) : undefined;
  if (!label) throw new NotFound(`shipment ${shipmentId} has no label yet`);
  return label;
}

/** What the customer was told about an order, oldest first (claims still being sent are not shown). */
export async function orderNotifications(ports: Pick<AppPorts, 'orders' | 'notifications'>, orderId: string) {
  await requireOrder(ports.orders, orderId);
  const records = await ports.notifications.ofOrder(orderId);
  return records
    .filter((r) => r.status !== 'sending')
    .sort((a, b) => a.at.localeCompare(b.at) || a.template.localeCompare(b.template));
}
