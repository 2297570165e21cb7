import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from './keys.ts';

/** Every item of `itemKeys` in `table`, 100 keys per call, unprocessed keys asked again. */
export async function batchGet(
  db: DynamoDBDocumentClient,
  table: string,
  itemKeys: Record<string, string>[],
  consistent: boolean,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < itemKeys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = itemKeys.slice(i, i + 100);
    while (pending && pending.length > 0) {
      const page: BatchGetCommandOutput = await db.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: consistent } } }),
      );
      items.push(...(page.Responses?.[table] ?? []));
      pending = page.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return items;
}

/** Every item of one partition, every page (keys kept: callers read what they need). */
export async function queryPartition(
  db: DynamoDBDocumentClient,
  table: string,
  pk: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** The items of one partition whose sort key starts with a prefix, every page, read consistently. */
export async function queryPrefix<T>(
  db: DynamoDBDocumentClient,
  table: string,
  key: { PK: string; SKPrefix: string },
): Promise<T[]> {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': key.PK, ':prefix': key.SKPrefix },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []).map((i) => withoutKeys<T>(i)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
