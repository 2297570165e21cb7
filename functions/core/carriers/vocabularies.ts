import type { CarrierStatus } from './tracking.ts';

/**
 * Relais's canonical carrier statuses in the vocabularies of the two tracking aggregators a
 * retailer is most likely to plug in: AfterShip's delivery-status tags and EasyPost's tracker
 * statuses. Both are coarser than ours (neither tells a lost parcel from another exception), so
 * the mapping goes one way: from ours to theirs. The README carries the same table.
 */
export const aggregatorStatusOf: Record<CarrierStatus, { afterShipTag: string; easyPostStatus: string }> = {
  PICKED_UP: { afterShipTag: 'InTransit', easyPostStatus: 'in_transit' },
  IN_TRANSIT: { afterShipTag: 'InTransit', easyPostStatus: 'in_transit' },
  OUT_FOR_DELIVERY: { afterShipTag: 'OutForDelivery', easyPostStatus: 'out_for_delivery' },
  AVAILABLE_FOR_PICKUP: { afterShipTag: 'AvailableForPickup', easyPostStatus: 'available_for_pickup' },
  DELIVERED: { afterShipTag: 'Delivered', easyPostStatus: 'delivered' },
  DELIVERY_FAILED: { afterShipTag: 'AttemptFail', easyPostStatus: 'failure' },
  EXCEPTION: { afterShipTag: 'Exception', easyPostStatus: 'failure' },
  LOST: { afterShipTag: 'Exception', easyPostStatus: 'failure' },
  RETURNED_TO_SENDER: { afterShipTag: 'Exception', easyPostStatus: 'return_to_sender' },
  RETURN_RECEIVED: { afterShipTag: 'Exception', easyPostStatus: 'return_to_sender' },
};
