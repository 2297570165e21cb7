import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertStore } from '../app/ports.ts';
import type { Alert } from '../core/alerts/lifecycle.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys } from './keys.ts';
import { putAnnouncing } from './outbox.ts';
import { queryPrefix } from './queries.ts';
import { conditionally } from './transactions.ts';

/**
 * Open alerts in the Orders table, one item per alert id. Raising is a conditional put (with its
 * AlertRaised event, in one transaction), so two reviews racing over the same condition raise it
 * once; clearing deletes the item.
 */
export function dynamoAlerts({ db, tables }: DynamoContext): AlertStore {
  return {
    open: () => queryPrefix<Alert>(db, tables.orders, keys.openAlerts()),
    raise: (alert, events = []) =>
      putAnnouncing(
        { db, tables },
        {
          TableName: tables.orders,
          Item: { ...keys.alert(alert.alertId), ...alert },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
        events,
      ),
    async refresh(alert) {
      await conditionally(() =>
        db.send(
          new UpdateCommand({
            TableName: tables.orders,
            Key: keys.alert(alert.alertId),
            UpdateExpression: 'SET severity = :severity, detail = :detail',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':severity': alert.severity, ':detail': alert.detail },
          }),
        ),
      );
    },
    clear: (alertId) =>
      conditionally(() =>
        db.send(
          new DeleteCommand({
            TableName: tables.orders,
            Key: keys.alert(alertId),
            ConditionExpression: 'attribute_exists(PK)',
          }),
        ),
      ),
  };
}
