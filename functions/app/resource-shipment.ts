import { capacityDay, claimSlots, slotsHeldBy } from '../core/inventory/capacity.ts';
import { holdingBack, movements, movementsOf } from '../core/inventory/movements.ts';
import { wasEmptiedByCancellation } from '../core/orders/line-cancellation.ts';
import {
  countSourcingAttempt,
  findShipment,
  maxRejectsPerOrder,
  maxSourcingAttempts,
  replaceShipment,
  shipmentsFromPlan,
  workflowItem,
} from '../core/orders/order.ts';
import { isDispatched } from '../core/orders/status.ts';
import type { Shipment } from '../core/orders/types.ts';
import { sourceOptimal } from '../core/sourcing/optimal.ts';
import { sourcingProfileFor } from '../core/sourcing/profiles.ts';
import {
  IntegrityViolation,
  NoSourcingPlan,
  OrderCancelled,
  ReservationConflict,
  ShipmentLinesCancelled,
} from '../shared/errors.ts';
import { requireOrder, saveOrderChange } from './order-access.ts';
import type { AppPorts, StoredOrder } from './ports.ts';
import { sourcingRequestFor } from './sourcing-inputs.ts';
import { failureReason, type WorkflowFailure } from './workflow-failure.ts';

type ResourcingPorts = Pick<AppPorts, 'orders' | 'network' | 'sourcingReads' | 'stock' | 'clock'>;

/** The shipment that replaced `shipmentId` once it was re-sourced (a retried step finds it). */
function replacementOf(order: StoredOrder, shipmentId: string): Shipment | undefined {
  const rejected = findShipment(order, shipmentId);
  if (rejected?.status !== 'CANCELLED' || !rejected.replacedBy) return undefined;
  return findShipment(order, rejected.replacedBy);
}

/**
 * One location to ship a shipment's lines again (they leave together: a kit never splits), with
 * its preparation slot claimed and its reservations (holding back the channel's buffers);
 * undefined when no location outside `excluded` can.
 */
export async function sourceOneLocation(
  ports: Pick<AppPorts, 'network' | 'sourcingReads' | 'stock'>,
  order: StoredOrder,
  shipment: Shipment,
  excluded: string[],
  at: Date,
) {
  const request = await sourcingRequestFor(ports, shipment.lines, order.delivery, {
    at,
    excluded,
    channel: order.channel,
  });
  const result = sourceOptimal(
    { ...request, groups: [{ orderSku: shipment.shipmentId, lines: shipment.lines }] },
    { ...sourcingProfileFor(order.channel), maxShipments: 1 },
  );
  if (!result.ok || result.shipments.length !== 1) return undefined;
  const capacityOf = new Map(request.locations.map((l) => [l.locationId, l.dailyCapacity]));
  const { shipments, claims } = claimSlots(
    shipmentsFromPlan(order, result.shipments),
    (locationId) => capacityOf.get(locationId),
    capacityDay(at),
  );
  return {
    shipments,
    claims,
    reservations: holdingBack(movementsOf('reserve', shipments), request.holdBack),
  };
}

/**
 * A location rejected its shipment, never answered, or its step failed: the same lines go to one
 * other location, the old reservation released and its preparation slot given back, the new ones
 * taken, in one transaction. The other shipments of the order are not touched. NoSourcingPlan when
 * no other location can ship them (the workflow then reports them unfilled).
 */
export async function resourceShipment(
  ports: ResourcingPorts,
  orderId: string,
  shipmentId: string,
  failure: WorkflowFailure | undefined,
) {
  const reason = failureReason(failure, 'rejected by the location');
  for (let attempt = 1; attempt <= maxSourcingAttempts; attempt++) {
    const order = await requireOrder(ports.orders, orderId);
    if (order.cancelRequested) throw new OrderCancelled(`order ${orderId} was cancelled`);
    const done = replacementOf(order, shipmentId);
    if (done) return workflowItem(done);
    const rejected = findShipment(order, shipmentId);
    if (wasEmptiedByCancellation(order, rejected))
      throw new ShipmentLinesCancelled(`every unit of ${shipmentId} was cancelled`);
    if (!rejected) throw new IntegrityViolation(`shipment ${shipmentId} is not part of order ${orderId}`);
    if (isDispatched(rejected))
      throw new IntegrityViolation(
        `shipment ${shipmentId} has left ${rejected.locationId}; it cannot be re-sourced`,
      );
    const rejects = order.shipments.filter((s) => s.rejection || s.shipmentId === shipmentId).length;
    if (rejects > maxRejectsPerOrder)
      throw new NoSourcingPlan(
        `${rejects} locations rejected the order (limit ${maxRejectsPerOrder}); last: ${reason}`,
      );
    const at = ports.clock.now();
    const sourced = await sourceOneLocation(
      ports,
      order,
      rejected,
      [...(order.sourcing?.excludedLocations ?? []), rejected.locationId],
      at,
    );
    if (!sourced) throw new NoSourcingPlan(`no other location can ship ${shipmentId} after "${reason}"`);
    const { shipments: replacement, claims, reservations } = sourced;
    const next = replaceShipment(
      countSourcingAttempt(order, [rejected.locationId]),
      shipmentId,
      replacement,
      reason,
      at,
    );
    try {
      await saveOrderChange(ports.orders, order, {
        order: {
          ...next,
          shipments: next.shipments.map((s) =>
            s.shipmentId === shipmentId ? { ...s, capacityDay: undefined } : s,
          ),
        },
        stock: [
          ...(rejected.reservation === 'held'
            ? movements('release', rejected.locationId, rejected.lines)
            : []),
          ...reservations,
        ],
        capacity: { claim: claims, release: slotsHeldBy([rejected]) },
        shipmentPointers: replacement.map((s) => s.shipmentId),
      });
      const [created] = replacement;
      if (created) return workflowItem(created);
    } catch (error) {
      if (!(error instanceof ReservationConflict)) throw error;
    }
  }
  throw new NoSourcingPlan(`stock kept changing while re-sourcing ${shipmentId}`);
}
