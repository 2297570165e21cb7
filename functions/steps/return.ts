import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { awaitReturnReceipt, expireReturn, processReturn } from '../app/process-return.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

const input = z.discriminatedUnion('action', [
  z.object({ returnId: id, action: z.literal('await'), taskToken: z.string().min(1) }),
  z.object({ returnId: id, action: z.literal('process') }),
  z.object({ returnId: id, action: z.literal('expire') }),
]);

/** The return workflow's steps: wait for the parcel, then grade, restock and refund it. */
export const handler = stepHandler(input, async (step): Promise<object> => {
  switch (step.action) {
    case 'await':
      return awaitReturnReceipt(ports(), step.returnId, step.taskToken);
    case 'process':
      return processReturn(ports(), step.returnId);
    case 'expire':
      return expireReturn(ports(), step.returnId);
  }
});
