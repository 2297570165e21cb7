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

/** Where returned units go back: the location that shipped them (the restock issue makes this need-based). */
export function restockLocation(order: Order, sku: string): string | undefined {
  return (
    order.shipments.find((s) => s.lines.some((l) => l.sku === sku) && s.status === 'DELIVERED')?.locationId ??
    order.shipments.find((s) => s.lines.some((l) => l.sku === sku))?.locationId
  );
}
