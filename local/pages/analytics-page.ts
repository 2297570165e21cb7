/**
 * KPIs and alerts: the figures `GET /analytics/kpis` answers for a period and a channel, two
 * charts drawn here as SVG (parcels and on-time rate per carrier, shipments and rejections per
 * location), and the open alerts of `GET /alerts`.
 */
import { escapeHtml, type Html, html, trusted } from './html.ts';
import { layout, when } from './layout.ts';
import { channels } from './orders-page.ts';
import type { AlertView, KpisView } from './relais-api.ts';

export const periods = { '24h': 1, '7d': 7, '30d': 30 } as const;
export type PeriodName = keyof typeof periods;

export interface AnalyticsFilters {
  period: PeriodName;
  channel?: string | undefined;
}

export function analyticsFiltersFrom(query: URLSearchParams): AnalyticsFilters {
  const period = query.get('period') ?? '';
  const channel = query.get('channel') ?? '';
  return {
    period: period in periods ? (period as PeriodName) : '24h',
    channel: (channels as readonly string[]).includes(channel) ? channel : undefined,
  };
}

/** The KPI route's query for the filters, the period ending now. */
export function kpiQuery(filters: AnalyticsFilters, now: Date): string {
  const from = new Date(now.getTime() - periods[filters.period] * 86_400_000).toISOString();
  const query = new URLSearchParams({ from, to: new Date(now.getTime() + 1).toISOString() });
  if (filters.channel) query.set('channel', filters.channel);
  return query.toString();
}

const figure = (value: number | null | undefined, unit = '') =>
  value === null || value === undefined ? '—' : `${value}${unit}`;

const svgText = (value: string) => escapeHtml(value);

/** Horizontal bars, one row per carrier: parcels as the bar, the on-time rate written beside it. */
export function carrierChart(rows: KpisView['byCarrier']): Html {
  if (rows.length === 0) return html`<p class="muted">No parcel handed to a carrier in this period.</p>`;
  const rowHeight = 26;
  const labelWidth = 120;
  const barWidth = 260;
  const most = Math.max(1, ...rows.map((r) => r.parcels));
  const height = rows.length * rowHeight + 4;
  const bars = rows
    .map((row, i) => {
      const y = i * rowHeight + 4;
      const w = Math.max(2, Math.round((row.parcels / most) * barWidth));
      const late = row.onTimePct !== null && row.onTimePct < 90;
      return `<g data-carrier="${svgText(row.carrierId)}">
        <text x="0" y="${y + 14}" class="chart-label">${svgText(row.carrierId)}</text>
        <rect x="${labelWidth}" y="${y}" width="${w}" height="18" class="bar${late ? ' late' : ''}"><title>${row.parcels} parcel(s)</title></rect>
        <text x="${labelWidth + w + 6}" y="${y + 14}" class="chart-value">${row.parcels} · ${row.onTimePct === null ? 'no delivery yet' : `${row.onTimePct} % on time`}</text>
      </g>`;
    })
    .join('');
  return trusted(
    `<svg class="chart carriers" viewBox="0 0 ${labelWidth + barWidth + 170} ${height}" width="100%" role="img" aria-label="parcels and on-time rate per carrier">${bars}</svg>`,
  );
}

/** Columns per location (the busiest first): shipments taken, and the part of them rejected in red. */
export function locationChart(rows: KpisView['byLocation'], max = 14): Html {
  if (rows.length === 0) return html`<p class="muted">No shipment in this period.</p>`;
  const shown = [...rows]
    .sort((a, b) => b.shipments - a.shipments || b.rejections - a.rejections)
    .slice(0, max);
  const columnWidth = 34;
  const chartHeight = 120;
  // room for the first rotated label, and a fixed scale: a few columns are not blown up to the card's width
  const left = 70;
  const most = Math.max(1, ...shown.map((r) => r.shipments));
  const columns = shown
    .map((row, i) => {
      const x = left + i * columnWidth;
      const h = Math.max(2, Math.round((row.shipments / most) * chartHeight));
      const r = Math.round((row.rejections / most) * chartHeight);
      return `<g data-location="${svgText(row.locationId)}">
        <rect x="${x}" y="${chartHeight - h + 4}" width="${columnWidth - 8}" height="${h}" class="bar"><title>${svgText(row.locationId)}: ${row.shipments} shipment(s), ${row.rejections} rejected</title></rect>
        ${r > 0 ? `<rect x="${x}" y="${chartHeight - r + 4}" width="${columnWidth - 8}" height="${r}" class="bar rejected"/>` : ''}
        <text x="${x + (columnWidth - 8) / 2}" y="${chartHeight + 16}" class="chart-tick" text-anchor="end" transform="rotate(-40 ${x + (columnWidth - 8) / 2} ${chartHeight + 16})">${svgText(row.locationId)}</text>
      </g>`;
    })
    .join('');
  return trusted(
    `<svg class="chart locations" viewBox="0 0 ${left + max * columnWidth} ${chartHeight + 80}" width="100%" preserveAspectRatio="xMinYMin meet" role="img" aria-label="shipments and rejections per location">${columns}</svg>`,
  );
}

