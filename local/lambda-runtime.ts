/**
 * Runs the stack's Lambda functions in this process: invoke by ARN, the bundle CDK built for the
 * function (`<cdk.out>/<asset>/index.mjs`) imported on first use, called with a Lambda-like context.
 * Events and answers cross the boundary as JSON, as they do on Lambda.
 *
 * The handlers read their configuration from the environment when their module loads, and their AWS
 * SDK clients find the local endpoints through `AWS_ENDPOINT_URL_<SERVICE>`: the environment is set
 * before the first import. Tests may replace any function by a handler, or run the TypeScript source
 * instead of the bundle (`sources`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { functionNameOf, localAccount } from './account.ts';
import type { FunctionDefinition } from './template/resources.ts';

export type LambdaHandler = (event: unknown, context: Context) => unknown;
type CallbackHandler = (
  event: unknown,
  context: Context,
  callback: (error?: unknown, result?: unknown) => void,
) => unknown;

export interface LocalEndpoints {
  dynamodb: string;
  stepfunctions: string;
  eventbridge: string;
  s3: string;
  secretsmanager: string;
  ses: string;
  sqs: string;
}

export type PowertoolsLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

export interface LambdaRuntimeOptions {
  functions: readonly FunctionDefinition[];
  /** the cloud assembly the bundles live in (relative asset dirs are resolved against it) */
  cdkOutDir?: string;
  endpoints: LocalEndpoints;
  /** more variables for every function */
  environment?: Record<string, string>;
  /** Powertools log level of the handlers (default WARN) */
  logLevel?: PowertoolsLogLevel;
  /** a handler in place of a function, keyed by function ARN, logical id or name */
  overrides?: Record<string, LambdaHandler>;
  /** a module to import instead of the bundle (e.g. the handler's TypeScript source), by logical id */
  sources?: Record<string, string>;
  /** fail an invocation that outlives the function's timeout (default true) */
  enforceTimeouts?: boolean;
}

/** The environment every local function shares, apart from the template's own variables. */
export function localRuntimeEnvironment(
  endpoints: LocalEndpoints,
  logLevel: PowertoolsLogLevel = 'WARN',
): Record<string, string> {
  return {
    AWS_REGION: localAccount.region,
    AWS_DEFAULT_REGION: localAccount.region,
    AWS_ACCESS_KEY_ID: localAccount.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localAccount.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SFN: endpoints.stepfunctions,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsmanager,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    // s3rver predates the SDK's default CRC32 checksums on every upload and download.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    POWERTOOLS_LOG_LEVEL: logLevel,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
}

/** Variables of the template that would change this process rather than describe the function. */
const processOnlyVariables = new Set(['NODE_OPTIONS']);

/** An error as Lambda reports it: the name Step Functions' Catch matches on is kept. */
function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  const error = new Error(typeof thrown === 'string' ? thrown : JSON.stringify(thrown));
  error.name = 'Error';
  return error;
}

