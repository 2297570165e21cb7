import { describe, expect, it } from 'vitest';
import {
  allocate,
  applyCarrierStatus,
  canCancel,
  closeOrder,
  countSourcingAttempt,
  heldReservations,
  type NewOrder,
  receiveOrder,
  recordSourcing,
  replaceShipment,
  setShipmentStatus,
  shipmentsFromPlan,
} from '../../functions/core/orders/order.ts';
import type { Order, ShipmentStatus } from '../../functions/core/orders/types.ts';
import type { PlannedShipment, SourcingExplanation } from '../../functions/core/sourcing/types.ts';

const t0 = new Date('2025-03-03T09:00:00.000Z');
const t1 = new Date('2025-03-03T09:05:00.000Z');
const t2 = new Date('2025-03-03T10:00:00.000Z');
const t3 = new Date('2025-03-04T08:00:00.000Z');

const newOrder: NewOrder = {
  orderId: 'O-1',
  channel: 'web',
  customer: { id: 'C-1', email: 'c@example.com' },
  delivery: {
    mode: 'home',
    address: { line1: '1 rue de Rivoli', postcode: '75001', city: 'Paris', country: 'FR' },
  },
  lines: [
    { sku: 'A', quantity: 2 },
    { sku: 'B', quantity: 1 },
  ],
};

const explanation: SourcingExplanation = {
  strategy: 'exact-branch-and-bound',
  candidates: 2,
  excluded: [],
  chosen: [],
  costTerms: { carrierPrice: 9, co2: 1, handling: 2.4 },
};

const plan: PlannedShipment[] = [
  { locationId: 'W1', lines: [{ sku: 'A', quantity: 2 }], distanceKm: 10, weightKg: 2, cost: 6 },
  { locationId: 'W2', lines: [{ sku: 'B', quantity: 1 }], distanceKm: 20, weightKg: 1, cost: 7 },
];

function allocated(): Order {
  const order = receiveOrder(newOrder, t0);
  return allocate(
    recordSourcing(countSourcingAttempt(order), 13, explanation),
    shipmentsFromPlan(order, plan),
    t1,
  );
}

describe('receiveOrder', () => {
  it('starts RECEIVED with one history entry, no shipment and version 0', () => {
    const order = receiveOrder(newOrder, t0);
    expect(order.status).toBe('RECEIVED');
    expect(order.history).toEqual([{ status: 'RECEIVED', at: t0.toISOString() }]);
    expect(order.shipments).toEqual([]);
    expect(order.version).toBe(0);
    expect(order.createdAt).toBe(t0.toISOString());
    expect(order.updatedAt).toBe(t0.toISOString());
    expect(order.lines).toEqual(newOrder.lines);
  });
});

