import type { z } from 'zod';
import { verifyWebhookSignature } from '../core/carriers/webhook-signature.ts';
import { NotFound, Unauthorized } from '../shared/errors.ts';
import type { carrierEventBody } from '../shared/schemas.ts';
import { event } from './events.ts';
import type { AppPorts } from './ports.ts';

export interface CarrierWebhook {
  carrierId: string;
  /** the raw body, as signed */
  raw: string;
  signature: string | undefined;
  /** parses the verified body (400 naming the fields when it is not a carrier event) */
  parse: (raw: string) => z.infer<typeof carrierEventBody>;
}

/**
 * A carrier's tracking event: the signature is verified over the raw bytes before anything is
 * parsed, the parcel must be this carrier's, and the event goes on the bus in one form; the
 * tracking use case applies it.
 */
export async function acceptCarrierWebhook(
  ports: Pick<AppPorts, 'orders' | 'events' | 'clock'>,
  secret: string,
  webhook: CarrierWebhook,
) {
  const now = ports.clock.now();
  if (!verifyWebhookSignature(secret, webhook.signature, webhook.raw, Math.floor(now.getTime() / 1000)))
    throw new Unauthorized('missing, invalid or stale X-Relais-Signature');
  const carrierEvent = webhook.parse(webhook.raw);
  const { carrierId } = webhook;
  const tracking = await ports.orders.findTracking(carrierEvent.trackingNumber);
  if (!tracking || tracking.carrierId !== carrierId)
    throw new NotFound(
      `carrier ${carrierId} has no parcel with tracking number ${carrierEvent.trackingNumber}`,
    );
  await ports.events.publish([
    event('CarrierTrackingEvent.v1', {
      carrierId,
      ...carrierEvent,
      // one form on the bus: carriers may send any ISO 8601 offset
      occurredAt: new Date(carrierEvent.occurredAt).toISOString(),
      receivedAt: now.toISOString(),
      orderId: tracking.orderId,
      shipmentId: tracking.shipmentId,
      returnId: tracking.returnId,
    }),
  ]);
  return { eventId: carrierEvent.eventId, accepted: true };
}
