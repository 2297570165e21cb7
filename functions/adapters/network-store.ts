import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { NetworkRepository } from '../app/ports.ts';
import type { Carrier } from '../core/carriers/carriers.ts';
import type { Location, Product } from '../core/network.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys, withoutKeys } from './keys.ts';
import { batchGet, queryPartition } from './queries.ts';

/** Locations and carriers (one partition each, read whole: thousands, not millions) and products. */
export function dynamoNetwork({ db, tables }: DynamoContext): NetworkRepository {
  const wholePartition = (pk: string) => queryPartition(db, tables.network, pk);
  /**
   * After the write, never before: a reader that copies the network between the two holds the new
   * data under the old stamp, and drops it at its next check (functions/adapters/sourcing-reads.ts).
   */
  const put = async (item: Record<string, unknown>) => {
    await db.send(new PutCommand({ TableName: tables.network, Item: item }));
    await db.send(
      new UpdateCommand({
        TableName: tables.network,
        Key: keys.networkVersion(),
        UpdateExpression: 'ADD version :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  };

  return {
    async putLocation(location) {
      await put({ ...keys.location(location.locationId), ...location });
      return location;
    },
    async getLocation(locationId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.network, Key: keys.location(locationId) }),
      );
      return Item ? withoutKeys<Location>(Item) : undefined;
    },
    async listLocations() {
      return (await wholePartition(keys.allLocations().PK)).map((i) => withoutKeys<Location>(i));
    },
    async putCarrier(carrier) {
      await put({ ...keys.carrier(carrier.carrierId), ...carrier });
      return carrier;
    },
    async getCarrier(carrierId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.network, Key: keys.carrier(carrierId) }),
      );
      return Item ? withoutKeys<Carrier>(Item) : undefined;
    },
    async listCarriers() {
      return (await wholePartition(keys.allCarriers().PK)).map((i) => withoutKeys<Carrier>(i));
    },
    async putProduct(product) {
      await put({ ...keys.product(product.sku), ...product });
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
