import { describe, expect, it } from 'vitest';
import { computeKpis, type OrderFacts } from '../../functions/core/analytics/kpis.ts';
import { analyticsRecord } from '../../functions/core/analytics/order-record.ts';
import type { Order, Shipment, ShipmentStatus } from '../../functions/core/orders/types.ts';

const period = { from: '2026-03-10T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z' };

function parcel(
  id: string,
  status: ShipmentStatus,
  extra: Partial<Shipment> & { deliveredAt?: string; cost?: number; co2Kg?: number } = {},
): Shipment {
  const { deliveredAt, cost, co2Kg, ...rest } = extra;
  return {
    shipmentId: id,
    locationId: 'WH-LYON',
    status,
    mode: 'home',
    lines: [{ sku: 'SKU-1', quantity: 1 }],
    reservation: 'held',
    promisedDate: '2026-03-12',
    ...(deliveredAt
      ? { events: [{ eventId: 'e', status: 'DELIVERED', occurredAt: deliveredAt, receivedAt: deliveredAt }] }
      : {}),
    ...(cost === undefined
      ? {}
      : {
          carrierId: 'colis-standard',
          carrierChoice: {
            reason: 'cheapest',
            alternatives: [],
            chosen: {
              carrierId: 'colis-standard',
              service: 'standard',
              cost,
              co2Kg: co2Kg ?? 0,
              deliveryDate: '2026-03-12',
            },
          },
        }),
    ...rest,
  };
}

const order = (id: string, status: Order['status'], shipments: Shipment[], extra: Partial<OrderFacts> = {}) =>
  ({
    orderId: id,
    status,
    channel: 'web',
    shipments,
    createdAt: '2026-03-10T09:00:00.000Z',
    ...extra,
  }) satisfies OrderFacts;

describe('computeKpis', () => {
  const history: OrderFacts[] = [
    // delivered on time in one parcel
    order('A', 'DELIVERED', [
      parcel('A-S1', 'DELIVERED', { deliveredAt: '2026-03-12T15:00:00Z', cost: 6, co2Kg: 0.2 }),
    ]),
    // split in two, one of them a day late (23:30 UTC on the 12th is the 13th in Paris)
    order('B', 'DELIVERED', [
      parcel('B-S1', 'DELIVERED', { deliveredAt: '2026-03-12T23:30:00Z', cost: 8, co2Kg: 0.4 }),
      parcel('B-S2', 'DELIVERED', {
        locationId: 'ST-PARIS',
        deliveredAt: '2026-03-11T10:00:00Z',
        cost: 4,
        co2Kg: 0.1,
      }),
    ]),
    // rejected by its store, re-sourced to a warehouse: still one planned parcel, filled in full
    order('C', 'SHIPPED', [
      parcel('C-S1', 'CANCELLED', {
        locationId: 'ST-PARIS',
        rejection: { reason: 'damaged stock' },
        replacedBy: 'C-S2',
      }),
      parcel('C-S2', 'DISPATCHED', { cost: 5, co2Kg: 0.3 }),
    ]),
    // allocated, then its only parcel was rejected and could go nowhere else: not filled
    order('D', 'REJECTED', [
      parcel('D-S1', 'CANCELLED', {
        locationId: 'ST-PARIS',
        rejection: { reason: 'unfilled: no other location' },
      }),
    ]),
    // nothing could ship it
    order('E', 'REJECTED', []),
    // cancelled by the customer before the pick
    order('F', 'CANCELLED', [parcel('F-S1', 'CANCELLED')], { channel: 'store' }),
    // outside the period
    order('G', 'DELIVERED', [parcel('G-S1', 'DELIVERED', { deliveredAt: '2026-03-12T10:00:00Z' })], {
      createdAt: '2026-03-11T00:00:00.000Z',
    }),
  ];

  it('counts each order received in the period by what became of it', () => {
    const kpis = computeKpis(history, period);
    expect(kpis).toMatchObject({ orders: 6, delivered: 2, rejected: 2, cancelled: 1 });
    // A, B, C allocated in full; D allocated but unfilled; E never allocated; F allocated in full
    expect(kpis.fillRatePct).toBe(66.7);
    // of the five allocated (A, B, C, D, F), B alone was planned in two parcels
    expect(kpis.splitRatePct).toBe(20);
    // parcels not cancelled: A-S1, B-S1, B-S2, C-S2 over the three orders that have one
    expect(kpis.parcelsPerOrder).toBe(1.33);
    // delivered: A-S1 kept, B-S1 late, B-S2 kept
    expect(kpis.promiseKeptPct).toBe(66.7);
    // per order shipped by carrier: A 6, B 12, C 5
    expect(kpis.avgCostEur).toBe(7.67);
    expect(kpis.avgCo2Kg).toBe(0.333);
  });

  it('breaks parcels down by carrier and shipments by location', () => {
    const kpis = computeKpis(history, period);
    expect(kpis.byCarrier).toEqual([
      { carrierId: 'colis-standard', parcels: 4, onTimePct: 66.7, avgCostEur: 5.75, avgCo2Kg: 0.25 },
    ]);
    expect(kpis.byLocation).toEqual([
      { locationId: 'ST-PARIS', shipments: 3, rejections: 2 },
      { locationId: 'WH-LYON', shipments: 4, rejections: 0 },
    ]);
  });

  it('keeps to the channel asked for, and answers null for a ratio of nothing', () => {
    const store = computeKpis(history, { ...period, channel: 'store' });
    expect(store).toMatchObject({ channel: 'store', orders: 1, cancelled: 1, fillRatePct: 100 });
    expect(store).toMatchObject({ promiseKeptPct: null, avgCostEur: null, parcelsPerOrder: null });
    const none = computeKpis(history, { from: '2025-01-01T00:00:00.000Z', to: '2025-01-02T00:00:00.000Z' });
    expect(none).toMatchObject({
      orders: 0,
      fillRatePct: null,
      splitRatePct: null,
      byCarrier: [],
      byLocation: [],
    });
  });
});

describe('analyticsRecord', () => {
  it('flattens an order for a pipeline without the e-mail address or the explanation', () => {
    const full = {
      ...order('A', 'DELIVERED', [
        parcel('A-S1', 'DELIVERED', { deliveredAt: '2026-03-12T15:00:00Z', cost: 6 }),
      ]),
      customer: { id: 'c-1', email: 'someone@example.fr' },
      delivery: {
        mode: 'home',
        address: { line1: '1 rue', postcode: '75002', city: 'Paris', country: 'FR' },
      },
      lines: [{ sku: 'SKU-1', quantity: 1, unitPrice: 10 }],
      history: [],
      sourcing: { cost: 9.5, explanation: { big: true }, attempts: 1, excludedLocations: [] },
      updatedAt: '2026-03-12T15:00:00.000Z',
      version: 4,
    } as Order;
    const record = analyticsRecord(full);
    expect(JSON.stringify(record)).not.toContain('someone@example.fr');
    expect(JSON.stringify(record)).not.toContain('big');
    expect(record).toMatchObject({ customerId: 'c-1', postcode: '75002', sourcingCostEur: 9.5 });
    expect(record.shipments[0]).toMatchObject({
      deliveredAt: '2026-03-12T15:00:00Z',
      promiseKept: true,
      costEur: 6,
      carrierId: 'colis-standard',
    });
  });
});
