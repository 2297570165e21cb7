import { readLabel } from '../adapters/labels.ts';
import { requireOrderOfShipment } from '../adapters/order-store.ts';
import { findShipment } from '../core/orders/order.ts';
import { NotFound } from '../shared/errors.ts';
import { httpRoute, pdf } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

/** The shipment's PDF label, behind the same auth as the rest of the API. */
export const handler = httpRoute(apiQuery({ shipmentId: id }, {}), async (event) => {
  const { shipmentId } = event.pathParameters;
  const order = await requireOrderOfShipment(shipmentId);
  const key = findShipment(order, shipmentId)?.labelKey;
  const label = key ? await readLabel(key) : undefined;
  if (!label) throw new NotFound(`shipment ${shipmentId} has no label yet`);
  return pdf(label, `${shipmentId}.pdf`);
});
