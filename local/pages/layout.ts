/** The frame every operator page shares: header, navigation, the live indicator, the scripts. */
import { type Html, html } from './html.ts';

export function layout(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Relais</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/_pages/assets/pages.css">
<script src="/_pages/assets/htmx.js"></script>
</head>
<body>
<header>
  <a class="brand" href="/">Relais</a>
  <nav><a href="/">Orders</a><a href="/_pages/stock">Stock</a><a href="/_pages/analytics">KPIs &amp; alerts</a></nav>
  <span id="live-status" class="offline">connecting</span>
</header>
<main>${body}</main>
<script src="/_pages/assets/live.js"></script>
</body>
</html>`.text;
}

export const statusBadge = (status: string | undefined) =>
  html`<span class="status ${status ?? ''}">${status ?? '—'}</span>`;

export function when(iso: string | undefined): Html {
  if (!iso) return html`<span class="muted">—</span>`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return html`${iso}`;
  return html`<time datetime="${iso}" title="${iso}">${date.toISOString().slice(0, 19).replace('T', ' ')}</time>`;
}
