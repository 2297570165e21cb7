/**
 * The whole stack on this machine, read from its synthesized template: DynamoDB Local with the
 * tables, s3rver with the buckets, the Step Functions engine and the event bus (each with its AWS
 * JSON endpoint for the SDK), Secrets Manager's GetSecretValue for the secrets, the SES v2
 * emulator for the e-mails, the functions, and the HTTP front. `npm start` runs it; tests start
 * it too, usually with `handlersFromSource` so that no bundling is needed:
 *
 *   const cloud = await startLocalCloud({
 *     template: await synthTemplate(), cdkOutDir: 'cdk.out', inMemory: true,
 *     webhookSecret: 'test', handlersFromSource: true,
 *   });
 *   await fetch(`${cloud.url}/health`);
 *   await cloud.stop();
 */
import { join } from 'node:path';
import {
  env,
  eventFunctions,
  httpRoutes,
  stepFunctions as stepFunctionSpecs,
} from '../lib/functions-manifest.ts';
import { projectRoot } from '../lib/paths.ts';
import { localAccount } from './account.ts';
import { serveApiDocs } from './docs/server.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from './dynamodb.ts';
import { type EventBridgeEvent, LocalEventBus, type LocalEventBusOptions } from './eventbus/bus.ts';
import { startEventBridgeServer } from './eventbus/server.ts';
import { type HttpFront, startHttpFront } from './http-front.ts';
import {
  type LambdaHandler,
  LambdaRuntime,
  type LocalEndpoints,
  type PowertoolsLogLevel,
} from './lambda-runtime.ts';
import { type OperatorPages, operatorPages } from './pages/server.ts';
import { LocalStreamPipe } from './pipes/stream-pipe.ts';
import { type LocalS3, startLocalS3 } from './s3.ts';
import { generatedSecretValue, type LocalSecret, startSecretsManagerServer } from './secrets-manager.ts';
import { type LocalSes, startLocalSes } from './ses.ts';
import { deadLetterQueuesOf, startSqsServer } from './sqs.ts';
import { LocalStepFunctions, type LocalStepFunctionsOptions } from './stepfunctions/engine.ts';
import { startStepFunctionsServer } from './stepfunctions/server.ts';
import type { CfnTemplate } from './template/intrinsics.ts';
import { describeTemplate, type FunctionDefinition, type LocalCloudModel } from './template/resources.ts';

export interface LocalCloudOptions {
  template: CfnTemplate;
  /** the cloud assembly holding the bundles (`cdk.out`); unused for functions run from source */
  cdkOutDir: string;
  /** everything in memory and temporary directories; otherwise data persists under `dataDir` */
  inMemory: boolean;
  /** default `<project>/.relais` */
  dataDir?: string;
  /** the HTTP front's port; 0 (default) picks a free one */
  port?: number;
  /** when set, routes behind the JWT authorizer on AWS need `Authorization: Bearer <apiToken>` */
  apiToken?: string;
  /**
   * the carrier webhook HMAC key: the value of the stack's webhook secret (the one the functions'
   * WEBHOOK_SECRET_ARN names), which they read from the local Secrets Manager as on AWS
   */
  webhookSecret: string;
  /**
   * Handlers in place of functions, keyed by manifest id (`CreateOrder`), logical id or function ARN.
   */
  handlerOverrides?: Record<string, LambdaHandler>;
  /** run each manifest function from its TypeScript entry (lib/functions-manifest.ts) instead of the bundle */
  handlersFromSource?: boolean;
  /** the functions' Powertools log level (default WARN) */
  logLevel?: PowertoolsLogLevel;
  /** a running DynamoDB Local to use (its tables are created); it is left running on stop */
  dynamoDb?: DynamoDbLocal;
  /** more environment for every function */
  environment?: Record<string, string>;
  stepFunctions?: Pick<LocalStepFunctionsOptions, 'onTransition' | 'retryIntervalMs' | 'integrations'>;
  eventBus?: Pick<LocalEventBusOptions, 'retryAttempts' | 'retryDelayMs'>;
  /** told when each start-up phase ends, with its duration */
  onPhase?: (phase: string, ms: number) => void;
  /** one line per HTTP request */
  logRequest?: (line: string) => void;
  /** fail a function call that outlives its timeout (default true) */
  enforceTimeouts?: boolean;
}

