import { type CapacityClaim, type CapacitySlot, requireCalendarDay } from '../core/inventory/capacity.ts';
import type { StockMovement } from '../core/inventory/movements.ts';
import { keys } from './keys.ts';
import type { TransactItem } from './transactions.ts';

/** The conditional update that makes one stock movement, for a transaction with what causes it. */
export function stockMovementItem(table: string, movement: StockMovement, now: string): TransactItem {
  const Key = keys.stock(movement.sku, movement.locationId);
  const values = { ':q': movement.quantity, ':now': now };
  const update = (
    UpdateExpression: string,
    ConditionExpression: string,
    extra: Record<string, number> = {},
  ): TransactItem => ({
    Update: {
      TableName: table,
      Key,
      UpdateExpression,
      ConditionExpression,
      ExpressionAttributeValues: { ...values, ...extra },
    },
  });
  switch (movement.kind) {
    case 'reserve': {
      const reserve = 'SET reserved = reserved + :q, available = available - :q, updatedAt = :now';
      const kept = movement.holdBack;
      if (!kept) return update(reserve, 'available >= :q');
      // the channel's buffer is in the condition, so racing reservations never take units held back
      return kept.onHandAtMost === undefined
        ? update(reserve, 'available >= :need', { ':need': movement.quantity + kept.units })
        : update(reserve, 'available >= :need AND onHand <= :onHand', {
            ':need': movement.quantity + kept.units,
            ':onHand': kept.onHandAtMost,
          });
    }
    case 'release':
      return update(
        'SET reserved = reserved - :q, available = available + :q, updatedAt = :now',
        'reserved >= :q',
      );
    case 'consume':
      return update(
        'SET reserved = reserved - :q, onHand = onHand - :q, updatedAt = :now',
        'reserved >= :q AND onHand >= :q',
      );
    case 'withdraw':
    case 'dispose':
      return update(
        'SET onHand = onHand - :q, available = available - :q, updatedAt = :now',
        'available >= :q',
      );
    case 'arrive':
      return {
        Update: {
          TableName: table,
          Key,
          UpdateExpression:
            'SET onHand = if_not_exists(onHand, :zero) + :q, reserved = if_not_exists(reserved, :zero) + :q, ' +
            'available = if_not_exists(available, :zero), safetyStock = if_not_exists(safetyStock, :zero), ' +
            'locationId = :loc, sku = :sku, updatedAt = :now',
          ExpressionAttributeValues: {
            ...values,
            ':zero': 0,
            ':loc': movement.locationId,
            ':sku': movement.sku,
          },
        },
      };
    case 'restock':
      return {
        Update: {
          TableName: table,
          Key,
          UpdateExpression:
            'SET onHand = if_not_exists(onHand, :zero) + :q, available = if_not_exists(available, :zero) + :q, ' +
            'reserved = if_not_exists(reserved, :zero), safetyStock = if_not_exists(safetyStock, :zero), ' +
            'locationId = :loc, sku = :sku, updatedAt = :now',
          ExpressionAttributeValues: {
            ...values,
            ':zero': 0,
            ':loc': movement.locationId,
            ':sku': movement.sku,
          },
        },
      };
  }
}

/**
 * The exact opposite of a movement, unconditional: it takes back a movement that was written as
 * part of a change that never committed (the deltas commute, so the row returns to what it would be).
 */
export function stockMovementUndoItem(table: string, movement: StockMovement): TransactItem {
  const opposite: Record<StockMovement['kind'], string> = {
    reserve: 'SET reserved = reserved - :q, available = available + :q',
    release: 'SET reserved = reserved + :q, available = available - :q',
    consume: 'SET reserved = reserved + :q, onHand = onHand + :q',
    restock: 'SET onHand = onHand - :q, available = available - :q',
    withdraw: 'SET onHand = onHand + :q, available = available + :q',
    arrive: 'SET onHand = onHand - :q, reserved = reserved - :q',
    dispose: 'SET onHand = onHand + :q, available = available + :q',
  };
  return {
    Update: {
      TableName: table,
      Key: keys.stock(movement.sku, movement.locationId),
      UpdateExpression: opposite[movement.kind],
      ExpressionAttributeValues: { ':q': movement.quantity },
    },
  };
}

/** Counters of a day's preparation slots are kept a fortnight past their day, then expire (TTL). */
export function capacityExpiry(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + 14 * 24 * 3600;
}

/**
 * One more shipment for the location on the claim's day: refused (the whole transaction cancelled,
 * ConditionalCheckFailed on this item) once `dailyCapacity` shipments are taken; 0 refuses all.
 */
export function capacityClaimItem(table: string, claim: CapacityClaim): TransactItem {
  requireCalendarDay(claim.day);
  return {
    Update: {
      TableName: table,
      Key: keys.capacity(claim.locationId, claim.day),
      UpdateExpression:
        'SET used = if_not_exists(used, :zero) + :one, locationId = :loc, #day = :day, expiresAt = :expires',
      // a missing counter has taken nothing; with no capacity at all even the first is refused
      ConditionExpression:
        claim.dailyCapacity > 0 ? 'attribute_not_exists(used) OR used < :cap' : 'used < :cap',
      ExpressionAttributeNames: { '#day': 'day' },
      ExpressionAttributeValues: {
        ':zero': 0,
        ':one': 1,
        ':cap': claim.dailyCapacity,
        ':loc': claim.locationId,
        ':day': claim.day,
        ':expires': capacityExpiry(claim.day),
      },
    },
  };
}

/**
 * Gives one shipment's slot back; never takes the counter below zero (unless `unconditional`: the
 * undo of a claim written in a change that never committed, which took exactly that slot).
 */
export function capacityReleaseItem(
  table: string,
  slot: CapacitySlot,
  options: { unconditional?: boolean } = {},
): TransactItem {
  requireCalendarDay(slot.day);
  return {
    Update: {
      TableName: table,
      Key: keys.capacity(slot.locationId, slot.day),
      UpdateExpression: 'SET used = used - :one',
      ...(options.unconditional ? {} : { ConditionExpression: 'used >= :one' }),
      ExpressionAttributeValues: { ':one': 1 },
    },
  };
}

/** The undo of a slot given back in a change that never committed: the slot is taken again. */
export function capacityUnreleaseItem(table: string, slot: CapacitySlot): TransactItem {
  requireCalendarDay(slot.day);
  return {
    Update: {
      TableName: table,
      Key: keys.capacity(slot.locationId, slot.day),
      UpdateExpression: 'SET used = used + :one',
      ExpressionAttributeValues: { ':one': 1 },
    },
  };
}
