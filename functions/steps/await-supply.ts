import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { awaitSupply } from '../app/await-supply.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

/** Callback step: a backordered order waits, at no cost, for a receipt of the supply it counts on. */
export const handler = stepHandler(
  z.object({ orderId: id, taskToken: z.string().min(1) }),
  ({ orderId, taskToken }) => awaitSupply(ports(), orderId, taskToken),
);
