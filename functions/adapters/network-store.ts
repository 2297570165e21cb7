import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { NetworkRepository } from '../app/ports.ts';
import type { Location, Product } from '../core/network.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys, withoutKeys } from './keys.ts';
import { batchGet } from './queries.ts';

/** Locations (one partition, read whole: a network holds thousands, not millions) and products. */
export function dynamoNetwork({ db, tables }: DynamoContext): NetworkRepository {
  return {
    async putLocation(location) {
      await db.send(
        new PutCommand({
          TableName: tables.network,
          Item: { ...keys.location(location.locationId), ...location },
        }),
      );
      return location;
    },
    async getLocation(locationId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.network, Key: keys.location(locationId) }),
      );
      return Item ? withoutKeys<Location>(Item) : undefined;
    },
    async listLocations() {
      const locations: Location[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tables.network,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': keys.allLocations().PK },
            ExclusiveStartKey: startKey,
          }),
        );
        locations.push(...(page.Items ?? []).map((i) => withoutKeys<Location>(i)));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return locations;
    },
    async putProduct(product) {
      await db.send(
        new PutCommand({ TableName: tables.network, Item: { ...keys.product(product.sku), ...product } }),
      );
      return product;
    },
    async getProducts(skus) {
      const items = await batchGet(
        db,
        tables.network,
        [...new Set(skus)].map((sku) => keys.product(sku)),
        false,
      );
      return new Map(items.map((item) => withoutKeys<Product>(item)).map((p) => [p.sku, p]));
    },
  };
}
