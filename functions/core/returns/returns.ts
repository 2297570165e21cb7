import type { Order } from '../orders/types.ts';

export const returnStatuses = [
  'REQUESTED',
  'IN_TRANSIT',
  'RECEIVED',
  'RESTOCKED',
  'REFUNDED',
  'REJECTED',
] as const;
export type ReturnStatus = (typeof returnStatuses)[number];

export interface ReturnLine {
  sku: string;
  quantity: number;
  reason: string;
  /** where this line's units went back on the shelf (grades A and B) */
  restockLocationId?: string | undefined;
}

/** What the customer is paid back: the order's unit prices times the units returned, per line. */
export interface Refund {
  amount: number;
  currency: 'EUR';
  lines: { sku: string; quantity: number; unitPrice: number; amount: number }[];
}

export interface ReturnRecord {
  returnId: string;
  orderId: string;
  status: ReturnStatus;
  lines: ReturnLine[];
  carrierId: string;
  trackingNumber: string;
  labelKey: string;
  restockLocationId?: string | undefined;
  grade?: 'A' | 'B' | 'C' | undefined;
  /** the grade the inspection gave (absent: none given, the reasons decide) */
  inspection?: { grade?: 'A' | 'B' | 'C' | undefined; at: string } | undefined;
  refund?: Refund | undefined;
  waitingToken?: string | undefined;
  createdAt: string;
  updatedAt: string;
}

export const returnWindowDays = 30;

/** Units of each SKU delivered or collected on the order, minus those already asked back. */
export function returnableUnits(
  order: Order,
  previous: Pick<ReturnRecord, 'lines' | 'status'>[],
): Map<string, number> {
  const units = new Map<string, number>();
  for (const s of order.shipments)
    if (s.status === 'DELIVERED' || s.status === 'COLLECTED')
      for (const l of s.lines) units.set(l.sku, (units.get(l.sku) ?? 0) + l.quantity);
  for (const r of previous)
    if (r.status !== 'REJECTED')
      for (const l of r.lines) units.set(l.sku, (units.get(l.sku) ?? 0) - l.quantity);
  return units;
}

/** The moment the order was delivered (its last DELIVERED or COLLECTED entry), if it was. */
export function deliveredAt(order: Order): Date | undefined {
  const entry = [...order.history]
    .reverse()
    .find((h) => h.status === 'DELIVERED' || h.status === 'COLLECTED');
  return entry ? new Date(entry.at) : undefined;
}

export function isWithinReturnWindow(order: Order, now: Date): boolean {
  const delivered = deliveredAt(order);
  return Boolean(delivered && now.getTime() - delivered.getTime() <= returnWindowDays * 86_400_000);
}

export type ReturnGrade = NonNullable<ReturnRecord['grade']>;

/**
 * The grade of a returned parcel before anyone inspects it: a reason that says the item is damaged
 * or defective grades it C (not fit to sell again), otherwise A.
 */
export function gradeFromReasons(lines: readonly Pick<ReturnLine, 'reason'>[]): ReturnGrade {
  return lines.some((l) => /damaged|defective/i.test(l.reason)) ? 'C' : 'A';
}

/** The inspection's grade when it gave one, else the reasons'. */
export function gradeOf(record: Pick<ReturnRecord, 'inspection' | 'lines'>): ReturnGrade {
  return record.inspection?.grade ?? gradeFromReasons(record.lines);
}

/** A and B go back on the shelf; C is disposed of. */
export function isRestockable(grade: ReturnGrade): boolean {
  return grade !== 'C';
}

/** The refund of returned lines at the order's unit prices (a SKU without a price refunds nothing). */
export function refundOf(
  order: Pick<Order, 'lines'>,
  lines: readonly Pick<ReturnLine, 'sku' | 'quantity'>[],
): Refund {
  const priced = lines.map(({ sku, quantity }) => {
    const unitPrice = order.lines.find((l) => l.sku === sku && l.unitPrice !== undefined)?.unitPrice ?? 0;
    return { sku, quantity, unitPrice, amount: Math.round(unitPrice * quantity * 100) / 100 };
  });
  return { amount: refundAmount(order, lines), currency: 'EUR', lines: priced };
}

/** What the customer gets back: the order's unit prices times the units returned, to the cent. */
export function refundAmount(
  order: Pick<Order, 'lines'>,
  lines: readonly Pick<ReturnLine, 'sku' | 'quantity'>[],
) {
  const prices = new Map(order.lines.map((l) => [l.sku, l.unitPrice]));
  const amount = lines.reduce((sum, l) => sum + (prices.get(l.sku) ?? 0) * l.quantity, 0);
  return Math.round(amount * 100) / 100;
}
