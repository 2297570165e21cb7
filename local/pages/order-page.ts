/**
 * One order as an operator reads it: its workflow as the Step Functions console draws the
 * execution, the sourcing decision on the map, each shipment's journey, what the customer was told
 * and what went wrong.
 */
import { drawSourcingMap } from './france-map.ts';
import { type Html, html, trusted } from './html.ts';
import { layout, statusBadge, when } from './layout.ts';
import type { LocationView, NotificationView, OrderView, ShipmentView } from './relais-api.ts';

export interface OrderPicture {
  order: OrderView;
  /** the workflow drawn (SVG), with its execution's status; undefined when it has no execution */
  workflow?: { svg: string; status: string } | undefined;
  returns?: { returnId: string; svg: string; status: string }[];
  locations: readonly LocationView[];
  notifications?: NotificationView[] | undefined;
}

const money = (value: number | undefined) => (value === undefined ? '' : value.toFixed(2));

const legend = html`<div class="legend">
  <span><i class="passed"></i>passed</span><span><i class="current"></i>waiting / running</span>
  <span><i class="caught"></i>error caught</span><span><i class="failed"></i>failed</span>
  <span><i class="unreached"></i>not reached</span></div>`;

function workflowCard(picture: OrderPicture): Html {
  const { workflow } = picture;
  return html`<section class="card" id="workflow">
    <h2>Fulfilment workflow ${workflow ? statusBadge(workflow.status) : ''}</h2>
    ${workflow ? trusted(workflow.svg) : html`<p class="muted">No execution for this order.</p>`}
    ${workflow ? legend : ''}
    ${(picture.returns ?? []).map(
      (drawn) =>
        html`<h2 style="margin-top:14px">Return ${drawn.returnId} ${statusBadge(drawn.status)}</h2>${trusted(drawn.svg)}`,
    )}
  </section>`;
}

function sourcingCard(order: OrderView, locations: readonly LocationView[]): Html {
  const explanation = order.sourcing?.explanation;
  if (!explanation) {
    return html`<section class="card" id="sourcing"><h2>Sourcing</h2><p class="muted">Not sourced yet${order.rejection ? `: ${order.rejection.reason}` : ''}.</p></section>`;
  }
  const chosen = explanation.chosen ?? [];
  const excluded = explanation.excluded ?? [];
  const nextBest = explanation.nextBest;
  const destination =
    explanation.destination ??
    (order.delivery.address?.lat !== undefined && order.delivery.address.lon !== undefined
      ? { lat: order.delivery.address.lat, lon: order.delivery.address.lon }
      : undefined);
  const map = drawSourcingMap({
    locations,
    destination,
    chosen: chosen.map((c) => c.locationId),
    excluded,
    nextBest: nextBest?.locationIds ?? [],
  });
  const byRule = new Map<string, string[]>();
  for (const exclusion of excluded) {
    const key = exclusion.rule;
    byRule.set(key, [
      ...(byRule.get(key) ?? []),
      exclusion.sku ? `${exclusion.locationId} (${exclusion.sku})` : exclusion.locationId,
    ]);
  }
  const terms = Object.entries(explanation.costTerms ?? {}).filter(([, value]) => value !== 0);
  return html`<section class="card" id="sourcing">
    <h2>Sourcing: ${money(order.sourcing?.cost)} € <span class="muted">${explanation.strategy ?? ''}, ${explanation.candidates ?? '?'} candidates</span></h2>
    <div class="grid" style="grid-template-columns: minmax(300px, 420px) 1fr">
      <div>${trusted(map)}
        <div class="legend map-legend"><span><i class="chosen"></i>ships</span><span><i class="next"></i>next best</span>
        <span><i class="excluded"></i>excluded</span><span><i class="destination"></i>destination</span></div></div>
      <div>
        <table><thead><tr><th>ships from</th><th>SKUs</th><th class="num">km</th><th class="num">€</th></tr></thead>
        <tbody>${chosen.map(
          (c) =>
            html`<tr><td>${c.locationId}</td><td>${c.skus.join(', ')}</td><td class="num">${Math.round(c.distanceKm)}</td><td class="num">${money(c.cost)}</td></tr>`,
        )}</tbody></table>
        ${
          nextBest
            ? html`<p><b>Next best</b>: ${nextBest.locationIds.join(' + ')}, ${money(nextBest.cost)} € (+${money(nextBest.gap)} €${nextBest.gapPct === null ? '' : `, +${nextBest.gapPct.toFixed(1)} %`})</p>`
            : html`<p class="muted">No other plan was possible.</p>`
        }
        ${terms.length > 0 ? html`<p class="muted">${terms.map(([name, value]) => `${name} ${money(value)}`).join(' · ')}${explanation.co2Kg === undefined ? '' : ` · CO2 ${explanation.co2Kg.toFixed(2)} kg`}</p>` : ''}
        ${
          byRule.size > 0
            ? html`<table><thead><tr><th>excluded by rule</th><th>locations</th></tr></thead><tbody>${[
                ...byRule,
              ].map(
                ([rule, ids]) =>
                  html`<tr><td>${rule}</td><td>${ids.length > 8 ? `${ids.slice(0, 8).join(', ')} and ${ids.length - 8} more` : ids.join(', ')}</td></tr>`,
              )}</tbody></table>`
            : ''
        }
        ${explanation.unfilled?.length ? html`<p>Unfilled: ${explanation.unfilled.map((u) => `${u.quantity} × ${u.sku}`).join(', ')}</p>` : ''}
      </div>
    </div>
  </section>`;
}

