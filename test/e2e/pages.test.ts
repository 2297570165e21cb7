import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../local/seed.ts';
import { startTraffic, type Traffic } from '../../local/traffic.ts';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import { parisAddress } from '../support/journey.ts';

/**
 * The operator's pages in headless Chromium (Debian's, driven by playwright-core) against a local
 * cloud seeded with the demo network, autopilot off: an order waits in PickPack until the test
 * confirms it. Screenshots go to test/screenshots/ (git-ignored) for a person to look at.
 */
const fixture = useTestCloud();
const screenshots = 'test/screenshots';
let browser: Browser;
let traffic: Traffic;

beforeAll(async () => {
  await seedDemo(fixture.cloud.url);
  traffic = startTraffic({ baseUrl: fixture.cloud.url, perMinute: 0 });
  fixture.cloud.pages.useTraffic(traffic);
  mkdirSync(screenshots, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 180_000);

afterAll(async () => {
  traffic?.stop();
  await browser?.close();
});

/** A page whose console errors and uncaught exceptions are collected. */
async function openPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${fixture.cloud.url}${path}`);
  await page.locator('#live-status', { hasText: 'live' }).waitFor({ timeout: 15_000 });
  return { page, errors };
}

const orderId = 'PAGES-0001';

describe("the operator's pages", () => {
  it('show a new order in the list without a reload, with its status counted', async () => {
    const { page, errors } = await openPage('/');
    const before = Number(await page.locator('[data-kpi="total"]').textContent());
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    const placed = await fixture.api.placeOrder({
      orderId,
      channel: 'web',
      customer: { id: 'pages-customer', email: 'pages@example.fr' },
      delivery: { mode: 'home', address: parisAddress },
      lines: [{ sku: 'SKU-0002', quantity: 1, unitPrice: 109.99 }],
    });
    expect(placed.status).toBe(202);
    await page.locator(`tr[data-order="${orderId}"]`).waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    await expect
      .poll(async () => Number(await page.locator('[data-kpi="total"]').textContent()), { timeout: 20_000 })
      .toBe(before + 1);
    await page.screenshot({ path: `${screenshots}/orders.png` });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("draw the order's workflow with the state it waits in, and its sourcing on the map of France", async () => {
    // the order waits in PickPack for the store or warehouse to confirm (the autopilot is off)
    await eventually(async () => {
      const tokens = await fixture.cloud.stepFunctions.pendingTaskTokens();
      return tokens.some(
        (token) => token.executionArn.endsWith(`:${orderId}`) && token.stateName === 'PickPack',
      )
        ? true
        : undefined;
    }, 'the order to wait in PickPack');
    const { page, errors } = await openPage(`/_pages/orders/${orderId}`);
    const state = (name: string) => page.locator(`svg.workflow [data-state="${name}"]`).first();
    expect(await state('PickPack').getAttribute('data-mark')).toBe('current');
    expect(await state('AllocateOrder').getAttribute('data-mark')).toBe('passed');
    expect(await state('TrackShipment').getAttribute('data-mark')).toBe('unreached');
    expect(await page.locator('svg.workflow g.state').count()).toBeGreaterThanOrEqual(11);

    const outline = await page.locator('svg.france-map path.france').getAttribute('d');
    expect(outline?.length).toBeGreaterThan(2000);
    const order = (await fixture.api.get(`/orders/${orderId}`)).body;
    const shipsFrom: string = order.shipments[0].locationId;
    await page.locator(`svg.france-map .chosen[data-location="${shipsFrom}"]`).waitFor();
    expect(await page.locator('svg.france-map .destination').count()).toBe(1);
    const box = await page.locator('svg.france-map').boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    await page.screenshot({ path: `${screenshots}/order.png`, fullPage: true });

    // the location confirms: the page follows the order to dispatch without a reload
    const confirmed = await fixture.api.post(`/shipments/${order.shipments[0].shipmentId}/confirm`, {});
    expect(confirmed.status).toBe(202);
    await page
      .locator('[data-shipment] .status', { hasText: /DISPATCHED|IN_TRANSIT/ })
      .first()
      .waitFor({ timeout: 20_000 });
    expect(await state('PickPack').getAttribute('data-mark')).toBe('passed');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("show a SKU's stock across the network with the order's reservation", async () => {
    const { page, errors } = await openPage('/_pages/stock?sku=SKU-0002');
    const rows = page.locator('#stock-table tbody tr');
    expect(await rows.count()).toBeGreaterThan(4);
    const inventory = (await fixture.api.get('/inventory/SKU-0002')).body;
    expect(Number(await page.locator('[data-kpi="ats"]').textContent())).toBe(inventory.ats);
    await page.screenshot({ path: `${screenshots}/stock.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('set the demo traffic from the control, and the orders it places flow into the list', async () => {
    const { page, errors } = await openPage('/');
    await page.locator('#traffic-rate').fill('600');
    await page.locator('#traffic button').click();
    await expect.poll(() => traffic.perMinute, { timeout: 10_000 }).toBe(600);
    await expect
      .poll(() => page.locator('#order-list tbody tr').count(), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(4);
    await page.locator('#traffic-rate').fill('0');
    await page.locator('#traffic button').click();
    await expect.poll(() => traffic.perMinute, { timeout: 10_000 }).toBe(0);
    expect(traffic.placed).toBeGreaterThanOrEqual(3);
    expect(traffic.refused).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('show the KPIs and the open alerts, with charts drawn from the API, live', async () => {
    const { page, errors } = await openPage('/_pages/analytics');
    const kpi = async (name: string) => (await page.locator(`[data-kpi="${name}"]`).textContent())?.trim();
    const since = new Date(Date.now() - 86_400_000).toISOString();
    const kpis = (await fixture.api.get(`/analytics/kpis?from=${since}`)).body;
    expect(Number(await kpi('orders'))).toBe(kpis.orders);
    expect(kpis.orders).toBeGreaterThanOrEqual(4);
    expect(await kpi('fillRatePct')).toBe(`${kpis.fillRatePct} %`);
    // the order dispatched above went with a carrier: one bar per carrier, each named
    const carriers = kpis.byCarrier.map((c: { carrierId: string }) => c.carrierId);
    expect(carriers.length).toBeGreaterThanOrEqual(1);
    for (const carrierId of carriers)
      expect(await page.locator(`svg.chart.carriers [data-carrier="${carrierId}"] rect`).count()).toBe(1);
    expect(await page.locator('svg.chart.locations g[data-location]').count()).toBe(
      Math.min(14, kpis.byLocation.length),
    );
    const alerts = (await fixture.api.get('/alerts')).body.items;
    expect(await page.locator('#alerts tr[data-alert]').count()).toBe(alerts.length);
    await page.screenshot({ path: `${screenshots}/analytics.png`, fullPage: true });

    // a new order counts in the figures without a reload
    const placed = await fixture.api.placeOrder({
      orderId: 'PAGES-KPIS',
      channel: 'web',
      customer: { id: 'pages-customer' },
      delivery: { mode: 'home', address: parisAddress },
      lines: [{ sku: 'SKU-0002', quantity: 1 }],
    });
    expect(placed.status).toBe(202);
    await expect.poll(async () => Number(await kpi('orders')), { timeout: 20_000 }).toBe(kpis.orders + 1);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the API docs page (/docs)', () => {
  it('shows every operation of /openapi.json and sends one with the token typed in, offline', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    const outside: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(fixture.cloud.url)) outside.push(request.url());
    });
    await page.goto(`${fixture.cloud.url}/docs`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 15_000 });

    const description = (await fixture.api.get('/openapi.json')).body as { paths: Record<string, object> };
    const operations = Object.values(description.paths).flatMap((item) => Object.keys(item));
    expect(await page.locator('section.operation').count()).toBe(operations.length);
    expect(await page.locator('#CreateOrder .required').count()).toBeGreaterThan(3);

    const inventory = page.locator('section#GetInventory');
    await inventory.locator('summary', { hasText: 'Try it' }).click();
    await inventory.locator('input[data-name="sku"]').fill('SKU-0002');
    await inventory.locator('button', { hasText: 'Send GET' }).click();
    const answer = inventory.locator('pre.answer[data-status]');
    await answer.waitFor({ timeout: 10_000 });
    expect(await answer.getAttribute('data-status')).toBe('200');
    expect(await answer.textContent()).toContain('"sku": "SKU-0002"');
    await page.screenshot({ path: `${screenshots}/docs.png` });

    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
