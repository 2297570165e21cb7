/**
 * A cancel racing the location's confirmation and the dispatch that follows it, twenty times,
 * through the HTTP contract: the answer is the truth. A 202 means the order ends CANCELLED with
 * its stock back; a 409 means the parcel left, and the order ships.
 */
import { describe, expect, it } from 'vitest';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, stockOf, untilShipment, untilStatus } from '../support/journey.ts';

const local = useTestCloud({ network: 'cr' });
const { api, ids } = local;

const trials = 20;

async function trial(index: number) {
  const placed = await api.post('/orders', homeOrder([{ sku: ids.mug, quantity: 1 }]), {
    'Idempotency-Key': `cr-race-${index}`,
  });
  expect(placed.status).toBe(202);
  const orderId = placed.body.orderId as string;
  const allocated = await untilStatus(api, orderId, 'ALLOCATED');
  const shipmentId = allocated.shipments[0].shipmentId as string;
  // the cancel lands anywhere from before the confirmation to after the dispatch
  const delayMs = (index * 149) % 2500;
  const [confirm, cancel] = await Promise.all([
    api.post(`/shipments/${shipmentId}/confirm`, {}),
    new Promise((resolve) => setTimeout(resolve, delayMs)).then(() =>
      api.post(`/orders/${orderId}/cancel`, {}),
    ),
  ]);
  expect([202, 409]).toContain(cancel.status);
  expect([202, 409]).toContain(confirm.status);
  if (cancel.status === 202) {
    const cancelled = await untilStatus(api, orderId, 'CANCELLED');
    expect(cancelled.shipments[0].status).toBe('CANCELLED');
    expect(cancelled.shipments[0].trackingNumber).toBeUndefined();
    return 'cancelled';
  }
  expect(cancel.headers.get('content-type')).toBe('application/problem+json');
  const shipped = await untilShipment(api, orderId, 'DISPATCHED');
  expect(shipped.status).toBe('SHIPPED');
  return 'shipped';
}

describe('cancel versus confirm', () => {
  it(`tells the truth in ${trials} races: every 202 ends CANCELLED with stock back, every 409 ships`, async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < trials; i += 5)
      outcomes.push(...(await Promise.all([0, 1, 2, 3, 4].map((j) => trial(i + j)))));
    const shipped = outcomes.filter((o) => o === 'shipped').length;
    // the mugs of cancelled orders are back; the shipped ones left the building, nothing stays reserved
    const rows = await Promise.all([ids.lyon, ids.lille, ids.store].map((l) => stockOf(api, ids.mug, l)));
    const onHand = rows.reduce((sum, r) => sum + r.onHand, 0);
    // the small network holds 10 + 10 + 4 mugs
    expect(rows.reduce((sum, r) => sum + r.reserved, 0)).toBe(0);
    expect(onHand).toBe(24 - shipped);
  }, 300_000);
});
