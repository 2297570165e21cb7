import { type Alert, reconcileAlerts } from '../core/alerts/lifecycle.ts';
import { type AlertThresholds, alertConditions, defaultThresholds } from '../core/alerts/rules.ts';
import type { Order } from '../core/orders/types.ts';
import { event } from './events.ts';
import type { AppPorts } from './ports.ts';

type ReviewPorts = Pick<
  AppPorts,
  'orderHistory' | 'stockOverview' | 'carriers' | 'deadLetters' | 'alerts' | 'clock'
>;

async function recentOrders(ports: ReviewPorts, now: Date, hours: number): Promise<Order[]> {
  const orders: Order[] = [];
  const range = { from: new Date(now.getTime() - hours * 3_600_000).toISOString(), to: now.toISOString() };
  let next: string | undefined;
  do {
    const page = await ports.orderHistory.createdBetween({ ...range, limit: 500, next });
    orders.push(...page.items);
    next = page.next;
  } while (next);
  return orders;
}

/**
 * Looks at the network as it is now and brings the open alerts in line with it: a condition with
 * no open alert is raised (AlertRaised.v1, once: the store's conditional write decides who raises
 * it), an open alert keeps its `since` while its condition holds and is cleared once it is gone.
 * Answers the alerts open after the review, oldest first.
 */
export async function reviewAlerts(
  ports: ReviewPorts,
  thresholds: AlertThresholds = defaultThresholds,
): Promise<Alert[]> {
  const now = ports.clock.now();
  const [stock, orders, deliveries, deadLetters, open] = await Promise.all([
    ports.stockOverview.allRows(),
    recentOrders(ports, now, Math.max(thresholds.windowHours, thresholds.promiseWindowHours)),
    ports.carriers.deliveryCounts(),
    ports.deadLetters.depths(),
    ports.alerts.open(),
  ]);
  const holding = alertConditions({ now, stock, recentOrders: orders, deliveries, deadLetters }, thresholds);
  const changes = reconcileAlerts(open, holding, now);
  // announced with the write that raises it: a review that loses the race announces nothing
  for (const alert of changes.raise)
    await ports.alerts.raise(alert, [event('AlertRaised.v1', { ...alert, at: alert.since })]);
  await Promise.all(changes.refresh.map((alert) => ports.alerts.refresh(alert)));
  await Promise.all(changes.clear.map((alert) => ports.alerts.clear(alert.alertId)));
  const cleared = new Set(changes.clear.map((a) => a.alertId));
  const current = new Map(open.filter((a) => !cleared.has(a.alertId)).map((a) => [a.alertId, a]));
  for (const alert of [...changes.refresh, ...changes.raise]) current.set(alert.alertId, alert);
  return [...current.values()].sort(
    (a, b) => a.since.localeCompare(b.since) || a.alertId.localeCompare(b.alertId),
  );
}
