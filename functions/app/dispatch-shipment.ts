import { trackingNumberFor } from '../core/carriers/carriers.ts';
import { movements } from '../core/inventory/movements.ts';
import { arrivalWait, findShipment, parcelWeightKg, updateShipment } from '../core/orders/order.ts';
import { IntegrityViolation, OrderCancelled } from '../shared/errors.ts';
import { pickCarrier } from './carrier-choice.ts';
import { event } from './events.ts';
import { changeOrder, requireOrder } from './order-access.ts';
import type { AppPorts } from './ports.ts';

type DispatchPorts = Pick<AppPorts, 'orders' | 'network' | 'carriers' | 'labels' | 'clock'>;

/**
 * After the pick: a home parcel is handed to a carrier (carrier choice, tracking number, PDF
 * label) and its units leave the location (on hand and reserved drop together); a click & collect
 * parcel stays at the store for the customer. Answers what the workflow waits for next, and how
 * long. Idempotent: a retry finds the shipment dispatched.
 */
export async function dispatchShipment(ports: DispatchPorts, orderId: string, shipmentId: string) {
  const order = await requireOrder(ports.orders, orderId);
  const shipment = findShipment(order, shipmentId);
  if (!shipment) throw new IntegrityViolation(`shipment ${shipmentId} is not part of order ${orderId}`);
  if (shipment.mode !== 'home') return { ...arrivalWait.collection };
  if (shipment.trackingNumber)
    return {
      ...arrivalWait.delivery,
      carrierId: shipment.carrierId,
      trackingNumber: shipment.trackingNumber,
    };

  const [products, from] = await Promise.all([
    shipment.packages?.length ? new Map() : ports.network.getProducts(shipment.lines.map((l) => l.sku)),
    ports.network.getLocation(shipment.locationId),
  ]);
  const weightKg = parcelWeightKg(shipment, (sku) => products.get(sku)?.weightKg);
  const now = ports.clock.now();
  const { carrier, choice, capacityDay } = await pickCarrier(ports, { order, shipment, from, weightKg, now });
  const trackingNumber = trackingNumberFor(carrier, shipmentId);
  const address = order.delivery.address;
  const pdf = await ports.labels.render({
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
  const key = await ports.labels.store(shipmentId, pdf);

  await changeOrder(ports.orders, orderId, (current) => {
    const live = findShipment(current, shipmentId);
    if (!live || live.trackingNumber) return undefined;
    // an accepted cancel wins over a dispatch that has not written yet: the parcel never leaves
    if (current.cancelRequested || live.status !== 'PACKED')
      throw new OrderCancelled(
        `shipment ${shipmentId} is no longer to dispatch (${live.status}, cancel requested)`,
      );
    const next = updateShipment(
      current,
      shipmentId,
      (s) => ({
        ...s,
        status: 'DISPATCHED',
        carrierId: carrier.carrierId,
        trackingNumber,
        labelKey: key,
        carrierChoice: choice.record,
        carrierCapacityDay: capacityDay,
        reservation: 'consumed',
      }),
      now,
      `${shipmentId} DISPATCHED with ${carrier.carrierId} ${trackingNumber}`,
    );
    return {
      order: next,
      stock: movements('consume', live.locationId, live.lines),
      trackingPointers: [{ trackingNumber, shipmentId, carrierId: carrier.carrierId }],
      events: [
        event('ShipmentDispatched.v1', {
          orderId,
          shipmentId,
          locationId: shipment.locationId,
          carrierId: carrier.carrierId,
          trackingNumber,
          at: now.toISOString(),
        }),
        ...(choice.atRisk && shipment.promisedDate
          ? [
              event('PromiseAtRisk.v1', {
                orderId,
                shipmentId,
                promisedDate: shipment.promisedDate,
                expectedDate: choice.chosen.deliveryDate,
                reason: choice.record.reason,
                at: now.toISOString(),
              }),
            ]
          : []),
      ],
    };
  });
  return { ...arrivalWait.delivery, carrierId: carrier.carrierId, trackingNumber };
}
