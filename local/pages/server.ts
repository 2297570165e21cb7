/**
 * The operator's pages of the local cloud, mounted on its HTTP front at `/` and `/_pages/*`:
 * server-rendered HTML, htmx (served from node_modules) for the fragments that refresh, and one
 * Server-Sent Events stream of the local bus's events that tells them when. The pages read
 * Relais through its HTTP contract and the workflows through the Step Functions endpoint, so they
 * show what any client sees.
 *
 * With `RELAIS_API_TOKEN` set, the pages need the same token: `Authorization: Bearer <token>`, or
 * the `relais_token` cookie, which opening `/?token=<token>` once sets (HttpOnly, SameSite=Strict).
 */
import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventBridgeEvent } from '../eventbus/bus.ts';
import type { TrafficControl } from '../traffic.ts';
import { analyticsFiltersFrom, analyticsFragment, analyticsPage, kpiQuery } from './analytics-page.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';
import { type OrderPicture, orderFragment, orderPage } from './order-page.ts';
import { filtersFrom, ordersFragment, ordersPage, trafficControl } from './orders-page.ts';
import { ApiError, type RelaisApi, relaisApi } from './relais-api.ts';
import { stockFragment, stockPage } from './stock-page.ts';
import { drawWorkflow, stateProgress } from './workflow-graph.ts';

export interface OperatorPagesOptions {
  /** the local cloud's HTTP API, read when a page is asked for */
  apiUrl: () => string;
  apiToken?: string | undefined;
  stepFunctionsUrl: () => string;
  /** the local bus: every accepted event */
  subscribe: (listener: (event: EventBridgeEvent) => void) => () => void;
}

export interface OperatorPages {
  /** answers the request when it is for the pages (true), else leaves it alone (false) */
  handle(request: IncomingMessage, response: ServerResponse): Promise<boolean>;
  /** shows the demo traffic's control on the orders page */
  useTraffic(traffic: TrafficControl): void;
  close(): void;
}

