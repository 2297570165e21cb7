import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReturnRepository } from '../app/ports.ts';
import type { ReturnRecord } from '../core/returns/returns.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys, withoutKeys } from './keys.ts';
import { outboxItems } from './outbox.ts';
import { queryPrefix } from './queries.ts';
import { stockMovementItem } from './stock-movements.ts';
import { writeTransaction } from './transactions.ts';

/** Returns in the Orders table: the record, a copy under its order, and its tracking index item. */
export function dynamoReturns({ db, tables }: DynamoContext): ReturnRepository {
  const table = tables.orders;
  const get = async (returnId: string) => {
    const { Item } = await db.send(
      new GetCommand({ TableName: table, Key: keys.returnRecord(returnId), ConsistentRead: true }),
    );
    return Item ? withoutKeys<ReturnRecord>(Item) : undefined;
  };
  return {
    get,
    ofOrder: (orderId) => queryPrefix<ReturnRecord>(db, table, keys.returnsOfOrder(orderId)),
    async create(record) {
      const failed = await writeTransaction(db, [
        {
          Put: {
            TableName: table,
            Item: { ...keys.returnRecord(record.returnId), entity: 'return', ...record },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Put: {
            TableName: table,
            Item: { ...keys.orderReturn(record.orderId, record.returnId), ...record },
          },
        },
        {
          Put: {
            TableName: table,
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
    },
    async update(record, change, from, stock = [], events = []) {
      // a change may carry its own updatedAt: the one its events tell
      const fields = { updatedAt: new Date().toISOString(), ...change };
      const names = Object.keys(fields).filter((name) => fields[name as keyof typeof fields] !== undefined);
      // An update of the changed fields only: a task token stored meanwhile by the workflow is kept.
      const failed = await writeTransaction(db, [
        {
          Update: {
            TableName: table,
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
            TableName: table,
            Item: { ...keys.orderReturn(record.orderId, record.returnId), ...record, ...fields },
          },
        },
        ...stock.map((m) => stockMovementItem(tables.inventory, m, fields.updatedAt)),
        ...outboxItems(tables.outbox, events),
      ]);
      // read back: the caller needs the token the workflow may have stored since `record` was read
      return failed === undefined ? get(record.returnId) : undefined;
    },
    async setWaitingToken(returnId, token) {
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.returnRecord(returnId),
          UpdateExpression: 'SET waitingToken = :t',
          ExpressionAttributeValues: { ':t': token },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return withoutKeys<ReturnRecord>(Attributes ?? {});
    },
  };
}
