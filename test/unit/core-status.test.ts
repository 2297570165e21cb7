import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveOrderStatus, nextShipmentStatus } from '../../functions/core/orders/status.ts';
import {
  type OrderStatus,
  type Shipment,
  type ShipmentStatus,
  shipmentStatuses,
} from '../../functions/core/orders/types.ts';

// The journey as DESIGN §6 states it, written out independently of the code under test.
const journey: ShipmentStatus[] = ['DISPATCHED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'];
const terminal: ShipmentStatus[] = ['DELIVERED', 'COLLECTED', 'CANCELLED', 'LOST'];

/** What a carrier can report about a parcel, in shipment-status words. */
const carrierReports: ShipmentStatus[] = [
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
  'DELIVERY_FAILED',
  'EXCEPTION',
  'LOST',
];
const stageOf: Partial<Record<ShipmentStatus, number>> = {
  DISPATCHED: 0,
  IN_TRANSIT: 1,
  EXCEPTION: 1,
  OUT_FOR_DELIVERY: 2,
  DELIVERY_FAILED: 2,
  DELIVERED: 3,
  LOST: 3,
};
const stage = (status: ShipmentStatus): number => {
  const value = stageOf[status];
  if (value === undefined) throw new Error(`no stage for ${status}`);
  return value;
};

/**
 * Applies reports one after the other, as the tracking handler does: an ignored report keeps the
 * status, and the furthest stage reached is remembered (an EXCEPTION is no stage: it can happen
 * anywhere, and the parcel goes on from where it was).
 */
function applyAll(start: ShipmentStatus, reports: ShipmentStatus[]): ShipmentStatus[] {
  return reachedTrail(start, reports).map(([status]) => status);
}

function reachedTrail(start: ShipmentStatus, reports: ShipmentStatus[]): [ShipmentStatus, number][] {
  const trail: [ShipmentStatus, number][] = [[start, 0]];
  let current = start;
  let reached = stage(start);
  for (const report of reports) {
    current = nextShipmentStatus(current, report, reachedAsCodeStage(reached)) ?? current;
    if (current !== 'EXCEPTION') reached = Math.max(reached, stage(current));
    trail.push([current, reached]);
  }
  return trail;
}

/** The code numbers stages from ALLOCATED; this file from DISPATCHED. */
const reachedAsCodeStage = (reached: number) => reached + 2;

