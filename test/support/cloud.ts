import { randomUUID } from 'node:crypto';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../../local/cloud.ts';
import { defaultCdkOutDir, synthTemplate } from '../../local/synth.ts';
import type { Exchange } from './api-contract.ts';

export const testWebhookSecret = 'test-webhook-secret';

/** The whole stack from its (unbundled) template, the handlers run from their TypeScript sources. */
export async function startTestCloud(
  options: Partial<Pick<LocalCloudOptions, 'apiToken' | 'handlerOverrides' | 'environment'>> = {},
): Promise<LocalCloud> {
  return startLocalCloud({
    template: await synthTemplate(),
    cdkOutDir: defaultCdkOutDir,
    inMemory: true,
    webhookSecret: testWebhookSecret,
    handlersFromSource: true,
    stepFunctions: { retryIntervalMs: 5 },
    eventBus: { retryAttempts: 2, retryDelayMs: 5 },
    ...options,
  });
}

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A thin client for the HTTP contract, as an outside caller uses it. The base URL may be given as a
 * function, read at each call, for a client made before its server has started. `onExchange` sees
 * every request and its answer (to check them against the OpenAPI description).
 */
export function apiClient(
  baseUrl: string | (() => string),
  token?: string,
  onExchange?: (exchange: Exchange) => void,
) {
  async function call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const base = typeof baseUrl === 'string' ? baseUrl : baseUrl();
    const sentAt = Date.now();
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }).catch((error: unknown) => {
      // fetch's own error names neither the request nor when it failed
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
      throw new Error(`${method} ${base}${path} failed after ${Date.now() - sentAt} ms: ${cause}`, {
        cause: error,
      });
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    onExchange?.({
      method,
      path,
      ...(body === undefined ? {} : { requestBody: typeof body === 'string' ? parseOrText(body) : body }),
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: parsed,
    });
    return { status: response.status, body: parsed as T, headers: response.headers } satisfies ApiAnswer<T>;
  }
  return {
    call,
    get: <T = any>(path: string) => call<T>('GET', path),
    put: <T = any>(path: string, body: unknown) => call<T>('PUT', path, body),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>('POST', path, body ?? {}, headers),
    placeOrder: (body: unknown, key: string = randomUUID()) =>
      call('POST', '/orders', body, { 'idempotency-key': key }),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Polls until `check` returns a value (not undefined), or fails with the last value seen. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    last = value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}
