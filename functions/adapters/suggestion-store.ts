import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredSuggestion, SuggestionStore } from '../app/ports.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys, withoutKeys } from './keys.ts';
import { putAnnouncing } from './outbox.ts';

const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

/**
 * Transfer suggestions in the Inventory table, one item per id until `expiresAt` (epoch seconds,
 * the table's TTL). Keeping is a conditional put with its TransferSuggested.v1 in the outbox, all
 * or nothing, so two readers computing the same suggestion keep and announce it once. DynamoDB deletes expired items within days, not at once: an
 * expired item still read is treated as gone.
 */
export function dynamoSuggestions(context: DynamoContext): SuggestionStore {
  const { db, tables } = context;
  return {
    keep: (suggestion, expiresAt, events) =>
      putAnnouncing(
        context,
        {
          TableName: tables.inventory,
          Item: {
            ...keys.suggestion(suggestion.suggestionId),
            ...suggestion,
            expiresAt: epochSeconds(expiresAt),
          },
          ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': epochSeconds(new Date(suggestion.suggestedAt)) },
        },
        events,
      ),
    async get(suggestionId, now) {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tables.inventory,
          Key: keys.suggestion(suggestionId),
          ConsistentRead: true,
        }),
      );
      if (!Item || (typeof Item.expiresAt === 'number' && Item.expiresAt < epochSeconds(now)))
        return undefined;
      const { expiresAt: _expiresAt, ...suggestion } = withoutKeys<StoredSuggestion & { expiresAt?: number }>(
        Item,
      );
      return suggestion;
    },
    async markAccepted(suggestionId, supplyId, at) {
      await db.send(
        new UpdateCommand({
          TableName: tables.inventory,
          Key: keys.suggestion(suggestionId),
          UpdateExpression: 'SET acceptedAt = if_not_exists(acceptedAt, :at), supplyId = :supplyId',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':at': at, ':supplyId': supplyId },
        }),
      );
    },
  };
}
