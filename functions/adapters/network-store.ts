import { BatchGetCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Location, Product } from '../core/network.ts';
import { config } from './config.ts';
import { documentClient } from './dynamodb.ts';
import { keys, withoutKeys } from './keys.ts';

export async function putLocation(location: Location): Promise<Location> {
  await documentClient.send(
    new PutCommand({
      TableName: config.networkTable,
      Item: { ...keys.location(location.locationId), ...location },
    }),
  );
  return location;
}

export async function getLocation(locationId: string): Promise<Location | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: config.networkTable, Key: keys.location(locationId) }),
  );
  return Item ? withoutKeys<Location>(Item) : undefined;
}

/** All locations: one partition, read whole (a network holds thousands of locations, not millions). */
export async function listLocations(): Promise<Location[]> {
  const locations: Location[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: config.networkTable,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.allLocations().PK },
        ExclusiveStartKey: startKey,
      }),
    );
    locations.push(...(page.Items ?? []).map((i) => withoutKeys<Location>(i)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return locations;
}

export async function putProduct(product: Product): Promise<Product> {
  await documentClient.send(
    new PutCommand({ TableName: config.networkTable, Item: { ...keys.product(product.sku), ...product } }),
  );
  return product;
}

/** The products found among `skus` (unknown SKUs are simply absent from the map). */
export async function getProducts(skus: string[]): Promise<Map<string, Product>> {
  const found = new Map<string, Product>();
  const unique = [...new Set(skus)];
  for (let i = 0; i < unique.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
      [config.networkTable]: { Keys: unique.slice(i, i + 100).map((sku) => keys.product(sku)) },
    };
    while (request && Object.keys(request).length > 0) {
      const page = await documentClient.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of page.Responses?.[config.networkTable] ?? []) {
        const product = withoutKeys<Product>(item);
        found.set(product.sku, product);
      }
      request = page.UnprocessedKeys as typeof request;
    }
  }
  return found;
}
