import type { DemoAddress } from './destinations.ts';

/**
 * A new arrival the demo sells before it is in stock: a product no location holds yet, a purchase
 * order for it at a warehouse, and a shopper who orders it anyway (a backorder, received by the
 * autopilot's warehouse soon after). Every third one is a preorder: released tomorrow.
 */
export function backorderScenario(n: number, now: Date, address: DemoAddress) {
  const sku = `DEMO-NEW-${n}-${now.getTime().toString(36)}`;
  const preorder = n % 3 === 0;
  const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
  return {
    sku,
    product: {
      name: preorder ? `Nouveauté ${n} (précommande)` : `Nouveauté ${n}`,
      weightKg: 0.8,
      ...(preorder ? { releaseDate: tomorrow } : {}),
    },
    supplyId: `DEMO-PO-${sku.slice('DEMO-NEW-'.length)}`,
    supply: {
      locationId: 'WH-PARIS',
      sku,
      quantity: 12,
      expectedAt: new Date(now.getTime() + 2 * 3_600_000).toISOString(),
      kind: 'purchase_order' as const,
    },
    order: {
      channel: 'web' as const,
      customer: { id: `DEMO-CUST-NEW-${n}`, email: `nouveaute${n}@example.fr` },
      delivery: { mode: 'home' as const, address, service: 'standard' as const },
      lines: [{ sku, quantity: 1, unitPrice: 39 }],
    },
  };
}
