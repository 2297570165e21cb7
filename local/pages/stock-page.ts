/**
 * A SKU across the network: each location's on hand, reserved, safety stock, available and channel
 * buffers (with the rule behind each), supply expected, and the transfer suggestions to accept.
 */
import { type Html, html } from './html.ts';
import { layout, when } from './layout.ts';
import type { LocationView, SkuInventoryView, SuggestionView } from './relais-api.ts';

type BufferView = { units?: number; share?: number };
const bufferText = (buffer: BufferView) =>
  [buffer.units ? `${buffer.units}` : '', buffer.share ? `${Math.round(buffer.share * 100)}%` : '']
    .filter(Boolean)
    .join(' or ');

function suggestionsCard(
  sku: string,
  suggestions: readonly SuggestionView[],
  notice: string | undefined,
): Html {
  return html`<div class="card" id="suggestions"><h2>Replenishment suggestions</h2>${
    notice ? html`<p class="muted" id="suggestion-notice">${notice}</p>` : ''
  }${
    suggestions.length === 0
      ? html`<p class="muted">No transfer needed: no location is below 7 days of cover, or none has surplus.</p>`
      : html`<table><thead><tr><th>from</th><th>to</th><th class="num">quantity</th><th class="num">cover (days)</th><th>why</th><th></th></tr></thead><tbody>
        ${suggestions.map(
          (
            s,
          ) => html`<tr data-suggestion="${s.suggestionId}"><td>${s.fromLocationId}</td><td>${s.toLocationId}</td><td class="num">${s.quantity}</td>
            <td class="num">${s.coverDaysBefore} → ${s.coverDaysAfter}</td><td class="muted">${s.reason}</td>
            <td><form method="post" action="/_pages/stock/accept"><input type="hidden" name="sku" value="${sku}"><input type="hidden" name="suggestionId" value="${s.suggestionId}"><button>accept</button></form></td></tr>`,
        )}</tbody></table>`
  }</div>`;
}

export function stockFragment(
  inventory: SkuInventoryView,
  locations: readonly LocationView[],
  suggestions: readonly SuggestionView[] = [],
  notice?: string,
): Html {
  const byId = new Map(locations.map((location) => [location.locationId, location]));
  const rows = [...inventory.locations].sort((a, b) => b.available - a.available);
  const most = Math.max(1, ...rows.map((row) => row.onHand));
  const totals = rows.reduce(
    (sum, row) => ({
      onHand: sum.onHand + row.onHand,
      reserved: sum.reserved + row.reserved,
      available: sum.available + row.available,
    }),
    { onHand: 0, reserved: 0, available: 0 },
  );
  const expected = inventory.expected ?? [];
  return html`<section class="kpis">
      <div class="kpi"><div class="value" data-kpi="ats">${inventory.ats}</div><div class="label">network ATS</div></div>
      <div class="kpi"><div class="value">${totals.onHand}</div><div class="label">on hand</div></div>
      <div class="kpi"><div class="value">${totals.reserved}</div><div class="label">reserved</div></div>
      <div class="kpi"><div class="value">${expected.reduce((sum, e) => sum + e.quantity, 0)}</div><div class="label">expected</div></div>
      <div class="kpi"><div class="value">${rows.length}</div><div class="label">locations</div></div>
    </section>
    <div class="card"><table id="stock-table">
      <thead><tr><th>location</th><th>type</th><th class="num">on hand</th><th class="num">reserved</th><th class="num">safety</th><th class="num">available</th><th>buffers</th><th style="width:28%"></th></tr></thead>
      <tbody>${rows.map((row) => {
        const location = byId.get(row.locationId);
        const buffers = Object.entries(row.channelBuffers ?? {}).filter(([, buffer]) => bufferText(buffer));
        const pct = (units: number) => ((units / most) * 100).toFixed(1);
        return html`<tr data-location="${row.locationId}">
          <td>${location?.name ?? row.locationId} <span class="muted">${row.locationId}</span></td>
          <td>${location?.type ?? ''}</td>
          <td class="num">${row.onHand}</td><td class="num">${row.reserved}</td><td class="num">${row.safetyStock}</td>
          <td class="num"><b>${row.available}</b></td>
          <td>${buffers.map(([channel, buffer]) => {
            const source = row.bufferSources?.[channel];
            return html`<span class="buffer" title="${source ? `${source.ruleId}: ${source.reason}` : 'set by hand'}">${channel} ${bufferText(buffer)}${source ? html` <span class="muted">(${source.ruleId})</span>` : ''}</span> `;
          })}</td>
          <td><svg width="100%" height="10" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
            <rect x="0" y="0" width="${pct(row.available)}" height="10" fill="#2e8540"/>
            <rect x="${pct(row.available)}" y="0" width="${pct(row.reserved)}" height="10" fill="#1f6fd1"/>
            <rect x="${pct(row.available + row.reserved)}" y="0" width="${pct(Math.max(0, row.onHand - row.available - row.reserved))}" height="10" fill="#c9d1da"/>
          </svg></td></tr>`;
      })}</tbody></table>
      <div class="legend"><span><i style="background:#2e8540;border-color:#2e8540"></i>available</span><span><i style="background:#1f6fd1;border-color:#1f6fd1"></i>reserved</span><span><i style="background:#c9d1da;border-color:#c9d1da"></i>safety stock and buffers</span></div>
    </div>
    <div class="card"><h2>Expected supply</h2>${
      expected.length === 0
        ? html`<p class="muted">None expected.</p>`
        : html`<table><thead><tr><th>supply</th><th>kind</th><th>to</th><th>from</th><th class="num">quantity</th><th>expected</th></tr></thead><tbody>
          ${expected.map((e) => html`<tr><td>${e.supplyId}</td><td>${e.kind}</td><td>${e.locationId}</td><td>${e.fromLocationId ?? ''}</td><td class="num">${e.quantity}</td><td>${when(e.expectedAt)}</td></tr>`)}
          </tbody></table>`
    }</div>
    ${suggestionsCard(inventory.sku, suggestions, notice)}`;
}

export function stockPage(sku: string | undefined, content: Html): string {
  return layout(
    sku ? `Stock of ${sku}` : 'Stock',
    html`<h1>Stock${sku ? ` of ${sku}` : ''}</h1>
    <form method="get" action="/_pages/stock" class="filters"><label>SKU <input name="sku" value="${sku ?? ''}" placeholder="SKU-0001" pattern="[A-Za-z0-9_\\-]{1,64}" required></label><button>show</button></form>
    ${
      sku
        ? html`<div id="stock" hx-get="/_pages/fragments/stock?sku=${encodeURIComponent(sku)}" hx-trigger="relais-stock-${sku} from:body throttle:1s, relais-order from:body throttle:3s" hx-swap="innerHTML">${content}</div>`
        : content
    }`,
  );
}
