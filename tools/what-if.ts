/**
 * What-if replay: the same orders sourced under two profiles, side by side.
 *
 *   npm run what-if -- --orders orders.json --a profile-a.json --b profile-b.json [--network network.json] [--json out.json]
 *   npm run what-if -- --generate 500 --b '{"id":"cheap-splits","version":1,"maxShipments":4,"costs":{...}}'
 *
 * Orders are the bodies of POST /orders (a JSON array); `--generate N` draws N demo orders instead.
 * The network is a JSON file `{locations, products, stock, carriers?}` in the shape of the API's PUT
 * bodies (the demo network by default; the built-in carriers plus any it lists). A profile is a file, inline JSON, or `default`. Each profile replays the
 * orders in sequence on its own copy of the stock, so an early choice shapes what later orders find,
 * as it would in production.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Carrier, carriersInForce } from '../functions/core/carriers/carriers.ts';
import type { GeoPoint, Location, Product } from '../functions/core/network.ts';
import { groupOrderLines } from '../functions/core/orders/lines.ts';
import type { Delivery, OrderLine } from '../functions/core/orders/types.ts';
import { sourceOptimal } from '../functions/core/sourcing/optimal.ts';
import {
  defaultProfile,
  parseSourcingProfile,
  type SourcingProfile,
} from '../functions/core/sourcing/profile.ts';
import type { SourcingRequest } from '../functions/core/sourcing/types.ts';
import { createOrderGenerator } from '../local/autopilot.ts';
import { buildDemoNetwork } from '../local/demo/network.ts';
import { mulberry32 } from '../local/demo/random.ts';
import { progressBar } from './progress.ts';

export interface ReplayOrder {
  orderId?: string;
  channel?: string;
  delivery: Delivery;
  lines: OrderLine[];
}

export interface ReplayNetwork {
  locations: Location[];
  products: Product[];
  stock: { locationId: string; sku: string; onHand: number; safetyStock?: number }[];
  /** the retailer's own carriers (PUT /carriers bodies with their carrierId), beside the built-in ones */
  carriers?: Carrier[];
}

export interface ReplayTotals {
  profile: { id: string; version: number };
  orders: number;
  filled: number;
  unfilledOrders: number;
  unfilledUnits: number;
  cost: number;
  costPerOrder: number;
  shipmentsPerOrder: number;
  splitRate: number;
  distanceKmPerOrder: number;
  co2KgPerOrder: number;
  msPerOrder: number;
}

/** Units on hand less safety stock, by location then SKU: what sourcing may promise. */
function stockMap(network: ReplayNetwork): Map<string, Map<string, number>> {
  const stock = new Map<string, Map<string, number>>();
  for (const row of network.stock) {
    const perSku = stock.get(row.locationId) ?? new Map<string, number>();
    perSku.set(row.sku, Math.max(0, row.onHand - (row.safetyStock ?? 0)));
    stock.set(row.locationId, perSku);
  }
  return stock;
}

function destinationOf(delivery: Delivery, locations: ReadonlyMap<string, Location>): GeoPoint | undefined {
  const { address, storeId } = delivery;
  if (address?.lat !== undefined && address.lon !== undefined) return { lat: address.lat, lon: address.lon };
  const store = storeId ? locations.get(storeId) : undefined;
  return store ? { lat: store.lat, lon: store.lon } : undefined;
}

/** Replays every order under one profile; calls `onOrder` after each (for a progress bar). */
export function replay(
  orders: readonly ReplayOrder[],
  network: ReplayNetwork,
  profile: SourcingProfile,
  onOrder: (done: number) => void = () => {},
): ReplayTotals {
  const products = new Map(network.products.map((p) => [p.sku, p]));
  const locations = new Map(network.locations.map((l) => [l.locationId, l]));
  const available = stockMap(network);
  const carriers = carriersInForce(network.carriers ?? []);
  const totals = {
    filled: 0,
    unfilledUnits: 0,
    cost: 0,
    shipments: 0,
    splits: 0,
    distanceKm: 0,
    co2Kg: 0,
    ms: 0,
  };
  orders.forEach((order, index) => {
    const request: SourcingRequest = {
      groups: groupOrderLines(order.lines, products),
      mode: order.delivery.mode,
      storeId: order.delivery.storeId,
      destination: destinationOf(order.delivery, locations),
      postcode: order.delivery.address?.postcode,
      carriers,
      service: order.delivery.service ?? 'standard',
      locations: network.locations,
      products,
      available,
      excluded: new Set(),
      at: new Date(),
    };
    const started = performance.now();
    const result = sourceOptimal(request, profile);
    totals.ms += performance.now() - started;
    if (!result.ok) {
      totals.unfilledUnits += request.groups.flatMap((g) => g.lines).reduce((sum, l) => sum + l.quantity, 0);
    } else {
      totals.filled++;
      totals.cost += result.cost;
      totals.shipments += result.shipments.length;
      if (result.shipments.length > 1) totals.splits++;
      for (const shipment of result.shipments) {
        totals.distanceKm += shipment.distanceKm;
        totals.co2Kg += shipment.carrier?.co2Kg ?? 0;
        const perSku = available.get(shipment.locationId);
        for (const line of shipment.lines) perSku?.set(line.sku, (perSku.get(line.sku) ?? 0) - line.quantity);
      }
    }
    onOrder(index + 1);
  });
  const per = (value: number) => (totals.filled ? value / totals.filled : 0);
  return {
    profile: { id: profile.id, version: profile.version },
    orders: orders.length,
    filled: totals.filled,
    unfilledOrders: orders.length - totals.filled,
    unfilledUnits: totals.unfilledUnits,
    cost: Math.round(totals.cost * 100) / 100,
    costPerOrder: Math.round(per(totals.cost) * 100) / 100,
    shipmentsPerOrder: Math.round(per(totals.shipments) * 1000) / 1000,
    splitRate: Math.round(per(totals.splits) * 1000) / 1000,
    distanceKmPerOrder: Math.round(per(totals.distanceKm) * 10) / 10,
    co2KgPerOrder: Math.round(per(totals.co2Kg) * 1000) / 1000,
    msPerOrder: Math.round((totals.ms / Math.max(1, orders.length)) * 1000) / 1000,
  };
}

