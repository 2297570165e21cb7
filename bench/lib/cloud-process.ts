import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type {
  CloudCommand,
  CloudMessage,
  CloudReady,
  HostedEvent,
  InvocationRecord,
} from './cloud-protocol.ts';
import { javaChildren } from './proc.ts';

export interface CloudProcessOptions {
  /** handed to the functions as AWS_ENDPOINT_URL_DYNAMODB / _S3 (the metering proxies) */
  dynamoDbEndpoint?: string;
  s3Endpoint?: string;
  webhookSecret: string;
  /** extra flags for the cloud's Node (e.g. `--cpu-prof`) */
  execArgv?: readonly string[];
}

/**
 * The local cloud running in a child process (cloud-host.ts), and what the benchmark may ask it.
 * Orders go to it over HTTP (`url`); its bus events arrive through `onEvent`.
 */
export class CloudProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly listeners = new Set<(event: HostedEvent) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: CloudReady,
  ) {
    child.on('message', (message: CloudMessage) => {
      if (message.kind === 'event') {
        for (const listener of this.listeners) listener(message.event);
      } else if (message.kind === 'answer') {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error !== undefined) waiting?.reject(new Error(`cloud process: ${message.error}`));
        else waiting?.resolve(message.result);
      }
    });
    child.on('exit', (code) => {
      for (const waiting of this.pending.values())
        waiting.reject(new Error(`cloud process exited (${code})`));
      this.pending.clear();
    });
  }

  static start(options: CloudProcessOptions): Promise<CloudProcess> {
    const child = fork(join(import.meta.dirname, 'cloud-host.ts'), [], {
      execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
      env: {
        ...process.env,
        BENCH_WEBHOOK_SECRET: options.webhookSecret,
        ...(options.dynamoDbEndpoint ? { BENCH_DYNAMODB_ENDPOINT: options.dynamoDbEndpoint } : {}),
        ...(options.s3Endpoint ? { BENCH_S3_ENDPOINT: options.s3Endpoint } : {}),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onMessage = (message: CloudMessage) => {
        if (message.kind === 'ready') {
          child.off('message', onMessage);
          resolve(new CloudProcess(child, message));
        } else if (message.kind === 'failed') {
          reject(new Error(`the local cloud did not start: ${message.error}`));
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) =>
        reject(new Error(`the cloud process exited (${code}) before it was ready`)),
      );
    });
  }

  get url(): string {
    return this.ready.url;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** DynamoDB Local's JVM, started by the cloud process. */
  dynamoDbPid(): number | undefined {
    return javaChildren(this.pid)[0];
  }

  onEvent(listener: (event: HostedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private request<T>(command: CloudCommand): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, command });
    });
  }

  preload(): Promise<{ functions: number; ms: number }> {
    return this.request({ op: 'preload' });
  }

  /** The cloud process's own process.cpuUsage(), user + system, in ms. */
  async cpuMs(): Promise<number> {
    return (await this.request<{ cpuMs: number }>({ op: 'cpu' })).cpuMs;
  }

  /** Resolves once no bus delivery is in flight and no function has run for `quietMs`. */
  settle(quietMs = 100): Promise<void> {
    return this.request({ op: 'settle', quietMs });
  }

  /** The invocations and events since the previous call. */
  take(): Promise<{ invocations: InvocationRecord[]; events: HostedEvent[] }> {
    return this.request({ op: 'take' });
  }

  startProfile(intervalUs: number): Promise<void> {
    return this.request({ op: 'profile-start', intervalUs });
  }

  stopProfile(file: string): Promise<void> {
    return this.request({ op: 'profile-stop', file });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.request({ op: 'stop' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
