import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas/api-gatewayv2';
import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { webhookSecret } from '../adapters/webhook-secret.ts';
import { acceptCarrierWebhook } from '../app/accept-carrier-webhook.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { parseJsonBody, rawBody } from '../shared/raw-body.ts';
import { carrierEventBody, id } from '../shared/schemas.ts';

// The signature covers the raw bytes, so the body is verified before it is parsed.
const webhookRequest = APIGatewayProxyEventV2Schema.extend({
  pathParameters: z.object({ carrierId: id }),
  body: z.string().optional(),
});

export const handler = httpRoute(webhookRequest, async (event) =>
  json(
    202,
    await acceptCarrierWebhook(ports(), await webhookSecret(), {
      carrierId: event.pathParameters.carrierId,
      raw: rawBody(event),
      signature: event.headers['x-relais-signature'],
      parse: (raw) => parseJsonBody(carrierEventBody, raw, 'the carrier event is invalid'),
    }),
  ),
);
