/**
 * The local cloud with persisted data survives a stop: orders left RECEIVED, ALLOCATED, PACKED and
 * DISPATCHED when `npm start` is stopped (SIGTERM) or killed (SIGKILL of its main process) all
 * reach DELIVERED after the next start on the same data, with the stock exact, and their
 * executions are listed. The cloud runs in a child process, as `npm start` runs it. One chain of
 * three starts on one data directory (a start costs seconds of JVM and function loading): the
 * first is stopped with SIGTERM, the second resumes and delivers its orders, then takes four more
 * and is killed with SIGKILL, and the third resumes and delivers those.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, expect, it } from 'vitest';
import { apiClient, eventually, testWebhookSecret } from '../support/cloud.ts';
import { homeOrder, orderOf, postCarrierEvent, seedSmallNetwork, untilStatus } from '../support/journey.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const dataDirs: string[] = [];
const running: ChildProcessWithoutNullStreams[] = [];

afterAll(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

interface RunningCloud {
  child: ChildProcessWithoutNullStreams;
  url: string;
  endpoints: { dynamodb: string; stepfunctions: string };
  exit: Promise<number | null>;
  output: () => string;
}

async function startCloud(dataDir: string): Promise<RunningCloud> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'local/main.ts', '--data-dir', dataDir, '--seed', 'none', '--autopilot', 'off'],
    { cwd: projectRoot, env: { ...process.env, PORT: '0', RELAIS_WEBHOOK_SECRET: testWebhookSecret } },
  );
  running.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /^Relais ready on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    void exit.then((code) => reject(new Error(`exited with ${code} before ready:\n${output}`)));
  });
  const endpoints = (await (await fetch(`${url}/_local/endpoints`)).json()) as RunningCloud['endpoints'];
  return { child, url, endpoints, exit, output: () => output };
}

function javaOn(dynamoDbEndpoint: string): string {
  const port = new URL(dynamoDbEndpoint).port;
  try {
    return execFileSync('pgrep', ['-f', `DynamoDBLocal.jar .*-port ${port}( |$)`])
      .toString()
      .trim();
  } catch {
    return '';
  }
}

async function fulfilmentExecutions(stepFunctionsUrl: string) {
  const sfn = new SFNClient({
    endpoint: stepFunctionsUrl,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    const machine = stateMachines.find((m) => /fulfil/i.test(m.name ?? ''));
    const { executions = [] } = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machine?.stateMachineArn }),
    );
    return executions;
  } finally {
    sfn.destroy();
  }
}

async function confirm(api: ReturnType<typeof apiClient>, orderId: string) {
  const order = await untilStatus(api, orderId, 'ALLOCATED');
  return api.post(`/shipments/${order.shipments[0].shipmentId}/confirm`, { packages: [{ weightKg: 0.5 }] });
}

async function deliver(api: ReturnType<typeof apiClient>, url: string, orderId: string) {
  const current = await orderOf(api, orderId);
  if (current.status === 'RECEIVED' || current.status === 'ALLOCATED') {
    await eventually(async () => {
      const answer = await confirm(api, orderId);
      return answer.status === 202 ? answer : undefined;
    }, `the pick of ${orderId} to be confirmed`);
  }
  const dispatched = await untilStatus(api, orderId, 'SHIPPED');
  const { carrierId, trackingNumber } = dispatched.shipments[0];
  expect(trackingNumber).toBeTruthy();
  await eventually(async () => {
    const answer = await postCarrierEvent(url, carrierId, { trackingNumber, status: 'DELIVERED' });
    await answer.arrayBuffer();
    return answer.status === 202 ? answer : undefined;
  }, `the DELIVERED of ${orderId} to be accepted`);
  return untilStatus(api, orderId, 'DELIVERED');
}

/** Places four orders and leaves them DISPATCHED, ALLOCATED, PACKED (confirmed) and RECEIVED (just placed). */
async function ordersInFlight(api: ReturnType<typeof apiClient>, prefix: string, sku: string) {
  const order = (orderId: string) => ({ ...homeOrder([{ sku, quantity: 1 }]), orderId });
  const ids = {
    dispatched: `${prefix}-DISPATCHED`,
    allocated: `${prefix}-ALLOCATED`,
    packed: `${prefix}-PACKED`,
    received: `${prefix}-RECEIVED`,
  };
  for (const orderId of [ids.dispatched, ids.allocated, ids.packed]) {
    expect((await api.placeOrder(order(orderId), `key-${orderId}`)).status).toBe(202);
  }
  expect((await confirm(api, ids.dispatched)).status).toBe(202);
  await untilStatus(api, ids.dispatched, 'SHIPPED');
  await untilStatus(api, ids.allocated, 'ALLOCATED');
  expect((await confirm(api, ids.packed)).status).toBe(202);
  // stopped at once after this: the last order may not be allocated yet, the confirmed one not dispatched
  expect((await api.placeOrder(order(ids.received), `key-${ids.received}`)).status).toBe(202);
  return Object.values(ids);
}

