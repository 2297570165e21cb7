import { type CommittedEvent, outboxEvents } from '../../bench/lib/outbox-events.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { localClients, localResources } from './ports.ts';

/** Every event committed to the local cloud's Outbox table, its detail parsed (a consistent scan). */
export function committedEvents(cloud: LocalCloud): Promise<CommittedEvent[]> {
  return outboxEvents(localClients(cloud).dynamodb, localResources(cloud).tables.outbox);
}
