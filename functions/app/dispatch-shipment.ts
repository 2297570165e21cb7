import { trackingNumberFor } from '../core/carriers/carriers.ts';
import { movements } from '../core/inventory/movements.ts';
import type { Location } from '../core/network.ts';
import { holdUntil, secondsLeftOnHold } from '../core/orders/holds.ts';
import { wasEmptiedByCancellation } from '../core/orders/line-cancellation.ts';
import { arrivalWait, findShipment, parcelWeightKg, updateShipment } from '../core/orders/order.ts';
import type { Order, Shipment, StockLine } from '../core/orders/types.ts';
import {
  IntegrityViolation,
  OrderCancelled,
  ShipmentLinesCancelled,
  VersionConflict,
} from '../shared/errors.ts';
import { pickCarrier } from './carrier-choice.ts';
import { event } from './events.ts';
import { changeOrder, requireOrder } from './order-access.ts';
import type { AppPorts } from './ports.ts';

type DispatchPorts = Pick<AppPorts, 'orders' | 'network' | 'carriers' | 'labels' | 'clock'>;

function sameLines(a: readonly StockLine[], b: readonly StockLine[]): boolean {
  return a.length === b.length && a.every((l, i) => l.sku === b[i]?.sku && l.quantity === b[i]?.quantity);
}

/**
 * A parcel at the store waits for its customer as long as its hold lasts (taken when it became
 * READY_FOR_PICKUP; one confirmed before holds existed takes it from now).
 */
async function collectionWait(
  ports: DispatchPorts,
  storeId: string | undefined,
  shipment: Pick<Shipment, 'mode' | 'locationId' | 'holdUntil'>,
) {
  const now = ports.clock.now();
  const until =
    shipment.holdUntil ??
    holdUntil(shipment.mode, await ports.network.getLocation(storeId ?? shipment.locationId), now);
  return { stage: 'collection' as const, waitSeconds: secondsLeftOnHold(until, now), holdUntil: until };
}

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
  if (wasEmptiedByCancellation(order, shipment))
    throw new ShipmentLinesCancelled(`every unit of ${shipmentId} was cancelled`);
  if (shipment.mode !== 'home' && !shipment.transferTo)
    return collectionWait(ports, order.delivery.storeId, shipment);
  const wait = shipment.transferTo ? arrivalWait.transfer : arrivalWait.delivery;
  if (shipment.trackingNumber)
    return {
      ...wait,
      carrierId: shipment.carrierId,
      trackingNumber: shipment.trackingNumber,
    };

  const [products, from, store] = await Promise.all([
    shipment.packages?.length ? new Map() : ports.network.getProducts(shipment.lines.map((l) => l.sku)),
    ports.network.getLocation(shipment.locationId),
    shipment.transferTo ? ports.network.getLocation(shipment.transferTo) : undefined,
  ]);
  const weightKg = parcelWeightKg(shipment, (sku) => products.get(sku)?.weightKg);
  const now = ports.clock.now();
  // a transfer travels to the collecting store: carried, priced and labelled to its address
  const destination = store ? transferDestination(order, store) : order;
  const { carrier, choice, capacityDay } = await pickCarrier(ports, {
    order: destination,
    shipment,
    from,
    weightKg,
    now,
  });
  const trackingNumber = trackingNumberFor(carrier, shipmentId);
  const address = destination.delivery.address;
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
    if (wasEmptiedByCancellation(current, live))
      throw new ShipmentLinesCancelled(`every unit of ${shipmentId} was cancelled before it left`);
    // an accepted cancel wins over a dispatch that has not written yet: the parcel never leaves
    if (current.cancelRequested || live.status !== 'PACKED')
      throw new OrderCancelled(
        `shipment ${shipmentId} is no longer to dispatch (${live.status}, cancel requested)`,
      );
    // units cancelled since the label was made: made again for what the parcel now holds
    if (!sameLines(live.lines, shipment.lines))
      throw new VersionConflict(`the lines of ${shipmentId} changed while it was being dispatched`);
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
  return { ...wait, carrierId: carrier.carrierId, trackingNumber };
}

/** The order as a carrier sees a transfer: a standard parcel to the store's address. */
function transferDestination(order: Order, store: Location): Order {
  return {
    ...order,
    delivery: {
      ...order.delivery,
      service: 'standard',
      address: {
        line1: store.name,
        postcode: store.postcode ?? '',
        city: store.name,
        country: 'FR',
        lat: store.lat,
        lon: store.lon,
      },
    },
  };
}
