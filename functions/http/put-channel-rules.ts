import { ports } from '../adapters/aws-ports.ts';
import { setChannelRules } from '../app/channel-allocation.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, channelRulesBody } from '../shared/schemas.ts';

/** The body replaces the rules (`{rules: []}` drops them all) and they are applied to every stock row. */
export const handler = httpRoute(apiRequest(channelRulesBody, {}, { bodyRequired: true }), async (event) =>
  json(200, await setChannelRules(ports(), event.body.rules)),
);