describe('nextShipmentStatus', () => {
  it('moves forward along the journey, one stage or several at once', () => {
    for (let from = 0; from < journey.length; from++)
      for (let to = from + 1; to < journey.length; to++) {
        const current = journey[from] as ShipmentStatus;
        const incoming = journey[to] as ShipmentStatus;
        expect(nextShipmentStatus(current, incoming), `${current} -> ${incoming}`).toBe(incoming);
      }
  });

  it('ignores a late event that would move the shipment back a stage', () => {
    expect(nextShipmentStatus('OUT_FOR_DELIVERY', 'IN_TRANSIT')).toBeUndefined();
    expect(nextShipmentStatus('IN_TRANSIT', 'DISPATCHED')).toBeUndefined();
    expect(nextShipmentStatus('OUT_FOR_DELIVERY', 'DISPATCHED')).toBeUndefined();
    expect(nextShipmentStatus('DELIVERY_FAILED', 'IN_TRANSIT')).toBeUndefined();
    // after an exception, the parcel may not move back before the furthest stage it reached
    expect(nextShipmentStatus('EXCEPTION', 'IN_TRANSIT', reachedAsCodeStage(stage('OUT_FOR_DELIVERY')))).toBe(
      undefined,
    );
  });

  it('applies an EXCEPTION at any stage before the end (out for delivery included), and lets the parcel go on', () => {
    for (const current of ['DISPATCHED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERY_FAILED'] as const)
      expect(nextShipmentStatus(current, 'EXCEPTION'), current).toBe('EXCEPTION');
    for (const current of terminal) expect(nextShipmentStatus(current, 'EXCEPTION'), current).toBeUndefined();
    expect(
      applyAll('DISPATCHED', ['OUT_FOR_DELIVERY', 'EXCEPTION', 'OUT_FOR_DELIVERY', 'DELIVERED']),
    ).toEqual(['DISPATCHED', 'OUT_FOR_DELIVERY', 'EXCEPTION', 'OUT_FOR_DELIVERY', 'DELIVERED']);
  });

  it('ignores a repeated event', () => {
    for (const status of [
      'DISPATCHED',
      'IN_TRANSIT',
      'OUT_FOR_DELIVERY',
      'DELIVERY_FAILED',
      'EXCEPTION',
    ] as const)
      expect(nextShipmentStatus(status, status), status).toBeUndefined();
  });

  it('lets another delivery attempt follow a failed one, and a failure follow an attempt', () => {
    expect(nextShipmentStatus('DELIVERY_FAILED', 'OUT_FOR_DELIVERY')).toBe('OUT_FOR_DELIVERY');
    expect(nextShipmentStatus('OUT_FOR_DELIVERY', 'DELIVERY_FAILED')).toBe('DELIVERY_FAILED');
    expect(applyAll('OUT_FOR_DELIVERY', ['DELIVERY_FAILED', 'OUT_FOR_DELIVERY', 'DELIVERED']).at(-1)).toBe(
      'DELIVERED',
    );
  });

  it('lets a failed attempt end as delivered or lost', () => {
    expect(nextShipmentStatus('DELIVERY_FAILED', 'DELIVERED')).toBe('DELIVERED');
    expect(nextShipmentStatus('DELIVERY_FAILED', 'LOST')).toBe('LOST');
  });

  it('never changes a terminal shipment, whatever is reported', () => {
    for (const current of terminal)
      for (const incoming of shipmentStatuses)
        expect(nextShipmentStatus(current, incoming), `${current} -> ${incoming}`).toBeUndefined();
  });

  it('property: any sequence of carrier reports ends at the highest stage reported, never going back', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...carrierReports), { maxLength: 30 }), (reports) => {
        const reachedAt = reachedTrail('DISPATCHED', reports);
        const trail = reachedAt.map(([status]) => status);
        for (let i = 1; i < reachedAt.length; i++) {
          const [status, reached] = reachedAt[i] as [ShipmentStatus, number];
          expect(reached).toBeGreaterThanOrEqual((reachedAt[i - 1] as [ShipmentStatus, number])[1]);
          // a journey status is never behind the furthest stage reached
          if (status !== 'EXCEPTION') expect(stage(status)).toBe(reached);
        }
        const onJourney = reports.filter((r) => r !== 'EXCEPTION');
        const highest = Math.max(0, ...onJourney.map(stage));
        expect((reachedAt.at(-1) as [ShipmentStatus, number])[1]).toBe(highest);
        // once terminal, the first terminal status reached is kept
        const firstTerminal = trail.findIndex((s) => terminal.includes(s));
        if (firstTerminal >= 0) expect(new Set(trail.slice(firstTerminal)).size).toBe(1);
      }),
      { numRuns: 500 },
    );
  });

  it('property: the same reports shuffled reach the same final stage', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom(...carrierReports), { minLength: 1, maxLength: 12 })
          .chain((reports) =>
            fc.tuple(fc.constant(reports), fc.shuffledSubarray(reports, { minLength: reports.length })),
          ),
        ([reports, shuffled]) => {
          const a = reachedTrail('DISPATCHED', reports).at(-1) as [ShipmentStatus, number];
          const b = reachedTrail('DISPATCHED', shuffled).at(-1) as [ShipmentStatus, number];
          expect(a[1]).toBe(b[1]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function shipment(status: ShipmentStatus, id = `S-${status}`): Shipment {
  return {
    shipmentId: id,
    locationId: 'W1',
    status,
    mode: 'home',
    lines: [{ sku: 'A', quantity: 1 }],
    reservation: 'held',
  };
}

function derive(status: OrderStatus, ...statuses: ShipmentStatus[]): OrderStatus {
  return deriveOrderStatus({ status, shipments: statuses.map((s, i) => shipment(s, `S${i}`)) });
}

describe('deriveOrderStatus', () => {
  it('is DELIVERED when every shipment is delivered', () => {
    expect(derive('SHIPPED', 'DELIVERED', 'DELIVERED')).toBe('DELIVERED');
  });

  it('is COLLECTED when every shipment is collected', () => {
    expect(derive('READY_FOR_PICKUP', 'COLLECTED', 'COLLECTED')).toBe('COLLECTED');
  });

  it('is SHIPPED while one shipment is dispatched and another is still allocated', () => {
    expect(derive('ALLOCATED', 'DISPATCHED', 'ALLOCATED')).toBe('SHIPPED');
    expect(derive('ALLOCATED', 'ALLOCATED', 'IN_TRANSIT')).toBe('SHIPPED');
  });

  it('is SHIPPED while one shipment is delivered and another still travels', () => {
    expect(derive('SHIPPED', 'DELIVERED', 'OUT_FOR_DELIVERY')).toBe('SHIPPED');
  });

  it('is IN_FULFILLMENT once a shipment is packed and none has left', () => {
    expect(derive('ALLOCATED', 'PACKED', 'ALLOCATED')).toBe('IN_FULFILLMENT');
  });

  it('is ALLOCATED while every shipment is allocated', () => {
    expect(derive('RECEIVED', 'ALLOCATED', 'ALLOCATED')).toBe('ALLOCATED');
  });

  it('is READY_FOR_PICKUP once every click & collect shipment is ready', () => {
    expect(derive('IN_FULFILLMENT', 'READY_FOR_PICKUP')).toBe('READY_FOR_PICKUP');
    expect(derive('IN_FULFILLMENT', 'READY_FOR_PICKUP', 'ALLOCATED')).toBe('IN_FULFILLMENT');
  });

  it('ignores cancelled shipments (a rejected one replaced by another)', () => {
    expect(derive('SHIPPED', 'CANCELLED', 'DELIVERED')).toBe('DELIVERED');
    expect(derive('ALLOCATED', 'CANCELLED', 'PACKED')).toBe('IN_FULFILLMENT');
    expect(derive('IN_FULFILLMENT', 'CANCELLED', 'COLLECTED')).toBe('COLLECTED');
  });

  it('keeps the order status when no shipment is live', () => {
    expect(derive('RECEIVED')).toBe('RECEIVED');
    expect(derive('ALLOCATED', 'CANCELLED')).toBe('ALLOCATED');
  });

  it('never reopens a CANCELLED or REJECTED order', () => {
    expect(derive('CANCELLED', 'DISPATCHED', 'CANCELLED')).toBe('CANCELLED');
    expect(derive('REJECTED', 'ALLOCATED')).toBe('REJECTED');
    expect(derive('CANCELLED', 'DELIVERED')).toBe('CANCELLED');
  });
});
