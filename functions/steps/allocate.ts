import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { allocateOrder } from '../app/allocate-order.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

/** Validate, source and reserve stock: one task, one transition (the bounded re-sourcing runs inside). */
export const handler = stepHandler(z.object({ orderId: id }), ({ orderId }) =>
  allocateOrder(ports(), orderId),
);
