import type { Product } from '../network.ts';
import type { OrderLine, StockLine } from './types.ts';

/**
 * A unit of sourcing: the stock lines that must leave from one location together. A plain order
 * line is a group of one; a kit is the group of its components (kits hold no stock of their own).
 */
export interface LineGroup {
  orderSku: string;
  lines: StockLine[];
}

export function groupOrderLines(lines: OrderLine[], products: ReadonlyMap<string, Product>): LineGroup[] {
  return lines.map((line) => {
    const kit = products.get(line.sku)?.kit;
    if (!kit || kit.length === 0)
      return { orderSku: line.sku, lines: [{ sku: line.sku, quantity: line.quantity }] };
    return {
      orderSku: line.sku,
      lines: kit.map((component) => ({ sku: component.sku, quantity: component.quantity * line.quantity })),
    };
  });
}

/** Sums quantities per SKU, keeping the first-seen order. */
export function mergeStockLines(lines: StockLine[]): StockLine[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.sku, (totals.get(line.sku) ?? 0) + line.quantity);
  return [...totals].map(([sku, quantity]) => ({ sku, quantity }));
}
