import type { ShipmentStatus } from '../orders/types.ts';

/** The statuses carriers report through the webhook (DESIGN.md section 6). */
export const carrierStatuses = [
  'PICKED_UP',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
  'DELIVERY_FAILED',
  'EXCEPTION',
  'LOST',
  'RETURN_RECEIVED',
] as const;
export type CarrierStatus = (typeof carrierStatuses)[number];

/** The one status vocabulary: what each carrier status means for an outbound shipment (none: no change). */
export const shipmentStatusOf: Record<CarrierStatus, ShipmentStatus | undefined> = {
  PICKED_UP: 'IN_TRANSIT',
  IN_TRANSIT: 'IN_TRANSIT',
  OUT_FOR_DELIVERY: 'OUT_FOR_DELIVERY',
  DELIVERED: 'DELIVERED',
  DELIVERY_FAILED: 'DELIVERY_FAILED',
  EXCEPTION: 'EXCEPTION',
  LOST: 'LOST',
  RETURN_RECEIVED: undefined,
};

/** What a carrier status means for a return parcel travelling back to Relais. */
export function returnStepOf(status: CarrierStatus): 'in-transit' | 'received' | undefined {
  if (status === 'PICKED_UP' || status === 'IN_TRANSIT') return 'in-transit';
  if (status === 'RETURN_RECEIVED' || status === 'DELIVERED') return 'received';
  return undefined;
}
