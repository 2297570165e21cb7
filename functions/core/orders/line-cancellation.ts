import type { StockMovement } from '../inventory/movements.ts';
import type { KitComponent } from '../network.ts';
import { mergeStockLines } from './lines.ts';
import { withDerivedStatus } from './order.ts';
import type { Order, OrderLine, Shipment, StockLine } from './types.ts';

/**
 * Cancelling some units of an order before they leave (DESIGN.md section 6.1): per (sku, shipment),
 * so that a SKU served by two shipments gives back units from either. A kit's units are taken
 * whole from one shipment (a kit never splits). Pure: the use case commits the new order with the
 * releases in one transaction.
 */
export interface RequestedLine {
  sku: string;
  quantity: number;
}

export interface LineProblem {
  field: string;
  message: string;
}

/** Shipment statuses whose units are still at the location: they can be taken out of the parcel. */
const cancellableStatuses: ReadonlySet<Shipment['status']> = new Set([
  'ALLOCATED',
  'PACKED',
  'READY_FOR_PICKUP',
]);

/** A shipment whose units may still be cancelled: at the location, not replaced by another. */
function isCancellable(shipment: Shipment): boolean {
  return cancellableStatuses.has(shipment.status) && !shipment.replacedBy;
}

const totalOf = (lines: readonly { sku: string; quantity: number }[], sku: string) =>
  lines.filter((l) => l.sku === sku).reduce((sum, l) => sum + l.quantity, 0);

/**
 * A shipment the customer cancelled every unit of (not one cancelled with its order, nor one
 * replaced after a rejection): its branch of the workflow ends, the order goes on.
 */
export function wasEmptiedByCancellation(
  order: Pick<Order, 'cancelRequested'>,
  shipment: Shipment | undefined,
): boolean {
  return (
    !order.cancelRequested &&
    shipment?.status === 'CANCELLED' &&
    !shipment.replacedBy &&
    (shipment.cancelledLines?.length ?? 0) > 0
  );
}

/** The order's lines less the units cancelled so far: what is still to be fulfilled. */
export function linesLeft(order: Pick<Order, 'lines' | 'cancelledLines'>): OrderLine[] {
  const cancelled = order.cancelledLines ?? [];
  return order.lines.flatMap((line) => {
    const earlier = order.lines.slice(0, order.lines.indexOf(line)).filter((l) => l.sku === line.sku);
    // a SKU on several lines: the cancelled units come off its first lines first
    const already = Math.max(0, totalOf(cancelled, line.sku) - totalOf(earlier, line.sku));
    const quantity = line.quantity - Math.min(line.quantity, already);
    return quantity > 0 ? [{ ...line, quantity }] : [];
  });
}

/** Why a cancellation request cannot apply to this order at all (400): unknown SKUs, more than ordered. */
export function cancellationProblems(
  order: Pick<Order, 'lines' | 'cancelledLines'>,
  requested: readonly RequestedLine[],
): LineProblem[] {
  const left = linesLeft(order);
  return requested.flatMap((line, i): LineProblem[] => {
    if (!order.lines.some((l) => l.sku === line.sku))
      return [{ field: `lines.${i}.sku`, message: `${line.sku} is not on the order` }];
    const asked = totalOf(requested, line.sku);
    const remaining = totalOf(left, line.sku);
    return asked > remaining
      ? [{ field: `lines.${i}.quantity`, message: `${line.sku}: at most ${remaining} left to cancel` }]
      : [];
  });
}

/** Whether the request cancels every unit still to be fulfilled: then it is the whole order's cancellation. */
export function cancelsEverythingLeft(
  order: Pick<Order, 'lines' | 'cancelledLines'>,
  requested: readonly RequestedLine[],
): boolean {
  return linesLeft(order).every((l) => totalOf(requested, l.sku) >= totalOf(linesLeft(order), l.sku));
}

export type LineCancellation =
  | {
      ok: true;
      order: Order;
      /** reservations to give back, at each shipment's location */
      releases: StockMovement[];
      /** shipments left with no units: their workflow branch ends */
      emptied: Shipment[];
    }
  | { ok: false; index: number; sku: string; cancellable: number };

