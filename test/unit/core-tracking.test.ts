import { describe, expect, it } from 'vitest';
import {
  type CarrierStatus,
  carrierStatuses,
  type TrackingReason,
} from '../../functions/core/carriers/tracking.ts';
import { aggregatorStatusOf } from '../../functions/core/carriers/vocabularies.ts';
import {
  incidentKindOf,
  maxReshipmentsPerOrder,
  mayReship,
  refund,
  refundIncidentsOnClose,
  refundUnshippedReplacement,
  reship,
  waitSignal,
} from '../../functions/core/orders/incidents.ts';
import { attemptsOf, trackShipment, withTrackingEntry } from '../../functions/core/orders/tracking.ts';
import type { Order, Shipment, ShipmentStatus, TrackingEntry } from '../../functions/core/orders/types.ts';

const now = new Date('2030-03-05T10:00:00Z');

function shipment(
  id: string,
  status: ShipmentStatus = 'DISPATCHED',
  extra: Partial<Shipment> = {},
): Shipment {
  return {
    shipmentId: id,
    locationId: 'W1',
    status,
    mode: 'home',
    lines: [{ sku: 'MUG', quantity: 2 }],
    reservation: 'consumed',
    carrierId: 'colis-standard',
    trackingNumber: `TN-${id}`,
    ...extra,
  };
}

function order(shipments: Shipment[], extra: Partial<Order> = {}): Order {
  return {
    orderId: 'O-1',
    status: 'SHIPPED',
    channel: 'web',
    customer: { id: 'c' },
    delivery: { mode: 'home' },
    lines: [{ sku: 'MUG', quantity: 2, unitPrice: 12.5 }],
    shipments,
    history: [],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
    ...extra,
  };
}

let counter = 0;
function entry(status: CarrierStatus, occurredAt: string, reason?: TrackingReason): TrackingEntry {
  counter++;
  return {
    eventId: `E${counter}`,
    status,
    reason,
    occurredAt,
    receivedAt: `2030-03-05T10:00:${String(counter % 60).padStart(2, '0')}Z`,
  };
}

/** Applies events one after the other, as the tracking use case does, keeping the latest order. */
function track(start: Order, events: TrackingEntry[], id = 'S1') {
  let current = start;
  const restocked: { sku: string; quantity: number }[] = [];
  for (const e of events) {
    const tracked = trackShipment(current, id, e, now);
    if (!tracked) continue;
    current = tracked.order;
    restocked.push(...tracked.restock);
  }
  return { order: current, restocked, shipment: current.shipments.find((s) => s.shipmentId === id) };
}

describe('the tracking timeline', () => {
  it('keeps the events oldest first by occurredAt, whatever order they arrive in', () => {
    const late = entry('IN_TRANSIT', '2030-03-04T08:00:00Z');
    const { shipment: s } = track(order([shipment('S1')]), [
      entry('OUT_FOR_DELIVERY', '2030-03-05T07:00:00Z'),
      late,
      entry('PICKED_UP', '2030-03-03T18:00:00Z'),
    ]);
    expect(s?.events?.map((e) => e.status)).toEqual(['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY']);
    // the late event is on the timeline, but did not move the parcel back
    expect(s?.status).toBe('OUT_FOR_DELIVERY');
  });

  it('orders events of the same instant by their arrival, and caps the timeline at its latest entries', () => {
    const a = { ...entry('IN_TRANSIT', '2030-03-04T08:00:00Z'), receivedAt: '2030-03-04T08:00:02Z' };
    const b = { ...entry('IN_TRANSIT', '2030-03-04T08:00:00Z'), receivedAt: '2030-03-04T08:00:01Z' };
    expect(withTrackingEntry([a], b).map((e) => e.eventId)).toEqual([b.eventId, a.eventId]);
    let events: TrackingEntry[] = [];
    for (let i = 0; i < 150; i++)
      events = withTrackingEntry(
        events,
        entry('IN_TRANSIT', new Date(Date.UTC(2030, 0, 1, 0, i)).toISOString()),
      );
    expect(events).toHaveLength(100);
    expect(events[0]?.occurredAt).toBe(new Date(Date.UTC(2030, 0, 1, 0, 50)).toISOString());
  });

  it('applies an event id once: the same event again changes nothing', () => {
    const failed = entry('DELIVERY_FAILED', '2030-03-05T09:00:00Z', 'recipient_absent');
    const first = track(order([shipment('S1', 'OUT_FOR_DELIVERY')]), [failed]);
    expect(trackShipment(first.order, 'S1', failed, now)).toBeUndefined();
    expect(first.shipment?.attempts).toBe(1);
  });

  it('records reason and raw code, and counts each failed attempt', () => {
    const { shipment: s } = track(order([shipment('S1')]), [
      entry('OUT_FOR_DELIVERY', '2030-03-05T07:00:00Z'),
      { ...entry('DELIVERY_FAILED', '2030-03-05T09:00:00Z', 'recipient_absent'), rawCode: 'AAR-07' },
      entry('OUT_FOR_DELIVERY', '2030-03-06T07:00:00Z'),
      entry('DELIVERY_FAILED', '2030-03-06T09:00:00Z', 'access_restricted'),
    ]);
    expect(s?.attempts).toBe(2);
    expect(s?.status).toBe('DELIVERY_FAILED');
    expect(s?.events?.[1]).toMatchObject({ reason: 'recipient_absent', rawCode: 'AAR-07' });
    expect(attemptsOf(s?.events ?? [])).toBe(2);
  });

  it('applies an EXCEPTION after OUT_FOR_DELIVERY, and a late IN_TRANSIT after it moves nothing back', () => {
    const { shipment: s } = track(order([shipment('S1')]), [
      entry('OUT_FOR_DELIVERY', '2030-03-05T07:00:00Z'),
      entry('EXCEPTION', '2030-03-05T08:00:00Z', 'weather'),
      entry('IN_TRANSIT', '2030-03-04T08:00:00Z'),
    ]);
    expect(s?.status).toBe('EXCEPTION');
    expect(s?.incidentKind).toBeUndefined();
  });

  it('changes nothing on a delivered parcel', () => {
    const delivered = order([shipment('S1', 'DELIVERED')], { status: 'DELIVERED' });
    for (const status of carrierStatuses)
      expect(
        trackShipment(delivered, 'S1', entry(status, '2030-03-06T00:00:00Z'), now),
        status,
      ).toBeUndefined();
  });
});