export interface LocalCloud {
  /** the HTTP API: `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  endpoints: LocalEndpoints;
  /** what was read from the template */
  model: LocalCloudModel;
  runtime: LambdaRuntime;
  stepFunctions: LocalStepFunctions;
  bus: LocalEventBus;
  /** the template's pipes from the outbox stream to the bus (local/pipes) */
  pipes: LocalStreamPipe[];
  /** the operator's pages at `/` (local/pages) */
  pages: OperatorPages;
  /** the ARN of a manifest function (`CreateOrder`), a logical id or a name */
  functionArn(key: string): string;
  /** invokes a function by manifest id, logical id, name or ARN */
  invoke(key: string, event: unknown): Promise<unknown>;
  /** resolves when every outbox item written so far is on the bus and no delivery is in flight */
  idle(): Promise<void>;
  /** stops everything it started, in reverse order; safe to call twice */
  stop(): Promise<void>;
}

interface ManifestEntry {
  id: string;
  entry: string;
}

const manifestEntries: readonly ManifestEntry[] = [...httpRoutes, ...stepFunctionSpecs, ...eventFunctions];

/**
 * Which manifest entry each function of the template is. The stack builds each one as
 * `<stack>/<id>/Function`, so the construct path names it; without path metadata the logical id
 * (`<id>Function<hash>`) does.
 */
export function manifestIdsByLogicalId(functions: readonly FunctionDefinition[]): Map<string, ManifestEntry> {
  const byId = new Map(manifestEntries.map((entry) => [entry.id, entry]));
  const found = new Map<string, ManifestEntry>();
  for (const fn of functions) {
    const fromPath = fn.constructPath?.split('/')[1];
    const fromLogicalId = /^(.+)Function[0-9A-F]{8}$/.exec(fn.logicalId)?.[1];
    const entry = byId.get(fromPath ?? '') ?? byId.get(fromLogicalId ?? '');
    if (entry !== undefined) found.set(fn.logicalId, entry);
  }
  return found;
}

async function timed<T>(
  phase: string,
  onPhase: LocalCloudOptions['onPhase'],
  work: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const result = await work();
  onPhase?.(phase, Math.round(performance.now() - started));
  return result;
}

/**
 * Like Promise.all, but waits for every start to settle before failing: whatever did start has
 * registered its stop by then, so a failed start-up leaves nothing running.
 */
