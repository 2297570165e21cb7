import { type NewOrder, receiveOrder as receivedOrder } from '../core/orders/order.ts';
import { chosenPromise } from '../core/promise/promise.ts';
import { Conflict } from '../shared/errors.ts';
import { event } from './events.ts';
import type { AppPorts } from './ports.ts';
import { deliveryOptions } from './promise-delivery.ts';
import { requireOrderReferences } from './references.ts';

export type OrderRequest = Omit<NewOrder, 'orderId'> & { orderId?: string | undefined };

/**
 * Intake: checks what the order names exists, promises it a delivery (the option of its service
 * from the same engine, cart and clock as `POST /promise`; none when no stock can fill it yet),
 * stores it RECEIVED, starts its workflow (named by the
 * order id) and announces it. Run once per idempotency key by the caller.
 */
export async function receiveOrder(
  ports: Pick<AppPorts, 'orders' | 'network' | 'stock' | 'workflows' | 'events' | 'clock'>,
  request: OrderRequest,
  newOrderId: () => string,
) {
  await requireOrderReferences(ports.network, request.lines, request.delivery);
  const orderId = request.orderId ?? newOrderId();
  const now = ports.clock.now();
  const option = chosenPromise(
    await deliveryOptions(ports, request.lines, request.delivery, now),
    request.delivery.service,
  );
  const order = {
    ...receivedOrder({ ...request, orderId }, now),
    promise: option && {
      service: option.service,
      earliestDate: option.earliestDate,
      latestDate: option.latestDate,
      carrierId: option.carrierId,
    },
  };
  if (!(await ports.orders.create(order))) {
    const existing = await ports.orders.get(orderId);
    throw new Conflict(`order ${orderId} already exists (status ${existing?.status ?? 'unknown'})`);
  }
  await ports.workflows.startFulfilment(orderId);
  await ports.events.publish([
    event('OrderReceived.v1', {
      orderId,
      channel: order.channel,
      customerId: order.customer.id,
      deliveryMode: order.delivery.mode,
      lines: order.lines.map(({ sku, quantity }) => ({ sku, quantity })),
      at: order.createdAt,
    }),
  ]);
  return { orderId, status: order.status };
}
