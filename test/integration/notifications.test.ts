import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sesMailer } from '../../functions/adapters/mailer.ts';
import { claimLeaseMs, notifyCustomer } from '../../functions/app/notify-customer.ts';
import type { NotificationRecord } from '../../functions/app/ports.ts';
import { receiveOrder } from '../../functions/core/orders/order.ts';
import type { Shipment } from '../../functions/core/orders/types.ts';
import { NotificationInFlight } from '../../functions/shared/errors.ts';
import { sentEmails } from '../../local/ses.ts';
import { useTestCloud } from '../support/fixture.ts';
import { localClients, localResources } from '../support/ports.ts';

const local = useTestCloud();

/** An order stored as the workflow leaves it once dispatched: one parcel with its carrier and tracking number. */
async function storedOrder(options: { email?: string; country?: string } = {}) {
  const orderId = `ntf-${randomUUID().slice(0, 8)}`;
  const shipment: Shipment = {
    shipmentId: `${orderId}-S1`,
    locationId: 'W1',
    status: 'DISPATCHED',
    mode: 'home',
    lines: [{ sku: 'MUG', quantity: 1 }],
    reservation: 'consumed',
    carrierId: 'colissimo',
    trackingNumber: 'CP00000000000001FR',
    promisedDate: '2026-12-07',
  };
  const order = {
    ...receiveOrder(
      {
        orderId,
        channel: 'web',
        customer: { id: 'C-1', ...(options.email === undefined ? {} : { email: options.email }) },
        delivery: {
          mode: 'home',
          address: {
            line1: '1 rue de Rivoli',
            postcode: '75001',
            city: 'Paris',
            country: options.country ?? 'FR',
          },
        },
        lines: [{ sku: 'MUG', quantity: 1 }],
      },
      new Date(),
    ),
    shipments: [shipment],
  };
  expect(await local.ports.orders.create(order)).toBe(true);
  return { orderId, shipmentId: shipment.shipmentId };
}

const dispatched = (orderId: string, shipmentId: string) =>
  ({
    type: 'ShipmentDispatched.v1',
    orderId,
    shipmentId,
    carrierId: 'colissimo',
    trackingNumber: 'CP00000000000001FR',
  }) as const;

async function mailTo(address: string) {
  return (await sentEmails(local.cloud.endpoints.ses)).filter((m) => m.destination.to.includes(address));
}

const announced = (orderId: string) =>
  local.events.filter(
    (e) =>
      e['detail-type'] === 'NotificationSent.v1' && (e.detail as { orderId?: string }).orderId === orderId,
  );