const tokenCookie = 'relais_token';
const assetsDir = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const require = createRequire(import.meta.url);
const assets: Record<string, { file: () => string; type: string }> = {
  '/_pages/assets/htmx.js': {
    file: () => require.resolve('htmx.org/dist/htmx.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/_pages/assets/live.js': {
    file: () => join(assetsDir, 'live.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/_pages/assets/pages.css': { file: () => join(assetsDir, 'pages.css'), type: 'text/css; charset=utf-8' },
};

/** Whether the path is one of the pages' (the rest of the front is the API's). */
export function isPagesPath(path: string): boolean {
  return path === '/' || path === '/_pages' || path.startsWith('/_pages/');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** What a bus event tells the pages: which order or SKU changed. */
export function pageEventOf(event: EventBridgeEvent): {
  type: string;
  orderId?: string;
  sku?: string;
  status?: string;
} {
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof detail[key] === 'string' ? (detail[key] as string) : undefined);
  const orderId = text('orderId');
  const sku = text('sku');
  const status = text('status');
  return {
    type: event['detail-type'],
    ...(orderId ? { orderId } : {}),
    ...(sku ? { sku } : {}),
    ...(status ? { status } : {}),
  };
}

/** A small urlencoded form's body ('' past 4 KB). */
async function formBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 4096) return '';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function formField(request: IncomingMessage, name: string): Promise<string | undefined> {
  return new URLSearchParams(await formBody(request)).get(name) ?? undefined;
}

export function operatorPages(options: OperatorPagesOptions): OperatorPages {
  const api: RelaisApi = relaisApi(options);
  const streams = new Set<ServerResponse>();
  let traffic: TrafficControl | undefined;

  const unsubscribe = options.subscribe((event) => {
    if (streams.size === 0) return;
    const message = `event: relais\ndata: ${JSON.stringify(pageEventOf(event))}\n\n`;
    for (const stream of streams) stream.write(message);
  });
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();

  const send = (
    response: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ) => {
    response.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    });
    response.end(body);
  };

  const authorized = (request: IncomingMessage, url: URL, response: ServerResponse): boolean => {
    const token = options.apiToken;
    if (token === undefined) return true;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer !== undefined && sameSecret(bearer, token)) return true;
    const cookie = cookieValue(request, tokenCookie);
    if (cookie !== undefined && sameSecret(cookie, token)) return true;
    const given = url.searchParams.get('token');
    if (given !== null && sameSecret(given, token) && request.method === 'GET') {
      url.searchParams.delete('token');
      response.writeHead(303, {
        location: `${url.pathname}${url.search}`,
        'set-cookie': `${tokenCookie}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`,
        'content-length': '0',
      });
      response.end();
      return false;
    }
    send(
      response,
      401,
      layout(
        'Sign in',
        html`<h1>The API token is required</h1><p>This local cloud runs with <code>RELAIS_API_TOKEN</code> set.
        Open <code>/?token=&lt;the token&gt;</code> once: a cookie keeps you signed in.</p>`,
      ),
      { 'www-authenticate': 'Bearer' },
    );
    return false;
  };

  const drawExecution = async (kind: 'fulfilment' | 'return', name: string) => {
    const execution = await api.execution(kind, name);
    if (!execution) return undefined;
    const drawn = await drawWorkflow(
      execution.definition,
      stateProgress(execution.definition, execution.events),
      execution.status,
    );
    return { svg: drawn.svg, status: execution.status };
  };

  const orderPicture = async (orderId: string): Promise<OrderPicture> => {
    const [order, locations, notifications, workflow, returnIds] = await Promise.all([
      api.order(orderId),
      api.locations(),
      api.notifications(orderId),
      drawExecution('fulfilment', orderId),
      api.returnsOf(orderId),
    ]);
    const returns = (
      await Promise.all(
        returnIds.map(async (returnId) => {
          const drawn = await drawExecution('return', returnId);
          return drawn ? { returnId, ...drawn } : undefined;
        }),
      )
    ).filter((drawn) => drawn !== undefined);
    return { order, locations, notifications, workflow, returns };
  };

  const stockContent = async (sku: string | undefined, notice?: string) => {
    if (!sku) {
      const orders = await api.recentOrders(100);
      const skus = [...new Set(orders.flatMap((order) => order.lines.map((line) => line.sku)))].sort();
      return html`<div class="card"><p>Choose a SKU${skus.length ? ': ' : '.'}${skus.map(
        (s) => html`<a href="/_pages/stock?sku=${encodeURIComponent(s)}">${s}</a> `,
      )}</p></div>`;
    }
    const [inventory, locations, suggestions] = await Promise.all([
      api.inventory(sku),
      api.locations(),
      api.suggestions(sku),
    ]);
    return stockFragment(inventory, locations, suggestions, notice);
  };

  const route = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    const method = request.method ?? 'GET';
    const asset = assets[path];
    if (asset && method === 'GET') {
      const body = await readFile(asset.file());
      response.writeHead(200, {
        'content-type': asset.type,
        'content-length': String(body.length),
        'cache-control': 'no-cache',
      });
      response.end(body);
      return;
    }
    if (!authorized(request, url, response)) return;
    const now = new Date();
    if (method === 'GET' && path === '/_pages/events') {
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      response.write(': connected\n\n');
      streams.add(response);
      request.once('close', () => streams.delete(response));
      return;
    }
    if (method === 'GET' && (path === '/' || path === '/_pages' || path === '/_pages/')) {
      const filters = filtersFrom(url.searchParams);
      send(response, 200, ordersPage(await api.recentOrders(), filters, traffic, now));
      return;
    }
    if (method === 'GET' && path === '/_pages/fragments/orders') {
      send(response, 200, ordersFragment(await api.recentOrders(), filtersFrom(url.searchParams), now).text);
      return;
    }
    if (method === 'POST' && path === '/_pages/traffic') {
      const rate = Number(await formField(request, 'perMinute'));
      if (!traffic) return send(response, 404, 'no demo traffic in this local cloud');
      if (!Number.isFinite(rate) || rate < 0) {
        return send(response, 400, 'perMinute must be a number of orders per minute, 0 or more');
      }
      traffic.setRate(rate);
      send(response, 200, trafficControl(traffic).text);
      return;
    }
    const orderMatch = /^\/_pages\/(fragments\/)?orders\/([A-Za-z0-9_-]{1,64})$/.exec(path);
    if (method === 'GET' && orderMatch?.[2]) {
      const picture = await orderPicture(orderMatch[2]);
      send(response, 200, orderMatch[1] ? orderFragment(picture).text : orderPage(picture));
      return;
    }
    const analyticsMatch = /^\/_pages\/(fragments\/)?analytics$/.exec(path);
    if (method === 'GET' && analyticsMatch) {
      const filters = analyticsFiltersFrom(url.searchParams);
      const [kpis, alerts] = await Promise.all([api.kpis(kpiQuery(filters, now)), api.alerts()]);
      const content = analyticsFragment(kpis, alerts);
      send(response, 200, analyticsMatch[1] ? content.text : analyticsPage(filters, content));
      return;
    }
    if (method === 'POST' && path === '/_pages/stock/accept') {
      const form = new URLSearchParams(await formBody(request));
      const sku = form.get('sku') ?? '';
      const suggestionId = form.get('suggestionId') ?? '';
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(sku) || !/^[A-Za-z0-9_-]{1,64}$/.test(suggestionId)) {
        return send(response, 400, layout('Stock', html`<h1>Not a suggestion</h1>`));
      }
      const outcome = await api.acceptSuggestion(suggestionId);
      const notice =
        outcome.status === 201
          ? `Transfer TRANSFER-${suggestionId} recorded.`
          : `Not accepted: ${outcome.detail}`;
      send(
        response,
        outcome.status === 201 ? 200 : outcome.status,
        stockPage(sku, await stockContent(sku, notice)),
      );
      return;
    }
    const stockMatch = /^\/_pages\/(fragments\/)?stock$/.exec(path);
    if (method === 'GET' && stockMatch) {
      const sku = url.searchParams.get('sku') ?? undefined;
      if (sku !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(sku)) {
        return send(response, 400, layout('Stock', html`<h1>Not a SKU</h1><p>${sku} is not a SKU id.</p>`));
      }
      const content = await stockContent(sku);
      send(response, 200, stockMatch[1] ? content.text : stockPage(sku, content));
      return;
    }
    send(response, 404, layout('Not found', html`<h1>No page at ${path}</h1><p><a href="/">Orders</a></p>`));
  };

  return {
    async handle(request, response) {
      const url = new URL(request.url ?? '/', 'http://local');
      if (!isPagesPath(url.pathname)) return false;
      try {
        await route(request, response, url);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          send(
            response,
            404,
            layout('Not found', html`<h1>Not found</h1><p>${error.message}</p><p><a href="/">Orders</a></p>`),
          );
        } else {
          console.error(`[pages] ${request.method} ${url.pathname} failed:`, error);
          if (!response.headersSent)
            send(
              response,
              500,
              layout('Error', html`<h1>The page failed</h1><p>The local cloud's log has the details.</p>`),
            );
          else response.end();
        }
      }
      return true;
    },
    useTraffic(control) {
      traffic = control;
    },
    close() {
      unsubscribe();
      clearInterval(heartbeat);
      for (const stream of streams) stream.end();
      streams.clear();
      api.close();
    },
  };
}
