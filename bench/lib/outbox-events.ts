import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';

export interface CommittedEvent {
  eventId: string;
  detailType: string;
  detail: Record<string, unknown>;
}

/**
 * Every event committed to an Outbox table, its detail parsed (a consistent scan, page by page):
 * what the changes announced, whether or not a pipe has put it on a bus yet.
 */
export async function outboxEvents(db: DynamoDBDocumentClient, table: string): Promise<CommittedEvent[]> {
  const events: CommittedEvent[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
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
