import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Order, Shipment } from '../core/orders/types.ts';
import { type DetailType, type EventDetail, eventSchemas, eventSources } from '../shared/events.ts';
import { config } from './config.ts';

const eventBridge = new EventBridgeClient({});

export interface OutgoingEvent<T extends DetailType = DetailType> {
  detailType: T;
  detail: EventDetail<T>;
}

export function event<T extends DetailType>(detailType: T, detail: EventDetail<T>): OutgoingEvent<T> {
  return { detailType, detail };
}

/** Validates each detail against its published schema, then puts them on the bus (10 per call). */
export async function publish(events: OutgoingEvent[]): Promise<void> {
  const entries = events.map(({ detailType, detail }) => ({
    EventBusName: config.eventBus,
    Source: eventSources[detailType],
    DetailType: detailType,
    Detail: JSON.stringify(eventSchemas[detailType].parse(detail)),
  }));
  for (let i = 0; i < entries.length; i += 10) {
    const result = await eventBridge.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
    if (result.FailedEntryCount)
      throw new Error(`${result.FailedEntryCount} events were not accepted by the bus`);
  }
}

/** One ShipmentStatusChanged.v1 per shipment whose status differs between two versions of an order. */
export function shipmentChanges(before: Order | undefined, after: Order): OutgoingEvent[] {
  const previous = new Map((before?.shipments ?? []).map((s) => [s.shipmentId, s]));
  return after.shipments.flatMap((s: Shipment) => {
    const old = previous.get(s.shipmentId);
    if (old?.status === s.status) return [];
    return [
      event('ShipmentStatusChanged.v1', {
        orderId: after.orderId,
        shipmentId: s.shipmentId,
        locationId: s.locationId,
        mode: s.mode,
        status: s.status,
        previousStatus: old?.status,
        orderStatus: after.status,
        at: after.updatedAt,
      }),
    ];
  });
}
