import { isoDay, parisDay } from '../carriers/calendar.ts';
import { isTerminalShipment } from '../orders/status.ts';
import type { Order } from '../orders/types.ts';

export const alertKinds = [
  'stock_low',
  'location_rejecting',
  'carrier_late',
  'promises_at_risk',
  'dead_letters',
] as const;
export const alertSeverities = ['warning', 'critical'] as const;

export type AlertKind = (typeof alertKinds)[number];
export type AlertSeverity = (typeof alertSeverities)[number];

/** A condition that holds now: one per (kind, subject), the same one while it lasts. */
export interface AlertCondition {
  alertId: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** what it is about: a SKU, a location, a carrier, a queue, or `network` */
  subject: string;
  detail: string;
}

/** What the rules look at, read through the ports. */
export interface AlertReadings {
  now: Date;
  /** every stock row: a SKU's units available at a location */
  stock: readonly { sku: string; locationId: string; available: number }[];
  /** the orders received within `thresholds.promiseWindowHours` before now (the longer window) */
  recentOrders: readonly Pick<Order, 'orderId' | 'shipments' | 'status' | 'createdAt'>[];
  /** each carrier's counted deliveries since it started, and how many were on time */
  deliveries: ReadonlyMap<string, { delivered: number; onTime: number }>;
  /** messages waiting in each dead-letter queue, by queue name */
  deadLetters: ReadonlyMap<string, number>;
}

export interface AlertThresholds {
  /** a SKU is low when its units available across the network are below this (critical at 0) */
  lowStockUnits: number;
  /** a location rejects repeatedly from this many rejected shipments within the window */
  rejectionsPerLocation: number;
  /** a carrier is late when its on-time rate is below this share (critical below `lateCriticalRate`)… */
  onTimeRate: number;
  lateCriticalRate: number;
  /** …over at least this many deliveries, so that two late parcels of a new carrier say nothing */
  minDeliveries: number;
  /** how far back the rejection rule looks */
  windowHours: number;
  /** how far back the promise rule looks: a parcel may travel for days after its order */
  promiseWindowHours: number;
}

export const defaultThresholds: AlertThresholds = {
  lowStockUnits: 5,
  rejectionsPerLocation: 3,
  onTimeRate: 0.9,
  lateCriticalRate: 0.75,
  minDeliveries: 20,
  windowHours: 24,
  promiseWindowHours: 14 * 24,
};

/** The id of a condition: the same kind and subject is the same alert for as long as it lasts. */
export function alertIdOf(kind: AlertKind, subject: string): string {
  return `${kind}:${subject}`;
}

const condition = (c: Omit<AlertCondition, 'alertId'>): AlertCondition => ({
  alertId: alertIdOf(c.kind, c.subject),
  ...c,
});

export function lowStock(readings: AlertReadings, t: AlertThresholds): AlertCondition[] {
  const bySku = new Map<string, number>();
  for (const row of readings.stock)
    bySku.set(row.sku, (bySku.get(row.sku) ?? 0) + Math.max(0, row.available));
  return [...bySku.entries()]
    .filter(([, units]) => units < t.lowStockUnits)
    .map(([sku, units]) =>
      condition({
        kind: 'stock_low',
        severity: units === 0 ? 'critical' : 'warning',
        subject: sku,
        detail: `${units} unit(s) available across the network (threshold ${t.lowStockUnits})`,
      }),
    );
}

export function rejectingLocations(readings: AlertReadings, t: AlertThresholds): AlertCondition[] {
  const byLocation = new Map<string, number>();
  const since = new Date(readings.now.getTime() - t.windowHours * 3_600_000).toISOString();
  for (const s of readings.recentOrders.filter((o) => o.createdAt >= since).flatMap((o) => o.shipments))
    if (s.rejection) byLocation.set(s.locationId, (byLocation.get(s.locationId) ?? 0) + 1);
  return [...byLocation.entries()]
    .filter(([, rejections]) => rejections >= t.rejectionsPerLocation)
    .map(([locationId, rejections]) =>
      condition({
        kind: 'location_rejecting',
        severity: rejections >= 2 * t.rejectionsPerLocation ? 'critical' : 'warning',
        subject: locationId,
        detail: `${rejections} shipment(s) rejected or left unanswered in the last ${t.windowHours} h (threshold ${t.rejectionsPerLocation})`,
      }),
    );
}

export function lateCarriers(readings: AlertReadings, t: AlertThresholds): AlertCondition[] {
  return [...readings.deliveries.entries()]
    .filter(([, c]) => c.delivered >= t.minDeliveries && c.onTime / c.delivered < t.onTimeRate)
    .map(([carrierId, c]) => {
      const rate = c.onTime / c.delivered;
      return condition({
        kind: 'carrier_late',
        severity: rate < t.lateCriticalRate ? 'critical' : 'warning',
        subject: carrierId,
        detail: `${(rate * 100).toFixed(1)} % on time over ${c.delivered} deliveries (threshold ${t.onTimeRate * 100} %)`,
      });
    });
}

/**
 * Parcels not yet delivered whose promised day has come (due today, Paris day) or gone: one alert
 * for the network, critical once one is overdue.
 */
export function promisesAtRisk(readings: AlertReadings, _t: AlertThresholds): AlertCondition[] {
  const today = isoDay(parisDay(readings.now).day);
  const open = readings.recentOrders.flatMap((o) =>
    o.shipments
      .filter((s) => !s.replacedBy && !isTerminalShipment(s.status) && s.status !== 'READY_FOR_PICKUP')
      .filter((s) => s.promisedDate !== undefined && s.promisedDate <= today)
      .map((s) => ({ orderId: o.orderId, overdue: (s.promisedDate as string) < today })),
  );
  if (open.length === 0) return [];
  const overdue = open.filter((s) => s.overdue).length;
  const orders = [...new Set(open.map((s) => s.orderId))];
  return [
    condition({
      kind: 'promises_at_risk',
      severity: overdue > 0 ? 'critical' : 'warning',
      subject: 'network',
      detail: `${open.length} parcel(s) of ${orders.length} order(s) due today or overdue (${overdue} overdue): ${orders.slice(0, 10).join(', ')}${orders.length > 10 ? ', …' : ''}`,
    }),
  ];
}

export function deadLettersWaiting(readings: AlertReadings, _t: AlertThresholds): AlertCondition[] {
  return [...readings.deadLetters.entries()]
    .filter(([, messages]) => messages > 0)
    .map(([queue, messages]) =>
      condition({
        kind: 'dead_letters',
        severity: 'critical',
        subject: queue,
        detail: `${messages} event(s) failed every retry and wait in the dead-letter queue`,
      }),
    );
}

/** Every condition that holds, by rule, in a stable order. */
export function alertConditions(
  readings: AlertReadings,
  thresholds: AlertThresholds = defaultThresholds,
): AlertCondition[] {
  return [lowStock, rejectingLocations, lateCarriers, promisesAtRisk, deadLettersWaiting]
    .flatMap((rule) => rule(readings, thresholds))
    .sort((a, b) => a.alertId.localeCompare(b.alertId));
}
