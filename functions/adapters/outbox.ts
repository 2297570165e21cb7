import { randomUUID } from 'node:crypto';
import { PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { OutgoingEvent } from '../app/events.ts';
import type { EventPublisher } from '../app/ports.ts';
import { eventResource, eventSchemas, eventSources } from '../shared/events.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys } from './keys.ts';
import { conditionally, type TransactItem, writeTransaction } from './transactions.ts';

/**
 * How long an outbox item is kept after it is written: past the stream's 24 hours, so that every
 * delivery (the pipe's retries, a local poller resuming after a stop) finds it; then TTL removes it.
 */
export const outboxRetentionSeconds = 3 * 24 * 3600;

/** The marker the pipe's filter (and the local poller's) keeps: only outbox items become events. */
export const outboxEntity = 'outbox';

/**
 * One event as an outbox item, for the transaction (or the conditional write) that carries the
 * change it reports. The detail is validated against its published schema and kept as the JSON
 * text the pipe puts on the bus as it is; the item is written once (a repeated id writes nothing).
 */
export function outboxItem(table: string, event: OutgoingEvent, now = new Date()): TransactItem {
  const eventId = event.id ?? randomUUID();
  return {
    Put: {
      TableName: table,
      Item: {
        ...keys.outboxEvent(eventId),
        entity: outboxEntity,
        eventId,
        source: eventSources[event.detailType],
        detailType: event.detailType,
        detail: JSON.stringify(eventSchemas[event.detailType].parse(event.detail)),
        resource: eventResource(eventId),
        writtenAt: now.toISOString(),
        expiresAt: Math.floor(now.getTime() / 1000) + outboxRetentionSeconds,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

export const outboxItems = (table: string, events: readonly OutgoingEvent[] = []): TransactItem[] => {
  const now = new Date();
  return events.map((event) => outboxItem(table, event, now));
};

/**
 * A conditional put and the events it announces, all or nothing: the put alone when there are none
 * (half the write units of a transaction); false when its condition failed.
 */
export async function putAnnouncing(
  { db, tables }: DynamoContext,
  put: NonNullable<TransactItem['Put']>,
  events: readonly OutgoingEvent[],
): Promise<boolean> {
  if (events.length === 0) return conditionally(() => db.send(new PutCommand(put as PutCommandInput)));
  return (await writeTransaction(db, [{ Put: put }, ...outboxItems(tables.outbox, events)])) === undefined;
}

/** Events with no change to commit with: each its own conditional write to the outbox. */
export function outboxPublisher({ db, tables }: DynamoContext): EventPublisher {
  return {
    async publish(events) {
      // a repeated id was written by an earlier delivery of what caused it: nothing to add
      for (const item of outboxItems(tables.outbox, events))
        await conditionally(() => db.send(new PutCommand(item.Put as PutCommandInput)));
    },
  };
}
