import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { config } from './config.ts';
import { keys } from './keys.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * A change to one stock row that rides in a transaction with the order that causes it.
 * reserve: hold units (fails when fewer are available); release: give them back;
 * consume: the units leave the building (on hand and reserved both drop); restock: units come back.
 */
export interface StockMovement {
  kind: 'reserve' | 'release' | 'consume' | 'restock';
  locationId: string;
  sku: string;
  quantity: number;
}

export function stockMovementItem(movement: StockMovement, now: string): TransactItem {
  const Key = keys.stock(movement.sku, movement.locationId);
  const TableName = config.inventoryTable;
  const values = { ':q': movement.quantity, ':now': now };
  switch (movement.kind) {
    case 'reserve':
      return {
        Update: {
          TableName,
          Key,
          UpdateExpression: 'SET reserved = reserved + :q, available = available - :q, updatedAt = :now',
          ConditionExpression: 'available >= :q',
          ExpressionAttributeValues: values,
        },
      };
    case 'release':
      return {
        Update: {
          TableName,
          Key,
          UpdateExpression: 'SET reserved = reserved - :q, available = available + :q, updatedAt = :now',
          ConditionExpression: 'reserved >= :q',
          ExpressionAttributeValues: values,
        },
      };
    case 'consume':
      return {
        Update: {
          TableName,
          Key,
          UpdateExpression: 'SET reserved = reserved - :q, onHand = onHand - :q, updatedAt = :now',
          ConditionExpression: 'reserved >= :q AND onHand >= :q',
          ExpressionAttributeValues: values,
        },
      };
    case 'restock':
      return {
        Update: {
          TableName,
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