describe('notifying a customer, against DynamoDB Local and the SES v2 emulator', () => {
  it('sends the message once through SES, records it, and announces it', async () => {
    const to = `${randomUUID()}@example.com`;
    const { orderId, shipmentId } = await storedOrder({ email: to });

    const result = await notifyCustomer(local.ports, dispatched(orderId, shipmentId));
    expect(result.notified).toBe(true);

    const [mail, ...more] = await mailTo(to);
    expect(more).toHaveLength(0);
    expect(mail?.from).toBe(localResources(local.cloud).notificationSender());
    expect(mail?.subject).toBe(`Votre commande ${orderId} est expédiée`);
    expect(mail?.body.text).toContain('CP00000000000001FR');
    expect(mail?.body.html).toContain('<p>Numéro de suivi : CP00000000000001FR</p>');

    const [record] = await local.ports.notifications.ofOrder(orderId);
    expect(record).toMatchObject({
      channel: 'email',
      template: 'order_dispatched',
      to,
      subject: mail?.subject,
      status: 'sent',
      shipmentId,
      messageId: mail?.messageId,
    });
    expect(record?.claimToken).toBeUndefined();
    await local.cloud.idle();
    expect(announced(orderId).map((e) => e.detail)).toEqual([
      {
        orderId,
        notificationId: record?.notificationId,
        channel: 'email',
        template: 'order_dispatched',
        status: 'sent',
        shipmentId,
        at: record?.at,
      },
    ]);
  });

  it('sends nothing more for a repeated event, and nothing for an event that calls for no message', async () => {
    const to = `${randomUUID()}@example.com`;
    const { orderId, shipmentId } = await storedOrder({ email: to, country: 'DE' });
    await notifyCustomer(local.ports, dispatched(orderId, shipmentId));
    const again = await notifyCustomer(local.ports, dispatched(orderId, shipmentId));
    expect(again).toMatchObject({ notified: false, reason: 'already notified' });
    const ignored = await notifyCustomer(local.ports, {
      type: 'ShipmentStatusChanged.v1',
      orderId,
      shipmentId,
      status: 'IN_TRANSIT',
    });
    expect(ignored.notified).toBe(false);

    const mails = await mailTo(to);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe(`Your order ${orderId} has shipped`);
    expect(await local.ports.notifications.ofOrder(orderId)).toHaveLength(1);
  });

  it('records a customer without an e-mail address as skipped, once, and sends nothing', async () => {
    const { orderId } = await storedOrder();
    const before = (await sentEmails(local.cloud.endpoints.ses)).length;
    await notifyCustomer(local.ports, { type: 'OrderAllocated.v1', orderId });
    await notifyCustomer(local.ports, { type: 'OrderAllocated.v1', orderId });
    expect((await sentEmails(local.cloud.endpoints.ses)).length).toBe(before);
    const records = await local.ports.notifications.ofOrder(orderId);
    expect(records).toMatchObject([{ template: 'order_confirmed', status: 'skipped', to: null }]);
    expect(records[0]?.subject).toContain(orderId);
    await local.cloud.idle();
    expect(announced(orderId).length).toBeGreaterThanOrEqual(1);
    expect(announced(orderId).every((e) => (e.detail as { status: string }).status === 'skipped')).toBe(true);
  });

  it('releases the claim when SES refuses the message, so that the retry sends it exactly once', async () => {
    const to = `${randomUUID()}@example.com`;
    const { orderId, shipmentId } = await storedOrder({ email: to });
    // a real refusal by the emulator: a message without a sender
    const refusing = sesMailer(localClients(local.cloud).ses, {
      sender: () => '',
      configurationSet: () => 'Relais-notifications',
    });
    await expect(
      notifyCustomer({ ...local.ports, mailer: refusing }, dispatched(orderId, shipmentId)),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(await local.ports.notifications.ofOrder(orderId)).toEqual([]);
    expect(await mailTo(to)).toHaveLength(0);

    await notifyCustomer(local.ports, dispatched(orderId, shipmentId));
    await notifyCustomer(local.ports, dispatched(orderId, shipmentId));
    expect(await mailTo(to)).toHaveLength(1);
    expect(await local.ports.notifications.ofOrder(orderId)).toMatchObject([{ status: 'sent' }]);
  });

  it('leaves a claim being sent alone, and takes over one whose attempt died', async () => {
    const to = `${randomUUID()}@example.com`;
    const { orderId, shipmentId } = await storedOrder({ email: to });
    const first = await notifyCustomer(local.ports, dispatched(orderId, shipmentId));
    const sent = first.notification as NotificationRecord;
    const claim = (at: Date): NotificationRecord => ({
      ...sent,
      template: 'delivered',
      status: 'sending',
      at: at.toISOString(),
      claimToken: 'an-attempt',
    });
    const delivered = { type: 'ShipmentStatusChanged.v1', orderId, shipmentId, status: 'DELIVERED' } as const;

    expect(await local.ports.notifications.claim(claim(new Date()), new Date(0).toISOString())).toBe(
      'claimed',
    );
    await expect(notifyCustomer(local.ports, delivered)).rejects.toBeInstanceOf(NotificationInFlight);
    expect(await mailTo(to)).toHaveLength(1);

    const later = new Date(Date.now() + claimLeaseMs + 1000);
    await notifyCustomer({ ...local.ports, clock: { now: () => later } }, delivered);
    const mails = await mailTo(to);
    expect(mails).toHaveLength(2);
    expect(mails[1]?.subject).toBe(`Votre commande ${orderId} est livrée`);
    const records = await local.ports.notifications.ofOrder(orderId);
    expect(records.map((r) => [r.template, r.status]).sort()).toEqual([
      ['delivered', 'sent'],
      ['order_dispatched', 'sent'],
    ]);
  });
});

describe('a claim whose answer was lost', () => {
  it('is taken again by the attempt that wrote it, and by no other', async () => {
    const to = `${randomUUID()}@example.com`;
    const { orderId, shipmentId } = await storedOrder({ email: to });
    const mine: NotificationRecord = {
      notificationId: `${orderId}-delivered`,
      orderId,
      template: 'delivered',
      about: shipmentId,
      channel: 'email',
      to,
      subject: `Votre commande ${orderId} est livrée`,
      status: 'sending',
      at: new Date().toISOString(),
      claimToken: 'this-attempt',
    };
    const staleBefore = new Date(Date.now() - claimLeaseMs).toISOString();
    // the first write is applied, its answer lost; the SDK sends the same write again
    expect(await local.ports.notifications.claim(mine, staleBefore)).toBe('claimed');
    expect(await local.ports.notifications.claim(mine, staleBefore)).toBe('claimed');
    // another attempt (a second delivery of the event) finds it being sent
    const other = await local.ports.notifications.claim(
      { ...mine, claimToken: 'another-attempt' },
      staleBefore,
    );
    expect(other).toMatchObject({ status: 'sending', claimToken: 'this-attempt' });
  });
});

describe('GET /orders/{orderId}/notifications', () => {
  it('lists what the customer was told, oldest first, in the contract’s fields', async () => {
    const to = `${randomUUID()}@example.com`;
    const { orderId, shipmentId } = await storedOrder({ email: to });
    await notifyCustomer(local.ports, { type: 'OrderAllocated.v1', orderId });
    await notifyCustomer(local.ports, dispatched(orderId, shipmentId));

    const { status, body } = await local.api.get(`/orders/${orderId}/notifications`);
    expect(status).toBe(200);
    expect(body.items).toHaveLength(2);
    const [confirmed, shipped] = body.items;
    expect(Object.keys(confirmed).sort()).toEqual(
      ['notificationId', 'channel', 'template', 'to', 'subject', 'status', 'at'].sort(),
    );
    expect(confirmed).toMatchObject({ channel: 'email', template: 'order_confirmed', to, status: 'sent' });
    expect(shipped).toMatchObject({ template: 'order_dispatched', shipmentId, status: 'sent' });
    expect(confirmed.subject).toContain(orderId);
    expect(confirmed.at <= shipped.at).toBe(true);
    expect(new Set(body.items.map((n: { notificationId: string }) => n.notificationId)).size).toBe(2);
  });

  it('answers 404 problem+json for an unknown order, and 400 for a malformed id', async () => {
    const unknown = await local.api.get('/orders/no-such-order/notifications');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
    const bad = await local.api.get(`/orders/${'x'.repeat(65)}/notifications`);
    expect(bad.status).toBe(400);
  });
});
