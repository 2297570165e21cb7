/**
 * At-least-once delivery, as the outbox pipe gives it: every event of a whole journey (intake,
 * allocation, pick, dispatch, tracking, delivery, notifications) delivered a second time, with the
 * same outbox id, has no second effect on any consumer of the bus.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, postCarrierEvent, untilShipment, untilStatus } from '../support/journey.ts';

const local = useTestCloud({ network: 'rd' });
const { api, ids } = local;

describe('every event delivered twice', () => {
  it('changes no order, sends no second notification, counts no delivery twice and announces nothing new', async () => {
    const { status, body } = await api.placeOrder({
      ...homeOrder([{ sku: ids.mug, quantity: 1 }]),
      customer: { id: 'cust-rd', email: `${randomUUID()}@example.com` },
    });
    expect(status).toBe(202);
    const orderId: string = body.orderId;
    const [shipment] = (await untilStatus(api, orderId, 'ALLOCATED')).shipments;
    await eventually(async () => {
      const answer = await api.post(`/shipments/${shipment.shipmentId}/confirm`, {});
      return answer.status === 202 ? answer : undefined;
    }, 'the confirmation to be accepted');
    const dispatched = (await untilShipment(api, orderId, 'DISPATCHED')).shipments[0];
    for (const carrierStatus of ['PICKED_UP', 'OUT_FOR_DELIVERY', 'DELIVERED']) {
      const answer = await postCarrierEvent(local.cloud.url, dispatched.carrierId, {
        trackingNumber: dispatched.trackingNumber,
        status: carrierStatus,
      });
      expect(answer.status).toBe(202);
      // applied before the next one, as minutes apart (the bus delivers a batch concurrently)
      await local.cloud.idle();
    }
    await untilStatus(api, orderId, 'DELIVERED');
    await local.cloud.idle();

    const snapshot = async () => ({
      order: (await api.get(`/orders/${orderId}`)).body,
      notifications: (await api.get(`/orders/${orderId}/notifications`)).body.items,
      deliveries: Object.fromEntries(await local.ports.carriers.deliveryCounts()),
      stock: (await api.get(`/inventory/${ids.mug}`)).body,
    });
    const before = await snapshot();
    const ofOrder = local.events.filter(
      (e) =>
        (e.detail as { orderId?: string }).orderId === orderId ||
        e['detail-type'] === 'CarrierTrackingEvent.v1',
    );
    const types = new Set(ofOrder.map((e) => e['detail-type']));
    for (const type of [
      'OrderReceived.v1',
      'OrderAllocated.v1',
      'ShipmentStatusChanged.v1',
      'ShipmentDispatched.v1',
      'CarrierTrackingEvent.v1',
      'OrderDelivered.v1',
      'NotificationSent.v1',
    ])
      expect(types, type).toContain(type);
    // each event carries its outbox id, the same on every delivery
    for (const e of ofOrder) expect(e.resources).toEqual([expect.stringMatching(/^relais:event:/)]);

    const seen = local.events.length;
    for (const e of ofOrder)
      local.cloud.bus.putEvents({
        Entries: [
          {
            EventBusName: local.cloud.model.eventBuses[0]?.name,
            Source: e.source,
            DetailType: e['detail-type'],
            Detail: JSON.stringify(e.detail),
            Resources: e.resources,
          },
        ],
      });
    await local.cloud.idle();

    // only the replayed events went over the bus: no consumer announced anything again
    expect(local.events.length - seen).toBe(ofOrder.length);
    expect(await snapshot()).toEqual(before);
    // the bus delivers concurrently: the last two may be told in either order
    expect(before.notifications.map((n: { template: string }) => n.template).sort()).toEqual([
      'delivered',
      'order_confirmed',
      'order_dispatched',
      'out_for_delivery',
    ]);
    expect(local.cloud.bus.deadLetters()).toEqual([]);
  });
});
