import { randomUUID } from 'node:crypto';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { z } from 'zod';
import { config } from '../adapters/config.ts';
import { event as domainEvent, publish } from '../adapters/events.ts';
import { createOrder, getOrder } from '../adapters/order-store.ts';
import { requireOrderReferences } from '../adapters/references.ts';
import { startFulfilment } from '../adapters/workflow.ts';
import { receiveOrder } from '../core/orders/order.ts';
import { Conflict, IdempotencyConflict, ValidationFailed } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, orderBody } from '../shared/schemas.ts';

type OrderRequest = z.infer<typeof orderBody>;

const idempotencyConfig = new IdempotencyConfig({
  eventKeyJmesPath: 'key',
  payloadValidationJmesPath: 'body',
  expiresAfterSeconds: 24 * 3600,
});

/** Receives the order once per idempotency key: stores it, starts its workflow, announces it. */
const receive = makeIdempotent(
  async (request: { key: string; body: OrderRequest }) => {
    const { body } = request;
    await requireOrderReferences(body.lines, body.delivery);
    const orderId = body.orderId ?? randomUUID();
    const order = receiveOrder({ ...body, orderId }, new Date());
    if (!(await createOrder(order))) {
      const existing = await getOrder(orderId);
      throw new Conflict(`order ${orderId} already exists (status ${existing?.status ?? 'unknown'})`);
    }
    await startFulfilment(orderId);
    await publish([
      domainEvent('OrderReceived.v1', {
        orderId,
        channel: order.channel,
        customerId: order.customer.id,
        deliveryMode: order.delivery.mode,
        lines: order.lines.map(({ sku, quantity }) => ({ sku, quantity })),
        at: order.createdAt,
      }),
    ]);
    return { orderId, status: order.status };
  },
  {
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: config.idempotencyTable }),
    config: idempotencyConfig,
  },
);

export const handler = httpRoute(apiRequest(orderBody, {}), async (event, context) => {
  const key = event.headers['idempotency-key'];
  if (!key || key.length > 255)
    throw new ValidationFailed('the Idempotency-Key header is required (1 to 255 characters)', {
      errors: [{ field: 'Idempotency-Key', message: 'missing or too long' }],
    });
  idempotencyConfig.registerLambdaContext(context);
  try {
    return json(202, await receive({ key, body: event.body }));
  } catch (error) {
    if (error instanceof IdempotencyValidationError)
      throw new IdempotencyConflict('this Idempotency-Key was used with another body');
    if (error instanceof IdempotencyAlreadyInProgressError)
      throw new IdempotencyConflict(
        'a request with this Idempotency-Key is still in progress; retry shortly',
      );
    throw error;
  }
});
