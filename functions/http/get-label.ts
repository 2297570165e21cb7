import { ports } from '../adapters/aws-ports.ts';
import { shipmentLabel } from '../app/order-queries.ts';
import { httpRoute, pdf } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

/** The shipment's PDF label, behind the same auth as the rest of the API. */
export const handler = httpRoute(apiQuery({ shipmentId: id }, {}), async (event) => {
  const { shipmentId } = event.pathParameters;
  return pdf(await shipmentLabel(ports(), shipmentId), `${shipmentId}.pdf`);
});
