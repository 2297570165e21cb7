import { ports } from '../adapters/aws-ports.ts';
import { orderKpis } from '../app/analytics.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { analyticsQuery, channelQuery } from '../shared/schemas.ts';

/** The KPIs of the orders received in [from, to), of one channel or all. */
export const handler = httpRoute(analyticsQuery(channelQuery), async (event) => {
  const { from, to, channel } = event.queryStringParameters;
  return json(200, await orderKpis(ports(), { from, to, channel }));
});
