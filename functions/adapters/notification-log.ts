import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { NotificationLog, NotificationRecord } from '../app/ports.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys, withoutKeys } from './keys.ts';
import { queryPrefix } from './queries.ts';
import { conditionally } from './transactions.ts';

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
  return {
    async claim(record, staleBefore) {
      const claimed = await conditionally(() =>
        db.send(
          new PutCommand({
            TableName: tables.orders,
            Item: { ...keyOf(record), entity: 'notification', ...record },
            ConditionExpression: 'attribute_not_exists(PK) OR (#status = :sending AND #at < :stale)',
            ExpressionAttributeNames: { '#status': 'status', '#at': 'at' },
            ExpressionAttributeValues: { ':sending': 'sending', ':stale': staleBefore },
          }),
        ),
      );
      if (claimed) return 'claimed';
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.orders, Key: keyOf(record), ConsistentRead: true }),
      );
      // gone between the two calls (a claim released): the caller's retry claims it
      if (!Item) throw new Error(`notification ${record.notificationId} changed while it was claimed`);
      return withoutKeys<NotificationRecord>(Item);
    },
    async finish(record) {
      const { claimToken: _held, ...finished } = record;
      await conditionally(() =>
        db.send(
          new PutCommand({
            TableName: tables.orders,
            Item: { ...keyOf(record), entity: 'notification', ...finished },
            ...heldBy(record),
          }),
        ),
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
