import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { analyticsFiltersFrom, analyticsFragment, kpiQuery } from '../../local/pages/analytics-page.ts';
import { drawSourcingMap } from '../../local/pages/france-map.ts';
import { html } from '../../local/pages/html.ts';
import { countsByStatus, ordersPerMinute } from '../../local/pages/kpis.ts';
import { orderFragment } from '../../local/pages/order-page.ts';
import type { OrderView, ShipmentView } from '../../local/pages/relais-api.ts';
import { operatorPages } from '../../local/pages/server.ts';
import { stockFragment } from '../../local/pages/stock-page.ts';

describe('the pages render', () => {
  it('escapes what it interpolates', () => {
    expect(html`<td>${'<script>"&'}</td>`.text).toBe('<td>&lt;script&gt;&quot;&amp;</td>');
  });

  it('draws the KPIs, a bar per carrier, a column per location and the alerts, escaped', () => {
    const kpis = {
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-02T00:00:00.000Z',
      orders: 12,
      delivered: 9,
      rejected: 1,
      cancelled: 1,
      fillRatePct: 83.3,
      splitRatePct: 10,
      parcelsPerOrder: 1.1,
      promiseKeptPct: null,
      avgCostEur: 7.5,
      avgCo2Kg: 0.31,
      byCarrier: [
        { carrierId: 'colis-standard', parcels: 8, onTimePct: 95, avgCostEur: 7, avgCo2Kg: 0.3 },
        { carrierId: 'express-24', parcels: 2, onTimePct: 50, avgCostEur: 12, avgCo2Kg: 0.6 },
      ],
      byLocation: [
        { locationId: 'WH-LYON', shipments: 9, rejections: 0 },
        { locationId: 'ST-PARIS-01', shipments: 4, rejections: 3 },
      ],
    };
    const alert = {
      alertId: 'location_rejecting:ST-PARIS-01',
      kind: 'location_rejecting',
      severity: 'warning',
      subject: '<b>ST-PARIS-01</b>',
      since: '2026-03-01T10:00:00.000Z',
      detail: '3 shipment(s) rejected',
    };
    const text = analyticsFragment(kpis, [alert]).text;
    expect(text).toContain('data-kpi="fillRatePct">83.3 %<');
    expect(text).toContain('data-kpi="promiseKeptPct">—<');
    expect(text.match(/<g data-carrier=/g)).toHaveLength(2);
    // a carrier under 90 % on time is drawn late; the busiest location comes first, its rejections in red
    expect(text).toMatch(/data-carrier="express-24">[\s\S]*?class="bar late"/);
    expect(text).not.toMatch(/data-carrier="colis-standard">[^<]*<text[^>]*>[^<]*<\/text>\s*<rect[^>]*late/);
    expect(text.indexOf('data-location="WH-LYON"')).toBeLessThan(text.indexOf('data-location="ST-PARIS-01"'));
    expect(text.match(/class="bar rejected"/g)).toHaveLength(1);
    expect(text).toContain('&lt;b&gt;ST-PARIS-01&lt;/b&gt;');
    expect(analyticsFragment({ ...kpis, byCarrier: [], byLocation: [] }, []).text).toContain(
      'No open alert.',
    );
  });

  it('reads the KPI page filters, ignoring what it does not know', () => {
    expect(analyticsFiltersFrom(new URLSearchParams('period=7d&channel=web'))).toEqual({
      period: '7d',
      channel: 'web',
    });
    expect(analyticsFiltersFrom(new URLSearchParams('period=1y&channel=fax'))).toEqual({
      period: '24h',
      channel: undefined,
    });
    const query = new URLSearchParams(
      kpiQuery({ period: '7d', channel: 'store' }, new Date('2026-03-08T00:00:00Z')),
    );
    expect(query.get('from')).toBe('2026-03-01T00:00:00.000Z');
    expect(query.get('channel')).toBe('store');
  });

  it('counts orders per status and per minute', () => {
    const now = new Date('2026-03-02T10:30:40Z');
    const orders = [
      { status: 'DELIVERED', createdAt: '2026-03-02T10:30:05Z' },
      { status: 'ALLOCATED', createdAt: '2026-03-02T10:30:39Z' },
      { status: 'ALLOCATED', createdAt: '2026-03-02T10:28:59Z' },
      { status: 'REJECTED', createdAt: '2026-03-02T09:00:00Z' },
    ];
    expect(countsByStatus(orders).get('ALLOCATED')).toBe(2);
    expect(countsByStatus(orders).get('CANCELLED')).toBe(0);
    const buckets = ordersPerMinute(orders, now, 5);
    expect(buckets).toEqual([0, 0, 1, 0, 2]);
  });

  it('draws France with the chosen location, the excluded ones and the destination where they are', () => {
    const svg = drawSourcingMap({
      locations: [
        { locationId: 'LILLE', lat: 50.63, lon: 3.06, name: 'Lille' },
        { locationId: 'MARSEILLE', lat: 43.3, lon: 5.37 },
        { locationId: 'BREST', lat: 48.39, lon: -4.49 },
      ],
      destination: { lat: 48.86, lon: 2.35 },
      chosen: ['LILLE'],
      excluded: [{ locationId: 'BREST', rule: 'maxDistanceKm', detail: '590 km > 500 km' }],
      nextBest: ['MARSEILLE'],
    });
    const outline = /class="france" d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(outline.length).toBeGreaterThan(2000);
    const circle = (cls: string) => {
      const match =
        new RegExp(`class="${cls}"[^>]*?cx="([\\d.]+)" cy="([\\d.]+)"`).exec(svg) ??
        new RegExp(`class="${cls}"[\\s\\S]*?<circle cx="([\\d.]+)" cy="([\\d.]+)"`).exec(svg);
      return { x: Number(match?.[1]), y: Number(match?.[2]) };
    };
    const lille = circle('chosen');
    const marseille = circle('next-best');
    expect(lille.y).toBeLessThan(80); // the north
    expect(marseille.y).toBeGreaterThan(300); // the south
    expect(marseille.x).toBeGreaterThan(lille.x);
    expect(svg).toContain('Lille (LILLE): ships');
    expect(svg).toContain('BREST excluded: maxDistanceKm · 590 km &gt; 500 km');
    expect(svg).toContain('class="destination"');
  });
});