describe('incident decisions', () => {
  it('names the incident each report reveals, and none for mere news', () => {
    expect(incidentKindOf({ status: 'LOST' }, 0)).toBe('lost');
    expect(incidentKindOf({ status: 'EXCEPTION', reason: 'lost' }, 0)).toBe('lost');
    expect(incidentKindOf({ status: 'EXCEPTION', reason: 'damaged' }, 0)).toBe('damaged');
    expect(incidentKindOf({ status: 'RETURNED_TO_SENDER' }, 0)).toBe('returned_to_sender');
    expect(incidentKindOf({ status: 'DELIVERY_FAILED' }, 2)).toBeUndefined();
    expect(incidentKindOf({ status: 'DELIVERY_FAILED' }, 3)).toBe('failed_attempts');
    for (const reason of ['weather', 'delayed', 'address_issue'] as const)
      expect(incidentKindOf({ status: 'EXCEPTION', reason }, 0), reason).toBeUndefined();
    expect(incidentKindOf({ status: 'IN_TRANSIT' }, 5)).toBeUndefined();
  });

  it('a lost or damaged parcel is marked for replacement and tells its delivery wait ShipmentLost', () => {
    for (const e of [
      entry('LOST', '2030-03-05T09:00:00Z'),
      entry('EXCEPTION', '2030-03-05T09:00:00Z', 'damaged'),
    ]) {
      const { order: o, shipment: s } = track(order([shipment('S1', 'IN_TRANSIT')]), [e]);
      expect(s?.incidentKind).toBe(e.status === 'LOST' ? 'lost' : 'damaged');
      expect(o.incidents ?? []).toEqual([]);
      expect(waitSignal(o, 'S1', 'delivery')).toEqual({ kind: 'lost', reason: s?.incidentKind });
      // nothing more applies to it: the workflow replaces it
      expect(trackShipment(o, 'S1', entry('DELIVERED', '2030-03-06T09:00:00Z'), now)).toBeUndefined();
    }
  });

  it('the third failed attempt sends the parcel back: returning, then refunded and restocked on receipt', () => {
    const attempts = [1, 2, 3].flatMap((day) => [
      entry('OUT_FOR_DELIVERY', `2030-03-0${day}T07:00:00Z`),
      entry('DELIVERY_FAILED', `2030-03-0${day}T09:00:00Z`, 'recipient_absent'),
    ]);
    const sent = track(order([shipment('S1')]), attempts);
    expect(sent.order.incidents).toEqual([
      { shipmentId: 'S1', kind: 'failed_attempts', at: now.toISOString(), resolution: 'returning' },
    ]);
    expect(sent.order.status).toBe('SHIPPED');
    expect(sent.restocked).toEqual([]);
    expect(waitSignal(sent.order, 'S1', 'delivery')).toEqual({
      kind: 'returning',
      reason: 'failed_attempts',
    });
    expect(waitSignal(sent.order, 'S1', 'return')).toBeUndefined();

    const back = track(sent.order, [entry('RETURN_RECEIVED', '2030-03-08T09:00:00Z')]);
    expect(back.order.incidents?.[0]?.resolution).toBe('refunded');
    expect(back.restocked).toEqual([{ sku: 'MUG', quantity: 2 }]);
    // the only parcel was refunded: nothing left to deliver
    expect(back.order.status).toBe('CANCELLED');
    expect(waitSignal(back.order, 'S1', 'return')).toEqual({ kind: 'arrived', status: 'REFUNDED' });
    // received once: a second receipt restocks nothing more
    expect(
      trackShipment(back.order, 'S1', entry('RETURN_RECEIVED', '2030-03-09T09:00:00Z'), now),
    ).toBeUndefined();
  });

  it('a parcel returned to sender while a sibling is delivered leaves the order DELIVERED once refunded', () => {
    const start = order([shipment('S1', 'IN_TRANSIT'), shipment('S2', 'DELIVERED')]);
    const { order: o, shipment: s } = track(start, [
      entry('RETURNED_TO_SENDER', '2030-03-05T09:00:00Z', 'refused'),
      entry('RETURN_RECEIVED', '2030-03-07T09:00:00Z'),
    ]);
    expect(s?.status).toBe('RETURNED_TO_SENDER');
    expect(o.incidents?.map((i) => [i.kind, i.resolution])).toEqual([['returned_to_sender', 'refunded']]);
    expect(o.status).toBe('DELIVERED');
  });

  it('a replaced shipment no longer counts: the order follows its replacement', () => {
    const lost = { ...shipment('S1', 'LOST'), incidentKind: 'lost' as const };
    const replacement = shipment('S2', 'ALLOCATED', { reservation: 'held', carrierId: undefined });
    const reshipped = reship(order([lost]), 'S1', 'lost', replacement, now);
    expect(reshipped.incidents).toEqual([
      {
        shipmentId: 'S1',
        kind: 'lost',
        at: now.toISOString(),
        resolution: 'reshipped',
        replacementShipmentId: 'S2',
      },
    ]);
    expect(reshipped.shipments[0]?.replacedBy).toBe('S2');
    expect(reshipped.status).toBe('ALLOCATED');
    const delivered = {
      ...reshipped,
      shipments: reshipped.shipments.map((s) =>
        s.shipmentId === 'S2' ? { ...s, status: 'DELIVERED' as const } : s,
      ),
    };
    expect(reship(delivered, 'S1', 'lost', { ...replacement, status: 'DELIVERED' }, now).status).toBe(
      'DELIVERED',
    );
  });

  it('an order whose only parcel is lost and refunded ends CANCELLED; replacements are bounded per order', () => {
    const lost = { ...shipment('S1', 'LOST'), incidentKind: 'lost' as const };
    expect(refund(order([lost]), 'S1', 'lost', now).status).toBe('CANCELLED');
    const many = order([lost], {
      incidents: Array.from({ length: maxReshipmentsPerOrder }, (_, i) => ({
        shipmentId: `X${i}`,
        kind: 'lost' as const,
        at: now.toISOString(),
        resolution: 'reshipped' as const,
      })),
    });
    expect(mayReship(order([lost]))).toBe(true);
    expect(mayReship(many)).toBe(false);
  });

  it('settles a delivery wait when the parcel is delivered, and a collection wait when cancelled', () => {
    expect(waitSignal(order([shipment('S1', 'DELIVERED')]), 'S1', 'delivery')).toEqual({
      kind: 'arrived',
      status: 'DELIVERED',
    });
    expect(waitSignal(order([shipment('S1', 'IN_TRANSIT')]), 'S1', 'delivery')).toBeUndefined();
    const collect = shipment('S1', 'READY_FOR_PICKUP', { mode: 'click_collect' });
    expect(waitSignal(order([collect], { cancelRequested: true }), 'S1', 'collection')).toEqual({
      kind: 'cancelled',
    });
  });
});

