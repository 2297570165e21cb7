import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { functionArn } from '../../local/account.ts';
import { LambdaRuntime } from '../../local/lambda-runtime.ts';
import type { FunctionDefinition } from '../../local/template/resources.ts';

const endpoints = {
  dynamodb: 'http://127.0.0.1:8001',
  stepfunctions: 'http://127.0.0.1:8002',
  eventbridge: 'http://127.0.0.1:8003',
  s3: 'http://127.0.0.1:8004',
  secretsmanager: 'http://127.0.0.1:8005',
  ses: 'http://127.0.0.1:8006',
  sqs: 'http://127.0.0.1:8007',
};

const dir = mkdtempSync(join(tmpdir(), 'relais-runtime-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fn(logicalId: string, overrides: Partial<FunctionDefinition> = {}): FunctionDefinition {
  return {
    logicalId,
    functionName: logicalId,
    arn: functionArn(logicalId),
    handler: 'index.handler',
    timeoutSeconds: 29,
    memoryMb: 1024,
    environment: { ORDERS_TABLE: 'OrdersTable', NODE_OPTIONS: '--enable-source-maps' },
    ...overrides,
  };
}

/** A module that reports, when called, what the environment held while it loaded. */
function writeModule(name: string): string {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(
    file,
    'const atLoad = { name: process.env.AWS_LAMBDA_FUNCTION_NAME, own: process.env.ONLY_MINE, ' +
      'table: process.env.ORDERS_TABLE, endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB };\n' +
      'export const handler = async (event) => ({ atLoad, event });\n',
  );
  return file;
}

class OutOfStock extends Error {
  override name = 'OutOfStock';
}

describe('LambdaRuntime', () => {
  it('sets the shared environment before any function loads: template variables, endpoints, Powertools', () => {
    new LambdaRuntime({
      functions: [fn('A')],
      endpoints,
      environment: { EXTRA_SETTING: 'extra' },
      logLevel: 'DEBUG',
    });
    expect(process.env).toMatchObject({
      ORDERS_TABLE: 'OrdersTable',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SFN: endpoints.stepfunctions,
      AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsmanager,
      AWS_ENDPOINT_URL_SESV2: endpoints.ses,
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      EXTRA_SETTING: 'extra',
    });
    // a variable for the Lambda runtime itself must not reconfigure this process
    expect(process.env.NODE_OPTIONS ?? '').not.toContain('--enable-source-maps');
  });

  it('loads each function with its own variables in place, even where functions disagree', async () => {
    const runtime = new LambdaRuntime({
      functions: [
        fn('First', { environment: { ORDERS_TABLE: 'FirstTable', ONLY_MINE: 'first' } }),
        fn('Second', { environment: { ORDERS_TABLE: 'SecondTable' } }),
      ],
      endpoints,
      sources: { First: writeModule('first'), Second: writeModule('second') },
    });
    const [first, second] = (await Promise.all([
      runtime.invoke('First', {}),
      runtime.invoke('Second', {}),
    ])) as {
      atLoad: Record<string, string | undefined>;
    }[];
    expect(first?.atLoad).toEqual({
      name: 'First',
      own: 'first',
      table: 'FirstTable',
      endpoint: endpoints.dynamodb,
    });
    // the union of the functions' variables stays set in between (ONLY_MINE), the function's own win while it loads
    expect(second?.atLoad).toEqual({
      name: 'Second',
      own: 'first',
      table: 'SecondTable',
      endpoint: endpoints.dynamodb,
    });
    expect(process.env.AWS_LAMBDA_FUNCTION_NAME).toBeUndefined();
    expect(process.env.ORDERS_TABLE).toBe('SecondTable');
  });

  it('runs the bundle from the cloud assembly, found by its asset directory', async () => {
    const cdkOut = join(dir, 'cdk.out');
    mkdirSync(join(cdkOut, 'asset.abc'), { recursive: true });
    writeFileSync(
      join(cdkOut, 'asset.abc', 'index.mjs'),
      'export const handler = async (e) => ({ bundled: e.n * 2 });\n',
    );
    const runtime = new LambdaRuntime({
      functions: [fn('Bundled', { assetDir: 'asset.abc' }), fn('Unbundled', { assetDir: 'asset.missing' })],
      cdkOutDir: cdkOut,
      endpoints,
    });
    expect(await runtime.invoke(functionArn('Bundled'), { n: 21 })).toEqual({ bundled: 42 });
    await expect(runtime.invoke('Unbundled', {})).rejects.toThrow(
      /no index\.mjs .* Synthesize with bundling/,
    );
  });

  it('calls with a Lambda context and moves the event and the answer as JSON', async () => {
    let seen: { event: unknown; context: Context; remaining: number } | undefined;
    const runtime = new LambdaRuntime({
      functions: [fn('Ctx', { timeoutSeconds: 60, memoryMb: 512 })],
      endpoints,
      overrides: {
        Ctx: (event, context) => {
          seen = { event, context, remaining: context.getRemainingTimeInMillis() };
          (event as { mutated?: boolean }).mutated = true;
          return { when: new Date('2026-01-02T03:04:05Z'), nothing: undefined };
        },
      },
    });
    const event = { at: new Date('2026-01-01T00:00:00Z'), list: [1, 2] };
    const result = await runtime.invoke(functionArn('Ctx'), event);
    expect(result).toEqual({ when: '2026-01-02T03:04:05.000Z' });
    expect(seen?.event).toEqual({ at: '2026-01-01T00:00:00.000Z', list: [1, 2], mutated: true });
    expect(event).not.toHaveProperty('mutated');
    expect(seen?.context).toMatchObject({
      functionName: 'Ctx',
      functionVersion: '$LATEST',
      invokedFunctionArn: functionArn('Ctx'),
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/Ctx',
    });
    expect(seen?.context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen?.remaining).toBeGreaterThan(55_000);
    expect(seen?.remaining).toBeLessThanOrEqual(60_000);
    expect(await runtime.invoke('Ctx', {})).toEqual({ when: '2026-01-02T03:04:05.000Z' });
    expect(runtime.invocationCounts()).toEqual({ Ctx: 2 });
  });

  it('rejects with the handler’s own error, name intact (what Step Functions’ Catch matches)', async () => {
    const runtime = new LambdaRuntime({
      functions: [fn('Fails')],
      endpoints,
      overrides: {
        [functionArn('Fails')]: () => {
          throw new OutOfStock('SKU-1 at PAR');
        },
      },
    });
    await expect(runtime.invoke('Fails', {})).rejects.toMatchObject({
      name: 'OutOfStock',
      message: 'SKU-1 at PAR',
    });
  });

  it('fails an invocation that outlives the function timeout with Sandbox.Timedout', async () => {
    const runtime = new LambdaRuntime({
      functions: [fn('Slow', { timeoutSeconds: 0.2 })],
      endpoints,
      overrides: { Slow: () => new Promise(() => {}) },
    });
    await expect(runtime.invoke('Slow', {})).rejects.toMatchObject({
      name: 'Sandbox.Timedout',
      message: 'Task timed out after 0.20 seconds',
    });
  });

  it('refuses unknown functions, for invocations and for overrides', async () => {
    const runtime = new LambdaRuntime({ functions: [fn('Known')], endpoints });
    await expect(runtime.invoke(functionArn('Unknown'), {})).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(() => new LambdaRuntime({ functions: [], endpoints, overrides: { Ghost: () => 1 } })).toThrow(
      /Ghost/,
    );
  });
});
