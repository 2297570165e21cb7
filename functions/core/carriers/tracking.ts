import type { ShipmentStatus } from '../orders/types.ts';

/** The statuses carriers report through the webhook (DESIGN.md sections 6 and 6.1). */
export const carrierStatuses = [
  'PICKED_UP',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'AVAILABLE_FOR_PICKUP',
  'DELIVERED',
  'DELIVERY_FAILED',
  'EXCEPTION',
  'LOST',
  'RETURNED_TO_SENDER',
  'RETURN_RECEIVED',
] as const;
export type CarrierStatus = (typeof carrierStatuses)[number];

/** Why a carrier reports what it reports (a failed attempt, an exception), in one vocabulary. */
export const trackingReasons = [
  'recipient_absent',
  'address_issue',
  'refused',
  'damaged',
  'lost',
  'delayed',
  'weather',
  'access_restricted',
  'other',
] as const;
export type TrackingReason = (typeof trackingReasons)[number];

/** The one status vocabulary: what each carrier status means for an outbound shipment (none: no change). */
export const shipmentStatusOf: Record<CarrierStatus, ShipmentStatus | undefined> = {
  PICKED_UP: 'IN_TRANSIT',
  IN_TRANSIT: 'IN_TRANSIT',
  OUT_FOR_DELIVERY: 'OUT_FOR_DELIVERY',
  AVAILABLE_FOR_PICKUP: 'AVAILABLE_FOR_PICKUP',
  DELIVERED: 'DELIVERED',
  DELIVERY_FAILED: 'DELIVERY_FAILED',
  EXCEPTION: 'EXCEPTION',
  LOST: 'LOST',
  RETURNED_TO_SENDER: 'RETURNED_TO_SENDER',
  RETURN_RECEIVED: undefined,
};

/** What a carrier status means for a return parcel travelling back to Relais. */
export function returnStepOf(status: CarrierStatus): 'in-transit' | 'received' | undefined {
  if (status === 'PICKED_UP' || status === 'IN_TRANSIT') return 'in-transit';
  if (status === 'RETURN_RECEIVED' || status === 'DELIVERED') return 'received';
  return undefined;
}