describe('allocate and shipmentsFromPlan', () => {
  it('numbers shipments after the order id, each ALLOCATED with its reservation held', () => {
    const order = receiveOrder(newOrder, t0);
    const shipments = shipmentsFromPlan(order, plan);
    expect(shipments.map((s) => s.shipmentId)).toEqual(['O-1-S1', 'O-1-S2']);
    for (const s of shipments) {
      expect(s.status).toBe('ALLOCATED');
      expect(s.reservation).toBe('held');
      expect(s.mode).toBe('home');
    }
    expect(shipments.map((s) => [s.locationId, s.lines])).toEqual([
      ['W1', [{ sku: 'A', quantity: 2 }]],
      ['W2', [{ sku: 'B', quantity: 1 }]],
    ]);
  });

  it('numbers new shipments after those the order already has', () => {
    const order = allocated();
    const more = shipmentsFromPlan(order, [plan[0] as PlannedShipment]);
    expect(more.map((s) => s.shipmentId)).toEqual(['O-1-S3']);
  });

  it('keeps shipment ids within the 64 characters of the id pattern', () => {
    const longId = 'x'.repeat(64);
    const order = receiveOrder({ ...newOrder, orderId: longId }, t0);
    const [first] = shipmentsFromPlan(order, plan);
    expect(first?.shipmentId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('moves the order to ALLOCATED with its sourcing record and one new history entry', () => {
    const order = allocated();
    expect(order.status).toBe('ALLOCATED');
    expect(order.sourcing).toMatchObject({ cost: 13, explanation, attempts: 1, excludedLocations: [] });
    expect(order.history).toEqual([
      { status: 'RECEIVED', at: t0.toISOString() },
      { status: 'ALLOCATED', at: t1.toISOString(), detail: undefined },
    ]);
    expect(order.updatedAt).toBe(t1.toISOString());
  });
});

describe('history', () => {
  it('gains an entry on each status change only', () => {
    let order = allocated();
    const before = order.history.length;
    // a second shipment packed while the first already is: the order stays IN_FULFILLMENT
    order = setShipmentStatus(order, 'O-1-S1', 'PACKED', t2);
    expect(order.status).toBe('IN_FULFILLMENT');
    expect(order.history).toHaveLength(before + 1);
    expect(order.history.at(-1)).toMatchObject({ status: 'IN_FULFILLMENT', at: t2.toISOString() });
    order = setShipmentStatus(order, 'O-1-S2', 'PACKED', t3);
    expect(order.status).toBe('IN_FULFILLMENT');
    expect(order.history).toHaveLength(before + 1);
    expect(order.updatedAt).toBe(t3.toISOString());
    order = setShipmentStatus(order, 'O-1-S1', 'DISPATCHED', t3);
    expect(order.status).toBe('SHIPPED');
    expect(order.history).toHaveLength(before + 2);
  });

  it('follows the carrier to DELIVERED once every shipment arrives, ignoring late reports', () => {
    let order = allocated();
    for (const id of ['O-1-S1', 'O-1-S2']) order = setShipmentStatus(order, id, 'DISPATCHED', t2);
    order = applyCarrierStatus(order, 'O-1-S1', 'DELIVERED', t3) ?? order;
    expect(order.status).toBe('SHIPPED');
    expect(applyCarrierStatus(order, 'O-1-S1', 'IN_TRANSIT', t3)).toBeUndefined();
    order = applyCarrierStatus(order, 'O-1-S2', 'DELIVERED', t3) ?? order;
    expect(order.status).toBe('DELIVERED');
    expect(order.history.map((h) => h.status)).toEqual(['RECEIVED', 'ALLOCATED', 'SHIPPED', 'DELIVERED']);
  });

  it('applyCarrierStatus ignores an unknown shipment', () => {
    expect(applyCarrierStatus(allocated(), 'O-1-S9', 'DELIVERED', t2)).toBeUndefined();
  });
});

describe('replaceShipment', () => {
  it('cancels the rejected shipment, releases its reservation, records the reason and appends the new one', () => {
    const order = allocated();
    const [replacement] = shipmentsFromPlan(order, [
      { locationId: 'W3', lines: [{ sku: 'B', quantity: 1 }], distanceKm: 40, weightKg: 1, cost: 8 },
    ]);
    if (!replacement) throw new Error('no replacement');
    const next = replaceShipment(order, 'O-1-S2', [replacement], 'out of stock on the shelf', t2);
    expect(next.shipments.map((s) => [s.shipmentId, s.locationId, s.status, s.reservation])).toEqual([
      ['O-1-S1', 'W1', 'ALLOCATED', 'held'],
      ['O-1-S2', 'W2', 'CANCELLED', 'released'],
      ['O-1-S3', 'W3', 'ALLOCATED', 'held'],
    ]);
    expect(next.shipments[1]?.rejection).toEqual({ reason: 'out of stock on the shelf' });
    expect(next.shipments[0]?.rejection).toBeUndefined();
    expect(next.status).toBe('ALLOCATED');
    expect(next.history).toHaveLength(order.history.length);
    // the original is not mutated
    expect(order.shipments[1]?.status).toBe('ALLOCATED');
  });
});

describe('closeOrder', () => {
  it('cancels live shipments, releases held reservations and keeps dispatched ones untouched', () => {
    let order = allocated();
    order = setShipmentStatus(order, 'O-1-S1', 'DISPATCHED', t2);
    order = {
      ...order,
      shipments: order.shipments.map((s) => ({
        ...s,
        reservation: s.shipmentId === 'O-1-S1' ? 'consumed' : s.reservation,
      })),
    };
    const closed = closeOrder(order, 'CANCELLED', 'customer asked', t3);
    expect(closed.status).toBe('CANCELLED');
    expect(closed.shipments.map((s) => [s.shipmentId, s.status, s.reservation])).toEqual([
      ['O-1-S1', 'DISPATCHED', 'consumed'],
      ['O-1-S2', 'CANCELLED', 'released'],
    ]);
    expect(closed.history.at(-1)).toEqual({
      status: 'CANCELLED',
      at: t3.toISOString(),
      detail: 'customer asked',
    });
    expect(closed.rejection).toBeUndefined();
  });

  it('records the reason of a rejection', () => {
    const closed = closeOrder(allocated(), 'REJECTED', 'no stock anywhere', t2);
    expect(closed.status).toBe('REJECTED');
    expect(closed.rejection).toEqual({ reason: 'no stock anywhere' });
    expect(heldReservations(closed)).toEqual([]);
  });

  it('does not touch a reservation that was never held', () => {
    const order = allocated();
    const withNone: Order = {
      ...order,
      shipments: order.shipments.map((s) => ({ ...s, reservation: 'none' as const })),
    };
    expect(closeOrder(withNone, 'CANCELLED', 'x', t2).shipments.map((s) => s.reservation)).toEqual([
      'none',
      'none',
    ]);
  });

  it('adds no second history entry when the order is already closed', () => {
    const once = closeOrder(allocated(), 'CANCELLED', 'first', t2);
    const twice = closeOrder(once, 'CANCELLED', 'second', t3);
    expect(twice.history).toHaveLength(once.history.length);
  });
});

describe('heldReservations', () => {
  it('lists only the shipments whose reservation is still held, with their location and lines', () => {
    let order = allocated();
    order = {
      ...order,
      shipments: order.shipments.map((s) =>
        s.shipmentId === 'O-1-S1' ? { ...s, reservation: 'consumed' } : s,
      ),
    };
    expect(heldReservations(order)).toEqual([
      { shipmentId: 'O-1-S2', locationId: 'W2', lines: [{ sku: 'B', quantity: 1 }] },
    ]);
  });
});

describe('canCancel', () => {
  it('is true while nothing has left a location', () => {
    expect(canCancel(receiveOrder(newOrder, t0))).toBe(true);
    expect(canCancel(allocated())).toBe(true);
    expect(canCancel(setShipmentStatus(allocated(), 'O-1-S1', 'PACKED', t2))).toBe(true);
  });

  it('is false once any shipment is dispatched or further', () => {
    const statuses: ShipmentStatus[] = [
      'DISPATCHED',
      'IN_TRANSIT',
      'OUT_FOR_DELIVERY',
      'DELIVERY_FAILED',
      'EXCEPTION',
      'LOST',
      'DELIVERED',
    ];
    for (const status of statuses)
      expect(canCancel(setShipmentStatus(allocated(), 'O-1-S1', status, t2)), status).toBe(false);
  });

  it('is false for a closed order', () => {
    expect(canCancel(closeOrder(allocated(), 'CANCELLED', 'x', t2))).toBe(false);
    expect(canCancel(closeOrder(allocated(), 'REJECTED', 'x', t2))).toBe(false);
  });
});
