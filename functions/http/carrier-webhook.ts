import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas/api-gatewayv2';
import { z } from 'zod';
import { event as domainEvent, publish } from '../adapters/events.ts';
import { findTracking } from '../adapters/order-store.ts';
import { webhookSecret } from '../adapters/webhook-secret.ts';
import { verifyWebhookSignature } from '../core/carriers/webhook-signature.ts';
import { NotFound, Unauthorized, ValidationFailed } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { fieldErrors } from '../shared/problem.ts';
import { carrierEventBody, id } from '../shared/schemas.ts';

// The signature covers the raw bytes, so the body is verified before it is parsed.
const webhookRequest = APIGatewayProxyEventV2Schema.extend({
  pathParameters: z.object({ carrierId: id }),
  body: z.string().optional(),
});

function parseCarrierEvent(raw: string) {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ValidationFailed('the body is not valid JSON', {
      errors: [{ field: 'body', message: 'invalid JSON' }],
    });
  }
  const result = carrierEventBody.safeParse(json);
  if (!result.success)
    throw new ValidationFailed('the carrier event is invalid', { errors: fieldErrors(result.error.issues) });
  return result.data;
}

/** Verifies, normalises and forwards a carrier's tracking event to the bus; the rule's handler applies it. */
export const handler = httpRoute(webhookRequest, async (event) => {
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  const signature = event.headers['x-relais-signature'];
  const nowSeconds = Math.floor(Date.now() / 1000);
  if (!verifyWebhookSignature(await webhookSecret(), signature, raw, nowSeconds))
    throw new Unauthorized('missing, invalid or stale X-Relais-Signature');
  const carrierEvent = parseCarrierEvent(raw);
  const { carrierId } = event.pathParameters;
  const tracking = await findTracking(carrierEvent.trackingNumber);
  if (!tracking || tracking.carrierId !== carrierId)
    throw new NotFound(
      `carrier ${carrierId} has no parcel with tracking number ${carrierEvent.trackingNumber}`,
    );
  await publish([
    domainEvent('CarrierTrackingEvent.v1', {
      carrierId,
      ...carrierEvent,
      // one form on the bus: carriers may send any ISO 8601 offset
      occurredAt: new Date(carrierEvent.occurredAt).toISOString(),
      receivedAt: new Date().toISOString(),
    }),
  ]);
  return json(202, { eventId: carrierEvent.eventId, accepted: true });
});
