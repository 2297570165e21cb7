import { describe, expect, it } from 'vitest';
import { reconcileAlerts } from '../../functions/core/alerts/lifecycle.ts';
import { type AlertReadings, alertConditions, defaultThresholds } from '../../functions/core/alerts/rules.ts';
import type { Shipment } from '../../functions/core/orders/types.ts';

const now = new Date('2026-03-12T10:00:00Z');

const shipment = (id: string, locationId: string, extra: Partial<Shipment> = {}): Shipment => ({
  shipmentId: id,
  locationId,
  status: 'ALLOCATED',
  mode: 'home',
  lines: [{ sku: 'SKU-1', quantity: 1 }],
  reservation: 'held',
  ...extra,
});

const quiet: AlertReadings = {
  now,
  stock: [
    { sku: 'SKU-1', locationId: 'WH-1', available: 30 },
    { sku: 'SKU-1', locationId: 'ST-1', available: -2 },
  ],
  recentOrders: [],
  deliveries: new Map([['colis-standard', { delivered: 100, onTime: 95 }]]),
  deadLetters: new Map([['NotifyCustomerDeadLetters', 0]]),
};

describe('alertConditions', () => {
  it('finds nothing on a quiet network', () => {
    expect(alertConditions(quiet)).toEqual([]);
  });

  it('flags a SKU whose units available across the network fall below the threshold, critical at none', () => {
    const stock = [
      { sku: 'SKU-LOW', locationId: 'WH-1', available: 3 },
      { sku: 'SKU-LOW', locationId: 'ST-1', available: 1 },
      // a row over-reserved below zero does not hide units elsewhere
      { sku: 'SKU-GONE', locationId: 'WH-1', available: -1 },
      { sku: 'SKU-OK', locationId: 'WH-1', available: 5 },
    ];
    const found = alertConditions({ ...quiet, stock });
    expect(found.map((a) => [a.alertId, a.severity])).toEqual([
      ['stock_low:SKU-GONE', 'critical'],
      ['stock_low:SKU-LOW', 'warning'],
    ]);
    expect(found[1]?.detail).toContain('4 unit(s)');
  });

  it('flags a location from its third rejected shipment in the window', () => {
    const rejected = (id: string, locationId: string) =>
      shipment(id, locationId, { status: 'CANCELLED', rejection: { reason: 'damaged stock' } });
    const recentOrders = [
      {
        orderId: 'A',
        status: 'SHIPPED' as const,
        createdAt: '2026-03-12T08:00:00.000Z',
        shipments: [rejected('A-S1', 'ST-1'), shipment('A-S2', 'WH-1')],
      },
      {
        orderId: 'B',
        status: 'SHIPPED' as const,
        createdAt: '2026-03-12T08:00:00.000Z',
        shipments: [rejected('B-S1', 'ST-1'), rejected('B-S2', 'ST-2')],
      },
    ];
    expect(alertConditions({ ...quiet, recentOrders })).toEqual([]);
    const third = {
      orderId: 'C',
      status: 'REJECTED' as const,
      createdAt: '2026-03-12T08:00:00.000Z',
      shipments: [rejected('C-S1', 'ST-1')],
    };
    const found = alertConditions({ ...quiet, recentOrders: [...recentOrders, third] });
    expect(found.map((a) => a.alertId)).toEqual(['location_rejecting:ST-1']);
    // the same third rejection on an order of two days ago is out of the window
    const old = { ...third, createdAt: '2026-03-10T08:00:00.000Z' };
    expect(alertConditions({ ...quiet, recentOrders: [...recentOrders, old] })).toEqual([]);
  });

  it('flags a carrier below the on-time rate once it has delivered enough to say', () => {
    const deliveries = new Map([
      ['express-24', { delivered: 40, onTime: 34 }],
      ['fret-lourd', { delivered: 40, onTime: 28 }],
      ['velo-urbain', { delivered: 5, onTime: 1 }],
    ]);
    const found = alertConditions({ ...quiet, deliveries });
    expect(found.map((a) => [a.alertId, a.severity])).toEqual([
      ['carrier_late:express-24', 'warning'],
      ['carrier_late:fret-lourd', 'critical'],
    ]);
    expect(found[0]?.detail).toContain('85.0 %');
  });

  it('flags parcels not yet delivered on or past their promised day, critical once one is overdue', () => {
    const open = (id: string, promisedDate: string, extra: Partial<Shipment> = {}) =>
      shipment(id, 'WH-1', { status: 'IN_TRANSIT', promisedDate, ...extra });
    const dueToday = [
      {
        orderId: 'A',
        status: 'SHIPPED' as const,
        createdAt: '2026-03-12T08:00:00.000Z',
        shipments: [open('A-S1', '2026-03-12')],
      },
    ];
    expect(alertConditions({ ...quiet, recentOrders: dueToday })[0]).toMatchObject({
      alertId: 'promises_at_risk:network',
      severity: 'warning',
    });
    const settled = [
      {
        orderId: 'B',
        status: 'SHIPPED' as const,
        createdAt: '2026-03-12T08:00:00.000Z',
        shipments: [
          open('B-S1', '2026-03-10', { status: 'DELIVERED' }),
          open('B-S2', '2026-03-10', { status: 'LOST', replacedBy: 'B-S3' }),
          open('B-S3', '2026-03-14'),
        ],
      },
    ];
    expect(alertConditions({ ...quiet, recentOrders: settled })).toEqual([]);
    const overdue = [
      ...dueToday,
      {
        orderId: 'C',
        status: 'SHIPPED' as const,
        createdAt: '2026-03-12T08:00:00.000Z',
        shipments: [open('C-S1', '2026-03-11')],
      },
    ];
    const [alert] = alertConditions({ ...quiet, recentOrders: overdue });
    expect(alert).toMatchObject({ severity: 'critical' });
    expect(alert?.detail).toContain('2 parcel(s) of 2 order(s)');
  });

  it('flags every dead-letter queue with a message waiting', () => {
    const deadLetters = new Map([
      ['NotifyCustomerDeadLetters', 2],
      ['CarrierTrackingDeadLetters', 0],
    ]);
    expect(alertConditions({ ...quiet, deadLetters }).map((a) => a.alertId)).toEqual([
      'dead_letters:NotifyCustomerDeadLetters',
    ]);
  });

  it('reads thresholds given in place of the defaults', () => {
    const strict = { ...defaultThresholds, lowStockUnits: 100 };
    expect(alertConditions(quiet, strict).map((a) => a.alertId)).toEqual(['stock_low:SKU-1']);
  });
});

describe('reconcileAlerts', () => {
  const low = alertConditions({ ...quiet, stock: [{ sku: 'SKU-2', locationId: 'WH-1', available: 2 }] });
  const later = new Date('2026-03-12T11:00:00Z');

  it('raises a new condition once, keeps its since while it lasts and clears it when it is gone', () => {
    const first = reconcileAlerts([], low, now);
    expect(first.raise).toEqual([{ ...low[0], since: now.toISOString() }]);
    const open = first.raise;
    expect(reconcileAlerts(open, low, later)).toEqual({ raise: [], refresh: [], clear: [] });
    const worse = alertConditions({ ...quiet, stock: [{ sku: 'SKU-2', locationId: 'WH-1', available: 0 }] });
    const refreshed = reconcileAlerts(open, worse, later);
    expect(refreshed.raise).toEqual([]);
    expect(refreshed.refresh).toEqual([{ ...worse[0], since: now.toISOString() }]);
    expect(reconcileAlerts(open, [], later)).toEqual({ raise: [], refresh: [], clear: open });
  });
});
