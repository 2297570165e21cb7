/** What the benchmark and its cloud process (cloud-host.ts) say to each other over the IPC channel. */

export type CloudCommand =
  | { op: 'preload' }
  | { op: 'cpu' }
  | { op: 'settle'; quietMs: number }
  | { op: 'take' }
  | { op: 'profile-start'; intervalUs: number }
  | { op: 'profile-stop'; file: string }
  | { op: 'stop' };

/** One Lambda invocation: which function, its configured memory, and how long the handler ran. */
export interface InvocationRecord {
  functionId: string;
  memoryMb: number;
  ms: number;
}

/** An event accepted by the bus, reduced to what the driver follows orders by. */
export interface HostedEvent {
  detailType: string;
  /** the PutEvents entry size EventBridge bills by (64 KB chunks) */
  bytes: number;
  fields: Partial<Record<'orderId' | 'shipmentId' | 'carrierId' | 'trackingNumber' | 'reason', string>>;
  shipments?: string[];
}

export interface CloudReady {
  kind: 'ready';
  url: string;
  endpoints: { dynamodb: string; stepfunctions: string; eventbridge: string; s3: string };
  /** each function as the synthesized template configures it (memory, `arm64` or `x86_64`) */
  functions: { functionId: string; memoryMb: number; architecture: string; arn: string }[];
  routes: { routeKey: string; functionArn: string }[];
  stateMachines: { name: string; arn: string }[];
}

export type CloudMessage =
  | CloudReady
  | { kind: 'failed'; error: string }
  | { kind: 'event'; event: HostedEvent }
  | { kind: 'answer'; id: number; result?: unknown; error?: string };
