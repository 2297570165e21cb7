import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { ports } from '../adapters/aws-ports.ts';
import { applyChannelRules } from '../app/channel-allocation.ts';
import { eventSchemas } from '../shared/events.ts';
import { stepHandler } from '../shared/middleware.ts';

const schema = EventBridgeSchema.extend({ detail: eventSchemas['StockChanged.v1'] });

/** The bus's stock rule: a row whose stock changed gets the buffers the channel allocation rules ask. */
export const handler = stepHandler(schema, async ({ detail }) => ({
  changed: await applyChannelRules(ports(), { sku: detail.sku, locationId: detail.locationId }),
}));