describe('the pages with RELAIS_API_TOKEN set', () => {
  it('refuse a request without the token, set a cookie from ?token=, and take the cookie or the bearer token', async () => {
    const pages = operatorPages({
      apiUrl: () => 'http://127.0.0.1:9',
      apiToken: 's3cret',
      stepFunctionsUrl: () => 'http://127.0.0.1:9',
      subscribe: () => () => {},
    });
    const server = createServer((request, response) => {
      void pages.handle(request, response).then((handled) => {
        if (!handled) response.writeHead(418).end();
      });
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/`)).status).toBe(401);
      expect((await fetch(`${base}/?token=wrong`)).status).toBe(401);
      const signIn = await fetch(`${base}/_pages/nowhere?token=s3cret`, { redirect: 'manual' });
      expect(signIn.status).toBe(303);
      expect(signIn.headers.get('location')).toBe('/_pages/nowhere');
      const cookie = signIn.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^relais_token=s3cret; Path=\/; HttpOnly; SameSite=Strict/);
      // past the check, an unknown page is a 404 (no API call needed to tell)
      expect(
        (await fetch(`${base}/_pages/nowhere`, { headers: { cookie: 'relais_token=s3cret' } })).status,
      ).toBe(404);
      expect(
        (await fetch(`${base}/_pages/nowhere`, { headers: { authorization: 'Bearer s3cret' } })).status,
      ).toBe(404);
      expect(
        (await fetch(`${base}/_pages/nowhere`, { headers: { cookie: 'relais_token=nope' } })).status,
      ).toBe(401);
      // the assets need no token: the sign-in page uses them
      expect((await fetch(`${base}/_pages/assets/htmx.js`)).status).toBe(200);
      // the API's own paths are left to the front
      expect((await fetch(`${base}/orders`)).status).toBe(418);
    } finally {
      pages.close();
      server.close();
    }
  });
});

describe("an order's page", () => {
  const order: OrderView = {
    orderId: 'O-1',
    status: 'SHIPPED',
    channel: 'web',
    customer: { id: 'c-1', email: 'c@example.fr' },
    lines: [{ sku: 'SKU-0002', quantity: 1 }],
    delivery: { mode: 'home', address: { line1: '1 rue de Rivoli', postcode: '75001', city: 'Paris' } },
    shipments: [
      {
        shipmentId: 'O-1-S1',
        locationId: 'WH-PARIS',
        status: 'IN_TRANSIT',
        lines: [{ sku: 'SKU-0002', quantity: 1 }],
        carrierId: 'colis-standard',
        trackingNumber: 'CS123',
      },
    ],
    history: [
      { status: 'RECEIVED', at: '2026-03-02T10:00:00Z' },
      {
        status: 'SHIPPED',
        at: '2026-03-02T10:05:00Z',
        detail: 'O-1-S1 DISPATCHED with colis-standard CS123',
      },
    ],
  };

  it('shows what the API gives and leaves out the parts it does not have', () => {
    const text = orderFragment({ order, locations: [] }).text;
    expect(text).toContain('Not sourced yet');
    expect(text).toContain('No execution for this order');
    // without tracking events, the shipment's steps come from the order's history
    expect(text).toMatch(/class="DISPATCHED"[\s\S]*with colis-standard CS123/);
    expect(text).not.toContain('id="incidents"');
    expect(text).not.toContain('id="notifications"');
    expect(text).not.toContain('promise');
  });

  it('renders the promise, tracking events, carrier choice, incidents and notifications when present', () => {
    const text = orderFragment({
      order: {
        ...order,
        promise: { service: 'standard', earliestDate: '2026-03-04', latestDate: '2026-03-05' },
        shipments: [
          {
            ...(order.shipments[0] as ShipmentView),
            attempts: 1,
            events: [
              {
                status: 'DELIVERY_FAILED',
                reason: 'recipient_absent',
                rawCode: 'NA12',
                occurredAt: '2026-03-03T09:00:00Z',
              },
            ],
            carrierChoice: {
              reason: 'cheapest on time',
              alternatives: [{ carrierId: 'express-fr', service: 'express', cost: 9.5, co2Kg: 0.4 }],
            },
          },
        ],
        incidents: [
          {
            shipmentId: 'O-1-S1',
            kind: 'LOST',
            at: '2026-03-03T12:00:00Z',
            resolution: 'reshipped',
            replacementShipmentId: 'O-1-S2',
          },
        ],
      },
      locations: [],
      notifications: [
        {
          notificationId: 'n1',
          channel: 'email',
          template: 'order_confirmed',
          to: 'c@example.fr',
          subject: 'Votre commande',
          status: 'sent',
          at: '2026-03-02T10:00:01Z',
        },
      ],
    }).text;
    expect(text).toContain('standard 2026-03-04 – 2026-03-05');
    expect(text).toContain('recipient_absent');
    expect(text).toContain('<code>NA12</code>');
    expect(text).toContain('cheapest on time');
    expect(text).toContain('express-fr express 9.50 €');
    expect(text).toMatch(/id="incidents"[\s\S]*LOST[\s\S]*reshipped → O-1-S2/);
    expect(text).toMatch(/id="notifications"[\s\S]*order_confirmed[\s\S]*Votre commande/);
  });
});

describe("a SKU's stock page", () => {
  const inventory = {
    sku: 'TEE',
    ats: 10,
    locations: [
      {
        locationId: 'ST-PARIS',
        onHand: 8,
        reserved: 0,
        safetyStock: 0,
        available: 8,
        channelBuffers: { web: { units: 4 }, marketplace: { share: 0.25 } },
        bufferSources: {
          web: { ruleId: 'LAST-UNITS', reason: '8 on hand, at or below 10: 4 units kept for store' },
        },
      },
    ],
    expected: [],
  };
  const suggestion = {
    suggestionId: 'SUG-abc',
    sku: 'TEE',
    fromLocationId: 'WH-LYON',
    toLocationId: 'ST-PARIS',
    quantity: 12,
    reason: 'ST-PARIS has 2 days of cover (minimum 7); WH-LYON holds 100 days (target 14)',
    coverDaysBefore: 2,
    coverDaysAfter: 14,
  };

  it('shows each buffer with the rule that set it, or as set by hand', () => {
    const text = stockFragment(inventory, [], []).text;
    expect(text).toContain('web 4');
    expect(text).toContain('(LAST-UNITS)');
    expect(text).toContain('title="LAST-UNITS: 8 on hand, at or below 10: 4 units kept for store"');
    expect(text).toContain('marketplace 25%');
    expect(text).toContain('title="set by hand"');
  });

  it('lists the transfer suggestions with an accept button, or says none is needed', () => {
    const text = stockFragment(inventory, [], [suggestion], 'Transfer TRANSFER-SUG-abc recorded.').text;
    expect(text).toContain('data-suggestion="SUG-abc"');
    expect(text).toContain('2 → 14');
    expect(text).toContain('<input type="hidden" name="suggestionId" value="SUG-abc">');
    expect(text).toContain('Transfer TRANSFER-SUG-abc recorded.');
    expect(stockFragment(inventory, [], []).text).toContain('No transfer needed');
  });
});
