import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { ports } from '../adapters/aws-ports.ts';
import { recordDeliveryOutcome } from '../app/delivery-outcome.ts';
import { eventSchemas, outboxEventId } from '../shared/events.ts';
import { stepHandler } from '../shared/middleware.ts';

const schema = EventBridgeSchema.extend({ detail: eventSchemas['ShipmentStatusChanged.v1'] });

/**
 * The bus's shipment-status rule: counts deliveries on time per carrier and flags promises at risk,
 * once per event (by its outbox id) however often it is delivered.
 */
export const handler = stepHandler(schema, ({ detail, resources }) =>
  recordDeliveryOutcome(ports(), detail, outboxEventId(resources)),
);
