import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Autopilot, startAutopilot } from '../../local/autopilot.ts';
import { mulberry32 } from '../../local/demo/random.ts';
import { seedDemo } from '../../local/seed.ts';
import { createDemoOrderSampler } from '../../local/traffic.ts';
import { eventually, testWebhookSecret } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import { expectProblem } from '../support/problem.ts';

/**
 * A day of demo orders on the demo network, driven to their ends by the autopilot's stores (one in
 * five picks rejected) and carriers; then the KPIs, the export and the alerts are checked against
 * a count the test makes itself from `GET /orders/{id}`.
 */
const fixture = useTestCloud();
const { api } = fixture;
const orderCount = 36;
const settled = new Set(['DELIVERED', 'COLLECTED', 'REJECTED', 'CANCELLED']);
/** What the test reads of `GET /orders/{id}` to count for itself. */
interface ShipmentSeen {
  shipmentId: string;
  locationId: string;
  status: string;
  lines: { sku: string; quantity: number }[];
  carrierId?: string;
  promisedDate: string;
  rejection?: { reason: string };
  replacedBy?: string;
  events: { status: string; occurredAt: string }[];
  carrierChoice?: { chosen: { cost: number; co2Kg: number } };
}
interface OrderSeen {
  orderId: string;
  status: string;
  channel: string;
  lines: { sku: string }[];
  shipments: ShipmentSeen[];
}
let orders: OrderSeen[] = [];
let from = '';
let to = '';
let autopilot: Autopilot;

beforeAll(async () => {
  await seedDemo(fixture.cloud.url);
  autopilot = startAutopilot({
    baseUrl: fixture.cloud.url,
    webhookSecret: testWebhookSecret,
    bus: fixture.cloud.bus,
    speed: 8,
    rejectRate: 0.2,
    failedAttemptRate: 0.1,
    lostRate: 0,
    seed: 42,
    logger: { info: () => {}, warn: () => {} },
  });
  const draw = createDemoOrderSampler(mulberry32(2026));
  from = new Date().toISOString();
  const ids: string[] = [];
  for (let i = 0; i < orderCount; i++) {
    const placed = await api.placeOrder({ ...draw(), orderId: `DAY-${String(i).padStart(3, '0')}` });
    expect(placed.status).toBe(202);
    ids.push(placed.body.orderId);
  }
  to = new Date(Date.now() + 1).toISOString();
  orders = await eventually(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const read = await Promise.all(ids.map(async (id) => (await api.get(`/orders/${id}`)).body));
      return read.every((o) => settled.has(o.status)) ? read : undefined;
    },
    'every order of the day to end',
    240_000,
  );
  autopilot.stop();
}, 300_000);

afterAll(() => autopilot?.stop());

const pct = (part: number, whole: number) => Math.round((1000 * part) / whole) / 10;

