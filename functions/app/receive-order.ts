import { type NewOrder, receiveOrder as receivedOrder } from '../core/orders/order.ts';
import { chosenPromise } from '../core/promise/promise.ts';
import { Conflict } from '../shared/errors.ts';
import { event } from './events.ts';
import type { AppPorts } from './ports.ts';
import { deliveryOptions } from './promise-delivery.ts';
import { requireOrderReferences } from './references.ts';

type ReceivedOrder = ReturnType<typeof receivedOrder>;

export type OrderRequest = Omit<NewOrder, 'orderId'> & { orderId?: string | undefined };

/**
 * Intake: checks what the order names exists, promises it a delivery (the option of its service
 * from the same engine, cart and clock as `POST /promise`; none when no stock can fill it yet),
 * stores it RECEIVED, starts its workflow (named by the
 * order id) and announces it. Run once per idempotency key by the caller.
 */
export async function receiveOrder(
  ports: Pick<
    AppPorts,
    'orders' | 'network' | 'sourcingReads' | 'stock' | 'supply' | 'workflows' | 'clock' | 'metrics'
  >,
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
  const received = event('OrderReceived.v1', {
    orderId,
    channel: order.channel,
    customerId: order.customer.id,
    deliveryMode: order.delivery.mode,
    lines: order.lines.map(({ sku, quantity }) => ({ sku, quantity })),
    at: order.createdAt,
  });
  // announced with the order it reports, once: a retried intake finds the order and adds nothing
  if (await ports.orders.create(order, [received])) {
    ports.metrics.count('OrdersReceived');
  } else {
    const existing = await ports.orders.get(orderId);
    // the same request again, after a first try that stopped between storing and starting
    if (existing?.status !== 'RECEIVED' || !sameRequest(existing, order)) {
      throw new Conflict(`order ${orderId} already exists (status ${existing?.status ?? 'unknown'})`);
    }
  }
  await ports.workflows.startFulfilment(orderId);
  return { orderId, status: order.status };
}

/**
 * A retried intake whose answer was replayed from its idempotency record: starts the workflow if
 * the first try answered without it (a crash, a lost execution). Step Functions refuses a second
 * execution of the same name, so an order is never fulfilled twice.
 */
export async function ensureFulfilment(ports: Pick<AppPorts, 'workflows'>, orderId: string) {
  return ports.workflows.startFulfilment(orderId);
}

function sameRequest(stored: ReceivedOrder, incoming: ReceivedOrder): boolean {
  const request = (order: ReceivedOrder) =>
    canonical([order.channel, order.customer, order.delivery, order.lines]);
  return request(stored) === request(incoming);
}

/** JSON with keys sorted: a stored item's maps do not keep the order their keys were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
