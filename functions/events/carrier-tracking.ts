import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { ports } from '../adapters/aws-ports.ts';
import { applyCarrierEvent } from '../app/apply-carrier-event.ts';
import { eventSchemas } from '../shared/events.ts';
import { stepHandler } from '../shared/middleware.ts';

const schema = EventBridgeSchema.extend({ detail: eventSchemas['CarrierTrackingEvent.v1'] });

/** The bus's carrier rule: applies each tracking event once to its shipment or return. */
export const handler = stepHandler(schema, ({ detail }) => applyCarrierEvent(ports(), detail));
