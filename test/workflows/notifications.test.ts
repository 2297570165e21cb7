import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { event } from '../../functions/app/events.ts';
import { sentEmails } from '../../local/ses.ts';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, postCarrierEvent, untilShipment, untilStatus } from '../support/journey.ts';

const local = useTestCloud({ network: 'wn' });
const { api, ids } = local;

interface NotificationItem {
  notificationId: string;
  template: string;
  status: string;
  to: string | null;
  shipmentId?: string;
}

async function notificationsOf(orderId: string): Promise<NotificationItem[]> {
  const { status, body } = await api.get(`/orders/${orderId}/notifications`);
  expect(status).toBe(200);
  return body.items;
}

function untilNotified(orderId: string, templates: string[]) {
  return eventually(
    async () => {
      const items = await notificationsOf(orderId);
      const seen = new Set(items.map((n) => n.template));
      return templates.every((t) => seen.has(t)) ? items : undefined;
    },
    `notifications ${templates.join(', ')} of ${orderId}`,
  );
}

describe('the customer hears about the journey of a delivered order, once per step', () => {
  it('gets one order_confirmed, one order_dispatched and one delivered, however often the carrier repeats itself', async () => {
    const email = `${randomUUID()}@example.com`;
    const { status, body } = await api.placeOrder({
      ...homeOrder([{ sku: ids.mug, quantity: 1 }]),
      customer: { id: 'cust-n', email },
    });
    expect(status).toBe(202);
    const orderId: string = body.orderId;

    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    const [shipment] = allocated.shipments;
    await eventually(async () => {
      const answer = await api.post(`/shipments/${shipment.shipmentId}/confirm`, {});
      return answer.status === 202 ? answer : undefined;
    }, 'the confirmation to be accepted');
    const dispatched = (await untilShipment(api, orderId, 'DISPATCHED')).shipments[0];

    // every status twice under new event ids, and one event id posted twice, as carriers do
    for (const carrierStatus of ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED']) {
      const eventId = randomUUID();
      for (const repeat of [eventId, eventId, randomUUID()]) {
        const answer = await postCarrierEvent(local.cloud.url, dispatched.carrierId, {
          trackingNumber: dispatched.trackingNumber,
          status: carrierStatus,
          eventId: repeat,
        });
        expect(answer.status).toBe(202);
      }
      // the next status minutes later: this one applied first (the bus delivers a batch concurrently)
      await local.cloud.idle();
    }
    await untilStatus(api, orderId, 'DELIVERED');
    await untilNotified(orderId, ['order_confirmed', 'order_dispatched', 'out_for_delivery', 'delivered']);

    // the bus delivers at least once: the same facts arriving again tell the customer nothing new
    await local.ports.events.publish([
      event('OrderAllocated.v1', {
        orderId,
        channel: 'web',
        cost: 1,
        shipments: [],
        at: new Date().toISOString(),
      }),
      event('ShipmentDispatched.v1', {
        orderId,
        shipmentId: dispatched.shipmentId,
        locationId: dispatched.locationId,
        carrierId: dispatched.carrierId,
        trackingNumber: dispatched.trackingNumber,
        at: new Date().toISOString(),
      }),
    ]);
    await local.cloud.idle();

    const items = await notificationsOf(orderId);
    const count = (template: string) => items.filter((n) => n.template === template).length;
    expect(count('order_confirmed')).toBe(1);
    expect(count('order_dispatched')).toBe(1);
    expect(count('delivered')).toBe(1);
    expect(items.map((n) => n.template)).toEqual([
      'order_confirmed',
      'order_dispatched',
      'out_for_delivery',
      'delivered',
    ]);
    for (const n of items) expect(n).toMatchObject({ status: 'sent', to: email });
    expect(items.filter((n) => n.template !== 'order_confirmed').map((n) => n.shipmentId)).toEqual([
      dispatched.shipmentId,
      dispatched.shipmentId,
      dispatched.shipmentId,
    ]);

    const mails = (await sentEmails(local.cloud.endpoints.ses)).filter((m) =>
      m.destination.to.includes(email),
    );
    expect(mails.map((m) => m.subject)).toEqual([
      `Votre commande ${orderId} est confirmée`,
      `Votre commande ${orderId} est expédiée`,
      `Votre colis arrive aujourd'hui (commande ${orderId})`,
      `Votre commande ${orderId} est livrée`,
    ]);
    expect(mails[1]?.body.text).toContain(dispatched.trackingNumber);
    expect(local.cloud.bus.deadLetters()).toEqual([]);
  });

  it('tells a customer of a cancelled order, and skips one who left no e-mail address', async () => {
    const { body } = await api.placeOrder({
      ...homeOrder([{ sku: ids.mug, quantity: 1 }]),
      customer: { id: 'cust-anonymous' },
    });
    const orderId: string = body.orderId;
    await untilStatus(api, orderId, 'ALLOCATED');
    expect((await api.post(`/orders/${orderId}/cancel`, {})).status).toBe(202);
    await untilStatus(api, orderId, 'CANCELLED');
    const items = await untilNotified(orderId, ['order_confirmed', 'order_cancelled']);
    // one of each; their order is the order the pipe's batch reached the consumer in
    expect([...items].sort((a, b) => a.template.localeCompare(b.template))).toMatchObject([
      { template: 'order_cancelled', status: 'skipped', to: null },
      { template: 'order_confirmed', status: 'skipped', to: null },
    ]);
    expect(items).toHaveLength(2);
  });
});
