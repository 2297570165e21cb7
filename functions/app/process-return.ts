import { chooseCarrier, trackingNumberFor } from '../core/carriers/carriers.ts';
import { movements } from '../core/inventory/movements.ts';
import {
  gradeFromReasons,
  isRestockable,
  isWithinReturnWindow,
  type ReturnLine,
  type ReturnRecord,
  refundAmount,
  restockLocation,
  returnableUnits,
  returnWindowDays,
} from '../core/returns/returns.ts';
import { Conflict, NotFound, ReturnWindowClosed } from '../shared/errors.ts';
import { event } from './events.ts';
import { requireOrder } from './order-access.ts';
import type { AppPorts } from './ports.ts';

export async function requireReturn(
  ports: Pick<AppPorts, 'returns'>,
  returnId: string,
): Promise<ReturnRecord> {
  const record = await ports.returns.get(returnId);
  if (!record) throw new NotFound(`return ${returnId} does not exist`);
  return record;
}

/**
 * A customer sends items back: checks what may be returned (delivered, within the window, not
 * returned already), issues the prepaid return label and starts the return workflow. Replaying a
 * returnId answers the return it created.
 */
export async function createReturn(
  ports: Pick<AppPorts, 'orders' | 'returns' | 'labels' | 'workflows' | 'clock'>,
  orderId: string,
  request: { returnId: string; lines: ReturnLine[] },
): Promise<ReturnRecord> {
  const { returnId } = request;
  const order = await requireOrder(ports.orders, orderId);
  const existing = await ports.returns.get(returnId);
  if (existing) {
    if (existing.orderId !== orderId) throw new Conflict(`return ${returnId} belongs to another order`);
    return existing;
  }
  const now = ports.clock.now();
  if (!isWithinReturnWindow(order, now))
    throw new ReturnWindowClosed(
      `order ${orderId} is not delivered, or was delivered more than ${returnWindowDays} days ago`,
    );
  const returnable = returnableUnits(order, await ports.returns.ofOrder(orderId));
  const excess = request.lines.filter((l) => l.quantity > (returnable.get(l.sku) ?? 0));
  if (excess.length > 0)
    throw new Conflict('more units than were delivered and not yet returned', {
      errors: excess.map((l) => ({
        field: 'lines.quantity',
        message: `${l.sku}: at most ${returnable.get(l.sku) ?? 0}`,
      })),
    });
  const carrier = chooseCarrier('standard', 1);
  const trackingNumber = trackingNumberFor(carrier, `return:${returnId}`);
  const address = order.delivery.address;
  const labelKey = await ports.labels.store(
    `return-${returnId}`,
    await ports.labels.render({
      carrierName: `${carrier.name} (return)`,
      trackingNumber,
      shipmentId: returnId,
      orderId,
      from: address ? `${address.line1} ${address.city}` : order.customer.id,
      to: ['Relais returns'],
      weightKg: 1,
    }),
  );
  const record: ReturnRecord = {
    returnId,
    orderId,
    status: 'REQUESTED',
    lines: request.lines,
    carrierId: carrier.carrierId,
    trackingNumber,
    labelKey,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  if (!(await ports.returns.create(record))) throw new Conflict(`return ${returnId} already exists`);
  await ports.workflows.startReturn(returnId);
  return record;
}

/** The workflow waits for the carrier's RETURN_RECEIVED; a parcel that arrived first settles it at once. */
export async function awaitReturnReceipt(
  ports: Pick<AppPorts, 'returns' | 'workflows'>,
  returnId: string,
  token: string,
) {
  await requireReturn(ports, returnId);
  const stored = await ports.returns.setWaitingToken(returnId, token);
  if (stored.status === 'RECEIVED') await ports.workflows.completeTask(token, { status: 'RECEIVED' });
  return { waiting: stored.status !== 'RECEIVED' };
}

/**
 * The parcel is back: graded from the reasons, restocked where it shipped from (grades A and B;
 * C is disposed of), then refunded at the order's prices (RefundRequested.v1). Each move is
 * conditional on the status before it, so a retry goes on from where the last attempt stopped.
 */
export async function processReturn(
  ports: Pick<AppPorts, 'orders' | 'returns' | 'events'>,
  returnId: string,
) {
  let record = await requireReturn(ports, returnId);
  const order = await requireOrder(ports.orders, record.orderId);
  if (record.status === 'RECEIVED') {
    const grade = gradeFromReasons(record.lines);
    const locationId = isRestockable(grade)
      ? (restockLocation(order, record.lines[0]?.sku ?? '') ?? order.shipments[0]?.locationId)
      : undefined;
    const stock = locationId ? record.lines.flatMap((l) => movements('restock', locationId, [l])) : [];
    record =
      (await ports.returns.update(
        record,
        { status: 'RESTOCKED', grade, restockLocationId: locationId },
        ['RECEIVED'],
        stock,
      )) ?? (await requireReturn(ports, returnId));
  }
  if (record.status !== 'RESTOCKED') return { status: record.status };
  const refunded = await ports.returns.update(record, { status: 'REFUNDED' }, ['RESTOCKED']);
  if (refunded)
    await ports.events.publish([
      event('RefundRequested.v1', {
        returnId,
        orderId: record.orderId,
        lines: record.lines.map(({ sku, quantity }) => ({ sku, quantity })),
        amount: refundAmount(order, record.lines),
        at: refunded.updatedAt,
      }),
    ]);
  return { status: refunded?.status ?? record.status };
}

/** The parcel never came back within the wait: the return closes REJECTED, nothing restocked or refunded. */
export async function expireReturn(ports: Pick<AppPorts, 'returns'>, returnId: string) {
  const record = await requireReturn(ports, returnId);
  const updated = await ports.returns.update(record, { status: 'REJECTED' }, ['REQUESTED', 'IN_TRANSIT']);
  return { status: updated?.status ?? record.status };
}

/** The return's prepaid PDF label. */
export async function returnLabel(ports: Pick<AppPorts, 'returns' | 'labels'>, returnId: string) {
  const label = await ports.labels.read((await requireReturn(ports, returnId)).labelKey);
  if (!label) throw new NotFound(`return ${returnId} has no label`);
  return label;
}
