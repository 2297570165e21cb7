import { describe, expect, it } from 'vitest';
import {
  cancelLines,
  cancellationProblems,
  cancelsEverythingLeft,
  linesLeft,
  wasEmptiedByCancellation,
} from '../../functions/core/orders/line-cancellation.ts';
import type { Order, Shipment } from '../../functions/core/orders/types.ts';

const now = new Date('2026-03-02T10:00:00Z');

function shipment(
  id: string,
  status: Shipment['status'],
  lines: Shipment['lines'],
  locationId = 'L1',
): Shipment {
  return {
    shipmentId: id,
    locationId,
    status,
    mode: 'home',
    lines,
    reservation: status === 'DISPATCHED' ? 'consumed' : 'held',
  };
}

function order(lines: Order['lines'], shipments: Shipment[], extra: Partial<Order> = {}): Order {
  return {
    orderId: 'O1',
    status: 'ALLOCATED',
    channel: 'web',
    customer: { id: 'c' },
    delivery: { mode: 'home' },
    lines,
    shipments,
    history: [{ status: 'ALLOCATED', at: now.toISOString() }],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 3,
    ...extra,
  };
}

const noKits = new Map();

describe('cancelling some units of an order', () => {
  it('names the field of an unknown SKU and of more units than are left (400 material)', () => {
    const o = order(
      [{ sku: 'MUG', quantity: 3 }],
      [shipment('S1', 'ALLOCATED', [{ sku: 'MUG', quantity: 3 }])],
      {
        cancelledLines: [{ sku: 'MUG', quantity: 1 }],
      },
    );
    expect(cancellationProblems(o, [{ sku: 'MUG', quantity: 2 }])).toEqual([]);
    expect(cancellationProblems(o, [{ sku: 'MUG', quantity: 3 }])).toEqual([
      { field: 'lines.0.quantity', message: 'MUG: at most 2 left to cancel' },
    ]);
    // two request lines of one SKU count together
    expect(
      cancellationProblems(o, [
        { sku: 'MUG', quantity: 1 },
        { sku: 'MUG', quantity: 2 },
      ]).map((p) => p.field),
    ).toEqual(['lines.0.quantity', 'lines.1.quantity']);
    expect(cancellationProblems(o, [{ sku: 'LAMP', quantity: 1 }])).toEqual([
      { field: 'lines.0.sku', message: 'LAMP is not on the order' },
    ]);
  });

  it('knows what is left and when a request takes all of it', () => {
    const o = order(
      [
        { sku: 'MUG', quantity: 2, unitPrice: 5 },
        { sku: 'LAMP', quantity: 1 },
      ],
      [],
      { cancelledLines: [{ sku: 'MUG', quantity: 1 }] },
    );
    expect(linesLeft(o)).toEqual([
      { sku: 'MUG', quantity: 1, unitPrice: 5 },
      { sku: 'LAMP', quantity: 1 },
    ]);
    expect(cancelsEverythingLeft(o, [{ sku: 'MUG', quantity: 1 }])).toBe(false);
    expect(
      cancelsEverythingLeft(o, [
        { sku: 'MUG', quantity: 1 },
        { sku: 'LAMP', quantity: 1 },
      ]),
    ).toBe(true);
  });

  it('takes units per (sku, shipment): a SKU in two shipments gives back from the one not yet packed first, then the other', () => {
    const o = order(
      [{ sku: 'MUG', quantity: 8 }],
      [
        shipment('S1', 'ALLOCATED', [{ sku: 'MUG', quantity: 5 }], 'LYON'),
        shipment('S2', 'PACKED', [{ sku: 'MUG', quantity: 3 }], 'LILLE'),
      ],
      { status: 'IN_FULFILLMENT' },
    );
    const result = cancelLines(o, [{ sku: 'MUG', quantity: 6 }], noKits, now);
    if (!result.ok) throw new Error('refused');
    expect(result.releases).toEqual([
      { kind: 'release', locationId: 'LYON', sku: 'MUG', quantity: 5 },
      { kind: 'release', locationId: 'LILLE', sku: 'MUG', quantity: 1 },
    ]);
    const [s1, s2] = result.order.shipments;
    expect(s1).toMatchObject({
      status: 'CANCELLED',
      reservation: 'released',
      cancelledLines: [{ sku: 'MUG', quantity: 5 }],
    });
    expect(s2).toMatchObject({
      status: 'PACKED',
      lines: [{ sku: 'MUG', quantity: 2 }],
      cancelledLines: [{ sku: 'MUG', quantity: 1 }],
    });
    expect(result.emptied.map((s) => s.shipmentId)).toEqual(['S1']);
    expect(wasEmptiedByCancellation(result.order, s1)).toBe(true);
    expect(wasEmptiedByCancellation(result.order, s2)).toBe(false);
    expect(result.order.cancelledLines).toEqual([{ sku: 'MUG', quantity: 6 }]);
    expect(result.order.status).toBe('IN_FULFILLMENT');
    expect(result.order.history.at(-1)).toMatchObject({ detail: 'cancelled 6 MUG' });
  });

  it('refuses units that left already, naming the line, and never takes them from a dispatched parcel', () => {
    const o = order(
      [{ sku: 'MUG', quantity: 4 }],
      [
        shipment('S1', 'DISPATCHED', [{ sku: 'MUG', quantity: 3 }]),
        shipment('S2', 'ALLOCATED', [{ sku: 'MUG', quantity: 1 }]),
      ],
    );
    expect(cancelLines(o, [{ sku: 'MUG', quantity: 2 }], noKits, now)).toEqual({
      ok: false,
      index: 0,
      sku: 'MUG',
      cancellable: 1,
    });
    const one = cancelLines(o, [{ sku: 'MUG', quantity: 1 }], noKits, now);
    expect(one.ok && one.order.status).toBe('SHIPPED');
  });

  it('takes a kit whole out of the shipment that carries its components', () => {
    const kits = new Map([
      [
        'KIT',
        [
          { sku: 'MUG', quantity: 1 },
          { sku: 'LAMP', quantity: 2 },
        ],
      ],
    ]);
    const o = order(
      [{ sku: 'KIT', quantity: 2 }],
      [
        shipment('S1', 'ALLOCATED', [
          { sku: 'MUG', quantity: 2 },
          { sku: 'LAMP', quantity: 4 },
        ]),
      ],
    );
    const result = cancelLines(o, [{ sku: 'KIT', quantity: 1 }], kits, now);
    if (!result.ok) throw new Error('refused');
    expect(result.order.shipments[0]?.lines).toEqual([
      { sku: 'MUG', quantity: 1 },
      { sku: 'LAMP', quantity: 2 },
    ]);
    expect(result.order.cancelledLines).toEqual([{ sku: 'KIT', quantity: 1 }]);
  });

  it('only records the cancellation of an order not allocated yet: its sourcing serves what is left', () => {
    const o = order([{ sku: 'MUG', quantity: 3 }], [], { status: 'RECEIVED' });
    const result = cancelLines(o, [{ sku: 'MUG', quantity: 2 }], noKits, now);
    if (!result.ok) throw new Error('refused');
    expect(result.releases).toEqual([]);
    expect(linesLeft(result.order)).toEqual([{ sku: 'MUG', quantity: 1 }]);
  });
});
