import type { Order } from '../orders/types.ts';
import { carrierCostOf, deliveredAt, keptPromise } from './kpis.ts';

/**
 * One order of the history as an analytics pipeline reads it (one NDJSON line of
 * `GET /analytics/orders`): flat facts, no sourcing explanation, no e-mail address, no tokens.
 */
export function analyticsRecord(order: Order) {
  return {
    orderId: order.orderId,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    status: order.status,
    channel: order.channel,
    customerId: order.customer?.id,
    deliveryMode: order.delivery.mode,
    service: order.delivery.service ?? order.promise?.service,
    postcode: order.delivery.address?.postcode,
    storeId: order.delivery.storeId,
    lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice })),
    sourcingCostEur: order.sourcing?.cost,
    promise: order.promise,
    rejection: order.rejection?.reason,
    shipments: order.shipments.map((s) => {
      const cost = carrierCostOf(s);
      return {
        shipmentId: s.shipmentId,
        locationId: s.locationId,
        status: s.status,
        mode: s.mode,
        lines: s.lines,
        carrierId: s.carrierId,
        service: cost?.service,
        trackingNumber: s.trackingNumber,
        promisedDate: s.promisedDate,
        deliveredAt: deliveredAt(s),
        promiseKept: keptPromise(s),
        costEur: cost?.cost,
        co2Kg: cost?.co2Kg,
        attempts: s.attempts,
        rejection: s.rejection?.reason,
        replacedBy: s.replacedBy,
      };
    }),
    incidents: order.incidents ?? [],
  };
}
