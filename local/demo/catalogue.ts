/**
 * The demo catalogue: a small sports-and-outdoor range with the cases sourcing must handle
 * (hazmat, oversize, a kit, an end-of-series line). Pure, no geography.
 */

export type Handling = 'hazmat' | 'oversize' | 'cold';

/** The body of `PUT /products/{sku}`, plus its SKU and a shelf price the order generator uses. */
export interface DemoProduct {
  sku: string;
  name: string;
  weightKg: number;
  handling?: Handling[];
  kit?: { sku: string; quantity: number }[];
  endOfSeries?: boolean;
  unitPrice: number;
}

const CATALOGUE: readonly DemoProduct[] = [
  {
    sku: 'SKU-0001',
    name: 'Trail running shoes (2024 model)',
    weightKg: 0.7,
    endOfSeries: true,
    unitPrice: 89.99,
  },
  { sku: 'SKU-0002', name: 'Road running shoes', weightKg: 0.65, unitPrice: 109.99 },
  { sku: 'SKU-0003', name: 'Waterproof hiking boots', weightKg: 1.4, unitPrice: 129.99 },
  { sku: 'SKU-0004', name: 'Waterproof rain jacket', weightKg: 0.45, unitPrice: 69.99 },
  { sku: 'SKU-0005', name: 'Fleece pullover', weightKg: 0.4, unitPrice: 24.99 },
  { sku: 'SKU-0006', name: 'Dome tent, 2 people', weightKg: 2.9, unitPrice: 79.99 },
  { sku: 'SKU-0007', name: 'Sleeping bag 10 °C', weightKg: 1.2, unitPrice: 39.99 },
  { sku: 'SKU-0008', name: 'Self-inflating sleeping mat', weightKg: 1.1, unitPrice: 34.99 },
  { sku: 'SKU-0009', name: 'Hiking backpack 40 L', weightKg: 1.3, unitPrice: 59.99 },
  { sku: 'SKU-0010', name: 'Headlamp 300 lm', weightKg: 0.12, unitPrice: 19.99 },
  { sku: 'SKU-0011', name: 'Insulated water bottle 0.75 L', weightKg: 0.35, unitPrice: 17.99 },
  {
    sku: 'SKU-0012',
    name: 'Butane gas cartridges, pack of 4',
    weightKg: 1.0,
    handling: ['hazmat'],
    unitPrice: 12.99,
  },
  { sku: 'SKU-0013', name: 'Compact camping stove', weightKg: 0.6, unitPrice: 29.99 },
  {
    sku: 'SKU-0014',
    name: 'E-bike lithium battery 36 V',
    weightKg: 3.2,
    handling: ['hazmat'],
    unitPrice: 399.0,
  },
  { sku: 'SKU-0015', name: 'City e-bike', weightKg: 24, handling: ['oversize'], unitPrice: 1299.0 },
  { sku: 'SKU-0016', name: 'Mountain bike 29"', weightKg: 15.5, unitPrice: 549.0 },
  { sku: 'SKU-0017', name: 'Cycling helmet', weightKg: 0.35, unitPrice: 44.99 },
  { sku: 'SKU-0018', name: 'D-lock', weightKg: 1.1, unitPrice: 29.99 },
  {
    sku: 'SKU-0019',
    name: 'Folding outdoor table-tennis table',
    weightKg: 68,
    handling: ['oversize'],
    unitPrice: 449.0,
  },
  { sku: 'SKU-0020', name: 'Table-tennis bat set', weightKg: 0.5, unitPrice: 24.99 },
  { sku: 'SKU-0021', name: 'Football, size 5', weightKg: 0.43, unitPrice: 19.99 },
  { sku: 'SKU-0022', name: 'Yoga mat 8 mm', weightKg: 1.0, unitPrice: 22.99 },
  { sku: 'SKU-0023', name: 'Adjustable dumbbell set 20 kg', weightKg: 20.5, unitPrice: 79.99 },
  { sku: 'SKU-0024', name: 'Folding treadmill', weightKg: 75, handling: ['oversize'], unitPrice: 699.0 },
  { sku: 'SKU-0025', name: 'Swimming goggles', weightKg: 0.08, unitPrice: 14.99 },
  { sku: 'SKU-0026', name: 'Snorkelling mask', weightKg: 0.3, unitPrice: 24.99 },
  { sku: 'SKU-0027', name: 'Inflatable stand-up paddle board', weightKg: 11, unitPrice: 349.0 },
  { sku: 'SKU-0028', name: 'Kids bike 16"', weightKg: 8.5, unitPrice: 159.0 },
  { sku: 'SKU-0029', name: 'Sports socks, pack of 3', weightKg: 0.2, unitPrice: 9.99 },
  {
    sku: 'SKU-0030',
    name: 'Camping starter kit (tent + sleeping bag)',
    weightKg: 4.1,
    kit: [
      { sku: 'SKU-0006', quantity: 1 },
      { sku: 'SKU-0007', quantity: 1 },
    ],
    unitPrice: 109.99,
  },
];

/** The demo catalogue (pure, no geography): 30 products, 2 hazmat, 3 oversize, 1 kit, 1 end of series. */
export function demoCatalogue(): DemoProduct[] {
  return CATALOGUE.map((product) => structuredClone(product));
}
