import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type Exchange, expectDescribed } from '../support/api-contract.ts';
import { apiClient, eventually } from '../support/cloud.ts';
import {
  homeOrder,
  postCarrierEvent,
  seedSmallNetwork,
  stockOf,
  untilShipment,
  untilStatus,
} from '../support/journey.ts';

/** `npm start` as a newcomer runs it, driven over HTTP only, the way a client or a carrier would. */
const secret = 'e2e-webhook-secret';
const running: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function startRelais(
  args: string[],
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const child = spawn('npm', ['start', '--', ...args], {
    env: { ...process.env, PORT: String(port), RELAIS_WEBHOOK_SECRET: secret, RELAIS_API_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group, so that a signal reaches npm and Relais together, as Ctrl-C in a terminal does
    detached: true,
  });
  running.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`);
      return /Relais ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    },
    'the ready line',
    240_000,
  );
  return { url, child, output: () => output };
}

function processesMatching(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return false;
  } catch {
    return true;
  }
}

/**
 * Signals the whole process group, then waits until Relais answers no more and its DynamoDB Local
 * (found by the port it reported) is gone: a clean stop leaves no orphan behind.
 */
async function stopCleanly(
  relais: { url: string; child: ChildProcess; output: () => string },
  signal: NodeJS.Signals,
) {
  const { dynamodb } = (await (await fetch(`${relais.url}/_local/endpoints`)).json()) as { dynamodb: string };
  const dynamoPort = new URL(dynamodb).port;
  expect(processesMatching(`DynamoDBLocal.*-port ${dynamoPort}`)).toHaveLength(1);
  const exited = once(relais.child, 'exit');
  process.kill(-(relais.child.pid as number), signal);
  await exited;
  await eventually(
    async () => ((await refused(`${relais.url}/health`)) ? true : undefined),
    'the HTTP port to close',
  );
  await eventually(
    async () => (processesMatching(`DynamoDBLocal.*-port ${dynamoPort}`).length === 0 ? true : undefined),
    'DynamoDB Local to stop',
  );
  expect(relais.output()).toContain(`${signal}: stopping`);
}

afterAll(async () => {
  for (const child of running) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('npm start', () => {
  it('takes one order from intake to DELIVERED through the HTTP contract alone, then stops cleanly', async () => {
    const relais = await startRelais(['--seed', 'none', '--autopilot', 'off', '--in-memory']);
    const exchanges: Exchange[] = [];
    const onExchange = (exchange: Exchange) => exchanges.push(exchange);
    const api = apiClient(relais.url, undefined, onExchange);
    expect((await api.get('/health')).body).toEqual({ status: 'ok' });
    const ids = await seedSmallNetwork(api, 'e2e');
    const before = await stockOf(api, ids.mug, ids.lyon);

    const placed = await api.placeOrder(homeOrder([{ sku: ids.mug, quantity: 2 }]), 'e2e-order-1');
    expect(placed.status).toBe(202);
    const { orderId } = placed.body;
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject({ onHand: before.onHand, reserved: 2 });

    await eventually(async () => {
      const answer = await api.post(`/shipments/${allocated.shipments[0].shipmentId}/confirm`, {});
      return answer.status === 202 ? answer : undefined;
    }, 'the confirmation');
    const dispatched = await untilShipment(api, orderId, 'DISPATCHED');
    const { carrierId, trackingNumber } = dispatched.shipments[0];
    expect(trackingNumber).toMatch(/^[A-Z]{2}\d{14}FR$/);

    const forged = await postCarrierEvent(
      relais.url,
      carrierId,
      { trackingNumber, status: 'DELIVERED' },
      { secret: 'wrong', onExchange },
    );
    expect(forged.status).toBe(401);
    const delivered = await postCarrierEvent(
      relais.url,
      carrierId,
      { trackingNumber, status: 'DELIVERED' },
      { secret, onExchange },
    );
    expect(delivered.status).toBe(202);
    await untilStatus(api, orderId, 'DELIVERED');
    expect(await stockOf(api, ids.mug, ids.lyon)).toMatchObject({ onHand: before.onHand - 2, reserved: 0 });

    // the same key and body again: the same order, not a second one
    const again = await api.placeOrder(homeOrder([{ sku: ids.mug, quantity: 2 }]), 'e2e-order-1');
    expect(again.body.orderId).toBe(orderId);

    // every request of this journey and every answer are as GET /openapi.json describes them
    expect(exchanges.length).toBeGreaterThan(15);
    await expectDescribed(relais.url, exchanges);

    // the status lines come from the bus, which the outbox pipe feeds just after each change
    await eventually(
      async () => (/DELIVERED/.test(relais.output()) ? true : undefined),
      'the DELIVERED line',
    );
    await stopCleanly(relais, 'SIGTERM');
  }, 300_000);

  it('with the demo seed and the autopilot, an order placed with curl reaches DELIVERED on its own', async () => {
    const relais = await startRelais(['--in-memory']);
    const exchanges: Exchange[] = [];
    const api = apiClient(relais.url, undefined, (exchange) => exchanges.push(exchange));
    const locations = await api.get('/locations');
    expect(locations.body.items.length).toBeGreaterThan(20);
    const placed = await api.placeOrder({
      channel: 'web',
      customer: { id: 'e2e-demo' },
      delivery: {
        mode: 'home',
        address: {
          line1: '10 rue de la Paix',
          postcode: '75002',
          city: 'Paris',
          country: 'FR',
          lat: 48.869,
          lon: 2.331,
        },
      },
      lines: [{ sku: 'SKU-0002', quantity: 1 }],
    });
    expect(placed.status).toBe(202);
    const delivered = await eventually(
      async () => {
        const { body } = await api.get(`/orders/${placed.body.orderId}`);
        return body.status === 'DELIVERED' ? body : undefined;
      },
      'the autopilot to deliver the order',
      60_000,
    );
    expect(delivered.shipments[0]).toMatchObject({ status: 'DELIVERED', trackingNumber: expect.any(String) });
    // the terminal shows the order moving, up to its delivery
    const lines = new RegExp(`${placed.body.orderId}\\s+DELIVERED`);
    await eventually(async () => (lines.test(relais.output()) ? true : undefined), 'the DELIVERED log line');
    expect(relais.output()).toMatch(new RegExp(`${placed.body.orderId}\\s+ALLOCATED`));
    await expectDescribed(relais.url, exchanges);
    await stopCleanly(relais, 'SIGINT');
  }, 300_000);
});
