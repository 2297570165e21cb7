/**
 * The local cloud with persisted data survives a stop: orders left RECEIVED, ALLOCATED, PACKED and
 * DISPATCHED when `npm start` is stopped (SIGTERM) or killed (SIGKILL of its main process) all
 * reach DELIVERED after the next start on the same data, with the stock exact, and their
 * executions are listed. The cloud runs in a child process, as `npm start` runs it.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
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

describe.each([
  ['SIGTERM', 'dt'],
  ['SIGKILL', 'dk'],
] as const)('a cloud stopped with %s', (signal, prefix) => {
  it('resumes every order on the next start: all delivered, stock exact, executions listed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), `relais-durable-${prefix}-`));
    dataDirs.push(dataDir);
    const first = await startCloud(dataDir);
    const api = apiClient(() => first.url);
    const ids = await seedSmallNetwork(api, prefix);
    const mugOrder = (orderId: string) => ({ ...homeOrder([{ sku: ids.mug, quantity: 1 }]), orderId });

    const dispatched = `${prefix}-DISPATCHED`;
    const allocated = `${prefix}-ALLOCATED`;
    const packed = `${prefix}-PACKED`;
    const received = `${prefix}-RECEIVED`;
    for (const orderId of [dispatched, allocated, packed]) {
      expect((await api.placeOrder(mugOrder(orderId), `key-${orderId}`)).status).toBe(202);
    }
    expect((await confirm(api, dispatched)).status).toBe(202);
    await untilStatus(api, dispatched, 'SHIPPED');
    await untilStatus(api, allocated, 'ALLOCATED');
    expect((await confirm(api, packed)).status).toBe(202);
    expect((await api.placeOrder(mugOrder(received), `key-${received}`)).status).toBe(202);
    // stopped at once: the confirmed order has not been dispatched, the last one not allocated
    const before = {
      packed: (await orderOf(api, packed)).status,
      received: (await orderOf(api, received)).status,
    };
    first.child.kill(signal);
    const code = await first.exit;
    if (signal === 'SIGTERM') expect(code).toBe(0);
    // the JVM's watchdog kills it once its parent is gone, however it went
    await eventually(
      async () => (javaOn(first.endpoints.dynamodb) === '' ? true : undefined),
      'DynamoDB Local to be gone',
      10_000,
    );

    const second = await startCloud(dataDir);
    const again = apiClient(() => second.url);
    try {
      expect(second.output()).toMatch(/executions resumed/);
      for (const orderId of [received, packed, allocated, dispatched]) {
        const order = await deliver(again, second.url, orderId);
        expect(order.status, `${orderId} (was ${JSON.stringify(before)})`).toBe('DELIVERED');
      }
      const stock = (await again.get(`/inventory/${ids.mug}`)).body as {
        locations: { onHand: number; reserved: number; available: number }[];
      };
      const total = (field: 'onHand' | 'reserved' | 'available') =>
        stock.locations.reduce((sum, location) => sum + location[field], 0);
      // 24 mugs seeded, 4 shipped
      expect({ onHand: total('onHand'), reserved: total('reserved'), available: total('available') }).toEqual(
        {
          onHand: 20,
          reserved: 0,
          available: 20,
        },
      );
      const executions = await eventually(async () => {
        const listed = await fulfilmentExecutions(second.endpoints.stepfunctions);
        return listed.filter((e) => e.status === 'SUCCEEDED').length === 4 ? listed : undefined;
      }, 'four succeeded fulfilment executions');
      expect(executions.map((e) => e.name).sort()).toEqual([allocated, dispatched, packed, received].sort());
    } catch (error) {
      throw new Error(
        `${String(error)}\n--- first run:\n${first.output()}\n--- second run:\n${second.output()}`,
      );
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exit).toBe(0);
    }
    expect(javaOn(second.endpoints.dynamodb)).toBe('');
  }, 420_000);
});
