import { afterAll, beforeAll } from 'vitest';
import type { AppPorts } from '../../functions/app/ports.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import type { EventBridgeEvent } from '../../local/eventbus/bus.ts';
import { type Exchange, expectDescribed } from './api-contract.ts';
import { type ApiClient, apiClient, startTestCloud } from './cloud.ts';
import { type SmallNetworkIds, seedSmallNetwork, smallNetworkIds } from './journey.ts';
import { localPorts } from './ports.ts';

export type TestCloudOptions = Parameters<typeof startTestCloud>[0] & {
  /** seed the small network (journey.ts) under this id prefix before the first test */
  network?: string;
};

export interface TestCloudFixture {
  /** the running cloud: read it inside a test or a hook, not when the file loads */
  readonly cloud: LocalCloud;
  /** the HTTP contract without a token, as an outside caller uses it */
  readonly api: ApiClient;
  /** every event the bus accepted after the start (and the seeding), in order */
  readonly events: EventBridgeEvent[];
  /** the use cases' ports on their real adapters, pointed at this cloud (read inside a test or hook) */
  readonly ports: AppPorts;
  /** every request `api` sent and its answer, checked against `GET /openapi.json` after the file's tests */
  readonly exchanges: Exchange[];
}

/**
 * One local cloud for the test file that calls this: started (and seeded) in a `beforeAll`
 * registered here, stopped in an `afterAll`. Vitest runs a file's `beforeAll` hooks in the order
 * they are registered, so a hook the file registers after this call finds the cloud running and
 * the functions' environment set: an adapter imported there reads the local tables and endpoints.
 * After the file's tests, every exchange of `api` is checked against the OpenAPI description the
 * cloud serves: an answer (or an accepted request) it does not describe fails the file.
 */
export function useTestCloud(options: TestCloudOptions & { network: string }): TestCloudFixture & {
  /** the seeded network's ids, known before it is seeded */
  readonly ids: SmallNetworkIds;
};
export function useTestCloud(options?: TestCloudOptions): TestCloudFixture;
export function useTestCloud({ network, ...cloudOptions }: TestCloudOptions = {}) {
  let running: LocalCloud | undefined;
  const events: EventBridgeEvent[] = [];
  const started = (): LocalCloud => {
    if (running === undefined) {
      throw new Error('the test cloud is not running: use it inside a test or a hook, not at load time');
    }
    return running;
  };
  const exchanges: Exchange[] = [];
  const api = apiClient(
    () => started().url,
    undefined,
    (exchange) => exchanges.push(exchange),
  );

  beforeAll(async () => {
    running = await startTestCloud(cloudOptions);
    if (network !== undefined) await seedSmallNetwork(api, network);
    running.bus.subscribe((event) => events.push(event));
  }, 120_000);

  afterAll(async () => {
    try {
      if (running !== undefined && exchanges.length > 0)
        await expectDescribed(running.url, exchanges, cloudOptions.apiToken);
    } finally {
      await running?.stop();
    }
  });

  let ports: AppPorts | undefined;
  return {
    get cloud() {
      return started();
    },
    get ports() {
      ports ??= localPorts(started());
      return ports;
    },
    api,
    events,
    exchanges,
    ...(network === undefined ? {} : { ids: smallNetworkIds(network) }),
  };
}
