import { z } from 'zod';
import { alertKinds, alertSeverities } from '../core/alerts/rules.ts';
import { carrierStatuses, trackingReasons } from '../core/carriers/tracking.ts';
import { incidentKinds, incidentResolutions, orderStatuses, shipmentStatuses } from '../core/orders/types.ts';

/**
 * The event contract (DESIGN.md section 7): one zod schema per versioned detail-type. The JSON
 * Schemas published under events/ are generated from these (npm run events:schemas).
 */
const at = z.iso.datetime();
const stockLine = z.object({ sku: z.string(), quantity: z.number().int().positive() });

/** re-exported for the schemas of the HTTP contract */
export { carrierStatuses, trackingReasons };

export const eventSchemas = {
  'OrderReceived.v1': z.object({
    orderId: z.string(),
    channel: z.string(),
    customerId: z.string(),
    deliveryMode: z.string(),
    lines: z.array(stockLine),
    at,
  }),
  'OrderAllocated.v1': z.object({
    orderId: z.string(),
    channel: z.string(),
    cost: z.number(),
    shipments: z.array(
      z.object({
        shipmentId: z.string(),
        locationId: z.string(),
        mode: z.string(),
        lines: z.array(stockLine),
      }),
    ),
    at,
  }),
  'OrderRejected.v1': z.object({ orderId: z.string(), reason: z.string(), at }),
  /** stock cannot fill the order yet: it waits for expected supply (a preorder: for its release date) */
  'OrderBackordered.v1': z.object({
    orderId: z.string(),
    channel: z.string(),
    lines: z.array(z.object({ sku: z.string(), quantity: z.number() })),
    /** the expected supply it counts on */
    supply: z.array(
      z.object({ supplyId: z.string(), sku: z.string(), quantity: z.number(), expectedAt: z.string() }),
    ),
    /** when the last unit it waits for should be there */
    readyAt: z.string(),
    preorder: z.boolean(),
    releaseDate: z.iso.date().optional(),
    promisedDate: z.iso.date().optional(),
    at,
  }),
  'OrderCancelled.v1': z.object({ orderId: z.string(), reason: z.string(), at }),
  'OrderDelivered.v1': z.object({ orderId: z.string(), status: z.enum(['DELIVERED', 'COLLECTED']), at }),
  'ShipmentStatusChanged.v1': z.object({
    orderId: z.string(),
    shipmentId: z.string(),
    locationId: z.string(),
    mode: z.string(),
    status: z.enum(shipmentStatuses),
    previousStatus: z.enum(shipmentStatuses).optional(),
    orderStatus: z.enum(orderStatuses),
    at,
  }),
  'ShipmentDispatched.v1': z.object({
    orderId: z.string(),
    shipmentId: z.string(),
    locationId: z.string(),
    carrierId: z.string(),
    trackingNumber: z.string(),
    at,
  }),
  'CarrierTrackingEvent.v1': z.object({
    carrierId: z.string(),
    eventId: z.string(),
    trackingNumber: z.string(),
    status: z.enum(carrierStatuses),
    /** why, for a failed attempt or an exception */
    reason: z.enum(trackingReasons).optional(),
    /** the carrier's own status code, as it sent it */
    rawCode: z.string().optional(),
    occurredAt: at,
    location: z.string().optional(),
    receivedAt: at,
    /** the parcel the tracking number belongs to, as the webhook found it (absent: look it up) */
    orderId: z.string().optional(),
    shipmentId: z.string().optional(),
    returnId: z.string().optional(),
  }),
  'ReturnReceived.v1': z.object({ returnId: z.string(), orderId: z.string(), at }),
  'RefundRequested.v1': z.object({
    /** the return that brought the units back; absent for a refund after a delivery incident */
    returnId: z.string().optional(),
    orderId: z.string(),
    /** the shipment whose incident is refunded (lost with nothing to ship it again, sent back) */
    shipmentId: z.string().optional(),
    lines: z.array(stockLine),
    amount: z.number().optional(),
    currency: z.literal('EUR').optional(),
    reason: z.string().optional(),
    at,
  }),
  'ShipmentIncident.v1': z.object({
    orderId: z.string(),
    shipmentId: z.string(),
    kind: z.enum(incidentKinds),
    resolution: z.enum(incidentResolutions),
    replacementShipmentId: z.string().optional(),
    carrierId: z.string().optional(),
    at,
  }),
  'PromiseAtRisk.v1': z.object({
    orderId: z.string(),
    shipmentId: z.string(),
    promisedDate: z.iso.date(),
    /** the date the shipment can now make, when it is known */
    expectedDate: z.iso.date().optional(),
    reason: z.string(),
    at,
  }),
  'NotificationSent.v1': z.object({
    orderId: z.string(),
    notificationId: z.string(),
    channel: z.literal('email'),
    template: z.string(),
    status: z.enum(['sent', 'skipped']),
    shipmentId: z.string().optional(),
    at,
  }),
  'AlertRaised.v1': z.object({
    alertId: z.string(),
    kind: z.enum(alertKinds),
    severity: z.enum(alertSeverities),
    /** what it is about: a SKU, a location, a carrier, a queue, or `network` */
    subject: z.string(),
    detail: z.string(),
    /** when the condition was first seen: the alert is open from then until it clears */
    since: at,
    at,
  }),
  /** units should move from a location with surplus cover to one short of it (announced once per suggestion) */
  'TransferSuggested.v1': z.object({
    suggestionId: z.string(),
    sku: z.string(),
    fromLocationId: z.string(),
    toLocationId: z.string(),
    quantity: z.number().int().positive(),
    reason: z.string(),
    /** the destination's cover in days, before and after the transfer */
    coverDaysBefore: z.number(),
    coverDaysAfter: z.number(),
    /** the origin's (null: it sells none of the SKU) */
    originCoverDaysBefore: z.number().nullable(),
    originCoverDaysAfter: z.number().nullable(),
    at,
  }),
  'StockChanged.v1': z.object({
    locationId: z.string(),
    sku: z.string(),
    onHand: z.number(),
    reserved: z.number(),
    safetyStock: z.number(),
    available: z.number(),
    reason: z.string(),
    at,
  }),
} as const;

