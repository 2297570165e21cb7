import type { StoredOrder } from '../app/ports.ts';
import type { ReturnRecord } from '../core/returns/returns.ts';

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
    })),
    sourcing: order.sourcing
      ? { cost: order.sourcing.cost, explanation: order.sourcing.explanation }
      : undefined,
    promise: order.promise,
    history: order.history,
    rejection: order.rejection,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

/** A return as POST /orders/{id}/returns answers it: with the label the customer prints. */
export function returnCreatedView(record: ReturnRecord, baseUrl: string) {
  const { returnId, status, carrierId, trackingNumber } = record;
  return { returnId, status, carrierId, trackingNumber, labelUrl: `${baseUrl}/returns/${returnId}/label` };
}

/** A return as GET /returns/{id} shows it: no task token. */
export function returnView(r: ReturnRecord) {
  return {
    returnId: r.returnId,
    orderId: r.orderId,
    status: r.status,
    lines: r.lines,
    carrierId: r.carrierId,
    trackingNumber: r.trackingNumber,
    restockLocationId: r.restockLocationId,
    grade: r.grade,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