export function alertsTable(alerts: readonly AlertView[]): Html {
  if (alerts.length === 0) return html`<p class="muted" id="no-alerts">No open alert.</p>`;
  return html`<table id="alerts-table"><thead><tr><th>severity</th><th>kind</th><th>subject</th><th>since</th><th>detail</th></tr></thead>
    <tbody>${alerts.map(
      (a) =>
        html`<tr data-alert="${a.alertId}"><td><span class="severity ${a.severity}">${a.severity}</span></td><td>${a.kind}</td><td>${a.subject}</td><td>${when(a.since)}</td><td>${a.detail}</td></tr>`,
    )}</tbody></table>`;
}

export function analyticsFragment(kpis: KpisView, alerts: readonly AlertView[]): Html {
  const tile = (name: string, value: string, label: string) =>
    html`<div class="kpi"><div class="value" data-kpi="${name}">${value}</div><div class="label">${label}</div></div>`;
  return html`<section class="kpis">
      ${tile('orders', figure(kpis.orders), 'orders received')}
      ${tile('delivered', figure(kpis.delivered), 'delivered or collected')}
      ${tile('rejected', figure(kpis.rejected), 'rejected')}
      ${tile('cancelled', figure(kpis.cancelled), 'cancelled')}
      ${tile('fillRatePct', figure(kpis.fillRatePct, ' %'), 'fill rate')}
      ${tile('splitRatePct', figure(kpis.splitRatePct, ' %'), 'split rate')}
      ${tile('parcelsPerOrder', figure(kpis.parcelsPerOrder), 'parcels per order')}
      ${tile('promiseKeptPct', figure(kpis.promiseKeptPct, ' %'), 'promise kept')}
      ${tile('avgCostEur', figure(kpis.avgCostEur, ' €'), 'carrier cost per order')}
      ${tile('avgCo2Kg', figure(kpis.avgCo2Kg, ' kg'), 'CO2e per order')}
    </section>
    <div class="card" id="alerts"><h2>Open alerts <span class="muted">(${alerts.length})</span></h2>${alertsTable(alerts)}</div>
    <div class="grid">
      <div class="card"><h2>Parcels per carrier</h2>${carrierChart(kpis.byCarrier)}</div>
      <div class="card"><h2>Shipments per location <span class="legend"><span><i class="swatch"></i>taken</span><span><i class="swatch rejected"></i>rejected</span></span></h2>${locationChart(kpis.byLocation)}</div>
    </div>
    <p class="muted">${when(kpis.from)} → ${when(kpis.to)}${kpis.channel ? `, channel ${kpis.channel}` : ', every channel'}. The definitions are in the README ("KPIs and alerts").</p>`;
}

export function analyticsPage(filters: AnalyticsFilters, content: Html): string {
  const query = new URLSearchParams({
    period: filters.period,
    ...(filters.channel ? { channel: filters.channel } : {}),
  });
  return layout(
    'KPIs and alerts',
    html`<h1>KPIs and alerts</h1>
    <form method="get" action="/_pages/analytics" class="filters">
      <label>period <select name="period" onchange="this.form.requestSubmit()">${Object.keys(periods).map(
        (p) => html`<option value="${p}" ${p === filters.period ? html`selected` : ''}>last ${p}</option>`,
      )}</select></label>
      <label>channel <select name="channel" onchange="this.form.requestSubmit()"><option value="">all</option>${channels.map(
        (c) => html`<option value="${c}" ${c === filters.channel ? html`selected` : ''}>${c}</option>`,
      )}</select></label>
    </form>
    <div id="analytics" hx-get="/_pages/fragments/analytics?${query.toString()}" hx-trigger="relais-order from:body throttle:3s, relais-alert from:body" hx-swap="innerHTML">${content}</div>`,
  );
}
