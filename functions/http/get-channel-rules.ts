import { ports } from '../adapters/aws-ports.ts';
import { channelRulesInForce } from '../app/channel-allocation.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({}, {}), async () => json(200, await channelRulesInForce(ports())));
