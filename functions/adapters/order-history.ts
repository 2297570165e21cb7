import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderHistory } from '../app/ports.ts';
import type { Order } from '../core/orders/types.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys, withoutKeys } from './keys.ts';

/**
 * What analytics read of an order: everything but the sourcing explanation (most of an order's
 * bytes, deflated beside it), its waiting task tokens and the customer's e-mail address.
 */
const projected = [
  ['PK'],
  ['SK'],
  ['GSI1PK'],
  ['GSI1SK'],
  ['orderId'],
  ['status'],
  ['channel'],
  ['customer', 'id'],
  ['delivery'],
  ['lines'],
  ['shipments'],
  ['promise'],
  ['incidents'],
  ['rejection'],
  ['sourcing', 'cost'],
  ['createdAt'],
  ['updatedAt'],
];
// every name through a placeholder: several of them (status, lines) are DynamoDB reserved words
const names = [...new Set(projected.flat())];
const placeholder = (name: string) => `#a${names.indexOf(name)}`;
const projection = projected.map((path) => path.map(placeholder).join('.')).join(', ');
const projectionNames = Object.fromEntries(names.map((name) => [placeholder(name), name]));

const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');
const decodeCursor = (cursor: string) =>
  JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;

const cursorAfter = (order: Pick<Order, 'orderId' | 'createdAt'>) =>
  encodeCursor({ ...keys.order(order.orderId), ...keys.ordersIndex(order.createdAt, order.orderId) });

/**
 * The order history through the orders index (GSI1 `ORDERS` / `<createdAt>#<orderId>`): a range of
 * the sort key is the period, so a read costs the orders of the period and nothing else. An order
 * created at `to` sorts after `to` itself (`<to>#<id>` > `<to>`): BETWEEN reads [from, to).
 */
export function dynamoOrderHistory({ db, tables }: DynamoContext): OrderHistory {
  return {
    cursorAfter,
    async createdBetween({ from, to, limit, next }) {
      const items: Order[] = [];
      let startKey = next ? decodeCursor(next) : undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tables.orders,
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': keys.ordersIndexPartition, ':from': from, ':to': to },
            ExpressionAttributeNames: projectionNames,
            ProjectionExpression: projection,
            Limit: limit - items.length,
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...(page.Items ?? []).map((item) => withoutKeys<Order>(item)));
        startKey = page.LastEvaluatedKey;
      } while (startKey && items.length < limit);
      return startKey ? { items, next: encodeCursor(startKey) } : { items };
    },
  };
}