/** The shipment's steps in the order's history (`<shipmentId> DISPATCHED with …`), for an API without `events`. */
function historyOf(order: OrderView, shipmentId: string) {
  return order.history
    .filter((entry) => entry.detail?.startsWith(`${shipmentId} `))
    .map((entry) => {
      const [status = entry.status, ...rest] = (entry.detail ?? '').slice(shipmentId.length + 1).split(' ');
      return { at: entry.at, status, detail: rest.join(' ') };
    });
}

function shipmentCard(order: OrderView, shipment: ShipmentView): Html {
  const events = shipment.events ?? [];
  const steps = events.length === 0 ? historyOf(order, shipment.shipmentId) : [];
  const choice = shipment.carrierChoice;
  return html`<div class="card shipment" data-shipment="${shipment.shipmentId}">
    <h2>${shipment.shipmentId} ${statusBadge(shipment.status)}</h2>
    <dl class="facts">
      <dt>from</dt><dd>${shipment.locationId}${shipment.transferTo ? ` → ${shipment.transferTo} (transfer)` : ''}</dd>
      <dt>lines</dt><dd>${shipment.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')}</dd>
      ${shipment.carrierId ? html`<dt>carrier</dt><dd>${shipment.carrierId}${shipment.trackingNumber ? html`, tracking <code>${shipment.trackingNumber}</code>` : ''}${shipment.labelUrl ? html` · <a href="${shipment.labelUrl}">label</a>` : ''}</dd>` : ''}
      ${shipment.promisedDate ? html`<dt>promised</dt><dd>${shipment.promisedDate}</dd>` : ''}
      ${shipment.attempts ? html`<dt>failed attempts</dt><dd>${shipment.attempts}</dd>` : ''}
      ${shipment.rejection ? html`<dt>rejected</dt><dd>${shipment.rejection.reason ?? ''}</dd>` : ''}
      ${choice ? html`<dt>carrier choice</dt><dd>${choice.reason}${choice.alternatives.length ? html`<br><span class="muted">also: ${choice.alternatives.map((a) => `${a.carrierId} ${a.service} ${money(a.cost)} €`).join(' · ')}</span>` : ''}</dd>` : ''}
    </dl>
    ${
      events.length > 0
        ? html`<ol class="timeline">${events.map(
            (event) =>
              html`<li class="${event.status}">${when(event.occurredAt)} ${statusBadge(event.status)}${event.reason ? html` <span class="muted">${event.reason}</span>` : ''}${event.rawCode ? html` <code>${event.rawCode}</code>` : ''}</li>`,
          )}</ol>`
        : steps.length > 0
          ? html`<ol class="timeline">${steps.map(
              (step) =>
                html`<li class="${step.status}">${when(step.at)} ${statusBadge(step.status)} <span class="muted">${step.detail}</span></li>`,
            )}</ol>`
          : html`<p class="muted">No tracking event yet.</p>`
    }
  </div>`;
}

