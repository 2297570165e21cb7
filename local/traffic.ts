/**
 * A living demo: demo orders placed at a steady rate (`npm start -- --traffic <orders per minute>`,
 * or the control on the operator's pages), drawn from the demo world: destinations weighted by
 * population, every channel and delivery mode, click & collect and e-reservation at the store
 * nearest the customer. Orders go through `POST /orders` with an Idempotency-Key, as a shop would
 * send them; the workflow, the autopilot's stores and carriers do the rest.
 */
import { randomUUID } from 'node:crypto';
import { backorderScenario } from './demo/backorder-scenario.ts';
import { createDestinationSampler, type DemoAddress } from './demo/destinations.ts';
import { buildDemoNetwork, type DemoLocation } from './demo/network.ts';
import { DEMO_SEED, mulberry32, pick, type Random, randomInt, weightedSampler } from './demo/random.ts';

/** The most the generator places; above it the demo would only measure this machine. */
export const maxOrdersPerMinute = 600;
/** One order in this many is for a new arrival not yet in stock (a backorder, now and then a preorder). */
export const backorderEvery = 25;

export interface TrafficControl {
  /** orders per minute now; 0 is off */
  readonly perMinute: number;
  /** orders the generator placed (accepted with 202) and refused since it started */
  readonly placed: number;
  readonly refused: number;
  setRate(perMinute: number): void;
}

export interface Traffic extends TrafficControl {
  stop(): void;
}

export interface TrafficOptions {
  baseUrl: string;
  token?: string | undefined;
  perMinute: number;
  seed?: number;
  /** a refused order or an unreachable API (default: a warning on the console) */
  onError?: (message: string) => void;
}

export type DemoOrderBody = {
  channel: 'web' | 'store' | 'marketplace' | 'callcenter';
  customer: { id: string; email?: string };
  delivery:
    | { mode: 'home'; address: DemoAddress; service: 'standard' | 'express' }
    | { mode: 'click_collect' | 'e_reservation'; storeId: string };
  lines: { sku: string; quantity: number; unitPrice: number }[];
};

const channels = ['web', 'marketplace', 'store', 'callcenter'] as const;
const channelWeights = [55, 20, 15, 10];
const modes = ['home', 'click_collect', 'e_reservation'] as const;
const modeWeights = [70, 20, 10];

function nearestStore(stores: readonly DemoLocation[], address: DemoAddress): DemoLocation {
  let best: DemoLocation | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const store of stores) {
    // an equirectangular distance is enough to rank stores against each other
    const dx = (store.lon - address.lon) * Math.cos((address.lat * Math.PI) / 180);
    const dy = store.lat - address.lat;
    const distance = dx * dx + dy * dy;
    if (distance < bestDistance) {
      best = store;
      bestDistance = distance;
    }
  }
  if (!best) throw new Error('the demo network has no store');
  return best;
}

/** Returns a function that draws one demo order body per call; the same seed gives the same orders. */
export function createDemoOrderSampler(random: Random): () => DemoOrderBody {
  const network = buildDemoNetwork();
  const drawAddress = createDestinationSampler(random);
  const drawChannel = weightedSampler(random, channelWeights);
  const drawMode = weightedSampler(random, modeWeights);
  // kits and small items sell most; a bulky line now and then
  const products = network.products;
  const drawProduct = weightedSampler(
    random,
    products.map((product) => (product.weightKg > 20 ? 1 : product.weightKg > 3 ? 3 : 8)),
  );
  const storesFor = (mode: 'click_collect' | 'e_reservation') =>
    network.locations.filter((location) => location.type === 'store' && location.capabilities.includes(mode));
  let customers = 0;
  return () => {
    const channel = channels[drawChannel()] ?? 'web';
    const mode = modes[drawMode()] ?? 'home';
    const address = drawAddress();
    const lineCount = pick(random, [1, 1, 1, 2, 2, 3]);
    const skus = new Set<string>();
    while (skus.size < lineCount) skus.add(products[drawProduct()]?.sku ?? '');
    const lines = [...skus].map((sku) => ({
      sku,
      quantity: random() < 0.85 ? 1 : randomInt(random, 2, 3),
      unitPrice: products.find((product) => product.sku === sku)?.unitPrice ?? 0,
    }));
    customers += 1;
    const customer = {
      id: `DEMO-CUST-${String(customers).padStart(5, '0')}`,
      // a customer now and then gave no e-mail: notifications are skipped for them
      ...(random() < 0.9 ? { email: `client${customers}@example.fr` } : {}),
    };
    const delivery: DemoOrderBody['delivery'] =
      mode === 'home'
        ? { mode, address, service: random() < 0.8 ? 'standard' : 'express' }
        : { mode, storeId: nearestStore(storesFor(mode), address).locationId };
    return { channel, customer, delivery, lines };
  };
}

function validRate(perMinute: number): number {
  if (!Number.isFinite(perMinute) || perMinute < 0) throw new RangeError('orders per minute must be ≥ 0');
  return Math.min(maxOrdersPerMinute, perMinute);
}

/** Starts placing orders at `perMinute` (0: waits until a rate is set); arrivals are a Poisson process. */
export function startTraffic(options: TrafficOptions): Traffic {
  const random = mulberry32((options.seed ?? DEMO_SEED) ^ Date.now());
  const drawOrder = createDemoOrderSampler(random);
  const onError = options.onError ?? ((message: string) => console.warn(`[traffic] ${message}`));
  let perMinute = validRate(options.perMinute);
  let placed = 0;
  let refused = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  let placements = 0;
  const send = (method: 'PUT' | 'POST', path: string, body: unknown) =>
    fetch(`${options.baseUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify(body),
    });
  /** a new arrival ordered before its purchase order is in: the order waits BACKORDERED for it */
  const placeBackorder = async (address: DemoAddress) => {
    const scenario = backorderScenario(placements / backorderEvery, new Date(), address);
    for (const [path, body] of [
      [`/products/${scenario.sku}`, scenario.product],
      [`/supply/${scenario.supplyId}`, scenario.supply],
    ] as const) {
      const answer = await send('PUT', path, body);
      if (answer.status !== 200) throw new Error(`PUT ${path} answered ${answer.status}`);
    }
    return send('POST', '/orders', scenario.order);
  };
  const place = async () => {
    const body = drawOrder();
    placements += 1;
    try {
      const answer =
        placements % backorderEvery === 0 && body.delivery.mode === 'home'
          ? await placeBackorder(body.delivery.address)
          : await send('POST', '/orders', body);
      if (answer.status === 202) placed += 1;
      else {
        refused += 1;
        onError(`POST /orders answered ${answer.status}: ${(await answer.text()).slice(0, 300)}`);
      }
    } catch (error) {
      refused += 1;
      if (!stopped) onError(`POST /orders failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = undefined;
    if (stopped || perMinute <= 0) return;
    const meanMs = 60_000 / perMinute;
    const waitMs = -Math.log(1 - random()) * meanMs;
    timer = setTimeout(() => {
      void place();
      schedule();
    }, waitMs);
    timer.unref();
  };
  schedule();

  return {
    get perMinute() {
      return perMinute;
    },
    get placed() {
      return placed;
    },
    get refused() {
      return refused;
    },
    setRate(next: number) {
      perMinute = validRate(next);
      schedule();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
