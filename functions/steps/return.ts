import { z } from 'zod';
import { event as domainEvent, publish } from '../adapters/events.ts';
import { requireOrder } from '../adapters/order-store.ts';
import { requireReturn, setReturnToken, updateReturn } from '../adapters/return-store.ts';
import { completeTask } from '../adapters/workflow.ts';
import { restockLocation } from '../core/returns/returns.ts';
import { ReturnInvalid } from '../shared/errors.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

const input = z.discriminatedUnion('action', [
  z.object({ returnId: id, action: z.literal('validate') }),
  z.object({ returnId: id, action: z.literal('label') }),
  z.object({ returnId: id, action: z.literal('await'), taskToken: z.string().min(1) }),
  z.object({ returnId: id, action: z.literal('process') }),
  z.object({ returnId: id, action: z.literal('refund') }),
  z.object({ returnId: id, action: z.literal('reject'), error: z.unknown().optional() }),
]);

/**
 * The return workflow's steps. Thin in the walking skeleton: grade A, restock at the location that
 * shipped the units, refund requested by event. The returns issue adds inspection and need-based restock.
 */
export const handler = stepHandler(input, async (step) => {
  const record = await requireReturn(step.returnId);
  switch (step.action) {
    case 'validate':
      if (record.status === 'REJECTED') throw new ReturnInvalid(`return ${record.returnId} was rejected`);
      return { status: record.status };
    case 'label':
      return { labelKey: record.labelKey };
    case 'await': {
      const stored = await setReturnToken(record.returnId, step.taskToken);
      // The parcel may have arrived before the workflow started waiting.
      if (stored.status === 'RECEIVED') await completeTask(step.taskToken, { status: 'RECEIVED' });
      return { waiting: stored.status !== 'RECEIVED' };
    }
    case 'process': {
      if (record.status !== 'RECEIVED') return { status: record.status };
      const order = await requireOrder(record.orderId);
      const locationId = restockLocation(order, record.lines[0]?.sku ?? '') ?? order.shipments[0]?.locationId;
      const stock = locationId
        ? record.lines.map((l) => ({
            kind: 'restock' as const,
            locationId,
            sku: l.sku,
            quantity: l.quantity,
          }))
        : [];
      const updated = await updateReturn(
        record,
        { status: 'RESTOCKED', grade: 'A', restockLocationId: locationId },
        ['RECEIVED'],
        stock,
      );
      return { status: updated?.status ?? record.status };
    }
    case 'refund': {
      const updated = await updateReturn(record, { status: 'REFUNDED' }, ['RESTOCKED']);
      if (updated) {
        const order = await requireOrder(record.orderId);
        const prices = new Map(order.lines.map((l) => [l.sku, l.unitPrice]));
        const amount = record.lines.reduce((sum, l) => sum + (prices.get(l.sku) ?? 0) * l.quantity, 0);
        await publish([
          domainEvent('RefundRequested.v1', {
            returnId: record.returnId,
            orderId: record.orderId,
            lines: record.lines.map(({ sku, quantity }) => ({ sku, quantity })),
            amount: Math.round(amount * 100) / 100,
            at: updated.updatedAt,
          }),
        ]);
      }
      return { status: updated?.status ?? record.status };
    }
    case 'reject': {
      const updated = await updateReturn(record, { status: 'REJECTED' }, [
        'REQUESTED',
        'IN_TRANSIT',
        'RECEIVED',
      ]);
      return { status: updated?.status ?? record.status };
    }
  }
});
