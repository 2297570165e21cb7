import { gradeOf, type ReturnGrade, type ReturnRecord } from '../core/returns/returns.ts';
import { Conflict } from '../shared/errors.ts';
import { requireOrder } from './order-access.ts';
import { type ReturnPorts, regrade } from './process-return.ts';
import { requireReturn } from './return-intake.ts';

const beforeProcessing: ReadonlySet<ReturnRecord['status']> = new Set([
  'REQUESTED',
  'IN_TRANSIT',
  'RECEIVED',
]);

/**
 * The warehouse inspected the parcel: its grade (or none: the reasons decide) is recorded. Before
 * the return is processed, processing uses it; after, a different grade restocks or writes off the
 * units accordingly. Repeating the same inspection changes nothing.
 */
export async function inspectReturn(ports: ReturnPorts, returnId: string, grade: ReturnGrade | undefined) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const record = await requireReturn(ports, returnId);
    if (record.status === 'REJECTED')
      throw new Conflict(`return ${returnId} was closed without the parcel: there is nothing to inspect`);
    if (!beforeProcessing.has(record.status)) {
      const order = await requireOrder(ports.orders, record.orderId);
      const wanted = grade ?? record.grade ?? gradeOf(record);
      const regraded = await regrade(ports, order, record, wanted);
      if (!regraded)
        throw new Conflict(
          `return ${returnId} cannot be graded ${wanted}: its restocked units were sold or reserved since`,
        );
      return regraded;
    }
    if (record.inspection && record.inspection.grade === grade) return record;
    const at = ports.clock.now().toISOString();
    const updated = await ports.returns.update(record, { inspection: grade ? { grade, at } : { at } }, [
      record.status,
    ]);
    if (updated) return updated;
  }
  throw new Conflict(`return ${returnId} kept changing while it was inspected; try again`);
}
