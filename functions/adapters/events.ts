import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventPublisher } from '../app/ports.ts';
import { eventSchemas, eventSources } from '../shared/events.ts';

/** The custom bus: each detail validated against its published schema, 10 entries per call. */
export function eventBridgePublisher(eventBridge: EventBridgeClient, busName: () => string): EventPublisher {
  return {
    async publish(events) {
      if (events.length === 0) return;
      const entries = events.map(({ detailType, detail }) => ({
        EventBusName: busName(),
        Source: eventSources[detailType],
        DetailType: detailType,
        Detail: JSON.stringify(eventSchemas[detailType].parse(detail)),
      }));
      for (let i = 0; i < entries.length; i += 10) {
        const result = await eventBridge.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
        if (result.FailedEntryCount)
          throw new Error(`${result.FailedEntryCount} events were not accepted by the bus`);
      }
    },
  };
}