export type DetailType = keyof typeof eventSchemas;
export type EventDetail<T extends DetailType> = z.infer<(typeof eventSchemas)[T]>;

export const eventSources: Record<DetailType, 'relais.orders' | 'relais.carriers' | 'relais.inventory'> = {
  'OrderReceived.v1': 'relais.orders',
  'OrderAllocated.v1': 'relais.orders',
  'OrderRejected.v1': 'relais.orders',
  'OrderBackordered.v1': 'relais.orders',
  'OrderCancelled.v1': 'relais.orders',
  'OrderDelivered.v1': 'relais.orders',
  'ShipmentStatusChanged.v1': 'relais.orders',
  'ShipmentDispatched.v1': 'relais.orders',
  'CarrierTrackingEvent.v1': 'relais.carriers',
  'ReturnReceived.v1': 'relais.orders',
  'RefundRequested.v1': 'relais.orders',
  'StockChanged.v1': 'relais.inventory',
  'ShipmentIncident.v1': 'relais.orders',
  'PromiseAtRisk.v1': 'relais.orders',
  'NotificationSent.v1': 'relais.orders',
  'AlertRaised.v1': 'relais.orders',
  'TransferSuggested.v1': 'relais.inventory',
};

/**
 * Each event carries its outbox id in `resources` (`relais:event:<id>`): the same on every
 * delivery of that event, whatever id EventBridge gives each PutEvents, so that consumers can
 * recognise a redelivery.
 */
const eventResourcePrefix = 'relais:event:';

export const eventResource = (eventId: string) => `${eventResourcePrefix}${eventId}`;

/** The outbox id of a delivered event, from its `resources`; undefined for an event from elsewhere. */
export function outboxEventId(resources: readonly string[] | undefined): string | undefined {
  return resources?.find((r) => r.startsWith(eventResourcePrefix))?.slice(eventResourcePrefix.length);
}
