import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReturnRecord } from '../core/returns/returns.ts';
import { NotFound } from '../shared/errors.ts';
import { config } from './config.ts';
import { documentClient } from './dynamodb.ts';
import { keys, withoutKeys } from './keys.ts';
import { type StockMovement, stockMovementItem } from './stock-movements.ts';
import { writeTransaction } from './transactions.ts';

const orderReturnKey = (orderId: string, returnId: string) => ({
  PK: `ORDER#${orderId}`,
  SK: `RETURN#${returnId}`,
});

export async function getReturn(returnId: string): Promise<ReturnRecord | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: config.ordersTable, Key: keys.returnRecord(returnId), ConsistentRead: true }),
  );
  return Item ? withoutKeys<ReturnRecord>(Item) : undefined;
}

export async function requireReturn(returnId: string): Promise<ReturnRecord> {
  const record = await getReturn(returnId);
  if (!record) throw new NotFound(`return ${returnId} does not exist`);
  return record;
}

/** The returns already asked for on an order (index items under the order's partition). */
export async function returnsOfOrder(orderId: string): Promise<ReturnRecord[]> {
  const { Items } = await documentClient.send(
    new QueryCommand({
      TableName: config.ordersTable,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :r)',
      ExpressionAttributeValues: { ':pk': `ORDER#${orderId}`, ':r': 'RETURN#' },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((i) => withoutKeys<ReturnRecord>(i));
}

/** Stores a new return with its order index and tracking items; false when the id is taken. */
export async function createReturn(record: ReturnRecord): Promise<boolean> {
  const failed = await writeTransaction([
    {
      Put: {
        TableName: config.ordersTable,
        Item: { ...keys.returnRecord(record.returnId), entity: 'return', ...record },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    {
      Put: {
        TableName: config.ordersTable,
        Item: { ...orderReturnKey(record.orderId, record.returnId), ...record },
      },
    },
    {
      Put: {
        TableName: config.ordersTable,
        Item: {
          ...keys.tracking(record.trackingNumber),
          orderId: record.orderId,
          shipmentId: record.returnId,
          returnId: record.returnId,
          carrierId: record.carrierId,
        },
      },
    },
  ]);
  return failed === undefined;
}

/** Moves a return to `status` from one of `from` (a stale or repeated move changes nothing). */
export async function updateReturn(
  record: ReturnRecord,
  change: Partial<ReturnRecord>,
  from: ReturnRecord['status'][],
  stock: StockMovement[] = [],
): Promise<ReturnRecord | undefined> {
  const fields = { ...change, updatedAt: new Date().toISOString() };
  const names = Object.keys(fields).filter((name) => fields[name as keyof typeof fields] !== undefined);
  // An update of the changed fields only: a task token stored meanwhile by the workflow is kept.
  const failed = await writeTransaction([
    {
      Update: {
        TableName: config.ordersTable,
        Key: keys.returnRecord(record.returnId),
        UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
        ConditionExpression: `#status IN (${from.map((_, i) => `:s${i}`).join(', ')})`,
        ExpressionAttributeNames: {
          '#status': 'status',
          ...Object.fromEntries(names.map((name, i) => [`#f${i}`, name])),
        },
        ExpressionAttributeValues: {
          ...Object.fromEntries(from.map((status, i) => [`:s${i}`, status])),
          ...Object.fromEntries(names.map((name, i) => [`:f${i}`, fields[name as keyof typeof fields]])),
        },
      },
    },
    {
      Put: {
        TableName: config.ordersTable,
        Item: { ...orderReturnKey(record.orderId, record.returnId), ...record, ...fields },
      },
    },
    ...stock.map((m) => stockMovementItem(m, fields.updatedAt)),
  ]);
  // read back: the caller needs the token the workflow may have stored since `record` was read
  return failed === undefined ? getReturn(record.returnId) : undefined;
}

export async function setReturnToken(returnId: string, token: string): Promise<ReturnRecord> {
  const { Attributes } = await documentClient.send(
    new UpdateCommand({
      TableName: config.ordersTable,
      Key: keys.returnRecord(returnId),
      UpdateExpression: 'SET waitingToken = :t',
      ExpressionAttributeValues: { ':t': token },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return withoutKeys<ReturnRecord>(Attributes ?? {});
}
