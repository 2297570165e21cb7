import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keepIdleConnectionsOpen } from './keep-alive.ts';

/**
 * An error the AWS JSON protocol carries back to the caller: `code` travels as `__type`, which the
 * AWS SDK v3 turns into the thrown error's `name` (`ExecutionDoesNotExist`, `TaskTimedOut`, ...).
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: each operation reads its own request shape, checked by the engine
export type AwsOperation = (input: any) => unknown;

export interface AwsJsonServerOptions {
  /** the `X-Amz-Target` prefix: `AWSStepFunctions`, `AWSEvents` */
  targetPrefix: string;
  /** `1.0` for Step Functions, `1.1` for EventBridge */
  jsonVersion: '1.0' | '1.1';
  operations: Record<string, AwsOperation>;
  /** 0 (the default) picks a free port */
  port?: number;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

const maxBodyBytes = 6 * 1024 * 1024;

/**
 * A local endpoint for an AWS service that speaks the AWS JSON protocol: `POST /` with
 * `X-Amz-Target: <prefix>.<Operation>` and a JSON body. Requests are not authenticated: the SDK
 * signs them, nothing checks the signature. Listens on 127.0.0.1 only.
 */
export async function startAwsJsonServer(options: AwsJsonServerOptions): Promise<RunningServer> {
  const contentType = `application/x-amz-json-${options.jsonVersion}`;

  const answer = (response: ServerResponse, statusCode: number, body: unknown, errorCode?: string) => {
    const text = JSON.stringify(toWire(body));
    response.writeHead(statusCode, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      ...(errorCode ? { 'x-amzn-errortype': errorCode } : {}),
    });
    response.end(text);
  };

  const fail = (response: ServerResponse, error: unknown) => {
    if (error instanceof AwsError) {
      answer(response, error.statusCode, { __type: error.code, message: error.message }, error.code);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`[local ${options.targetPrefix}] internal error: ${message}`);
    answer(response, 500, { __type: 'InternalFailure', message }, 'InternalFailure');
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const target = request.headers['x-amz-target'];
    const operationName =
      typeof target === 'string' && target.startsWith(`${options.targetPrefix}.`)
        ? target.slice(options.targetPrefix.length + 1)
        : undefined;
    const operation = operationName === undefined ? undefined : options.operations[operationName];
    const body = await readBody(request);
    if (request.method !== 'POST' || operation === undefined) {
      throw new AwsError('UnknownOperationException', `Unknown operation ${String(target)}`);
    }
    let input: unknown = {};
    if (body.length > 0) {
      try {
        input = JSON.parse(body);
      } catch {
        throw new AwsError('SerializationException', 'Request body is not valid JSON');
      }
    }
    answer(response, 200, (await operation(input)) ?? {});
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => fail(response, error));
  });
  keepIdleConnectionsOpen(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // SDK clients keep connections alive; without this, close() would wait for them to time out
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBodyBytes) throw new AwsError('SerializationException', 'Request body is too large', 413);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** AWS JSON sends timestamps as epoch seconds, which is what the SDK parses back into `Date`s. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, field]) => field !== undefined)
        .map(([key, field]) => [key, toWire(field)]),
    );
  }
  return value;
}