function notificationsCard(notifications: NotificationView[] | undefined): Html {
  if (notifications === undefined) return html``;
  return html`<section class="card" id="notifications"><h2>Notifications</h2>
    ${
      notifications.length === 0
        ? html`<p class="muted">None sent yet.</p>`
        : html`<table><thead><tr><th>at</th><th>template</th><th>to</th><th>subject</th><th>status</th></tr></thead><tbody>
        ${notifications.map((n) => html`<tr><td>${when(n.at)}</td><td>${n.template}</td><td>${n.to ?? ''}</td><td>${n.subject ?? ''}</td><td>${statusBadge(n.status)}</td></tr>`)}
        </tbody></table>`
    }</section>`;
}

function incidentsCard(order: OrderView): Html {
  if (!order.incidents || order.incidents.length === 0) return html``;
  return html`<section class="card" id="incidents"><h2>Incidents</h2><table>
    <thead><tr><th>at</th><th>shipment</th><th>kind</th><th>resolution</th></tr></thead><tbody>
    ${order.incidents.map((i) => html`<tr><td>${when(i.at)}</td><td>${i.shipmentId}</td><td>${statusBadge(i.kind)}</td><td>${i.resolution}${i.replacementShipmentId ? ` → ${i.replacementShipmentId}` : ''}</td></tr>`)}
    </tbody></table></section>`;
}

/** The live part of the order's page. */
export function orderFragment(picture: OrderPicture): Html {
  const { order } = picture;
  const address = order.delivery.address;
  return html`<h1>Order ${order.orderId} ${statusBadge(order.status)}</h1>
  <div class="grid">
    <section class="card" id="summary"><h2>Order</h2><dl class="facts">
      <dt>channel</dt><dd>${order.channel}</dd>
      <dt>delivery</dt><dd>${order.delivery.mode}${order.delivery.service ? ` (${order.delivery.service})` : ''}${order.delivery.storeId ? ` at ${order.delivery.storeId}` : ''}${address ? html`<br><span class="muted">${[address.line1, address.postcode, address.city].filter(Boolean).join(', ')}</span>` : ''}</dd>
      <dt>customer</dt><dd>${order.customer?.id ?? ''} <span class="muted">${order.customer?.email ?? 'no e-mail'}</span></dd>
      <dt>lines</dt><dd>${order.lines.map((l) => html`<a href="/_pages/stock?sku=${encodeURIComponent(l.sku)}">${l.quantity} × ${l.sku}</a> `)}</dd>
      ${order.promise ? html`<dt>promise</dt><dd>${order.promise.service ?? ''} ${order.promise.earliestDate ?? ''}${order.promise.latestDate && order.promise.latestDate !== order.promise.earliestDate ? ` – ${order.promise.latestDate}` : ''}${order.promise.carrierId ? ` with ${order.promise.carrierId}` : ''}</dd>` : ''}
      ${order.rejection ? html`<dt>rejected</dt><dd>${order.rejection.reason}</dd>` : ''}
      ${order.cancellation ? html`<dt>cancelled</dt><dd>${order.cancellation.reason ?? ''}</dd>` : ''}
      <dt>received</dt><dd>${when(order.createdAt)}</dd>
    </dl>
    <h2 style="margin-top:12px">History</h2>
    <ol class="timeline">${order.history.map((h) => html`<li class="${h.status}">${when(h.at)} ${statusBadge(h.status)} <span class="muted">${h.detail ?? ''}</span></li>`)}</ol>
    </section>
    ${workflowCard(picture)}
  </div>
  ${sourcingCard(order, picture.locations)}
  <div class="grid">${order.shipments.map((shipment) => shipmentCard(order, shipment))}</div>
  ${incidentsCard(order)}
  ${notificationsCard(picture.notifications)}`;
}

export function orderPage(picture: OrderPicture): string {
  const id = picture.order.orderId;
  return layout(
    `Order ${id}`,
    html`<div id="order" hx-get="/_pages/fragments/orders/${encodeURIComponent(id)}" hx-trigger="relais-order-${id} from:body throttle:1s" hx-swap="innerHTML">${orderFragment(picture)}</div>`,
  );
}
