import { ports } from '../adapters/aws-ports.ts';
import { listLocations } from '../app/network.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({}, {}), async () => json(200, await listLocations(ports())));
