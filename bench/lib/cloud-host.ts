/**
 * The local cloud in a process of its own, for the journey benchmark: the parent (bench/run.ts)
 * drives it over HTTP like a user and asks it, over the IPC channel, only what a user cannot see
 * (its own CPU time, the Lambda invocations and their durations, the events on the bus, a CPU
 * profile). Everything the cloud burns is then this process's, and nothing the driver does is.
 *
 * Started by `CloudProcess.start()` (cloud-process.ts) with `node --import tsx`; the proxies that
 * meter DynamoDB and S3 calls (in the parent) are handed in as `AWS_ENDPOINT_URL_*` for the
 * functions, so the handlers' own SDK clients go through them, as they would go to AWS.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { startLocalCloud } from '../../local/cloud.ts';
import { defaultCdkOutDir, synthTemplate } from '../../local/synth.ts';
import type { CloudCommand, CloudMessage, HostedEvent, InvocationRecord } from './cloud-protocol.ts';

const send = (message: CloudMessage) => process.send?.(message);

/** The event fields the driver follows orders by; the rest of a detail never crosses the channel. */
const followed = ['orderId', 'shipmentId', 'carrierId', 'trackingNumber', 'reason'] as const;

/** `CreateOrderFunction1A2B3C4D` → `CreateOrder` */
const functionId = (logicalId: string) => /^(.+)Function[0-9A-F]{8}$/.exec(logicalId)?.[1] ?? logicalId;

async function main(): Promise<void> {
  const webhookSecret = process.env.BENCH_WEBHOOK_SECRET ?? 'bench-webhook-secret';
  const environment: Record<string, string> = {};
  if (process.env.BENCH_DYNAMODB_ENDPOINT)
    environment.AWS_ENDPOINT_URL_DYNAMODB = process.env.BENCH_DYNAMODB_ENDPOINT;
  if (process.env.BENCH_S3_ENDPOINT) environment.AWS_ENDPOINT_URL_S3 = process.env.BENCH_S3_ENDPOINT;

  const template = await synthTemplate();
  const cloud = await startLocalCloud({
    template,
    cdkOutDir: defaultCdkOutDir,
    inMemory: true,
    webhookSecret,
    handlersFromSource: true,
    environment,
    stepFunctions: { retryIntervalMs: 5 },
    eventBus: { retryAttempts: 2, retryDelayMs: 5 },
  });

  // Every invocation, timed from the call to the answer: the span Lambda bills (rounded up to 1 ms).
  const memoryMb = new Map(cloud.runtime.functions.map((fn) => [fn.arn, fn.memoryMb]));
  const invocations: InvocationRecord[] = [];
  let running = 0;
  let lastActivity = performance.now();
  const runtime = cloud.runtime;
  const invoke = runtime.invoke.bind(runtime);
  runtime.invoke = async (functionArnOrName: string, event: unknown) => {
    const fn = runtime.find(functionArnOrName);
    running++;
    const started = performance.now();
    try {
      return await invoke(functionArnOrName, event);
    } finally {
      running--;
      lastActivity = performance.now();
      invocations.push({
        functionId: functionId(fn?.logicalId ?? functionArnOrName),
        memoryMb: memoryMb.get(fn?.arn ?? '') ?? 0,
        ms: lastActivity - started,
      });
    }
  };

  const events: HostedEvent[] = [];
  cloud.bus.subscribe((event) => {
    const detail = (event.detail ?? {}) as Record<string, unknown>;
    const fields: Record<string, string> = {};
    for (const key of followed) if (typeof detail[key] === 'string') fields[key] = detail[key] as string;
    const shipments = Array.isArray(detail.shipments)
      ? (detail.shipments as { shipmentId?: unknown }[]).map((s) => String(s.shipmentId))
      : undefined;
    // PutEvents bills each entry per 64 KB chunk of Source, DetailType, Detail and Resources
    const bytes = Buffer.byteLength(
      event.source + event['detail-type'] + JSON.stringify(event.detail) + event.resources.join(''),
    );
    const hosted: HostedEvent = {
      detailType: event['detail-type'],
      bytes,
      fields,
      ...(shipments ? { shipments } : {}),
    };
    events.push(hosted);
    send({ kind: 'event', event: hosted });
  });

  /** Until no delivery is in flight and no function has run for `quietMs`. */
  const settle = async (quietMs: number) => {
    for (;;) {
      await cloud.idle();
      const quietFor = performance.now() - lastActivity;
      if (running === 0 && quietFor >= quietMs) return;
      await new Promise((resolve) => setTimeout(resolve, Math.max(5, quietMs - quietFor)));
    }
  };

  let profiler: Session | undefined;
  const handle = async (command: CloudCommand): Promise<unknown> => {
    switch (command.op) {
      case 'preload': {
        const started = performance.now();
        await runtime.preload();
        return { functions: runtime.functions.length, ms: performance.now() - started };
      }
      case 'cpu': {
        const usage = process.cpuUsage();
        return { cpuMs: (usage.user + usage.system) / 1000, at: performance.now() };
      }
      case 'settle':
        await settle(command.quietMs);
        return {};
      case 'take': {
        // what happened since the last take: the caller measures phase by phase
        const taken = { invocations: invocations.splice(0), events: events.splice(0) };
        return taken;
      }
      case 'profile-start':
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.setSamplingInterval', { interval: command.intervalUs });
        await profiler.post('Profiler.start');
        return {};
      case 'profile-stop': {
        if (profiler === undefined) throw new Error('no profile running');
        const { profile } = await profiler.post('Profiler.stop');
        writeFileSync(command.file, JSON.stringify(profile));
        profiler.disconnect();
        profiler = undefined;
        return { file: command.file };
      }
      case 'stop':
        await cloud.stop();
        setTimeout(() => process.exit(0), 50).unref();
        return {};
    }
  };

  process.on('message', (message: { id: number; command: CloudCommand }) => {
    handle(message.command).then(
      (result) => send({ kind: 'answer', id: message.id, result }),
      (error: unknown) =>
        send({
          kind: 'answer',
          id: message.id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    );
  });
  // the parent went away: nothing else would stop DynamoDB Local's JVM
  process.on('disconnect', () => {
    cloud.stop().finally(() => process.exit(0));
  });
  send({
    kind: 'ready',
    url: cloud.url,
    endpoints: cloud.endpoints,
    functions: runtime.functions.map((fn) => {
      const properties = template.Resources[fn.logicalId]?.Properties as
        | { Architectures?: string[] }
        | undefined;
      return {
        functionId: functionId(fn.logicalId),
        memoryMb: fn.memoryMb,
        architecture: properties?.Architectures?.[0] ?? 'x86_64',
        arn: fn.arn,
      };
    }),
    routes: cloud.model.routes.map((route) => ({ routeKey: route.routeKey, functionArn: route.functionArn })),
    stateMachines: cloud.model.stateMachines.map((machine) => ({ name: machine.name, arn: machine.arn })),
  });
}

main().catch((error: unknown) => {
  send({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
});
