import { claimChanges } from '../core/inventory/backorders.ts';
import { capacityDay, claimSlots } from '../core/inventory/capacity.ts';
import { holdingBack, movementsOf } from '../core/inventory/movements.ts';
import { linesLeft } from '../core/orders/line-cancellation.ts';
import {
  allocate,
  countSourcingAttempt,
  excludeLocations,
  liveShipments,
  maxSourcingAttempts,
  recordSourcing,
  shipmentsFromPlan,
  workflowItem,
} from '../core/orders/order.ts';
import { orderProblems } from '../core/orders/validation.ts';
import { sourcingProfileFor } from '../core/sourcing/profiles.ts';
import {
  NoSourcingPlan,
  OrderCancelled,
  OrderInvalid,
  ReservationConflict,
  VersionConflict,
} from '../shared/errors.ts';
import { backorderOrder } from './backorder-order.ts';
import { event } from './events.ts';
import { planFulfilment } from './fulfilment-plan.ts';
import { requireOrder, saveOrderChange } from './order-access.ts';
import type { AppPorts, StoredOrder } from './ports.ts';

type AllocationPorts = Pick<AppPorts, 'orders' | 'network' | 'sourcingReads' | 'stock' | 'clock' | 'supply'>;

/** How many times a concurrent change of the order itself (a cancel request) makes us read it again. */
const maxOrderReads = 5;

/**
 * Validates, sources and reserves an order in one step (or, when only expected supply can fill it,
 * backorders it and throws AwaitingSupply, for the workflow to wait): the exact plan is reserved in one
 * transaction with the order (stock, capacity slots, shipment index); when a location refuses (its
 * stock or its capacity moved since it was read), the order is sourced again without it, at most
 * `maxSourcingAttempts` times. A retry after the commit finds the shipments and answers them again.
 * Throws OrderInvalid or NoSourcingPlan (business outcomes), AwaitingSupply and OrderCancelled.
 */
export async function allocateOrder(ports: AllocationPorts, orderId: string) {
  const { orders, clock } = ports;
  let order = await requireOrder(orders, orderId);
  for (let reads = 1; ; ) {
    if (order.cancelRequested) throw new OrderCancelled(`order ${orderId} was cancelled`);
    const allocated = liveShipments(order);
    if (allocated.length > 0) return { shipments: allocated.map(workflowItem) };
    if ((order.sourcing?.attempts ?? 0) >= maxSourcingAttempts)
      throw new NoSourcingPlan(
        `stock kept changing under the order: ${maxSourcingAttempts} reservation attempts failed`,
      );

    const at = clock.now();
    const profile = sourcingProfileFor(order.channel);
    const plan = await planFulfilment(
      ports,
      {
        // units cancelled before the order was allocated (or while it waited for supply) are not sourced
        lines: linesLeft(order),
        delivery: order.delivery,
        at,
        excluded: order.sourcing?.excludedLocations,
        channel: order.channel,
        claims: order.backorder?.claims,
      },
      profile,
    );
    const { request, result } = plan;
    const problems = orderProblems(order, request.products, request.locations);
    if (problems.length > 0) throw new OrderInvalid(problems.join('; '));
    // The explanation is stored on the order, not carried through the workflow (a payload has limits).
    const sourced = recordSourcing(
      countSourcingAttempt(order),
      result.ok ? result.cost : 0,
      result.explanation,
    );
    try {
      if (plan.kind === 'none') {
        await orders.save({ order: sourced });
        throw new NoSourcingPlan(result.ok ? 'no plan' : result.reason);
      }
      // a preorder whose units are all in stock is sold now, on the promise its release date gave
      if (plan.kind === 'supply' && plan.claims.length > 0)
        return await backorderOrder(ports, order, sourced, plan, at);
      const capacityOf = new Map(request.locations.map((l) => [l.locationId, l.dailyCapacity]));
      const { shipments, claims } = claimSlots(
        shipmentsFromPlan(
          sourced,
          plan.result.shipments,
          plan.kind === 'stock' ? plan.transferTo : undefined,
        ),
        (locationId) => capacityOf.get(locationId),
        capacityDay(at),
      );
      const held = order.backorder?.claims ?? [];
      const allocated = allocate(
        { ...sourced, backorder: order.backorder && { ...order.backorder, claims: [] } },
        shipments,
        at,
      );
      await saveOrderChange(orders, order, {
        order: allocated,
        stock: holdingBack(movementsOf('reserve', shipments), request.holdBack),
        shipmentPointers: shipments.map((s) => s.shipmentId),
        capacity: { claim: claims },
        // filled from stock at last: the expected supply it counted on is free for others
        ...(held.length > 0 && order.backorder
          ? { supplyClaims: { orderId, since: order.backorder.since, changes: claimChanges(held, []) } }
          : {}),
        events: [
          event('OrderAllocated.v1', {
            orderId,
            channel: allocated.channel,
            cost: plan.result.cost,
            shipments: shipments.map(workflowItem),
            at: allocated.updatedAt,
          }),
        ],
      });
      return { shipments: shipments.map(workflowItem) };
    } catch (error) {
      order = await nextAttempt(ports, orderId, sourced, error, reads++);
    }
  }
}

/**
 * The order to source again after a failed write: a refused reservation leaves its location out
 * (the attempt counted); a concurrent change of the order is read again. Anything else is final.
 */
async function nextAttempt(
  ports: AllocationPorts,
  orderId: string,
  sourced: StoredOrder,
  error: unknown,
  reads: number,
): Promise<StoredOrder> {
  if (error instanceof ReservationConflict)
    return excludeLocations(sourced, error.locationId ? [error.locationId] : []);
  if (error instanceof VersionConflict && reads < maxOrderReads) return requireOrder(ports.orders, orderId);
  throw error;
}
