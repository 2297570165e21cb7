import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { notifyCustomer } from '../app/notify-customer.ts';
import type { NotificationTrigger, TriggerType } from '../core/notifications/triggers.ts';
import { eventSchemas } from '../shared/events.ts';
import { stepHandler } from '../shared/middleware.ts';

const on = <T extends TriggerType>(type: T) =>
  EventBridgeSchema.extend({ 'detail-type': z.literal(type), detail: eventSchemas[type] });

const schema = z.discriminatedUnion('detail-type', [
  on('OrderAllocated.v1'),
  on('ShipmentDispatched.v1'),
  on('ShipmentStatusChanged.v1'),
  on('PromiseAtRisk.v1'),
  on('OrderCancelled.v1'),
  on('RefundRequested.v1'),
]);

/** The bus's notification rule: tells the customer what the event means, once; a failed send throws, to be retried. */
export const handler = stepHandler(schema, (event) =>
  notifyCustomer(ports(), { type: event['detail-type'], ...event.detail } as NotificationTrigger),
);
