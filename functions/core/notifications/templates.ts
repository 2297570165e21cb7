/** The messages Relais sends a customer (DESIGN.md section 6.1, notifications). */
export const notificationTemplates = [
  'order_confirmed',
  'order_dispatched',
  'out_for_delivery',
  'delivered',
  'delivery_failed',
  'ready_for_pickup',
  'order_delayed',
  'order_cancelled',
  'refund_requested',
] as const;

export type NotificationTemplate = (typeof notificationTemplates)[number];

export type Language = 'fr' | 'en';

/** The facts a message states, taken from the order and the event that triggered it. */
export interface MessageFacts {
  orderId: string;
  /** click & collect and e-reservation orders are fetched, not delivered */
  pickup: boolean;
  /** the date the customer was promised (YYYY-MM-DD), when one is known */
  promisedDate?: string | undefined;
  /** the date the parcel can now make, when the carrier or the promise engine knows it */
  expectedDate?: string | undefined;
  carrierId?: string | undefined;
  trackingNumber?: string | undefined;
  /** where the customer collects the order (a store's name) */
  pickupPlace?: string | undefined;
  refund?: { amount: number; currency: string } | undefined;
}
