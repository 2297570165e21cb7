import { z } from 'zod';
import { event as domainEvent, publish, shipmentChanges } from '../adapters/events.ts';
import { renderLabel } from '../adapters/label-pdf.ts';
import { labelKey, storeLabel } from '../adapters/labels.ts';
import { getLocation, getProducts } from '../adapters/network-store.ts';
import { changeOrder, requireOrder } from '../adapters/order-store.ts';
import { addCarrierDays, departureDay, isoDay } from '../core/carriers/calendar.ts';
import { chooseCarrier, trackingNumberFor } from '../core/carriers/carriers.ts';
import { findShipment, updateShipment } from '../core/orders/order.ts';
import type { Shipment } from '../core/orders/types.ts';
import { NoSourcingPlan } from '../shared/errors.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

const input = z.object({ orderId: id, shipmentId: id, packing: z.unknown().optional() });

async function parcelWeight(shipment: Shipment): Promise<number> {
  const declared = shipment.packages?.reduce((sum, p) => sum + p.weightKg, 0);
  if (declared) return declared;
  const products = await getProducts(shipment.lines.map((l) => l.sku));
  return shipment.lines.reduce((sum, l) => sum + (products.get(l.sku)?.weightKg ?? 0) * l.quantity, 0);
}

/**
 * Hands the parcel to a carrier: carrier choice, tracking number, PDF label; the units leave the
 * location now (on hand and reserved drop together). Idempotent: a retry finds the shipment dispatched.
 */
export const handler = stepHandler(input, async ({ orderId, shipmentId }) => {
  const order = await requireOrder(orderId);
  const shipment = findShipment(order, shipmentId);
  if (!shipment) throw new NoSourcingPlan(`shipment ${shipmentId} is not part of order ${orderId}`);
  if (shipment.trackingNumber)
    return { carrierId: shipment.carrierId, trackingNumber: shipment.trackingNumber };

  const weightKg = await parcelWeight(shipment);
  const carrier = chooseCarrier(order.delivery.service ?? 'standard', weightKg);
  const trackingNumber = trackingNumberFor(carrier, shipmentId);
  const from = await getLocation(shipment.locationId);
  const address = order.delivery.address;
  const key = labelKey(shipmentId);
  const pdf = await renderLabel({
    carrierName: carrier.name,
    trackingNumber,
    shipmentId,
    orderId,
    from: from ? `${from.name} ${from.postcode ?? ''}`.trim() : shipment.locationId,
    to: address
      ? [address.line1, `${address.postcode} ${address.city}`, address.country]
      : [order.customer.id],
    weightKg,
  });
  await storeLabel(key, pdf);

  const now = new Date();
  const promisedDate = isoDay(addCarrierDays(departureDay(now), carrier.transitDays));
  const after = await changeOrder(orderId, (current) => {
    const live = findShipment(current, shipmentId);
    if (!live || live.trackingNumber) return undefined;
    const next = updateShipment(
      current,
      shipmentId,
      (s) => ({
        ...s,
        status: 'DISPATCHED',
        carrierId: carrier.carrierId,
        trackingNumber,
        labelKey: key,
        promisedDate,
        reservation: 'consumed',
      }),
      now,
      `${shipmentId} DISPATCHED with ${carrier.carrierId} ${trackingNumber}`,
    );
    return {
      order: next,
      stock: live.lines.map((l) => ({ kind: 'consume' as const, locationId: live.locationId, ...l })),
      trackingPointers: [{ trackingNumber, shipmentId, carrierId: carrier.carrierId }],
    };
  });
  await publish([
    ...shipmentChanges(order, after),
    domainEvent('ShipmentDispatched.v1', {
      orderId,
      shipmentId,
      locationId: shipment.locationId,
      carrierId: carrier.carrierId,
      trackingNumber,
      at: now.toISOString(),
    }),
  ]);
  return { carrierId: carrier.carrierId, trackingNumber };
});
