import type { NotificationRecord, StoredOrder } from '../app/ports.ts';
import { isRestockable, type ReturnRecord } from '../core/returns/returns.ts';

/** The API's own absolute base URL, as the caller reached it. */
export function baseUrlOf(event: {
  headers: Record<string, string | undefined>;
  requestContext: { domainName: string };
}): string {
  const proto = event.headers['x-forwarded-proto'] ?? 'https';
  const host = event.headers.host ?? event.requestContext.domainName;
  return `${proto}://${host}`;
}

/** An order as the HTTP contract shows it: no internal tokens or bookkeeping. */
export function orderView(order: StoredOrder, baseUrl: string) {
  return {
    orderId: order.orderId,
    status: order.status,
    channel: order.channel,
    customer: order.customer,
    lines: order.lines,
    delivery: order.delivery,
    shipments: order.shipments.map((s) => ({
      shipmentId: s.shipmentId,
      locationId: s.locationId,
      status: s.status,
      mode: s.mode,
      lines: s.lines,
      carrierId: s.carrierId,
      trackingNumber: s.trackingNumber,
      labelUrl: s.labelKey ? `${baseUrl}/shipments/${s.shipmentId}/label` : undefined,
      promisedDate: s.promisedDate,
      carrierChoice: s.carrierChoice,
      rejection: s.rejection,
      events: (s.events ?? []).map(({ status, reason, rawCode, occurredAt, receivedAt }) => ({
        status,
        reason,
        rawCode,
        occurredAt,
        receivedAt,
      })),
      attempts: s.attempts ?? 0,
      replacedBy: s.replacedBy,
      transferTo: s.transferTo,
      holdUntil: s.holdUntil,
      cancelledLines: s.cancelledLines,
    })),
    incidents: (order.incidents ?? []).map(({ shipmentId, kind, at, resolution, replacementShipmentId }) => ({
      shipmentId,
      kind,
      at,
      resolution,
      replacementShipmentId,
    })),
    sourcing: order.sourcing
      ? { cost: order.sourcing.cost, explanation: order.sourcing.explanation }
      : undefined,
    promise: order.promise,
    backorder: order.backorder
      ? {
          since: order.backorder.since,
          readyAt: order.backorder.readyAt,
          releaseDate: order.backorder.releaseDate,
          supply: order.backorder.claims.map(({ supplyId, sku, quantity, expectedAt }) => ({
            supplyId,
            sku,
            quantity,
            expectedAt,
          })),
        }
      : undefined,
    history: order.history,
    rejection: order.rejection,
    cancellation: order.cancellation,
    cancelledLines: order.cancelledLines,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

/**
 * An order in a page of `GET /orders`: the order's view without its sourcing explanation, which
 * grows with the network (every excluded location) and is served whole by `GET /orders/{id}`; so a
 * page of 100 orders stays far below Lambda's 6 MB response limit whatever the network's size.
 */
export function orderSummaryView(order: StoredOrder, baseUrl: string) {
  const view = orderView(order, baseUrl);
  return { ...view, sourcing: view.sourcing ? { cost: view.sourcing.cost } : undefined };
}

/** A return as POST /orders/{id}/returns answers it: with the label the customer prints. */
export function returnCreatedView(record: ReturnRecord, baseUrl: string) {
  const { returnId, status, carrierId, trackingNumber } = record;
  return { returnId, status, carrierId, trackingNumber, labelUrl: `${baseUrl}/returns/${returnId}/label` };
}

/** A return as GET /returns/{id} shows it: no task token; where it was restocked only when it was. */
export function returnView(r: ReturnRecord) {
  const restocked = r.grade !== undefined && isRestockable(r.grade);
  return {
    returnId: r.returnId,
    orderId: r.orderId,
    status: r.status,
    lines: r.lines.map(({ sku, quantity, reason, restockLocationId }) => ({
      sku,
      quantity,
      reason,
      restockLocationId: restocked ? restockLocationId : undefined,
    })),
    carrierId: r.carrierId,
    trackingNumber: r.trackingNumber,
    restockLocationId: restocked ? r.restockLocationId : undefined,
    grade: r.grade,
    refund: r.refund
      ? { amount: r.refund.amount, currency: r.refund.currency, lines: r.refund.lines }
      : undefined,
    inspection: r.inspection,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** A notification as GET /orders/{id}/notifications shows it: what the customer was told, and when. */
export function notificationView(n: NotificationRecord) {
  return {
    notificationId: n.notificationId,
    channel: n.channel,
    template: n.template,
    to: n.to,
    subject: n.subject,
    status: n.status,
    at: n.at,
    shipmentId: n.shipmentId,
  };
}