async function stop(cloud: RunningCloud, signal: 'SIGTERM' | 'SIGKILL') {
  cloud.child.kill(signal);
  const code = await cloud.exit;
  if (signal === 'SIGTERM') expect(code).toBe(0);
  // the JVM's watchdog kills it once its parent is gone, however it went
  await eventually(
    async () => (javaOn(cloud.endpoints.dynamodb) === '' ? true : undefined),
    'DynamoDB Local to be gone',
    10_000,
  );
}

/** Delivers the orders on the restarted cloud, checks that it listed their executions as resumed. */
async function resumeAndDeliver(cloud: RunningCloud, orderIds: string[], previous: RunningCloud) {
  const api = apiClient(() => cloud.url);
  try {
    expect(cloud.output()).toMatch(/executions resumed/);
    for (const orderId of orderIds) {
      const order = await deliver(api, cloud.url, orderId);
      expect(order.status, orderId).toBe('DELIVERED');
    }
    const executions = await fulfilmentExecutions(cloud.endpoints.stepfunctions);
    const succeeded = executions.filter((e) => e.status === 'SUCCEEDED').map((e) => e.name);
    expect(succeeded).toEqual(expect.arrayContaining(orderIds));
    return executions;
  } catch (error) {
    throw new Error(
      `${String(error)}\n--- before the stop:\n${previous.output()}\n--- after:\n${cloud.output()}`,
    );
  }
}

it('resumes every order after a SIGTERM and after a SIGKILL: all delivered, stock exact, executions listed', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relais-durable-'));
  dataDirs.push(dataDir);
  const first = await startCloud(dataDir);
  const ids = await seedSmallNetwork(
    apiClient(() => first.url),
    'du',
  );
  const stoppedOrders = await ordersInFlight(
    apiClient(() => first.url),
    'du-term',
    ids.mug,
  );
  await stop(first, 'SIGTERM');

  const second = await startCloud(dataDir);
  await resumeAndDeliver(second, stoppedOrders, first);
  const killedOrders = await ordersInFlight(
    apiClient(() => second.url),
    'du-kill',
    ids.mug,
  );
  await stop(second, 'SIGKILL');

  const third = await startCloud(dataDir);
  try {
    const executions = await resumeAndDeliver(third, killedOrders, second);
    expect(executions.map((e) => e.name).sort()).toEqual([...stoppedOrders, ...killedOrders].sort());
    expect(executions.every((e) => e.status === 'SUCCEEDED')).toBe(true);
    const stock = (await apiClient(() => third.url).get(`/inventory/${ids.mug}`)).body as {
      locations: { onHand: number; reserved: number; available: number }[];
    };
    const total = (field: 'onHand' | 'reserved' | 'available') =>
      stock.locations.reduce((sum, location) => sum + location[field], 0);
    // 24 mugs seeded, 8 shipped
    expect({ onHand: total('onHand'), reserved: total('reserved'), available: total('available') }).toEqual({
      onHand: 16,
      reserved: 0,
      available: 16,
    });
  } finally {
    third.child.kill('SIGTERM');
    expect(await third.exit).toBe(0);
  }
  expect(javaOn(third.endpoints.dynamodb)).toBe('');
}, 600_000);
