import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { compensateOrder } from '../app/compensate-order.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id, workflowFailure } from '../shared/schemas.ts';

/** Saga compensation: the order closes and every reservation it still holds is released. */
export const handler = stepHandler(z.object({ orderId: id, error: workflowFailure }), ({ orderId, error }) =>
  compensateOrder(ports(), orderId, error),
);
