import type { Backorder } from '../inventory/backorders.ts';
import type { PlannedShipment, SourcingExplanation } from '../sourcing/types.ts';
import { deriveOrderStatus, isDispatched, nextShipmentStatus } from './status.ts';
import type {
  Channel,
  Delivery,
  Order,
  OrderLine,
  OrderStatus,
  Shipment,
  ShipmentStatus,
  SourcingRecord,
  StockLine,
} from './types.ts';

export interface NewOrder {
  orderId: string;
  channel: Channel;
  customer: { id: string; email?: string | undefined };
  delivery: Delivery;
  lines: OrderLine[];
}

export function receiveOrder(input: NewOrder, now: Date): Order {
  const at = now.toISOString();
  return {
    ...input,
    status: 'RECEIVED',
    shipments: [],
    history: [{ status: 'RECEIVED', at }],
    createdAt: at,
    updatedAt: at,
    version: 0,
  };
}

/** Appends a history entry when the status changes; every mutation goes through here. */
function withStatus(order: Order, status: OrderStatus, now: Date, detail?: string): Order {
  const at = now.toISOString();
  if (status === order.status) return { ...order, updatedAt: at };
  return { ...order, status, updatedAt: at, history: [...order.history, { status, at, detail }] };
}

function withShipments(order: Order, shipments: Shipment[], now: Date, detail?: string): Order {
  const next = { ...order, shipments };
  return withStatus(next, deriveOrderStatus(next), now, detail);
}

/** The order with its status derived again from its shipments and incidents (after a change to either). */
export function withDerivedStatus(order: Order, now: Date, detail?: string): Order {
  return withShipments(order, order.shipments, now, detail);
}

export function shipmentId(orderId: string, index: number): string {
  return `${orderId}-S${index + 1}`.slice(-64);
}

function plannedToShipment(
  order: Order,
  planned: PlannedShipment,
  index: number,
  transferTo?: string,
): Shipment {
  return {
    ...(transferTo ? { transferTo } : {}),
    shipmentId: shipmentId(order.orderId, index),
    locationId: planned.locationId,
    status: 'ALLOCATED',
    mode: order.delivery.mode,
    lines: planned.lines,
    reservation: 'held',
    // the promise made at intake holds for every shipment of the order, re-sourced ones too
    // (it was dated from the later day a full location ships on, by the same sourcing)
    promisedDate: order.promise?.latestDate,
    // the later day whose slot it takes when its location's slots for today were taken
    ...(planned.capacityDay && { capacityDay: planned.capacityDay }),
  };
}

/** The shipments a plan creates, numbered after those the order already had. */
export function shipmentsFromPlan(order: Order, plan: PlannedShipment[], transferTo?: string): Shipment[] {
  return plan.map((p, i) => plannedToShipment(order, p, order.shipments.length + i, transferTo));
}

/** Allocates the planned shipments; the sourcing record (cost, explanation) was written when planning. */
export function allocate(order: Order, shipments: Shipment[], now: Date): Order {
  return withShipments({ ...order }, [...order.shipments, ...shipments], now);
}

/**
 * Stock cannot fill the order yet but expected supply can: it waits, BACKORDERED, with what it
 * counts on (the history says so once, when it starts waiting).
 */
export function markBackordered(order: Order, backorder: Backorder, now: Date, detail: string): Order {
  return withStatus({ ...order, backorder }, 'BACKORDERED', now, detail);
}

/** Keeps the plan's cost and explanation on the order, where GET /orders/{id} shows them. */
export function recordSourcing(
  order: Order,
  cost: number,
  explanation: SourcingExplanation | unknown,
): Order {
  const previous = order.sourcing ?? { cost: 0, explanation: null, attempts: 0, excludedLocations: [] };
  return { ...order, sourcing: { ...previous, cost, explanation } };
}

/** Leaves locations out of the order's next sourcing (a rejection, a refused reservation). */
export function excludeLocations(order: Order, locationIds: string[]): Order {
  const previous = order.sourcing ?? { cost: 0, explanation: null, attempts: 0, excludedLocations: [] };
  const excludedLocations = [...new Set([...previous.excludedLocations, ...locationIds])];
  return { ...order, sourcing: { ...previous, excludedLocations } };
}

export function countSourcingAttempt(order: Order, excluded: string[] = []): Order {
  const withExclusions = excludeLocations(order, excluded);
  const sourcing = withExclusions.sourcing as SourcingRecord;
  return { ...withExclusions, sourcing: { ...sourcing, attempts: sourcing.attempts + 1 } };
}

export function findShipment(order: Order, id: string): Shipment | undefined {
  return order.shipments.find((s) => s.shipmentId === id);
}

export function updateShipment(
  order: Order,
  id: string,
  change: (shipment: Shipment) => Shipment,
  now: Date,
  detail?: string,
): Order {
  return withShipments(
    order,
    order.shipments.map((s) => (s.shipmentId === id ? change(s) : s)),
    now,
    detail,
  );
}

