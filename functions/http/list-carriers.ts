import { ports } from '../adapters/aws-ports.ts';
import { listCarriers } from '../app/carriers.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({}, {}), async () => json(200, await listCarriers(ports())));
