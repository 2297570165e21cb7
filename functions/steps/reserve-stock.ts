import { z } from 'zod';
import { claimCapacity } from '../adapters/capacity-store.ts';
import { event as domainEvent, publish, shipmentChanges } from '../adapters/events.ts';
import { changeOrder, requireOrder, saveOrder } from '../adapters/order-store.ts';
import { capacityDay } from '../core/inventory/capacity.ts';
import { allocate, excludeLocations, shipmentsFromPlan } from '../core/orders/order.ts';
import type { Shipment } from '../core/orders/types.ts';
import { OrderCancelled, ReservationConflict } from '../shared/errors.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

const stockLine = z.object({ sku: id, quantity: z.number().int().positive() });
const input = z.object({
  orderId: id,
  plan: z.object({
    shipments: z.array(
      z.object({
        locationId: id,
        lines: z.array(stockLine),
        distanceKm: z.number(),
        weightKg: z.number(),
        cost: z.number(),
      }),
    ),
    cost: z.number(),
  }),
});

const mapItem = ({ shipmentId, locationId, mode, lines }: Shipment) => ({
  shipmentId,
  locationId,
  mode,
  lines,
});

/**
 * Holds the stock of every line in one transaction with the order's allocation: all or nothing.
 * A line that is no longer available cancels the whole transaction (ReservationConflict), and the
 * workflow sources the order again.
 */
export const handler = stepHandler(input, async ({ orderId, plan }) => {
  const order = await requireOrder(orderId);
  if (order.cancelRequested) throw new OrderCancelled(`order ${orderId} was cancelled`);
  const live = order.shipments.filter((s) => s.status !== 'CANCELLED');
  if (live.length > 0) return { shipments: live.map(mapItem) }; // a retry after the transaction committed
  const { shipments, claims } = await claimCapacity(
    shipmentsFromPlan(order, plan.shipments),
    capacityDay(new Date()),
  );
  const allocated = allocate(order, shipments, new Date());
  const stock = shipments.flatMap((s) =>
    s.lines.map((line) => ({ kind: 'reserve' as const, locationId: s.locationId, ...line })),
  );
  const saved = await saveOrder({
    order: allocated,
    stock,
    shipmentPointers: shipments.map((s) => s.shipmentId),
    conditions: claims,
  }).catch(async (error: unknown) => {
    // the location that refused is left out when the workflow sources the order again
    if (error instanceof ReservationConflict && error.locationId) {
      const refused = error.locationId;
      await changeOrder(orderId, (current) => ({ order: excludeLocations(current, [refused]) }));
    }
    throw error;
  });
  await publish([
    domainEvent('OrderAllocated.v1', {
      orderId,
      channel: saved.channel,
      cost: plan.cost,
      shipments: shipments.map(mapItem),
      at: saved.updatedAt,
    }),
    ...shipmentChanges(order, saved),
  ]);
  return { shipments: shipments.map(mapItem) };
});