describe('the mapping to AfterShip tags and EasyPost statuses', () => {
  const afterShipTags = [
    'Pending',
    'InfoReceived',
    'InTransit',
    'OutForDelivery',
    'AttemptFail',
    'Delivered',
    'AvailableForPickup',
    'Exception',
    'Expired',
  ];
  const easyPostStatuses = [
    'unknown',
    'pre_transit',
    'in_transit',
    'out_for_delivery',
    'delivered',
    'available_for_pickup',
    'return_to_sender',
    'failure',
    'cancelled',
    'error',
  ];

  it('maps every canonical status into each vocabulary', () => {
    expect(Object.keys(aggregatorStatusOf).sort()).toEqual([...carrierStatuses].sort());
    for (const [status, mapped] of Object.entries(aggregatorStatusOf)) {
      expect(afterShipTags, status).toContain(mapped.afterShipTag);
      expect(easyPostStatuses, status).toContain(mapped.easyPostStatus);
    }
  });

  it('keeps the distinctions both vocabularies make', () => {
    expect(aggregatorStatusOf.DELIVERED).toEqual({ afterShipTag: 'Delivered', easyPostStatus: 'delivered' });
    expect(aggregatorStatusOf.DELIVERY_FAILED.afterShipTag).toBe('AttemptFail');
    expect(aggregatorStatusOf.AVAILABLE_FOR_PICKUP).toEqual({
      afterShipTag: 'AvailableForPickup',
      easyPostStatus: 'available_for_pickup',
    });
    expect(aggregatorStatusOf.RETURNED_TO_SENDER.easyPostStatus).toBe('return_to_sender');
    expect(aggregatorStatusOf.OUT_FOR_DELIVERY).toEqual({
      afterShipTag: 'OutForDelivery',
      easyPostStatus: 'out_for_delivery',
    });
  });
});

