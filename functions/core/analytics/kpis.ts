import { isoDay, parisDay } from '../carriers/calendar.ts';
import type { Channel, Order, Shipment } from '../orders/types.ts';

/** What the KPIs read of an order: the fields the order-history read projects (no explanation). */
export type OrderFacts = Pick<Order, 'orderId' | 'status' | 'channel' | 'shipments' | 'createdAt'>;

export interface KpiPeriod {
  /** inclusive, ISO instant */
  from: string;
  /** exclusive, ISO instant */
  to: string;
  channel?: Channel | undefined;
}

export interface CarrierKpis {
  carrierId: string;
  parcels: number;
  onTimePct: number | null;
  avgCostEur: number | null;
  avgCo2Kg: number | null;
}

export interface LocationKpis {
  locationId: string;
  shipments: number;
  rejections: number;
}

export interface Kpis {
  from: string;
  to: string;
  channel?: Channel | undefined;
  orders: number;
  delivered: number;
  rejected: number;
  cancelled: number;
  fillRatePct: number | null;
  splitRatePct: number | null;
  parcelsPerOrder: number | null;
  promiseKeptPct: number | null;
  avgCostEur: number | null;
  avgCo2Kg: number | null;
  byCarrier: CarrierKpis[];
  byLocation: LocationKpis[];
}

const round = (decimals: number) => (n: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;
const pct = (part: number, whole: number) => (whole === 0 ? null : round(1)((100 * part) / whole));
const mean = (values: readonly number[], decimals: number) =>
  values.length === 0 ? null : round(decimals)(values.reduce((s, v) => s + v, 0) / values.length);

/** The order's lines were reserved at allocation: it has shipments. */
export const isAllocated = (order: OrderFacts) => order.shipments.length > 0;

/** A shipment cancelled for a rejection and never replaced: its lines went unfilled. */
export const isUnfilled = (s: Shipment) =>
  s.status === 'CANCELLED' && s.rejection !== undefined && s.replacedBy === undefined;

/** The shipments the allocation planned: those that replace no other (a re-sourcing, a reshipment). */
export function plannedShipments(order: OrderFacts): Shipment[] {
  const replacements = new Set(order.shipments.flatMap((s) => (s.replacedBy ? [s.replacedBy] : [])));
  return order.shipments.filter((s) => !replacements.has(s.shipmentId));
}

/** The shipments that ship (or shipped) goods: every one not cancelled, lost ones and their replacements included. */
export const parcelsOf = (order: OrderFacts) => order.shipments.filter((s) => s.status !== 'CANCELLED');

/** The instant a shipment was delivered, as the carrier reported it. */
export function deliveredAt(s: Shipment): string | undefined {
  if (s.status !== 'DELIVERED') return undefined;
  return s.events?.find((e) => e.status === 'DELIVERED')?.occurredAt;
}

/** Delivered no later than `promisedDate` (Paris day); undefined when not delivered or never promised. */
export function keptPromise(s: Shipment): boolean | undefined {
  const at = deliveredAt(s);
  if (at === undefined || s.promisedDate === undefined) return undefined;
  return isoDay(parisDay(new Date(at)).day) <= s.promisedDate;
}

/** The rate-card price and CO2 of the carrier offer a parcel was dispatched with, when recorded. */
export const carrierCostOf = (s: Shipment) => s.carrierChoice?.chosen;

export const inPeriod = (order: Pick<OrderFacts, 'createdAt' | 'channel'>, period: KpiPeriod) =>
  order.createdAt >= period.from &&
  order.createdAt < period.to &&
  (period.channel === undefined || order.channel === period.channel);

/**
 * The KPIs of the orders received in a period (README, "KPIs"): counted per order received in
 * [from, to) of the channel, whatever their status now.
 */
export function computeKpis(history: readonly OrderFacts[], period: KpiPeriod): Kpis {
  const orders = history.filter((o) => inPeriod(o, period));
  const count = (test: (o: OrderFacts) => boolean) => orders.filter(test).length;
  const allocated = orders.filter(isAllocated);
  const withParcels = orders.filter((o) => parcelsOf(o).length > 0);
  const parcels = orders.flatMap(parcelsOf);
  const kept = parcels.map(keptPromise).filter((k) => k !== undefined);
  const carried = orders
    .map((o) => parcelsOf(o).flatMap((s) => carrierCostOf(s) ?? []))
    .filter((costs) => costs.length > 0);

  const carriers = new Map<string, Shipment[]>();
  for (const s of parcels)
    if (s.carrierId) carriers.set(s.carrierId, [...(carriers.get(s.carrierId) ?? []), s]);
  const byCarrier = [...carriers.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([carrierId, shipped]) => {
      const onTime = shipped.map(keptPromise).filter((k) => k !== undefined);
      const costs = shipped.flatMap((s) => carrierCostOf(s) ?? []);
      return {
        carrierId,
        parcels: shipped.length,
        onTimePct: pct(onTime.filter(Boolean).length, onTime.length),
        avgCostEur: mean(
          costs.map((c) => c.cost),
          2,
        ),
        avgCo2Kg: mean(
          costs.map((c) => c.co2Kg),
          3,
        ),
      };
    });

  const locations = new Map<string, LocationKpis>();
  for (const s of orders.flatMap((o) => o.shipments)) {
    const row = locations.get(s.locationId) ?? { locationId: s.locationId, shipments: 0, rejections: 0 };
    row.shipments += 1;
    if (s.rejection) row.rejections += 1;
    locations.set(s.locationId, row);
  }

  return {
    from: period.from,
    to: period.to,
    ...(period.channel ? { channel: period.channel } : {}),
    orders: orders.length,
    delivered: count((o) => o.status === 'DELIVERED' || o.status === 'COLLECTED'),
    rejected: count((o) => o.status === 'REJECTED'),
    cancelled: count((o) => o.status === 'CANCELLED'),
    fillRatePct: pct(allocated.filter((o) => !o.shipments.some(isUnfilled)).length, orders.length),
    splitRatePct: pct(allocated.filter((o) => plannedShipments(o).length > 1).length, allocated.length),
    parcelsPerOrder: withParcels.length === 0 ? null : round(2)(parcels.length / withParcels.length),
    promiseKeptPct: pct(kept.filter(Boolean).length, kept.length),
    avgCostEur: mean(
      carried.map((costs) => costs.reduce((s, c) => s + c.cost, 0)),
      2,
    ),
    avgCo2Kg: mean(
      carried.map((costs) => costs.reduce((s, c) => s + c.co2Kg, 0)),
      3,
    ),
    byCarrier,
    byLocation: [...locations.values()].sort((a, b) => a.locationId.localeCompare(b.locationId)),
  };
}
