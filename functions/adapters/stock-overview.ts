import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { StockOverview } from '../app/ports.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys } from './keys.ts';

/**
 * Every stock row, by a scan of the Inventory table filtered to the `SKU#…` / `LOC#…` items and
 * projected to three attributes. A scan reads the whole table (supply, adjustments and capacity
 * counters too): the price of a network-wide look, paid only when the alerts are reviewed.
 */
export function dynamoStockOverview({ db, tables }: DynamoContext): StockOverview {
  return {
    async allRows() {
      const rows: { sku: string; locationId: string; available: number }[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new ScanCommand({
            TableName: tables.inventory,
            FilterExpression: 'begins_with(PK, :sku) AND begins_with(SK, :loc)',
            ExpressionAttributeValues: {
              ':sku': keys.allStockRows.PKPrefix,
              ':loc': keys.allStockRows.SKPrefix,
            },
            ProjectionExpression: 'sku, locationId, available',
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? [])
          rows.push({
            sku: String(item.sku),
            locationId: String(item.locationId),
            available: Number(item.available ?? 0),
          });
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return rows;
    },
  };
}
