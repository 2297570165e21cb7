import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ChannelRuleStore } from '../app/ports.ts';
import type { ChannelRule } from '../core/inventory/channel-rules.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys } from './keys.ts';

/** The channel allocation rules as one item of the Network table: a short list, read and replaced whole. */
export function dynamoChannelRules({ db, tables }: DynamoContext): ChannelRuleStore {
  return {
    async get() {
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.network, Key: keys.channelRules(), ConsistentRead: true }),
      );
      return (Item?.rules as ChannelRule[] | undefined) ?? [];
    },
    async put(rules, now) {
      await db.send(
        new PutCommand({
          TableName: tables.network,
          Item: { ...keys.channelRules(), rules, updatedAt: now },
        }),
      );
    },
  };
}