describe('a replacement that cannot ship after all', () => {
  it('refunds the incident it was sent for, following a re-sourcing of the replacement', () => {
    const lost = { ...shipment('S1', 'LOST'), incidentKind: 'lost' as const };
    const replacement = shipment('S2', 'ALLOCATED', { reservation: 'held' });
    const reshipped = reship(order([lost]), 'S1', 'lost', replacement, now);
    // the replacement's location rejected it and it went to S3, which nobody can ship either
    const resourced = {
      ...reshipped,
      shipments: [
        ...reshipped.shipments.map((s) =>
          s.shipmentId === 'S2' ? { ...s, status: 'CANCELLED' as const, replacedBy: 'S3' } : s,
        ),
        shipment('S3', 'CANCELLED', { reservation: 'released' }),
      ],
    };
    expect(refundUnshippedReplacement(resourced, 'S2', now)).toBe(resourced);
    const refunded = refundUnshippedReplacement(resourced, 'S3', now);
    expect(refunded.incidents).toEqual([
      expect.objectContaining({ shipmentId: 'S1', resolution: 'refunded', replacementShipmentId: 'S2' }),
    ]);
    expect(refunded.status).toBe('CANCELLED');
    // an ordinary unfilled shipment has no incident to refund
    const plain = order([shipment('S9', 'CANCELLED')]);
    expect(refundUnshippedReplacement(plain, 'S9', now)).toBe(plain);
  });
});

describe('an order closed by its compensation after an incident', () => {
  const lost = { ...shipment('S1', 'LOST'), incidentKind: 'lost' as const };

  it('refunds a lost parcel whose incident was never resolved', () => {
    const closed = refundIncidentsOnClose(order([lost]), now);
    expect(closed.incidents).toEqual([
      expect.objectContaining({ shipmentId: 'S1', kind: 'lost', resolution: 'refunded' }),
    ]);
  });

  it('refunds it when its replacement has not left, and not when the replacement is on its way', () => {
    const waiting = reship(
      order([lost]),
      'S1',
      'lost',
      shipment('S2', 'ALLOCATED', { reservation: 'held' }),
      now,
    );
    expect(refundIncidentsOnClose(waiting, now).incidents).toEqual([
      expect.objectContaining({ shipmentId: 'S1', resolution: 'refunded', replacementShipmentId: 'S2' }),
    ]);
    const onItsWay = reship(order([lost]), 'S1', 'lost', shipment('S2', 'DISPATCHED'), now);
    expect(refundIncidentsOnClose(onItsWay, now)).toBe(onItsWay);
  });

  it('leaves a parcel coming back alone (refunded when it is received) and an order without incidents', () => {
    const returning = {
      ...shipment('S1', 'RETURNED_TO_SENDER'),
      incidentKind: 'returned_to_sender' as const,
    };
    const plain = order([returning, shipment('S2')]);
    expect(refundIncidentsOnClose(plain, now)).toBe(plain);
  });
});