export function setShipmentStatus(order: Order, id: string, status: ShipmentStatus, now: Date): Order {
  return updateShipment(order, id, (s) => ({ ...s, status }), now, `${id} ${status}`);
}

/** Applies a carrier's report; returns undefined when the report changes nothing (late or repeated). */
export function applyCarrierStatus(
  order: Order,
  id: string,
  reported: ShipmentStatus,
  now: Date,
): Order | undefined {
  const shipment = findShipment(order, id);
  if (!shipment) return undefined;
  const next = nextShipmentStatus(shipment.status, reported);
  return next ? setShipmentStatus(order, id, next, now) : undefined;
}

/** Replaces a rejected shipment: the old one is cancelled (its reservation released), new ones join. */
export function replaceShipment(
  order: Order,
  rejectedId: string,
  replacements: Shipment[],
  reason: string,
  now: Date,
) {
  const shipments = order.shipments.map((s) =>
    s.shipmentId === rejectedId
      ? {
          ...s,
          status: 'CANCELLED' as const,
          reservation: 'released' as const,
          rejection: { reason },
          replacedBy: replacements[0]?.shipmentId,
        }
      : s,
  );
  return withShipments(
    { ...order },
    [...shipments, ...replacements],
    now,
    `${rejectedId} rejected: ${reason}`,
  );
}

/** A shipment still waits for its location's answer (confirm or reject) while it is ALLOCATED and unanswered. */
export function isAwaitingPick(shipment: Shipment, order: Pick<Order, 'cancelRequested'>): boolean {
  return shipment.status === 'ALLOCATED' && !shipment.rejection && !order.cancelRequested;
}

export function canCancel(order: Order): boolean {
  return (
    !['CANCELLED', 'REJECTED', 'DELIVERED', 'COLLECTED'].includes(order.status) &&
    !order.shipments.some(isDispatched)
  );
}

/** Closes the order: every live shipment is cancelled and its reservation marked released. */
export function closeOrder(order: Order, status: 'CANCELLED' | 'REJECTED', reason: string, now: Date): Order {
  const shipments = order.shipments.map((s) =>
    isDispatched(s) || s.status === 'CANCELLED'
      ? s
      : {
          ...s,
          status: 'CANCELLED' as const,
          reservation: s.reservation === 'held' ? ('released' as const) : s.reservation,
        },
  );
  const rejection = status === 'REJECTED' ? { reason } : order.rejection;
  const cancellation = status === 'CANCELLED' ? { reason } : order.cancellation;
  return withStatus(
    { ...order, shipments, rejection, cancellation, cancelRequested: order.cancelRequested },
    status,
    now,
    reason,
  );
}

/**
 * Where a shipment's units are held: its location, or for a transfer that reached the store it
 * travelled to, that store (the units arrived there, held for the customer).
 */
export function holdingLocation(shipment: Pick<Shipment, 'locationId' | 'transferTo' | 'status'>): string {
  const arrived = shipment.status === 'READY_FOR_PICKUP' || shipment.status === 'COLLECTED';
  return shipment.transferTo && arrived ? shipment.transferTo : shipment.locationId;
}

/** Lines whose reservations are still held, per location: what a compensation must release. */
export function heldReservations(
  order: Order,
): { shipmentId: string; locationId: string; lines: StockLine[] }[] {
  return order.shipments
    .filter((s) => s.reservation === 'held')
    .map((s) => ({ shipmentId: s.shipmentId, locationId: holdingLocation(s), lines: s.lines }));
}

/** Shipments that still count: a retried allocation finds them instead of allocating twice. */
export function liveShipments(order: Order): Shipment[] {
  return order.shipments.filter((s) => s.status !== 'CANCELLED');
}

/** What the workflow carries for each shipment: enough to wait on it, nothing it must trust later. */
export function workflowItem({ shipmentId, locationId, mode, lines, transferTo }: Shipment) {
  return { shipmentId, locationId, mode, lines, ...(transferTo ? { transferTo } : {}) };
}

/** Reservation conflicts re-source the order at most this many times; rejections per order likewise. */
export const maxSourcingAttempts = 3;
export const maxRejectsPerOrder = 3;

/** A parcel's weight: what the location declared when packing, else the products' catalogue weights. */
export function parcelWeightKg(
  shipment: Pick<Shipment, 'packages' | 'lines'>,
  weightOf: (sku: string) => number | undefined,
): number {
  const declared = shipment.packages?.reduce((sum, p) => sum + p.weightKg, 0);
  if (declared) return declared;
  return shipment.lines.reduce((sum, l) => sum + (weightOf(l.sku) ?? 0) * l.quantity, 0);
}

/**
 * How long the workflow waits for a parcel's delivery after it leaves the location (the wait for a
 * collection at the store is the hold's: see holds.ts).
 */
export const arrivalWait = {
  delivery: { stage: 'delivery', waitSeconds: 30 * 86_400 },
  /** a click & collect transfer: its journey to the store, then its collection there, in one wait */
  transfer: { stage: 'delivery', waitSeconds: 44 * 86_400 },
} as const;
