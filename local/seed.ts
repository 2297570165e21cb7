import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { buildDemoNetwork, type DemoNetwork } from './demo/network.ts';
import { DEMO_SEED } from './demo/random.ts';

/**
 * Loads a network into Relais through its public HTTP API only (`PUT /locations`, `/products`,
 * `/inventory`), so the same seed works against the local cloud and a deployed stack.
 */

export interface SeedResult {
  locations: number;
  products: number;
  stockRows: number;
}

export interface SeedOptions {
  token?: string;
  /** Requests in flight at once. */
  concurrency?: number;
}

/** A non-2xx answer (or no answer) while seeding; carries the RFC 9457 problem when there was one. */
export class SeedRequestError extends Error {
  override readonly name = 'SeedRequestError';
  constructor(
    message: string,
    readonly method: string,
    readonly path: string,
    readonly status?: number,
    readonly problem?: unknown,
  ) {
    super(message);
  }
}

const DEFAULT_CONCURRENCY = 8;

const problemSchema = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  errors: z.array(z.unknown()).optional(),
});

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `title — detail — errors: [...]` from a problem+json body, or the start of whatever else came back. */
function describeProblem(body: unknown, text: string): string {
  const problem = problemSchema.safeParse(body);
  if (problem.success) {
    const { title, detail, errors } = problem.data;
    const parts = [title, detail].filter((part): part is string => Boolean(part));
    if (errors?.length) parts.push(`errors: ${JSON.stringify(errors)}`);
    if (parts.length > 0) return parts.join(' — ');
  }
  return text.slice(0, 500) || '(empty body)';
}

function createPutter(baseUrl: string, token: string | undefined) {
  const root = baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;

  return async function put(path: string, body: unknown): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${root}${path}`, { method: 'PUT', headers, body: JSON.stringify(body) });
    } catch (error) {
      const reason = error instanceof Error ? (error.cause ?? error).toString() : String(error);
      throw new SeedRequestError(
        `Seeding failed: PUT ${path} got no answer from ${root}: ${reason}`,
        'PUT',
        path,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      const body = parseOrText(text);
      throw new SeedRequestError(
        `Seeding failed: PUT ${path} answered ${response.status}: ${describeProblem(body, text)}`,
        'PUT',
        path,
        response.status,
        body,
      );
    }
  };
}

/** Runs `task` over `items` with at most `limit` in flight; stops starting new ones after the first failure. */
async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  let firstFailure: { error: unknown } | undefined;
  const worker = async () => {
    while (!firstFailure && next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (error) {
        firstFailure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (firstFailure) throw firstFailure.error;
}

const segment = encodeURIComponent;

/** PUTs every location and product, then every stock row (stock refers to both). Throws on any non-2xx. */
export async function seedNetwork(
  baseUrl: string,
  network: DemoNetwork,
  options: SeedOptions = {},
): Promise<SeedResult> {
  const put = createPutter(baseUrl, options.token);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;

  const master = [
    ...network.locations.map(
      ({ locationId, ...body }) =>
        () =>
          put(`/locations/${segment(locationId)}`, body),
    ),
    // unitPrice is the order generator's, not part of the product contract.
    ...network.products.map(
      ({ sku, unitPrice: _unitPrice, ...body }) =>
        () =>
          put(`/products/${segment(sku)}`, body),
    ),
  ];
  await forEachLimited(master, concurrency, (send) => send());
  await forEachLimited(network.stock, concurrency, ({ locationId, sku, ...body }) =>
    put(`/inventory/${segment(locationId)}/${segment(sku)}`, body),
  );

  return {
    locations: network.locations.length,
    products: network.products.length,
    stockRows: network.stock.length,
  };
}

/** Seeds the demo network (fixed seed) into the Relais at `baseUrl`. */
export async function seedDemo(baseUrl: string, token?: string): Promise<SeedResult> {
  return seedNetwork(baseUrl, buildDemoNetwork(DEMO_SEED), token ? { token } : {});
}

// `tsx local/seed.ts [baseUrl]` seeds a running Relais (local or deployed); RELAIS_API_TOKEN is sent when set.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const baseUrl = process.argv[2] ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  seedDemo(baseUrl, process.env.RELAIS_API_TOKEN).then(
    (result) => console.log(`Seeded ${baseUrl}: ${JSON.stringify(result)}`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
