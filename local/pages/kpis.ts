/**
 * The KPI strip, computed from the orders the list read (the KPI route is the API's, not the
 * pages'): how many orders in each status, and orders received per minute lately.
 */
import { type Html, html, trusted } from './html.ts';

export const orderStatuses = [
  'RECEIVED',
  'BACKORDERED',
  'ALLOCATED',
  'IN_FULFILLMENT',
  'SHIPPED',
  'READY_FOR_PICKUP',
  'DELIVERED',
  'COLLECTED',
  'REJECTED',
  'CANCELLED',
] as const;

export function countsByStatus(orders: readonly { status: string }[]): Map<string, number> {
  const counts = new Map<string, number>(orderStatuses.map((status) => [status, 0]));
  for (const order of orders) counts.set(order.status, (counts.get(order.status) ?? 0) + 1);
  return counts;
}

/** Orders created in each of the last `minutes` whole minutes, oldest first (the last is the minute now). */
export function ordersPerMinute(
  orders: readonly { createdAt?: string | undefined }[],
  now: Date,
  minutes = 30,
): number[] {
  const buckets = new Array<number>(minutes).fill(0);
  const thisMinute = Math.floor(now.getTime() / 60_000);
  for (const order of orders) {
    const at = order.createdAt ? Date.parse(order.createdAt) : Number.NaN;
    if (Number.isNaN(at)) continue;
    const age = thisMinute - Math.floor(at / 60_000);
    if (age >= 0 && age < minutes) buckets[minutes - 1 - age] = (buckets[minutes - 1 - age] ?? 0) + 1;
  }
  return buckets;
}

export function perMinuteChart(buckets: readonly number[]): Html {
  const width = 300;
  const height = 46;
  const max = Math.max(1, ...buckets);
  const barWidth = width / buckets.length;
  const bars = buckets
    .map((count, i) => {
      const h = Math.round((count / max) * (height - 14));
      return `<rect class="bar" x="${(i * barWidth + 1).toFixed(1)}" y="${height - 12 - h}" width="${(barWidth - 2).toFixed(1)}" height="${h}"><title>${count} order${count === 1 ? '' : 's'}, ${buckets.length - 1 - i} min ago</title></rect>`;
    })
    .join('');
  return html`<svg class="per-minute" viewBox="0 0 ${width} ${height - 12}" width="100%" height="${height - 12}" preserveAspectRatio="none" role="img" aria-label="orders per minute">${trusted(
    `${bars}<line class="bar-axis" x1="0" y1="${height - 12}" x2="${width}" y2="${height - 12}"/>`,
  )}</svg><div class="chart-axis"><span>${buckets.length} min ago</span><span>now · peak ${max}/min</span></div>`;
}