/** Lambda moves payloads as JSON: what a handler gets or answers has no Date, undefined or class left. */
function overTheWire(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

export class FunctionNotFound extends Error {
  override name = 'ResourceNotFoundException';
}

export class LambdaTimeout extends Error {
  override name = 'Sandbox.Timedout';
}

export class LambdaRuntime {
  private readonly byKey = new Map<string, FunctionDefinition>();
  private readonly loaded = new Map<string, Promise<LambdaHandler>>();
  /** imports run one at a time, each with its own function's variables in place */
  private importQueue: Promise<unknown> = Promise.resolve();
  private readonly invocations = new Map<string, number>();

  constructor(private readonly options: LambdaRuntimeOptions) {
    for (const fn of options.functions) {
      this.byKey.set(fn.arn, fn);
      this.byKey.set(fn.logicalId, fn);
      this.byKey.set(fn.functionName, fn);
    }
    for (const key of Object.keys(options.overrides ?? {})) {
      if (this.find(key) === undefined) throw new FunctionNotFound(`override for unknown function ${key}`);
    }
    Object.assign(process.env, this.sharedEnvironment());
    const sourceMaps = options.functions.some((fn) =>
      fn.environment.NODE_OPTIONS?.includes('--enable-source-maps'),
    );
    if (sourceMaps) process.setSourceMapsEnabled(true);
  }

  /** The variables set in `process.env`: the union of the functions' own, then the local ones. */
  sharedEnvironment(): Record<string, string> {
    const union: Record<string, string> = {};
    for (const fn of this.options.functions) {
      for (const [key, value] of Object.entries(fn.environment)) {
        if (!processOnlyVariables.has(key)) union[key] = value;
      }
    }
    return { ...union, ...this.localEnvironment() };
  }

  get functions(): readonly FunctionDefinition[] {
    return this.options.functions;
  }

  /** A function by ARN (also qualified), logical id or name. */
  find(key: string): FunctionDefinition | undefined {
    return this.byKey.get(key) ?? this.byKey.get(functionNameOf(key) ?? '');
  }

  /** How many times each function (by logical id) was invoked. */
  invocationCounts(): Record<string, number> {
    return Object.fromEntries(this.invocations);
  }

  /** Imports functions ahead of their first call (all of them by default). */
  async preload(keys: readonly string[] = this.options.functions.map((fn) => fn.logicalId)): Promise<void> {
    await Promise.all(
      keys.map((key) => {
        const fn = this.find(key);
        if (fn === undefined) throw new FunctionNotFound(`no function ${key}`);
        return this.handlerOf(fn);
      }),
    );
  }

  /** Invokes a function as Lambda would; rejects with the handler's own error (its name intact). */
  async invoke(functionArnOrName: string, event: unknown): Promise<unknown> {
    const fn = this.find(functionArnOrName);
    if (fn === undefined) throw new FunctionNotFound(`Function not found: ${functionArnOrName}`);
    const handler = await this.handlerOf(fn);
    this.invocations.set(fn.logicalId, (this.invocations.get(fn.logicalId) ?? 0) + 1);
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    const context = lambdaContext(fn, deadline);
    const run = callHandler(handler, overTheWire(event), context);
    if (this.options.enforceTimeouts === false) return overTheWire(await run);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new LambdaTimeout(`Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`)),
        fn.timeoutSeconds * 1000,
      );
    });
    try {
      return overTheWire(await Promise.race([run, timeout]));
    } finally {
      clearTimeout(timer);
    }
  }

  private handlerOf(fn: FunctionDefinition): Promise<LambdaHandler> {
    const override = this.options.overrides?.[fn.arn] ?? this.options.overrides?.[fn.logicalId];
    if (override !== undefined) return Promise.resolve(override);
    let loading = this.loaded.get(fn.logicalId);
    if (loading === undefined) {
      loading = this.importQueue.then(() => this.importHandler(fn));
      this.importQueue = loading.catch(() => undefined);
      // A failed import is tried again on the next call rather than remembered.
      loading.catch(() => this.loaded.delete(fn.logicalId));
      this.loaded.set(fn.logicalId, loading);
    }
    return loading;
  }

  private async importHandler(fn: FunctionDefinition): Promise<LambdaHandler> {
    const [moduleName, exportName = 'handler'] = splitHandler(fn.handler);
    const file = this.options.sources?.[fn.logicalId] ?? this.bundleFile(fn, moduleName);
    // The function's own variables, as Lambda would set them, while its module initialises.
    const own: Record<string, string> = {
      ...Object.fromEntries(Object.entries(fn.environment).filter(([key]) => !processOnlyVariables.has(key))),
      AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    };
    const saved = Object.fromEntries(Object.keys(own).map((key) => [key, process.env[key]]));
    Object.assign(process.env, own, this.localEnvironment());
    try {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const handler =
        module[exportName] ?? (module.default as Record<string, unknown> | undefined)?.[exportName];
      if (typeof handler !== 'function') {
        throw new Error(`${fn.logicalId}: ${file} exports no function ${exportName}`);
      }
      return handler as LambdaHandler;
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  }

  /** What wins over the template's variables: the local endpoints, credentials and extras. */
  private localEnvironment(): Record<string, string> {
    return {
      ...localRuntimeEnvironment(this.options.endpoints, this.options.logLevel),
      ...this.options.environment,
    };
  }

  private bundleFile(fn: FunctionDefinition, moduleName: string): string {
    if (fn.assetDir === undefined) throw new Error(`${fn.logicalId} has no code asset to run locally`);
    const dir = isAbsolute(fn.assetDir)
      ? fn.assetDir
      : join(this.options.cdkOutDir ?? 'cdk.out', fn.assetDir);
    for (const extension of ['.mjs', '.js', '.cjs']) {
      const file = join(dir, `${moduleName}${extension}`);
      if (existsSync(file)) return file;
    }
    throw new Error(
      `${fn.logicalId}: no ${moduleName}.mjs in ${dir}. Synthesize with bundling (npm start does) or run handlers from source`,
    );
  }
}

function splitHandler(handler: string): [string, string | undefined] {
  const dot = handler.lastIndexOf('.');
  return dot < 0 ? [handler, undefined] : [handler.slice(0, dot), handler.slice(dot + 1)];
}

function callHandler(handler: LambdaHandler, event: unknown, context: Context): Promise<unknown> {
  if (handler.length < 3) return Promise.resolve().then(() => handler(event, context));
  // A callback-style handler: the answer is whichever comes first, callback or promise.
  return new Promise((resolve, reject) => {
    const callback = (error?: unknown, result?: unknown) =>
      error ? reject(asError(error)) : resolve(result);
    Promise.resolve()
      .then(() => (handler as CallbackHandler)(event, context, callback))
      .then((result) => {
        if (result !== undefined) resolve(result);
      }, reject);
  });
}

function lambdaContext(fn: FunctionDefinition, deadline: number): Context {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const unsupported = () => {
    throw new Error('context.done/succeed/fail are not supported: return or throw instead');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: fn.arn,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