/** Side by side, with B's change against A. */
export function sideBySide(a: ReplayTotals, b: ReplayTotals): string {
  const rows: [string, keyof ReplayTotals, number][] = [
    ['orders filled', 'filled', 0],
    ['orders unfilled', 'unfilledOrders', 0],
    ['units unfilled', 'unfilledUnits', 0],
    ['total cost (EUR)', 'cost', 2],
    ['cost per order (EUR)', 'costPerOrder', 2],
    ['shipments per order', 'shipmentsPerOrder', 3],
    ['split rate', 'splitRate', 3],
    ['distance per order (km)', 'distanceKmPerOrder', 1],
    ['CO2 per order (kg)', 'co2KgPerOrder', 3],
    ['sourcing time per order (ms)', 'msPerOrder', 3],
  ];
  const name = (t: ReplayTotals) => `${t.profile.id} v${t.profile.version}`;
  const header = ['', `A: ${name(a)}`, `B: ${name(b)}`, 'B − A', 'B / A'];
  const body = rows.map(([label, key, digits]) => {
    const va = a[key] as number;
    const vb = b[key] as number;
    const ratio = va === 0 ? (vb === 0 ? '1.000' : '—') : (vb / va).toFixed(3);
    const delta = vb - va;
    return [
      label,
      va.toFixed(digits),
      vb.toFixed(digits),
      `${delta >= 0 ? '+' : ''}${delta.toFixed(digits)}`,
      ratio,
    ];
  });
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function readJson(source: string): unknown {
  return JSON.parse(
    source.trim().startsWith('{') || source.trim().startsWith('[') ? source : readFileSync(source, 'utf8'),
  );
}

function loadProfile(source: string | undefined): SourcingProfile {
  return !source || source === 'default' ? defaultProfile : parseSourcingProfile(readJson(source));
}

/** `count` orders of the demo's own demand (local/autopilot.ts's generator), drawn from `seed`. */
export function demoOrders(count: number, seed: number): ReplayOrder[] {
  const next = createOrderGenerator(mulberry32(seed), 0.15);
  return Array.from({ length: count }, () => next().order as ReplayOrder);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string' },
      generate: { type: 'string' },
      seed: { type: 'string', default: '7' },
      network: { type: 'string' },
      a: { type: 'string', default: 'default' },
      b: { type: 'string', default: 'default' },
      json: { type: 'string' },
    },
  });
  if (!values.orders && !values.generate) {
    console.error(
      'usage: npm run what-if -- (--orders FILE | --generate N) [--a PROFILE] [--b PROFILE] [--network FILE] [--json OUT]',
    );
    process.exit(2);
  }
  const orders = values.orders
    ? (readJson(values.orders) as ReplayOrder[])
    : demoOrders(Number(values.generate), Number(values.seed));
  const network = values.network
    ? (readJson(values.network) as ReplayNetwork)
    : (buildDemoNetwork() as ReplayNetwork);
  const [profileA, profileB] = [loadProfile(values.a), loadProfile(values.b)];
  const replayShowingProgress = (label: string, profile: SourcingProfile) => {
    const bar = progressBar(`${label} ${profile.id}`, orders.length);
    const totals = replay(orders, network, profile, () => bar.tick());
    bar.done();
    return totals;
  };
  const a = replayShowingProgress('A', profileA);
  const b = replayShowingProgress('B', profileB);
  console.log(sideBySide(a, b));
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ a, b }, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
