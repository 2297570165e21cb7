/**
 * Forty customers reach for ten units at once, through the public API: the reservations are all
 * or nothing, so exactly ten orders get a unit, the thirty others are refused with a reason, and
 * no location ever promises a unit it does not have.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, orderOf } from '../support/journey.ts';

const { api, ids } = useTestCloud({ network: 'ic' });

interface StockRow {
  locationId: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  available: number;
}

/** Reads the SKU's stock until stopped, and keeps every reading that breaks the invariants. */
function watchStock(sku: string) {
  const violations: { at: number; row: StockRow }[] = [];
  let readings = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      const { status, body } = await api.get(`/inventory/${sku}`);
      if (status === 200) {
        readings++;
        for (const row of body.locations as StockRow[]) {
          const free = row.onHand - row.reserved - row.safetyStock;
          if (row.available < 0 || free < 0 || row.reserved < 0) violations.push({ at: Date.now(), row });
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  return {
    violations,
    readings: () => readings,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

async function rush(round: number, options: { recounts: boolean }) {
  const sku = `ic-RUSH-${round}`;
  expect((await api.put(`/products/${sku}`, { name: `Rush ${round}`, weightKg: 0.3 })).status).toBe(200);
  expect((await api.put(`/inventory/${ids.lyon}/${sku}`, { onHand: 6 })).status).toBe(200);
  expect((await api.put(`/inventory/${ids.lille}/${sku}`, { onHand: 4 })).status).toBe(200);

  const watcher = watchStock(sku);
  // the WMS re-sends the same shelf counts while the orders land: a count must never drop a reservation
  const recounts = options.recounts
    ? Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          await new Promise((resolve) => setTimeout(resolve, 30 * i));
          const answers = await Promise.all([
            api.put(`/inventory/${ids.lyon}/${sku}`, { onHand: 6 }),
            api.put(`/inventory/${ids.lille}/${sku}`, { onHand: 4 }),
          ]);
          return answers.map((a) => a.status);
        }),
      )
    : Promise.resolve([]);
  const answers = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      api.placeOrder(
        { ...homeOrder([{ sku, quantity: 1 }]), orderId: `ic-R${round}-O${i}`, customer: { id: `ic-c${i}` } },
        `ic-key-${round}-${i}`,
      ),
    ),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(40).fill(202));
  const orderIds = answers.map((a) => a.body.orderId as string);

  const outcomes = await eventually(
    async () => {
      const orders = await Promise.all(orderIds.map((id) => orderOf(api, id)));
      return orders.every((o) => o.status === 'ALLOCATED' || o.status === 'REJECTED') ? orders : undefined;
    },
    `40 orders of round ${round} to be ALLOCATED or REJECTED`,
    90_000,
  );
  await watcher.stop();
  // a count may lose its race and ask to be retried (409), never fail otherwise
  for (const status of (await recounts).flat()) expect([200, 409]).toContain(status);

  const allocated = outcomes.filter((o) => o.status === 'ALLOCATED');
  const rejected = outcomes.filter((o) => o.status === 'REJECTED');
  expect(allocated).toHaveLength(10);
  expect(rejected).toHaveLength(30);
  for (const order of rejected) {
    expect(order.rejection.reason).toEqual(expect.any(String));
    expect(order.rejection.reason.length).toBeGreaterThan(0);
    expect(order.shipments.filter((s: { status: string }) => s.status !== 'CANCELLED')).toEqual([]);
  }

  const units = new Map<string, number>();
  for (const order of allocated) {
    const live = order.shipments.filter((s: { status: string }) => s.status !== 'CANCELLED');
    expect(live).toHaveLength(1);
    units.set(live[0].locationId, (units.get(live[0].locationId) ?? 0) + live[0].lines[0].quantity);
  }
  expect(Object.fromEntries(units)).toEqual({ [ids.lyon]: 6, [ids.lille]: 4 });

  const stock = (await api.get(`/inventory/${sku}`)).body;
  const rows = Object.fromEntries((stock.locations as StockRow[]).map((r) => [r.locationId, r]));
  expect(rows[ids.lyon]).toMatchObject({ onHand: 6, reserved: 6, available: 0 });
  expect(rows[ids.lille]).toMatchObject({ onHand: 4, reserved: 4, available: 0 });
  expect((stock.locations as StockRow[]).reduce((sum, r) => sum + r.reserved, 0)).toBe(10);
  expect(stock.ats).toBe(0);

  expect(watcher.readings()).toBeGreaterThan(0);
  expect(watcher.violations).toEqual([]);
  return { allocated: allocated.length, rejected: rejected.length, readings: watcher.readings() };
}

describe('forty concurrent single-unit orders on ten units (6 + 4 at two warehouses)', () => {
  it('allocates exactly ten and rejects thirty with a reason, twice over with fresh SKUs', async () => {
    for (const round of [1, 2]) {
      const started = Date.now();
      const result = await rush(round, { recounts: false });
      console.info(`round ${round}: ${JSON.stringify(result)} in ${Date.now() - started} ms`);
    }
  }, 240_000);

  it('keeps every reservation when the same counts are re-sent while the orders land', async () => {
    const started = Date.now();
    const result = await rush(3, { recounts: true });
    console.info(`round 3 (with recounts): ${JSON.stringify(result)} in ${Date.now() - started} ms`);
  }, 120_000);
});
