import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { NotificationLog, NotificationRecord } from '../app/ports.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys, withoutKeys } from './keys.ts';
import { outboxItems } from './outbox.ts';
import { queryPrefix } from './queries.ts';
import { conditionally, type TransactItem, writeTransaction } from './transactions.ts';

type NotificationEvents = NonNullable<Parameters<NotificationLog['finish']>[1]>;

const keyOf = (r: NotificationRecord) => keys.notification(r.orderId, r.template, r.about);

/**
 * Notifications in the Orders table, under their order's partition (`NOTIFY#<template>#<about>`):
 * the key is the "once per (order, template, shipment)" rule, held by conditional writes.
 */
export function dynamoNotificationLog({ db, tables }: DynamoContext): NotificationLog {
  const heldBy = (record: NotificationRecord) => ({
    ConditionExpression: '#token = :token',
    ExpressionAttributeNames: { '#token': 'claimToken' },
    ExpressionAttributeValues: { ':token': record.claimToken ?? '' },
  });
  /** the put alone, or with the events it announces in one transaction; false when its condition failed */
  const put = async (item: NonNullable<TransactItem['Put']>, events: NotificationEvents) => {
    if (events.length === 0) return conditionally(() => db.send(new PutCommand(item)));
    return (await writeTransaction(db, [{ Put: item }, ...outboxItems(tables.outbox, events)])) === undefined;
  };
  return {
    async claim(record, staleBefore, events = []) {
      const claimed = await put(
        {
          TableName: tables.orders,
          Item: { ...keyOf(record), entity: 'notification', ...record },
          ConditionExpression: 'attribute_not_exists(PK) OR (#status = :sending AND #at < :stale)',
          ExpressionAttributeNames: { '#status': 'status', '#at': 'at' },
          ExpressionAttributeValues: { ':sending': 'sending', ':stale': staleBefore },
        },
        events,
      );
      if (claimed) return 'claimed';
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.orders, Key: keyOf(record), ConsistentRead: true }),
      );
      // gone between the two calls (a claim released): the caller's retry claims it
      if (!Item) throw new Error(`notification ${record.notificationId} changed while it was claimed`);
      const standing = withoutKeys<NotificationRecord>(Item);
      // this attempt's own claim, applied though its answer was lost (the SDK sent it again)
      if (record.claimToken && standing.status === 'sending' && standing.claimToken === record.claimToken)
        return 'claimed';
      return standing;
    },
    async finish(record, events = []) {
      const { claimToken: _held, ...finished } = record;
      // a claim taken over meanwhile: its new holder records (and announces) the notification
      await put(
        {
          TableName: tables.orders,
          Item: { ...keyOf(record), entity: 'notification', ...finished },
          ...heldBy(record),
        },
        events,
      );
    },
    async release(record) {
      await conditionally(() =>
        db.send(new DeleteCommand({ TableName: tables.orders, Key: keyOf(record), ...heldBy(record) })),
      );
    },
    ofOrder: (orderId) =>
      queryPrefix<NotificationRecord>(db, tables.orders, keys.notificationsOfOrder(orderId)),
  };
}
