import { computeKpis, type KpiPeriod } from '../core/analytics/kpis.ts';
import { analyticsRecord } from '../core/analytics/order-record.ts';
import type { Order } from '../core/orders/types.ts';
import type { AppPorts } from './ports.ts';

type HistoryPorts = Pick<AppPorts, 'orderHistory'>;

/** How many orders one read of the history asks for: pages of the index, not the whole period at once. */
const historyPage = 500;

/** Every order received in the period, all pages of the index. */
async function ordersOf(ports: HistoryPorts, period: KpiPeriod): Promise<Order[]> {
  const orders: Order[] = [];
  let next: string | undefined;
  do {
    const page = await ports.orderHistory.createdBetween({ ...period, limit: historyPage, next });
    orders.push(...page.items);
    next = page.next;
  } while (next);
  return orders;
}

/** The KPIs of the orders received in [from, to), of one channel or all (README, "KPIs"). */
export async function orderKpis(ports: HistoryPorts, period: KpiPeriod) {
  return computeKpis(await ordersOf(ports, period), period);
}

/** An export page stays this far below Lambda's 6 MB response limit (headers and encoding included). */
export const exportPageBytes = 5 * 1024 * 1024;

/**
 * One page of the order history as NDJSON (one analytics record per line, oldest first), at most
 * `limit` orders and about `exportPageBytes`; `next` resumes right after the last line sent.
 */
export async function exportOrderHistory(
  ports: HistoryPorts,
  query: { from: string; to: string; limit: number; cursor?: string | undefined },
  pageBytes = exportPageBytes,
): Promise<{ ndjson: string; count: number; next?: string }> {
  const lines: string[] = [];
  let bytes = 0;
  let next = query.cursor;
  let last: Order | undefined;
  do {
    const page = await ports.orderHistory.createdBetween({
      from: query.from,
      to: query.to,
      limit: Math.min(historyPage, query.limit - lines.length),
      next,
    });
    for (const order of page.items) {
      const line = `${JSON.stringify(analyticsRecord(order))}\n`;
      const size = Buffer.byteLength(line);
      if (lines.length > 0 && bytes + size > pageBytes)
        return {
          ndjson: lines.join(''),
          count: lines.length,
          next: ports.orderHistory.cursorAfter(last as Order),
        };
      lines.push(line);
      bytes += size;
      last = order;
    }
    next = page.next;
  } while (next && lines.length < query.limit);
  return { ndjson: lines.join(''), count: lines.length, ...(next ? { next } : {}) };
}
