import { z } from 'zod';
import { claimCapacity, releaseCapacity } from '../adapters/capacity-store.ts';
import { publish, shipmentChanges } from '../adapters/events.ts';
import { changeOrder, requireOrder, type StoredOrder, saveOrder } from '../adapters/order-store.ts';
import { sourcingRequestFor } from '../adapters/sourcing-inputs.ts';
import { capacityDay } from '../core/inventory/capacity.ts';
import {
  countSourcingAttempt,
  findShipment,
  recordSourcing,
  replaceShipment,
  shipmentsFromPlan,
} from '../core/orders/order.ts';
import type { Shipment } from '../core/orders/types.ts';
import { sourceOptimal } from '../core/sourcing/optimal.ts';
import { sourcingProfileFor } from '../core/sourcing/profiles.ts';
import { NoSourcingPlan, OrderCancelled, ReservationConflict } from '../shared/errors.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

/** Reservation conflicts re-source the order at most this many times; rejections per order likewise. */
export const maxSourcingAttempts = 3;
export const maxRejectsPerOrder = 3;

const input = z.union([
  z.object({ orderId: id, shipmentId: id, rejection: z.unknown().optional() }),
  z.object({ orderId: id }),
]);

export const handler = stepHandler(input, async (request) =>
  'shipmentId' in request
    ? resourceShipment(request.orderId, request.shipmentId, request.rejection)
    : sourceOrder(request.orderId),
);

/** Plans the whole order; a repeated call after a reservation conflict counts as a new attempt. */
async function sourceOrder(orderId: string) {
  const order = await requireOrder(orderId);
  if (order.cancelRequested) throw new OrderCancelled(`order ${orderId} was cancelled`);
  if ((order.sourcing?.attempts ?? 0) >= maxSourcingAttempts)
    throw new NoSourcingPlan(
      `stock kept changing under the order: ${maxSourcingAttempts} reservation attempts failed`,
    );
  const request = await sourcingRequestFor(order.lines, order.delivery, {
    excluded: order.sourcing?.excludedLocations,
    channel: order.channel,
  });
  const result = sourceOptimal(request, sourcingProfileFor(order.channel));
  // The explanation is stored on the order, not carried through the workflow (a payload has limits).
  await changeOrder(orderId, (current) => ({
    order: recordSourcing(countSourcingAttempt(current), result.ok ? result.cost : 0, result.explanation),
  }));
  if (!result.ok) throw new NoSourcingPlan(result.reason);
  return { shipments: result.shipments, cost: result.cost };
}

function withoutCapacity(order: StoredOrder, shipmentId: string): StoredOrder {
  return {
    ...order,
    shipments: order.shipments.map((s) =>
      s.shipmentId === shipmentId ? { ...s, capacityDay: undefined } : s,
    ),
  };
}

function rejectionReason(rejection: unknown): string {
  const cause = (rejection as { Cause?: unknown } | undefined)?.Cause;
  if (typeof cause !== 'string') return 'rejected by the location';
  try {
    const parsed = JSON.parse(cause) as { reason?: string; errorMessage?: string };
    return parsed.reason ?? parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
}

/** The shipment that replaced `shipmentId` once it was re-sourced (a retried step finds it). */
function replacementOf(order: StoredOrder, shipmentId: string): Shipment | undefined {
  const rejected = findShipment(order, shipmentId);
  if (rejected?.status !== 'CANCELLED') return undefined;
  const index = order.shipments.indexOf(rejected);
  return order.shipments.slice(index + 1).find((s) => s.status !== 'CANCELLED' && s.mode === rejected.mode);
}

/**
 * A location rejected its shipment (or never answered): the same lines go to one other location,
 * the old reservation is released and the new one held in the same transaction.
 */
async function resourceShipment(orderId: string, shipmentId: string, rejection: unknown): Promise<Shipment> {
  for (let attempt = 1; attempt <= maxSourcingAttempts; attempt++) {
    const order = await requireOrder(orderId);
    if (order.cancelRequested) throw new OrderCancelled(`order ${orderId} was cancelled`);
    const done = replacementOf(order, shipmentId);
    if (done) return done;
    const rejected = findShipment(order, shipmentId);
    if (!rejected) throw new NoSourcingPlan(`shipment ${shipmentId} is not part of order ${orderId}`);
    const rejects = order.shipments.filter((s) => s.rejection || s.shipmentId === shipmentId).length;
    const reason = rejectionReason(rejection);
    if (rejects > maxRejectsPerOrder)
      throw new NoSourcingPlan(
        `${rejects} locations rejected the order (limit ${maxRejectsPerOrder}); last: ${reason}`,
      );
    const excluded = [...(order.sourcing?.excludedLocations ?? []), rejected.locationId];
    const request = await sourcingRequestFor(rejected.lines, order.delivery, {
      excluded,
      channel: order.channel,
    });
    // The shipment's lines leave together (a kit never splits), so they are one group.
    const result = sourceOptimal(
      { ...request, groups: [{ orderSku: shipmentId, lines: rejected.lines }] },
      { ...sourcingProfileFor(order.channel), maxShipments: 1 },
    );
    if (!result.ok || result.shipments.length !== 1)
      throw new NoSourcingPlan(`no other location can ship ${shipmentId} after "${reason}"`);
    const { shipments: replacement, claims } = await claimCapacity(
      shipmentsFromPlan(order, result.shipments),
      capacityDay(new Date()),
    );
    const next = replaceShipment(
      countSourcingAttempt(order, [rejected.locationId]),
      shipmentId,
      replacement,
      reason,
      new Date(),
    );
    const stock = [
      ...rejected.lines.map((l) => ({ kind: 'release' as const, locationId: rejected.locationId, ...l })),
      ...replacement.flatMap((s) =>
        s.lines.map((l) => ({ kind: 'reserve' as const, locationId: s.locationId, ...l })),
      ),
    ];
    try {
      const saved = await saveOrder({
        order: withoutCapacity(next, shipmentId),
        stock,
        // the rejecting location gives its preparation slot back; the new one takes one
        conditions: [...releaseCapacity([rejected]), ...claims],
        shipmentPointers: replacement.map((s) => s.shipmentId),
      });
      await publish(shipmentChanges(order, saved));
      const [created] = replacement;
      if (created) return created;
    } catch (error) {
      if (!(error instanceof ReservationConflict)) throw error;
    }
  }
  throw new NoSourcingPlan(`stock kept changing while re-sourcing ${shipmentId}`);
}
