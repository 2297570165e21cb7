import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../local/cloud.ts';
import { localClients, localResources } from './ports.ts';

export interface CommittedEvent {
  eventId: string;
  detailType: string;
  detail: Record<string, unknown>;
}

/** Every event committed to the local cloud's Outbox table, its detail parsed (a consistent scan). */
export async function committedEvents(cloud: LocalCloud): Promise<CommittedEvent[]> {
  const events: CommittedEvent[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await localClients(cloud).dynamodb.send(
      new ScanCommand({
        TableName: localResources(cloud).tables.outbox,
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? [])
      events.push({
        eventId: String(item.eventId),
        detailType: String(item.detailType),
        detail: JSON.parse(String(item.detail)) as Record<string, unknown>,
      });
    start = page.LastEvaluatedKey;
  } while (start);
  return events;
}
