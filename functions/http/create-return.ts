import { randomUUID } from 'node:crypto';
import { renderLabel } from '../adapters/label-pdf.ts';
import { labelKey, storeLabel } from '../adapters/labels.ts';
import { requireOrder } from '../adapters/order-store.ts';
import { createReturn, getReturn, returnsOfOrder } from '../adapters/return-store.ts';
import { startReturn } from '../adapters/workflow.ts';
import { chooseCarrier, trackingNumberFor } from '../core/carriers/carriers.ts';
import {
  isWithinReturnWindow,
  type ReturnRecord,
  returnableUnits,
  returnWindowDays,
} from '../core/returns/returns.ts';
import { Conflict, ReturnWindowClosed } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, returnBody } from '../shared/schemas.ts';
import { baseUrlOf } from '../shared/views.ts';

function answer(record: ReturnRecord, baseUrl: string) {
  const { returnId, status, carrierId, trackingNumber } = record;
  return { returnId, status, carrierId, trackingNumber, labelUrl: `${baseUrl}/returns/${returnId}/label` };
}

/** A customer sends items back: checks what may be returned, issues the return label, starts the return workflow. */
export const handler = httpRoute(apiRequest(returnBody, { orderId: id }), async (event) => {
  const { orderId } = event.pathParameters;
  const baseUrl = baseUrlOf(event);
  const order = await requireOrder(orderId);
  const returnId = event.body.returnId ?? randomUUID();
  const existing = await getReturn(returnId);
  if (existing) {
    if (existing.orderId !== orderId) throw new Conflict(`return ${returnId} belongs to another order`);
    return json(201, answer(existing, baseUrl));
  }
  const now = new Date();
  if (!isWithinReturnWindow(order, now))
    throw new ReturnWindowClosed(
      `order ${orderId} is not delivered, or was delivered more than ${returnWindowDays} days ago`,
    );
  const returnable = returnableUnits(order, await returnsOfOrder(orderId));
  const excess = event.body.lines.filter((l) => l.quantity > (returnable.get(l.sku) ?? 0));
  if (excess.length > 0)
    throw new Conflict('more units than were delivered and not yet returned', {
      errors: excess.map((l) => ({
        field: 'lines.quantity',
        message: `${l.sku}: at most ${returnable.get(l.sku) ?? 0}`,
      })),
    });
  const carrier = chooseCarrier('standard', 1);
  const trackingNumber = trackingNumberFor(carrier, `return:${returnId}`);
  const key = labelKey(`return-${returnId}`);
  await storeLabel(
    key,
    await renderLabel({
      carrierName: `${carrier.name} (return)`,
      trackingNumber,
      shipmentId: returnId,
      orderId,
      from: order.delivery.address
        ? `${order.delivery.address.line1} ${order.delivery.address.city}`
        : order.customer.id,
      to: ['Relais returns'],
      weightKg: 1,
    }),
  );
  const record: ReturnRecord = {
    returnId,
    orderId,
    status: 'REQUESTED',
    lines: event.body.lines,
    carrierId: carrier.carrierId,
    trackingNumber,
    labelKey: key,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  if (!(await createReturn(record))) throw new Conflict(`return ${returnId} already exists`);
  await startReturn(returnId);
  return json(201, answer(record, baseUrl));
});