/** Units taken out of shipments, per shipment then SKU. */
type Taken = Map<string, Map<string, number>>;

function take(taken: Taken, shipmentId: string, sku: string, quantity: number) {
  const ofShipment = taken.get(shipmentId) ?? new Map<string, number>();
  ofShipment.set(sku, (ofShipment.get(sku) ?? 0) + quantity);
  taken.set(shipmentId, ofShipment);
}

function unitsLeftIn(shipment: Shipment, taken: Taken, sku: string): number {
  return totalOf(shipment.lines, sku) - (taken.get(shipment.shipmentId)?.get(sku) ?? 0);
}

/**
 * Takes the requested units out of the shipments that have not left, least advanced first (a
 * parcel not yet picked before one packed), the latest shipment first among equals; refuses with
 * the first line whose units have left already. An order not allocated yet only records the
 * cancellation: its sourcing serves `linesLeft`.
 */
export function cancelLines(
  order: Order,
  requested: readonly RequestedLine[],
  kits: ReadonlyMap<string, readonly KitComponent[]>,
  now: Date,
): LineCancellation {
  const live = order.shipments.filter((s) => s.status !== 'CANCELLED' && !s.replacedBy);
  const stage = (s: Shipment) => ['ALLOCATED', 'PACKED', 'READY_FOR_PICKUP'].indexOf(s.status);
  const candidates = order.shipments
    .map((s, index) => ({ s, index }))
    .filter(({ s }) => isCancellable(s))
    .sort((a, b) => stage(a.s) - stage(b.s) || b.index - a.index)
    .map(({ s }) => s);
  const taken: Taken = new Map();
  if (live.length > 0)
    for (const [index, line] of requested.entries()) {
      const components = kits.get(line.sku) ?? [{ sku: line.sku, quantity: 1 }];
      let need = line.quantity;
      for (const shipment of candidates) {
        const fits = Math.min(
          ...components.map((c) => Math.floor(unitsLeftIn(shipment, taken, c.sku) / c.quantity)),
        );
        const units = Math.min(need, fits);
        if (units <= 0) continue;
        for (const c of components) take(taken, shipment.shipmentId, c.sku, c.quantity * units);
        need -= units;
        if (need === 0) break;
      }
      if (need > 0) return { ok: false, index, sku: line.sku, cancellable: line.quantity - need };
    }

  const releases: StockMovement[] = [];
  const emptied: Shipment[] = [];
  const shipments = order.shipments.map((s): Shipment => {
    const removed = taken.get(s.shipmentId);
    if (!removed) return s;
    const out: StockLine[] = [...removed].map(([sku, quantity]) => ({ sku, quantity }));
    if (s.reservation === 'held')
      releases.push(...out.map((l) => ({ kind: 'release' as const, locationId: s.locationId, ...l })));
    const kept = s.lines
      .map((l) => ({ ...l, quantity: l.quantity - (removed.get(l.sku) ?? 0) }))
      .filter((l) => l.quantity > 0);
    const cancelledLines = mergeStockLines([...(s.cancelledLines ?? []), ...out]);
    if (kept.length > 0) return { ...s, lines: kept, cancelledLines };
    const closed: Shipment = {
      ...s,
      status: 'CANCELLED',
      reservation: s.reservation === 'held' ? 'released' : s.reservation,
      cancelledLines,
    };
    emptied.push(closed);
    return closed;
  });
  const cancelledLines = mergeStockLines([...(order.cancelledLines ?? []), ...requested]);
  const detail = `cancelled ${requested.map((l) => `${l.quantity} ${l.sku}`).join(', ')}`;
  const next = withDerivedStatus({ ...order, shipments, cancelledLines }, now, detail);
  const at = now.toISOString();
  return {
    ok: true,
    // the status may not change: the history says what was cancelled all the same
    order:
      next.history.length > order.history.length
        ? next
        : { ...next, history: [...next.history, { status: next.status, at, detail }] },
    releases,
    emptied,
  };
}
