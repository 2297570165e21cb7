import type { CarrierLedger, DeliveryCounts } from '../app/ports.ts';
import { requireCalendarDay } from '../core/inventory/capacity.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys } from './keys.ts';
import { batchGet, queryPartition } from './queries.ts';
import { writeTransaction } from './transactions.ts';

const slotKey = (carrierId: string, day: string) => `${carrierId}#${day}`;

/**
 * Carrier capacity counters (`CARRIER_CAPACITY#<carrier>` / `DAY#<day>`, with one `SLOT#` item per
 * shipment that took a parcel, all expiring with `expiresAt`) in the Inventory table, and delivery
 * counters (`CARRIER_PERFORMANCE` / `CARRIER#<id>`, with a `DELIVERY_COUNTED#<shipment>` marker
 * each) in the Network table.
 */
export function dynamoCarrierLedger({ db, tables }: DynamoContext): CarrierLedger {
  return {
    async capacityUsed(slots) {
      const unique = [...new Map(slots.map((s) => [slotKey(s.carrierId, s.day), s])).values()];
      const counters = await batchGet(
        db,
        tables.inventory,
        unique.map((s) => keys.carrierCapacity(s.carrierId, requireCalendarDay(s.day))),
        true,
      );
      return new Map(counters.map((c) => [slotKey(String(c.carrierId), String(c.day)), Number(c.used ?? 0)]));
    },

    async claimCapacity(slot, shipmentId, expiresAt) {
      requireCalendarDay(slot.day);
      const ttl = Math.floor(expiresAt.getTime() / 1000);
      const failed = await writeTransaction(db, [
        {
          Put: {
            TableName: tables.inventory,
            Item: { ...keys.carrierSlot(slot.carrierId, slot.day, shipmentId), shipmentId, expiresAt: ttl },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Update: {
            TableName: tables.inventory,
            Key: keys.carrierCapacity(slot.carrierId, slot.day),
            UpdateExpression:
              'SET used = if_not_exists(used, :zero) + :one, carrierId = :carrier, #day = :day, expiresAt = :ttl',
            ConditionExpression:
              slot.dailyCapacity > 0 ? 'attribute_not_exists(used) OR used < :cap' : 'used < :cap',
            ExpressionAttributeNames: { '#day': 'day' },
            ExpressionAttributeValues: {
              ':zero': 0,
              ':one': 1,
              ':cap': slot.dailyCapacity,
              ':carrier': slot.carrierId,
              ':day': slot.day,
              ':ttl': ttl,
            },
          },
        },
      ]);
      // the slot item exists: this shipment claimed before (a retried dispatch)
      return failed === undefined || failed.includes(0);
    },

    async recordDelivery(carrierId, shipmentId, onTime) {
      const failed = await writeTransaction(db, [
        {
          Put: {
            TableName: tables.network,
            Item: { ...keys.countedDelivery(shipmentId), carrierId, onTime },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Update: {
            TableName: tables.network,
            Key: keys.carrierPerformance(carrierId),
            UpdateExpression: 'SET carrierId = :carrier ADD delivered :one, onTime :onTime',
            ExpressionAttributeValues: { ':carrier': carrierId, ':one': 1, ':onTime': onTime ? 1 : 0 },
          },
        },
      ]);
      return failed === undefined;
    },

    async deliveryCounts() {
      const counts = new Map<string, DeliveryCounts>();
      for (const item of await queryPartition(db, tables.network, keys.allCarrierPerformance().PK))
        counts.set(String(item.carrierId), {
          delivered: Number(item.delivered ?? 0),
          onTime: Number(item.onTime ?? 0),
        });
      return counts;
    },
  };
}
