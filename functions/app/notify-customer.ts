import { createHash, randomUUID } from 'node:crypto';
import { composeMessage } from '../core/notifications/messages.ts';
import {
  languageOf,
  messageFacts,
  type NotificationIntent,
  type NotificationTrigger,
  notificationFor,
} from '../core/notifications/triggers.ts';
import { NotificationInFlight } from '../shared/errors.ts';
import { event } from './events.ts';
import type { AppPorts, NotificationRecord } from './ports.ts';

type NotifyPorts = Pick<AppPorts, 'orders' | 'network' | 'notifications' | 'mailer' | 'clock'>;

/**
 * How long a claim protects a message being sent: longer than the function may run (60 s), so
 * that a claim this old belongs to an attempt that died, and a retry may take it over.
 */
export const claimLeaseMs = 120_000;

/** The same id for the same (order, template, subject), whichever delivery of the event computes it. */
export function notificationIdOf(about: NotificationIntent): string {
  return createHash('sha256')
    .update(`${about.orderId}\n${about.template}\n${about.subject}`)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * Tells the customer what an event means for their order, once per (order, template, subject).
 * The notification is claimed by a conditional write before the message is sent, so a repeated
 * event sends nothing. A send that fails releases the claim and throws, so that the bus retries
 * the event and the retry sends; an attempt that dies between its claim and its record leaves a
 * claim that a retry takes over once its lease is past. A customer without e-mail is recorded as
 * skipped. Each outcome is announced by NotificationSent.v1, written with the record of it, so
 * that a repeated event announces nothing twice either.
 */
export async function notifyCustomer(ports: NotifyPorts, trigger: NotificationTrigger) {
  const about = notificationFor(trigger);
  if (!about) return { notified: false as const, reason: 'no message for this event' };
  const order = await ports.orders.get(about.orderId);
  if (!order) return { notified: false as const, reason: `order ${about.orderId} does not exist` };

  const language = languageOf(order);
  const store =
    about.template === 'ready_for_pickup' && order.delivery.storeId
      ? await ports.network.getLocation(order.delivery.storeId)
      : undefined;
  const message = composeMessage(about.template, language, messageFacts(order, trigger, about, store?.name));
  const to = order.customer.email;
  const claimedAt = ports.clock.now();
  const record: NotificationRecord = {
    notificationId: notificationIdOf(about),
    orderId: about.orderId,
    channel: 'email',
    template: about.template,
    about: about.subject,
    to: to ?? null,
    subject: message.subject,
    status: to ? 'sending' : 'skipped',
    at: claimedAt.toISOString(),
    shipmentId: about.shipmentId,
    returnId: about.returnId,
    claimToken: to ? randomUUID() : undefined,
  };

  const standing = await ports.notifications.claim(
    record,
    new Date(claimedAt.getTime() - claimLeaseMs).toISOString(),
    announcement(record),
  );
  if (standing !== 'claimed') {
    if (standing.status === 'sending')
      throw new NotificationInFlight(`notification ${standing.notificationId} is being sent`);
    return { notified: false as const, reason: 'already notified', notification: standing };
  }
  if (!to) return { notified: true as const, notification: record };

  let messageId: string;
  try {
    ({ messageId } = await ports.mailer.send({
      to,
      ...message,
      tags: { template: about.template, order: about.orderId, language },
    }));
  } catch (error) {
    await ports.notifications.release(record);
    throw error;
  }
  const sent: NotificationRecord = {
    ...record,
    status: 'sent',
    messageId,
    at: ports.clock.now().toISOString(),
  };
  await ports.notifications.finish(sent, announcement(sent));
  return { notified: true as const, notification: sent };
}

/** NotificationSent.v1 for a notification sent or skipped; nothing while it is being sent. */
function announcement(record: NotificationRecord) {
  if (record.status === 'sending') return [];
  return [
    event('NotificationSent.v1', {
      orderId: record.orderId,
      notificationId: record.notificationId,
      channel: record.channel,
      template: record.template,
      status: record.status,
      shipmentId: record.shipmentId,
      at: record.at,
    }),
  ];
}
