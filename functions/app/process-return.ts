import { demandBySite, recentDemandDays } from '../core/inventory/cover.ts';
import { movements, type StockMovement } from '../core/inventory/movements.ts';
import type { Order } from '../core/orders/types.ts';
import { restockLocationFor, shippedFromOf, takesReturns } from '../core/returns/restock.ts';
import {
  gradeOf,
  isRestockable,
  type ReturnGrade,
  type ReturnLine,
  type ReturnRecord,
  refundOf,
} from '../core/returns/returns.ts';
import { event } from './events.ts';
import { requireOrder } from './order-access.ts';
import type { AppPorts } from './ports.ts';
import { requireReturn } from './return-intake.ts';

export type ReturnPorts = Pick<AppPorts, 'orders' | 'returns' | 'network' | 'stock' | 'clock'>;

/** How many of the latest orders are read to measure recent demand. */
const demandSampleOrders = 200;

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
 * Each line to the location whose cover of its SKU is lowest (available units against the units it
 * served in the latest orders of the last weeks), among those that take returns.
 */
async function restockedLines(ports: ReturnPorts, order: Order, lines: ReturnLine[]): Promise<ReturnLine[]> {
  const [locations, recent] = await Promise.all([
    ports.network.listLocations(),
    ports.orders.list({ limit: demandSampleOrders }),
  ]);
  const sites = locations.filter(takesReturns);
  const since = new Date(ports.clock.now().getTime() - recentDemandDays * 86_400_000);
  return Promise.all(
    lines.map(async (line) => {
      const rows = new Map((await ports.stock.rowsOfSku(line.sku)).map((r) => [r.locationId, r]));
      const demand = demandBySite(recent.items, line.sku, since);
      const shippedFrom = shippedFromOf(order, line.sku);
      const chosen = restockLocationFor(
        sites.map((l) => ({
          locationId: l.locationId,
          available: rows.get(l.locationId)?.available ?? 0,
          demand: demand.get(l.locationId) ?? 0,
        })),
        shippedFrom,
      );
      return { ...line, restockLocationId: chosen ?? shippedFrom };
    }),
  );
}

const stockOf = (kind: 'restock' | 'dispose', lines: ReturnLine[]): StockMovement[] =>
  lines.flatMap((l) => (l.restockLocationId ? movements(kind, l.restockLocationId, [l]) : []));

/**
 * The parcel is back: graded (the inspection's grade, else the reasons'), each line restocked where
 * its SKU is needed most (grades A and B; C is disposed of), then refunded at the order's prices
 * (one RefundRequested.v1). Each move is conditional on the status before it, so a retry goes on
 * from where the last attempt stopped.
 */
export async function processReturn(ports: ReturnPorts, returnId: string) {
  let record = await requireReturn(ports, returnId);
  const order = await requireOrder(ports.orders, record.orderId);
  if (record.status === 'RECEIVED') {
    const grade = gradeOf(record);
    const lines = isRestockable(grade) ? await restockedLines(ports, order, record.lines) : record.lines;
    record =
      (await ports.returns.update(
        record,
        {
          status: 'RESTOCKED',
          grade,
          lines,
          restockLocationId: lines.find((l) => l.restockLocationId)?.restockLocationId,
          refund: refundOf(order, record.lines),
        },
        ['RECEIVED'],
        isRestockable(grade) ? stockOf('restock', lines) : [],
      )) ?? (await requireReturn(ports, returnId));
    // an inspection recorded while this one was deciding: its grade holds
    if (record.status === 'RESTOCKED' && gradeOf(record) !== record.grade)
      record = (await regrade(ports, order, record, gradeOf(record))) ?? record;
  }
  if (record.status !== 'RESTOCKED') return { status: record.status };
  const at = ports.clock.now().toISOString();
  const refund = record.refund ?? refundOf(order, record.lines);
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
        amount: refund.amount,
        currency: refund.currency,
        at,
      }),
    ],
  );
  return { status: refunded?.status ?? record.status };
}

/**
 * A graded return graded again: A and B trade places freely; C after A or B writes the restocked
 * units off again (refused, `undefined`, when they were sold meanwhile); A or B after C restocks them now. The refund
 * does not change: it was requested once.
 */
export async function regrade(ports: ReturnPorts, order: Order, record: ReturnRecord, grade: ReturnGrade) {
  const was = record.grade;
  if (!was || was === grade) return record;
  let lines = record.lines;
  let stock: StockMovement[] = [];
  if (!isRestockable(was) && isRestockable(grade)) {
    lines = await restockedLines(ports, order, record.lines);
    stock = stockOf('restock', lines);
  } else if (isRestockable(was) && !isRestockable(grade)) {
    stock = stockOf('dispose', record.lines);
  }
  const updated = await ports.returns.update(
    record,
    { grade, lines, restockLocationId: lines.find((l) => l.restockLocationId)?.restockLocationId },
    [record.status],
    stock,
  );
  if (updated) return updated;
  const now = await requireReturn(ports, record.returnId);
  // refused: the restocked units were sold or reserved since (the caller says so, or keeps the grade)
  return now.status === record.status ? undefined : now;
}

/** The parcel never came back within the wait: the return closes REJECTED, nothing restocked or refunded. */
export async function expireReturn(ports: Pick<AppPorts, 'returns'>, returnId: string) {
  const record = await requireReturn(ports, returnId);
  const updated = await ports.returns.update(record, { status: 'REJECTED' }, ['REQUESTED', 'IN_TRANSIT']);
  return { status: updated?.status ?? record.status };
}
