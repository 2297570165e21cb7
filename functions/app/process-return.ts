import { movements } from '../core/inventory/movements.ts';
import { gradeFromReasons, isRestockable, refundAmount, restockLocation } from '../core/returns/returns.ts';
import { event } from './events.ts';
import { requireOrder } from './order-access.ts';
import type { AppPorts } from './ports.ts';
import { requireReturn } from './return-intake.ts';

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
export async function processReturn(ports: Pick<AppPorts, 'orders' | 'returns' | 'clock'>, returnId: string) {
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
  const at = ports.clock.now().toISOString();
  const refunded = await ports.returns.update(
    record,
    { status: 'REFUNDED', updatedAt: at },
    ['RESTOCKED'],
    [],
    [
      event('RefundRequested.v1', {
        returnId,
        orderId: record.orderId,
        lines: record.lines.map(({ sku, quantity }) => ({ sku, quantity })),
        amount: refundAmount(order, record.lines),
        at,
      }),
    ],
  );
  return { status: refunded?.status ?? record.status };
}

/** The parcel never came back within the wait: the return closes REJECTED, nothing restocked or refunded. */
export async function expireReturn(ports: Pick<AppPorts, 'returns'>, returnId: string) {
  const record = await requireReturn(ports, returnId);
  const updated = await ports.returns.update(record, { status: 'REJECTED' }, ['REQUESTED', 'IN_TRANSIT']);
  return { status: updated?.status ?? record.status };
}