describe('GET /analytics/kpis after a day of demo orders', () => {
  it('counts what the orders say', async () => {
    const answer = await api.get(`/analytics/kpis?from=${from}&to=${to}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const kpis = answer.body;
    const byStatus = (...statuses: string[]) => orders.filter((o) => statuses.includes(o.status)).length;
    const shipments = orders.flatMap((o) => o.shipments);
    const allocated = orders.filter((o: OrderSeen) => o.shipments.length > 0);
    const unfilled = (o: OrderSeen) =>
      o.shipments.some((s: ShipmentSeen) => s.status === 'CANCELLED' && s.rejection && !s.replacedBy);
    const replacing = (o: OrderSeen) =>
      new Set(o.shipments.map((s: ShipmentSeen) => s.replacedBy).filter(Boolean));
    const planned = (o: OrderSeen) =>
      o.shipments.filter((s: ShipmentSeen) => !replacing(o).has(s.shipmentId));
    const parcels = shipments.filter((s: ShipmentSeen) => s.status !== 'CANCELLED');

    expect(kpis).toMatchObject({
      from,
      to,
      orders: orderCount,
      delivered: byStatus('DELIVERED', 'COLLECTED'),
      rejected: byStatus('REJECTED'),
      cancelled: byStatus('CANCELLED'),
      fillRatePct: pct(allocated.filter((o) => !unfilled(o)).length, orderCount),
      splitRatePct: pct(allocated.filter((o) => planned(o).length > 1).length, allocated.length),
    });
    // the day had every kind of order the KPIs tell apart
    expect(kpis.delivered).toBeGreaterThan(10);
    expect(shipments.some((s) => s.rejection)).toBe(true);
    expect(kpis.splitRatePct).toBeGreaterThanOrEqual(0);

    const withParcels = orders.filter((o) =>
      o.shipments.some((s: { status: string }) => s.status !== 'CANCELLED'),
    );
    expect(kpis.parcelsPerOrder).toBe(Math.round((100 * parcels.length) / withParcels.length) / 100);

    // promise kept: each delivered parcel's carrier-reported delivery day against its promised date
    const delivered = parcels.filter((s: { status: string }) => s.status === 'DELIVERED');
    const parisDayOf = (iso: string) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(iso));
    const kept = delivered.filter(
      (s: { events: { status: string; occurredAt: string }[]; promisedDate: string }) =>
        parisDayOf(s.events.find((e) => e.status === 'DELIVERED')?.occurredAt ?? '') <= s.promisedDate,
    );
    expect(delivered.length).toBeGreaterThan(0);
    expect(kpis.promiseKeptPct).toBe(pct(kept.length, delivered.length));

    // cost and CO2: the carrier offer each parcel was dispatched with, summed per order
    const carried = orders
      .map((o) =>
        o.shipments.flatMap((s) =>
          s.status !== 'CANCELLED' && s.carrierChoice ? [s.carrierChoice.chosen] : [],
        ),
      )
      .filter((costs) => costs.length > 0);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const orderCosts = carried.map((costs) => sum(costs.map((c) => c.cost)));
    expect(kpis.avgCostEur).toBeCloseTo(sum(orderCosts) / orderCosts.length, 2);
    expect(kpis.avgCostEur).toBeGreaterThan(0);
    const orderCo2 = carried.map((costs) => sum(costs.map((c) => c.co2Kg)));
    expect(kpis.avgCo2Kg).toBeCloseTo(sum(orderCo2) / orderCo2.length, 3);
  });

  it('breaks the day down by carrier and by location', async () => {
    const kpis = (await api.get(`/analytics/kpis?from=${from}&to=${to}`)).body;
    const shipments = orders.flatMap((o) => o.shipments);
    const parcels = shipments.filter((s) => s.status !== 'CANCELLED' && s.carrierId);
    const carriers = [...new Set(parcels.flatMap((s) => s.carrierId ?? []))].sort();
    expect(kpis.byCarrier.map((c: { carrierId: string }) => c.carrierId)).toEqual(carriers);
    for (const row of kpis.byCarrier) {
      const own = parcels.filter((s) => s.carrierId === row.carrierId);
      expect(row.parcels).toBe(own.length);
      const costs = own.flatMap((s) => s.carrierChoice?.chosen.cost ?? []);
      expect(row.avgCostEur).toBeCloseTo(costs.reduce((a, b) => a + b, 0) / costs.length, 2);
    }
    const locations = [...new Set<string>(shipments.map((s) => s.locationId))].sort();
    expect(kpis.byLocation).toEqual(
      locations.map((locationId) => ({
        locationId,
        shipments: shipments.filter((s) => s.locationId === locationId).length,
        rejections: shipments.filter((s) => s.locationId === locationId && s.rejection).length,
      })),
    );
  });

  it('filters by channel and counts nothing outside the period', async () => {
    const web = orders.filter((o) => o.channel === 'web');
    const answer = await api.get(`/analytics/kpis?from=${from}&to=${to}&channel=web`);
    expect(answer.body).toMatchObject({ channel: 'web', orders: web.length });
    const dayBefore = new Date(Date.parse(from) - 86_400_000).toISOString();
    const before = await api.get(`/analytics/kpis?from=${dayBefore}&to=${from}`);
    expect(before.body).toMatchObject({ orders: 0, fillRatePct: null, byCarrier: [], byLocation: [] });
  });

  it('refuses a bad period with a problem naming the field', async () => {
    expectProblem(await api.get('/analytics/kpis?from=yesterday'), 400, 'queryStringParameters.from');
    expectProblem(await api.get(`/analytics/kpis?from=${to}&to=${from}`), 400, 'queryStringParameters.to');
    expectProblem(
      await api.get('/analytics/kpis?from=2026-01-01&to=2026-03-01'),
      400,
      'queryStringParameters.to',
    );
    expectProblem(await api.get('/analytics/kpis?channel=fax'), 400, 'queryStringParameters.channel');
  });
});

describe('GET /analytics/orders', () => {
  it('exports the day as NDJSON, page after page by its cursor, each order once', async () => {
    const seen: string[] = [];
    let path: string | undefined = `/analytics/orders?from=${from}&to=${to}&limit=10`;
    let pages = 0;
    while (path) {
      const response = await fetch(`${fixture.cloud.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/x-ndjson');
      const lines = (await response.text()).split('\n').filter(Boolean);
      expect(lines.length).toBeLessThanOrEqual(10);
      expect(Number(response.headers.get('x-relais-count'))).toBe(lines.length);
      for (const line of lines) {
        const record = JSON.parse(line);
        expect(record).not.toHaveProperty('customer');
        seen.push(record.orderId);
        const order = orders.find((o) => o.orderId === record.orderId);
        expect(record).toMatchObject({ status: order?.status, channel: order?.channel });
        expect(record.shipments).toHaveLength(order?.shipments.length ?? -1);
      }
      path = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
      pages += 1;
    }
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(seen).toEqual(orders.map((o) => o.orderId).sort());
  });

  it('refuses a cursor of another period or one it never gave', async () => {
    const first = await fetch(`${fixture.cloud.url}/analytics/orders?from=${from}&to=${to}&limit=1`);
    const cursor = first.headers.get('x-relais-next-cursor') as string;
    expect(cursor).toEqual(expect.any(String));
    expectProblem(
      await api.get(`/analytics/orders?from=2020-01-01&to=2020-01-02&cursor=${cursor}`),
      400,
      'queryStringParameters.cursor',
    );
    expectProblem(
      await api.get('/analytics/orders?cursor=bm90LWEtY3Vyc29y'),
      400,
      'queryStringParameters.cursor',
    );
    expectProblem(await api.get('/analytics/orders?limit=0'), 400, 'queryStringParameters.limit');
  });
});

describe('GET /alerts after the day', () => {
  it('holds an alert for each location that rejected three times or more, and for each low SKU', async () => {
    const answer = await api.get('/alerts');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const alerts: { alertId: string; kind: string; subject: string; severity: string; since: string }[] =
      answer.body.items;
    const rejections = new Map<string, number>();
    for (const s of orders.flatMap((o) => o.shipments))
      if (s.rejection) rejections.set(s.locationId, (rejections.get(s.locationId) ?? 0) + 1);
    const rejecting = [...rejections].filter(([, n]) => n >= 3).map(([locationId]) => locationId);
    expect(
      alerts
        .filter((a) => a.kind === 'location_rejecting')
        .map((a) => a.subject)
        .sort(),
    ).toEqual(rejecting.sort());

    const skus = [...new Set<string>(orders.flatMap((o) => o.lines.map((l: { sku: string }) => l.sku)))];
    for (const sku of skus) {
      const inventory = (await api.get(`/inventory/${sku}`)).body;
      // a kit holds no stock of its own: its components are the SKUs with rows
      if (inventory.locations.length === 0) continue;
      const available = inventory.locations.reduce(
        (sum: number, l: { available: number }) => sum + Math.max(0, l.available),
        0,
      );
      expect(
        alerts.some((a) => a.alertId === `stock_low:${sku}`),
        `${sku}: ${available} available`,
      ).toBe(available < 5);
    }
    expect(alerts.filter((a) => a.kind === 'dead_letters')).toEqual([]);
  });

  it('raises each alert once, with AlertRaised.v1, and keeps it open while it holds', async () => {
    const first = (await api.get('/alerts')).body.items;
    const second = (await api.get('/alerts')).body.items;
    expect(second).toEqual(first);
    // announced with the alerts' writes: on the bus once the outbox pipe delivered them
    await fixture.cloud.idle();
    const raised = fixture.events.filter((e) => e['detail-type'] === 'AlertRaised.v1');
    const raisedIds = raised.map((e) => (e.detail as { alertId: string }).alertId);
    expect(new Set(raisedIds).size).toBe(raisedIds.length);
    expect([...raisedIds].sort()).toEqual(first.map((a: { alertId: string }) => a.alertId).sort());
  });
});

describe('GET /replenishment/suggestions after the day', () => {
  it('sends stock to the location that sold a SKU out, raising its cover from the lowest', async () => {
    // the SKU and location the day's shipments drew most units from, by the test's own count
    const served = new Map<string, number>();
    for (const order of orders)
      for (const s of order.shipments) {
        if (s.status === 'CANCELLED' && !s.replacedBy) continue;
        for (const line of s.lines)
          served.set(
            `${line.sku} ${s.locationId}`,
            (served.get(`${line.sku} ${s.locationId}`) ?? 0) + line.quantity,
          );
      }
    const [busiest] = [...served].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (!busiest) throw new Error('the day shipped nothing');
    const [sku, soldOut] = busiest[0].split(' ') as [string, string];
    // that location counts its shelf empty: no cover at all, while others hold the SKU
    expect((await api.put(`/inventory/${soldOut}/${sku}`, { onHand: 0 })).status).toBe(200);
    const elsewhere = (await api.get(`/inventory/${sku}`)).body.locations.filter(
      (l: { locationId: string; available: number }) => l.locationId !== soldOut && l.available > 0,
    );
    expect(elsewhere.length, `another location holds ${sku}`).toBeGreaterThan(0);

    const response = await api.get(`/replenishment/suggestions?sku=${sku}`);
    expect(response.status).toBe(200);
    const items = response.body.items as {
      fromLocationId: string;
      toLocationId: string;
      quantity: number;
      coverDaysBefore: number;
      coverDaysAfter: number;
    }[];
    const toSoldOut = items.filter((i) => i.toLocationId === soldOut);
    expect(toSoldOut.length, JSON.stringify(items)).toBeGreaterThan(0);
    const lowest = Math.min(...items.map((i) => i.coverDaysBefore));
    for (const item of toSoldOut) {
      expect(item.coverDaysBefore).toBe(0);
      expect(item.coverDaysBefore).toBe(lowest);
      expect(item.coverDaysAfter).toBeGreaterThan(item.coverDaysBefore);
      const origin = elsewhere.find((l: { locationId: string }) => l.locationId === item.fromLocationId);
      expect(origin?.available ?? 0, item.fromLocationId).toBeGreaterThanOrEqual(item.quantity);
    }
    for (const item of items) expect(item.coverDaysAfter).toBeGreaterThan(item.coverDaysBefore);
  });
});
