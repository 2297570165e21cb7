/** The orders page: KPI strip, filters, the live list; the traffic control when the demo has one. */
import type { TrafficControl } from '../traffic.ts';
import { type Html, html } from './html.ts';
import { countsByStatus, orderStatuses, ordersPerMinute, perMinuteChart } from './kpis.ts';
import { layout, statusBadge, when } from './layout.ts';
import { type OrderView, recentOrdersRead } from './relais-api.ts';

export const channels = ['web', 'store', 'marketplace', 'callcenter'] as const;
export const modes = ['home', 'click_collect', 'e_reservation'] as const;

export interface OrderFilters {
  status?: string | undefined;
  channel?: string | undefined;
  mode?: string | undefined;
}

/** Only the known values: anything else in the query is ignored, not echoed. */
export function filtersFrom(query: URLSearchParams): OrderFilters {
  const pick = (name: string, allowed: readonly string[]) => {
    const value = query.get(name) ?? '';
    return allowed.includes(value) ? value : undefined;
  };
  return {
    status: pick('status', orderStatuses),
    channel: pick('channel', channels),
    mode: pick('mode', modes),
  };
}

function queryOf(filters: OrderFilters): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `?${text}` : '';
}

const matches = (order: OrderView, filters: OrderFilters) =>
  (!filters.status || order.status === filters.status) &&
  (!filters.channel || order.channel === filters.channel) &&
  (!filters.mode || order.delivery?.mode === filters.mode);

function select(name: string, values: readonly string[], chosen: string | undefined): Html {
  return html`<label>${name} <select name="${name}" onchange="this.form.requestSubmit()">
    <option value="">all</option>
    ${values.map((value) => html`<option value="${value}" ${value === chosen ? html`selected` : ''}>${value}</option>`)}
  </select></label>`;
}

export function trafficControl(traffic: TrafficControl | undefined): Html {
  if (!traffic) return html``;
  return html`<form class="traffic" id="traffic" hx-post="/_pages/traffic" hx-target="this" hx-swap="outerHTML">
    <label for="traffic-rate">demo traffic</label>
    <input id="traffic-rate" name="perMinute" type="number" min="0" max="600" step="1" value="${traffic.perMinute}" style="width:5em">
    <span class="muted">orders/min</span>
    <button type="submit">set</button>
    <span class="muted" data-placed="${traffic.placed}">${traffic.placed} placed${traffic.refused ? `, ${traffic.refused} refused` : ''}</span>
  </form>`;
}

/** The live part: KPIs and the table, refreshed by the server's events. */
export function ordersFragment(orders: readonly OrderView[], filters: OrderFilters, now: Date): Html {
  const counts = countsByStatus(orders);
  const shown = orders.filter((order) => matches(order, filters));
  const perMinute = ordersPerMinute(orders, now);
  return html`<section class="kpis" aria-label="orders per status">
      <div class="kpi"><div class="value" data-kpi="total">${orders.length}</div><div class="label">orders</div></div>
      ${orderStatuses.map(
        (status) => html`<div class="kpi"><a href="/${queryOf({ ...filters, status })}">
          <div class="value" data-kpi="${status}">${counts.get(status) ?? 0}</div><div class="label">${status.replaceAll('_', ' ')}</div></a></div>`,
      )}
      <div class="kpi chart"><div class="label">orders per minute (last 30 min)</div>${perMinuteChart(perMinute)}</div>
    </section>
    <div class="card">
    <table id="order-list">
      <thead><tr><th>order</th><th>status</th><th>channel</th><th>mode</th><th class="num">lines</th><th class="num">shipments</th><th>from</th><th class="num">cost €</th><th>received</th></tr></thead>
      <tbody>
      ${shown.slice(0, 200).map(
        (order) => html`<tr data-order="${order.orderId}">
          <td><a href="/_pages/orders/${encodeURIComponent(order.orderId)}">${order.orderId}</a></td>
          <td>${statusBadge(order.status)}</td>
          <td>${order.channel}</td>
          <td>${order.delivery?.mode}${order.delivery?.service ? html` <span class="muted">${order.delivery.service}</span>` : ''}</td>
          <td class="num">${order.lines.length}</td>
          <td class="num">${order.shipments.length}</td>
          <td>${[...new Set(order.shipments.map((s) => s.locationId))].join(', ')}</td>
          <td class="num">${order.sourcing && order.shipments.length > 0 ? order.sourcing.cost.toFixed(2) : ''}</td>
          <td>${when(order.createdAt)}</td>
        </tr>`,
      )}
      </tbody>
    </table>
    ${shown.length === 0 ? html`<p class="muted">No order yet${filters.status || filters.channel || filters.mode ? ' with these filters' : ''}. Place one with <code>POST /orders</code>, or set the demo traffic above.</p>` : ''}
    <p class="muted">${shown.length > 200 ? `200 of ${shown.length} shown; ` : ''}counts over the ${Math.min(orders.length, recentOrdersRead)} most recent orders.</p>
    </div>`;
}

export function ordersPage(
  orders: readonly OrderView[],
  filters: OrderFilters,
  traffic: TrafficControl | undefined,
  now: Date,
): string {
  return layout(
    'Orders',
    html`<h1>Orders</h1>
    <div class="filters">
      <form method="get" action="/" class="filters">
        ${select('status', orderStatuses, filters.status)}
        ${select('channel', channels, filters.channel)}
        ${select('mode', modes, filters.mode)}
        <noscript><button>filter</button></noscript>
      </form>
      ${trafficControl(traffic)}
    </div>
    <div id="orders" hx-get="/_pages/fragments/orders${queryOf(filters)}" hx-trigger="relais-order from:body throttle:1s" hx-swap="innerHTML">
      ${ordersFragment(orders, filters, now)}
    </div>`,
  );
}
