import type { Order, Shipment } from '../orders/types.ts';
import type { Language, MessageFacts, NotificationTemplate } from './templates.ts';

/** The bus events a customer hears about, as far as the choice of message needs them. */
export type NotificationTrigger =
  | { type: 'OrderAllocated.v1'; orderId: string }
  | {
      type: 'ShipmentDispatched.v1';
      orderId: string;
      shipmentId: string;
      carrierId: string;
      trackingNumber: string;
    }
  | { type: 'ShipmentStatusChanged.v1'; orderId: string; shipmentId: string; status: string }
  | {
      type: 'PromiseAtRisk.v1';
      orderId: string;
      shipmentId: string;
      promisedDate: string;
      expectedDate?: string | undefined;
    }
  | { type: 'OrderCancelled.v1'; orderId: string }
  | {
      type: 'RefundRequested.v1';
      orderId: string;
      shipmentId?: string | undefined;
      returnId?: string | undefined;
      amount?: number | undefined;
      currency?: string | undefined;
    };

export type TriggerType = NotificationTrigger['type'];

export const triggerTypes: readonly TriggerType[] = [
  'OrderAllocated.v1',
  'ShipmentDispatched.v1',
  'ShipmentStatusChanged.v1',
  'PromiseAtRisk.v1',
  'OrderCancelled.v1',
  'RefundRequested.v1',
];

/** A shipment status the customer is told about, and the message that tells it. */
const statusTemplates: Record<string, NotificationTemplate> = {
  OUT_FOR_DELIVERY: 'out_for_delivery',
  DELIVERED: 'delivered',
  DELIVERY_FAILED: 'delivery_failed',
  // click & collect at a store, and a parcel left at a carrier's pickup point
  READY_FOR_PICKUP: 'ready_for_pickup',
  AVAILABLE_FOR_PICKUP: 'ready_for_pickup',
};

/**
 * What one notification is about: its template and the shipment (or return) it concerns. The
 * customer gets at most one message per (order, template, subject): `subject` is that third part.
 */
export interface NotificationIntent {
  template: NotificationTemplate;
  orderId: string;
  shipmentId?: string | undefined;
  returnId?: string | undefined;
  /** the shipment, the return (`RETURN-<id>`) or the whole order (`ORDER`) the message is about */
  subject: string;
}

function intent(
  template: NotificationTemplate,
  orderId: string,
  about: { shipmentId?: string | undefined; returnId?: string | undefined } = {},
): NotificationIntent {
  const subject = about.shipmentId ?? (about.returnId ? `RETURN-${about.returnId}` : 'ORDER');
  return { template, orderId, ...about, subject };
}

/** Which message an event calls for, if any (most shipment statuses tell the customer nothing). */
export function notificationFor(trigger: NotificationTrigger): NotificationIntent | undefined {
  switch (trigger.type) {
    case 'OrderAllocated.v1':
      return intent('order_confirmed', trigger.orderId);
    case 'ShipmentDispatched.v1':
      return intent('order_dispatched', trigger.orderId, { shipmentId: trigger.shipmentId });
    case 'ShipmentStatusChanged.v1': {
      const template = statusTemplates[trigger.status];
      return template ? intent(template, trigger.orderId, { shipmentId: trigger.shipmentId }) : undefined;
    }
    case 'PromiseAtRisk.v1':
      return intent('order_delayed', trigger.orderId, { shipmentId: trigger.shipmentId });
    case 'OrderCancelled.v1':
      return intent('order_cancelled', trigger.orderId);
    case 'RefundRequested.v1':
      return intent(
        'refund_requested',
        trigger.orderId,
        trigger.shipmentId ? { shipmentId: trigger.shipmentId } : { returnId: trigger.returnId },
      );
  }
}

/** Countries whose customers read French: France and its French-speaking neighbours. */
const frenchSpeaking = new Set(['FR', 'BE', 'CH', 'LU', 'MC']);

/** What the messages read from an order; `promise` is the delivery promise made at intake, when stored. */
export type NotifiedOrder = Pick<Order, 'orderId' | 'customer' | 'delivery' | 'shipments'> & {
  promise?: { latestDate?: string | undefined } | undefined;
};

/**
 * The customer's language. Relais stores none, so the delivery address stands for it: French for
 * an address in a French-speaking country, and for orders fetched at a store (Relais's stores are
 * in France); English for every other address.
 */
export function languageOf(order: Pick<Order, 'delivery'>): Language {
  const { delivery } = order;
  if (delivery.mode !== 'home') return 'fr';
  return frenchSpeaking.has((delivery.address?.country ?? '').trim().toUpperCase()) ? 'fr' : 'en';
}

function latest(dates: (string | undefined)[]): string | undefined {
  return dates
    .filter((d): d is string => typeof d === 'string' && d !== '')
    .sort()
    .at(-1);
}

/** The date promised to the customer: for the shipment named, else for the whole order. */
export function promisedDateOf(order: NotifiedOrder, shipment?: Shipment): string | undefined {
  if (shipment?.promisedDate) return shipment.promisedDate;
  return order.promise?.latestDate ?? latest(order.shipments.map((s) => s.promisedDate));
}

/** The facts of the message, from the order as it is now and the event that triggered it. */
export function messageFacts(
  order: NotifiedOrder,
  trigger: NotificationTrigger,
  about: NotificationIntent,
  pickupPlace?: string,
): MessageFacts {
  const shipment = about.shipmentId
    ? order.shipments.find((s) => s.shipmentId === about.shipmentId)
    : undefined;
  const facts: MessageFacts = {
    orderId: order.orderId,
    pickup: order.delivery.mode !== 'home',
    promisedDate: promisedDateOf(order, shipment),
    carrierId: shipment?.carrierId,
    trackingNumber: shipment?.trackingNumber,
    pickupPlace: shipment?.mode === 'home' ? undefined : pickupPlace,
  };
  if (trigger.type === 'ShipmentDispatched.v1') {
    facts.carrierId = trigger.carrierId;
    facts.trackingNumber = trigger.trackingNumber;
  }
  if (trigger.type === 'PromiseAtRisk.v1') {
    facts.promisedDate = trigger.promisedDate;
    facts.expectedDate = trigger.expectedDate;
  }
  if (trigger.type === 'RefundRequested.v1' && trigger.amount !== undefined)
    facts.refund = { amount: trigger.amount, currency: trigger.currency ?? 'EUR' };
  return facts;
}
