import { describe, expect, it } from 'vitest';
import type { HistoryEntry, Order, Shipment } from '../../functions/core/orders/types.ts';
import { deliveredAt, isWithinReturnWindow, returnableUnits } from '../../functions/core/returns/returns.ts';

const dayMs = 86_400_000;

function shipment(id: string, status: Shipment['status'], lines: Shipment['lines']): Shipment {
  return { shipmentId: id, locationId: 'W1', status, mode: 'home', lines, reservation: 'consumed' };
}

function order(shipments: Shipment[], history: HistoryEntry[] = []): Order {
  return {
    orderId: 'O-1',
    status: 'DELIVERED',
    channel: 'web',
    customer: { id: 'C-1' },
    delivery: { mode: 'home' },
    lines: [],
    shipments,
    history,
    createdAt: '2025-03-01T08:00:00.000Z',
    updatedAt: '2025-03-01T08:00:00.000Z',
    version: 3,
  };
}

describe('returnableUnits', () => {
  const delivered = order([
    shipment('S1', 'DELIVERED', [
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 1 },
    ]),
    shipment('S2', 'DELIVERED', [{ sku: 'A', quantity: 1 }]),
    shipment('S3', 'IN_TRANSIT', [{ sku: 'C', quantity: 4 }]),
    shipment('S4', 'CANCELLED', [{ sku: 'B', quantity: 5 }]),
  ]);

  it('counts only delivered or collected units, summed across shipments', () => {
    expect(Object.fromEntries(returnableUnits(delivered, []))).toEqual({ A: 3, B: 1 });
  });

  it('counts collected units as returnable', () => {
    const collected = order([shipment('S1', 'COLLECTED', [{ sku: 'A', quantity: 2 }])]);
    expect(returnableUnits(collected, []).get('A')).toBe(2);
  });

  it('subtracts earlier returns, except rejected ones', () => {
    const units = returnableUnits(delivered, [
      { status: 'REQUESTED', lines: [{ sku: 'A', quantity: 1, reason: 'too big' }] },
      { status: 'REFUNDED', lines: [{ sku: 'A', quantity: 1, reason: 'broken' }] },
      { status: 'REJECTED', lines: [{ sku: 'B', quantity: 1, reason: 'changed mind' }] },
    ]);
    expect(Object.fromEntries(units)).toEqual({ A: 1, B: 1 });
  });
});

describe('isWithinReturnWindow', () => {
  const at = '2025-03-10T12:00:00.000Z';
  const deliveredOrder = order(
    [],
    [
      { status: 'RECEIVED', at: '2025-03-05T12:00:00.000Z' },
      { status: 'DELIVERED', at: '2025-03-07T12:00:00.000Z' },
      { status: 'SHIPPED', at: '2025-03-08T12:00:00.000Z' },
      { status: 'DELIVERED', at },
    ],
  );

  it('counts 30 days from the last DELIVERED entry', () => {
    expect(deliveredAt(deliveredOrder)?.toISOString()).toBe(at);
    const t = Date.parse(at);
    expect(isWithinReturnWindow(deliveredOrder, new Date(t + dayMs))).toBe(true);
    expect(isWithinReturnWindow(deliveredOrder, new Date(t + 30 * dayMs))).toBe(true);
    expect(isWithinReturnWindow(deliveredOrder, new Date(t + 30 * dayMs + 1))).toBe(false);
    expect(isWithinReturnWindow(deliveredOrder, new Date(t + 45 * dayMs))).toBe(false);
  });

  it('counts from a COLLECTED entry too', () => {
    const collected = order([], [{ status: 'COLLECTED', at }]);
    expect(isWithinReturnWindow(collected, new Date(Date.parse(at) + 29 * dayMs))).toBe(true);
    expect(isWithinReturnWindow(collected, new Date(Date.parse(at) + 31 * dayMs))).toBe(false);
  });

  it('is false for an order never delivered', () => {
    const shipped = order(
      [],
      [
        { status: 'RECEIVED', at },
        { status: 'SHIPPED', at },
      ],
    );
    expect(deliveredAt(shipped)).toBeUndefined();
    expect(isWithinReturnWindow(shipped, new Date(at))).toBe(false);
  });
});