async function allStarted<T extends readonly unknown[]>(
  starts: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const model = describeTemplate(options.template);
  const dataDir = options.dataDir ?? join(projectRoot, '.relais');
  const manifest = manifestIdsByLogicalId(model.functions);
  const logicalIdOfManifest = new Map([...manifest].map(([logicalId, entry]) => [entry.id, logicalId]));
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((error: unknown) => console.error('[local-cloud] stop failed:', error));
    }
  };

  try {
    let runtime: LambdaRuntime | undefined;
    const invoke = (functionArn: string, payload: unknown): Promise<unknown> => {
      if (runtime === undefined) return Promise.reject(new Error('the local cloud is still starting'));
      return runtime.invoke(functionArn, payload);
    };
    const stepFunctions = new LocalStepFunctions({
      invoke,
      region: localAccount.region,
      accountId: localAccount.accountId,
      ...(options.inMemory ? {} : { stateDir: join(dataDir, 'stepfunctions') }),
      ...options.stepFunctions,
    });
    const bus = new LocalEventBus({
      invoke,
      region: localAccount.region,
      accountId: localAccount.accountId,
      ...options.eventBus,
    });

    const webhookSecretArns = new Set(model.functions.map((fn) => fn.environment[env.webhookSecretArn]));
    const secrets: LocalSecret[] = model.secrets.map((secret) => ({
      arn: secret.arn,
      name: secret.name,
      value: webhookSecretArns.has(secret.arn) ? options.webhookSecret : generatedSecretValue(),
    }));

    /** the outbox's stream pipes, started once the bus has its rules (their dead letters are counted before) */
    let pipes: LocalStreamPipe[] = [];
    const [dynamoDb, s3, stepFunctionsServer, eventBridgeServer, secretsManagerServer, ses, sqsServer] =
      await allStarted([
        options.dynamoDb
          ? Promise.resolve(options.dynamoDb)
          : timed('DynamoDB Local', options.onPhase, async () => {
              const started = await startDynamoDbLocal({
                inMemory: options.inMemory,
                dataDir: join(dataDir, 'dynamodb'),
              });
              stops.push(() => started.stop());
              return started;
            }),
        timed('s3rver', options.onPhase, async (): Promise<LocalS3> => {
          const started = await startLocalS3({
            inMemory: options.inMemory,
            dataDir: join(dataDir, 's3'),
            buckets: model.buckets.map((bucket) => bucket.bucketName),
          });
          stops.push(() => started.stop());
          return started;
        }),
        startStepFunctionsServer(stepFunctions).then((server) => {
          stops.push(() => server.close());
          return server;
        }),
        startEventBridgeServer(bus).then((server) => {
          // drain deliveries before the server goes, so none is cut off half-way
          stops.push(async () => {
            await server.close();
            await Promise.race([bus.idle(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
          });
          return server;
        }),
        startSecretsManagerServer(secrets).then((server) => {
          stops.push(() => server.close());
          return server;
        }),
        timed('SES emulator', options.onPhase, async (): Promise<LocalSes> => {
          const started = await startLocalSes();
          stops.push(() => started.stop());
          return started;
        }),
        startSqsServer(deadLetterQueuesOf(model.rules, model.pipes), () => [
          ...bus.deadLetters(),
          ...pipes.flatMap((pipe) => pipe.deadLetters.map(() => ({ deadLetterArn: pipe.deadLetterArn }))),
        ]).then((server) => {
          stops.push(() => server.close());
          return server;
        }),
      ]);
    const endpoints: LocalEndpoints = {
      dynamodb: dynamoDb.endpoint,
      stepfunctions: stepFunctionsServer.url,
      eventbridge: eventBridgeServer.url,
      s3: s3.endpoint,
      secretsmanager: secretsManagerServer.url,
      ses: ses.endpoint,
      sqs: sqsServer.url,
    };

    await timed('tables', options.onPhase, () => createTables(dynamoDb.endpoint, model.tables));

    const overrides: Record<string, LambdaHandler> = {};
    for (const [key, handler] of Object.entries(options.handlerOverrides ?? {})) {
      overrides[logicalIdOfManifest.get(key) ?? key] = handler;
    }
    const sources: Record<string, string> = {};
    if (options.handlersFromSource) {
      for (const [logicalId, entry] of manifest) sources[logicalId] = join(projectRoot, entry.entry);
    }
    runtime = new LambdaRuntime({
      functions: model.functions,
      cdkOutDir: options.cdkOutDir,
      endpoints,
      ...(options.environment ? { environment: options.environment } : {}),
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      overrides,
      sources,
      ...(options.enforceTimeouts === undefined ? {} : { enforceTimeouts: options.enforceTimeouts }),
    });
    const lambda = runtime;

    for (const machine of model.stateMachines) {
      stepFunctions.register({ arn: machine.arn, name: machine.name, definition: machine.definition });
    }
    const { resumed } = stepFunctions.resume();
    if (resumed > 0)
      console.log(`[local-cloud] ${resumed} executions resumed from ${join(dataDir, 'stepfunctions')}`);
    for (const rule of model.rules) {
      if (!rule.enabled) continue;
      bus.addRule({
        name: rule.name,
        eventBusName: rule.eventBusName,
        pattern: rule.pattern,
        targets: rule.targets.map((target) => ({
          id: target.id,
          arn: target.arn,
          ...(target.deadLetterArn ? { deadLetterArn: target.deadLetterArn } : {}),
          ...(target.maximumRetryAttempts === undefined
            ? {}
            : { retryAttempts: target.maximumRetryAttempts }),
        })),
      });
    }

    // the outbox's events reach the bus once its rules and their targets are in place
    pipes = model.pipes.map(
      (pipe) =>
        new LocalStreamPipe({
          pipe,
          endpoint: dynamoDb.endpoint,
          putEvents: (entries) => bus.putEvents({ Entries: entries }),
          ...(options.inMemory ? {} : { checkpointFile: join(dataDir, 'pipes', `${pipe.logicalId}.json`) }),
        }),
    );
    for (const pipe of pipes) pipe.start();
    stops.push(async () => {
      await Promise.all(pipes.map((pipe) => pipe.stop()));
      // what the pipes delivered last reaches its targets before the services they call stop
      await Promise.race([bus.idle(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    });
    const delivered = () => pipes.reduce((sum, pipe) => sum + pipe.delivered, 0);
    const caughtUp = () => Promise.all(pipes.map((pipe) => pipe.caughtUp()));
    const idle = async () => {
      // a delivery may write more events (a notification announced): what the targets wrote while
      // the bus was busy is read by a pass begun after they finished, until such a pass brings none
      await caughtUp();
      for (;;) {
        const before = delivered();
        await bus.idle();
        await caughtUp();
        if (delivered() === before) return;
      }
    };

    const front: HttpFront = await startHttpFront({
      routes: model.routes,
      invoke: (functionArn, event) => lambda.invoke(functionArn, event),
      port: options.port ?? 0,
      ...(options.apiToken ? { apiToken: options.apiToken } : {}),
      endpoints,
      ...(options.logRequest ? { logRequest: options.logRequest } : {}),
    });
    stops.push(() => front.close());
    // stopped right after the front: running executions end before the services they call go
    stops.splice(stops.length - 1, 0, () => stepFunctions.close());
    const pages = operatorPages({
      apiUrl: () => front.url,
      apiToken: options.apiToken,
      stepFunctionsUrl: () => endpoints.stepfunctions,
      subscribe: (listener) => bus.subscribe(listener),
    });
    front.mount((request, response) => pages.handle(request, response));
    front.mount(serveApiDocs);
    stops.push(async () => pages.close());

    const arnOf = (key: string): string => {
      const fn = lambda.find(logicalIdOfManifest.get(key) ?? key);
      if (fn === undefined) throw new Error(`no function ${key} in the template`);
      return fn.arn;
    };
    let stopping: Promise<void> | undefined;
    return {
      url: front.url,
      port: front.port,
      endpoints,
      model,
      runtime: lambda,
      stepFunctions,
      bus,
      pipes,
      pages,
      functionArn: arnOf,
      invoke: (key, event) => lambda.invoke(arnOf(key), event),
      idle,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The detail types whose events move an order, a shipment or a return, as `npm start` prints them. */
export const statusEventTypes = new Set([
  'OrderReceived.v1',
  'OrderAllocated.v1',
  'OrderRejected.v1',
  'ShipmentDispatched.v1',
  'ShipmentStatusChanged.v1',
  'OrderDelivered.v1',
  'OrderCancelled.v1',
  'ReturnReceived.v1',
  'RefundRequested.v1',
]);

/** One line for a person watching orders move (time, order, status, details); undefined for other events. */
export function describeStatusEvent(event: EventBridgeEvent): string | undefined {
  const type = event['detail-type'];
  if (!statusEventTypes.has(type)) return undefined;
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof detail[key] === 'string' ? (detail[key] as string) : undefined);
  const when = new Date(text('at') ?? event.time);
  const time = Number.isNaN(when.getTime()) ? '--:--:--' : when.toTimeString().slice(0, 8);
  // OrderAllocated.v1 → ALLOCATED, ReturnReceived.v1 → RETURN_RECEIVED
  const fromType = type
    .replace(/\.v\d+$/, '')
    .replace(/^(Order|Shipment)/, '')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toUpperCase();
  const orderId = text('orderId') ?? '?';
  // shipment ids usually extend the order id (`<orderId>-S1`): the suffix is enough beside it
  const shipment = text('shipmentId')?.replace(`${orderId}-`, '');
  const status = shipment && text('status') ? `shipment ${text('status')}` : (text('status') ?? fromType);
  const shipments = Array.isArray(detail.shipments) ? detail.shipments.length : undefined;
  const extra = [
    shipment,
    text('locationId') ? `at ${text('locationId')}` : undefined,
    text('carrierId') ? `carrier ${text('carrierId')}` : undefined,
    text('trackingNumber') ? `tracking ${text('trackingNumber')}` : undefined,
    shipments === undefined ? undefined : `${shipments} shipment${shipments === 1 ? '' : 's'}`,
    typeof detail.cost === 'number' ? `cost ${detail.cost.toFixed(2)} EUR` : undefined,
    text('orderStatus') ? `order ${text('orderStatus')}` : undefined,
    text('returnId') ? `return ${text('returnId')}` : undefined,
    text('reason') ? `reason: ${text('reason')}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return `${time}  ${orderId.padEnd(20)} ${status.padEnd(26)} ${extra.join(', ')}`.trimEnd();
}
