import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { capacityRemaining, requireCalendarDay } from '../core/inventory/capacity.ts';
import type { Location } from '../core/network.ts';
import { config } from './config.ts';
import { documentClient } from './dynamodb.ts';
import { keys, withoutKeys } from './keys.ts';
import { getLocation } from './network-store.ts';
import type { TransactItem } from './transactions.ts';

/**
 * Daily capacity counters: one item per (location, calendar day), `CAPACITY#<loc>` / `DAY#<day>`
 * in the Inventory table, holding `used`, the shipments allocated to the location that day. The
 * increment rides in the allocation transaction, conditioned on the limit, so a location never
 * takes more shipments than its `dailyCapacity`, whatever the concurrency.
 */
interface CapacityCounter {
  locationId: string;
  day: string;
  used: number;
}

/** Every item of `keys` in `table`, read consistently, 100 keys per call, unprocessed keys retried. */
async function batchGet(
  table: string,
  itemKeys: Record<string, string>[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < itemKeys.length; i += 100) {
    let pending: Record<string, string>[] | undefined = itemKeys.slice(i, i + 100);
    while (pending && pending.length > 0) {
      const page = await documentClient.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      items.push(...(page.Responses?.[table] ?? []));
      pending = page.UnprocessedKeys?.[table]?.Keys as Record<string, string>[] | undefined;
    }
  }
  return items;
}

/** Shipments each location has taken on `day` (0 for a location with no counter yet). */
export async function capacityUsed(locationIds: string[], day: string): Promise<Map<string, number>> {
  requireCalendarDay(day);
  const unique = [...new Set(locationIds)];
  const used = new Map(unique.map((id) => [id, 0]));
  const counters = await batchGet(
    config.inventoryTable,
    unique.map((id) => keys.capacity(id, day)),
  );
  for (const item of counters) {
    const counter = withoutKeys<CapacityCounter>(item);
    used.set(counter.locationId, counter.used);
  }
  return used;
}

/**
 * Shipments each location can still take on `day`: its `dailyCapacity` minus what it has taken,
 * never below zero. Locations without a `dailyCapacity` (or unknown) are absent from the map: they
 * have no daily limit. Pass `locations` when they are already read, to skip reading the network.
 */
export async function capacityLeft(
  locationIds: string[],
  day: string,
  locations?: Iterable<Pick<Location, 'locationId' | 'dailyCapacity'>>,
): Promise<Map<string, number>> {
  requireCalendarDay(day);
  const unique = [...new Set(locationIds)];
  const capacities = new Map<string, number | undefined>();
  if (locations) {
    for (const location of locations) capacities.set(location.locationId, location.dailyCapacity);
  } else {
    const items = await batchGet(
      config.networkTable,
      unique.map((id) => keys.location(id)),
    );
    for (const location of items.map((item) => withoutKeys<Location>(item)))
      capacities.set(location.locationId, location.dailyCapacity);
  }
  const limited = unique.filter((id) => capacities.get(id) !== undefined);
  const used = await capacityUsed(limited, day);
  const left = new Map<string, number>();
  for (const id of limited) {
    const remaining = capacityRemaining(capacities.get(id), used.get(id) ?? 0);
    if (remaining !== undefined) left.set(id, remaining);
  }
  return left;
}

/**
 * One more shipment for the location on `day`, for the allocation's `TransactWriteItems`: refused
 * (the whole transaction cancelled, ConditionalCheckFailed on this item) once `dailyCapacity`
 * shipments are taken. A capacity of 0 refuses every shipment.
 */
export function capacityMovement(locationId: string, day: string, dailyCapacity: number): TransactItem {
  requireCalendarDay(day);
  return {
    Update: {
      TableName: config.inventoryTable,
      Key: keys.capacity(locationId, day),
      UpdateExpression: 'SET used = if_not_exists(used, :zero) + :one, locationId = :loc, #day = :day',
      // a missing counter has taken nothing; with no capacity at all even the first is refused
      ConditionExpression: dailyCapacity > 0 ? 'attribute_not_exists(used) OR used < :cap' : 'used < :cap',
      ExpressionAttributeNames: { '#day': 'day' },
      ExpressionAttributeValues: {
        ':zero': 0,
        ':one': 1,
        ':cap': dailyCapacity,
        ':loc': locationId,
        ':day': day,
      },
    },
  };
}

/** Gives one shipment back (a cancelled or re-sourced shipment); never takes the counter below zero. */
export function capacityRelease(locationId: string, day: string): TransactItem {
  requireCalendarDay(day);
  return {
    Update: {
      TableName: config.inventoryTable,
      Key: keys.capacity(locationId, day),
      UpdateExpression: 'SET used = used - :one',
      ConditionExpression: 'used >= :one',
      ExpressionAttributeValues: { ':one': 1 },
    },
  };
}

/**
 * Claims a preparation slot for each shipment at a location that limits its daily capacity: the
 * shipments come back marked with the day they hold, with the conditional writes that take the
 * slots (to commit in the same transaction as the order).
 */
export async function claimCapacity<S extends { locationId: string; capacityDay?: string | undefined }>(
  shipments: S[],
  day: string,
): Promise<{ shipments: S[]; claims: TransactItem[] }> {
  const locations = await Promise.all(shipments.map((s) => getLocation(s.locationId)));
  const claims: TransactItem[] = [];
  const marked = shipments.map((shipment, i) => {
    const capacity = locations[i]?.dailyCapacity;
    if (capacity === undefined) return shipment;
    claims.push(capacityMovement(shipment.locationId, day, capacity));
    return { ...shipment, capacityDay: day };
  });
  return { shipments: marked, claims };
}

/** Gives back the slots of shipments that will not be prepared (cancelled, rejected, re-sourced). */
export function releaseCapacity(
  shipments: { locationId: string; capacityDay?: string | undefined }[],
): TransactItem[] {
  return shipments.flatMap((s) => (s.capacityDay ? [capacityRelease(s.locationId, s.capacityDay)] : []));
}
