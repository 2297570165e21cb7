import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll } from 'vitest';
import { type DynamoDbFault, DynamoDbFaultInjector } from '../../bench/lib/dynamodb-faults.ts';
import { type ForwardingProxy, startForwardingProxy } from '../../bench/lib/forwarding-proxy.ts';
import { awsClients } from '../../functions/adapters/clients.ts';
import { LambdaTimeout } from '../../local/lambda-runtime.ts';
import type { TestCloudFixture } from './fixture.ts';

/**
 * Faults at one step of a workflow, for a test that runs the real handlers on the local cloud:
 * - `crash`: the function throws before doing anything (a bug, a bad deployment);
 * - `timeout`: the function does its work, then Lambda times it out (`Sandbox.Timedout`): its
 *   writes are made, its answer is lost;
 * - `throttle`, `conflict`: its DynamoDB calls fail as DynamoDB fails them and DynamoDB Local
 *   never does (bench/lib/dynamodb-faults.ts): they are sent through a fault-injecting proxy in
 *   front of DynamoDB Local, only while that step runs. Everything else (other functions, the
 *   test's own reads) goes to DynamoDB Local directly.
 *
 * The handlers run in the test's process, so the step is known from the invocation (an
 * AsyncLocalStorage around each call) and its DynamoDB calls are redirected by a middleware on
 * the one DynamoDB client they share.
 */
export type StepFault = 'crash' | 'timeout' | DynamoDbFault;

/** A state of a workflow: the function its Task invokes, and the `action` it passes when one function serves several states. */
export interface WorkflowStep {
  state: string;
  functionId: string;
  action?: string;
}

export interface ArmedFault {
  step: WorkflowStep;
  fault: StepFault;
  /** how many invocations (crash, timeout) or DynamoDB calls (throttle, conflict) fail; Infinity: all */
  times: number;
  /** only invocations about this order (or return) */
  subject: string;
}

interface InvocationScope {
  viaProxy: boolean;
}

/** `AllocateOrderFunction1A2B3C4D` → `AllocateOrder` */
const functionIdOf = (logicalId: string) => /^(.+)Function[0-9A-F]{8}$/.exec(logicalId)?.[1] ?? logicalId;

export function useFaultInjection(local: TestCloudFixture) {
  const scope = new AsyncLocalStorage<InvocationScope>();
  const dynamoDb = new DynamoDbFaultInjector();
  let proxy: ForwardingProxy | undefined;
  let armed: (ArmedFault & { remaining: number }) | undefined;
  /** invocations of the armed step, and how many of them the fault reached */
  const seen = { invocations: 0, faulted: 0 };
  /** invocations in flight, by function */
  const running = new Map<string, number>();

  beforeAll(async () => {
    proxy = await startForwardingProxy(dynamoDb);
    proxy.target = local.cloud.endpoints.dynamodb;
    const via = new URL(proxy.url);
    awsClients.dynamodb.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { hostname?: string; port?: number };
        if (scope.getStore()?.viaProxy && typeof request.hostname === 'string') {
          request.hostname = via.hostname;
          request.port = Number(via.port);
        }
        return next(args);
      },
      { step: 'build', name: 'faultInjectionRedirect' },
    );
    const runtime = local.cloud.runtime;
    const invoke = runtime.invoke.bind(runtime);
    runtime.invoke = async (functionArn: string, event: unknown) => {
      const functionId = functionIdOf(runtime.find(functionArn)?.logicalId ?? functionArn);
      running.set(functionId, (running.get(functionId) ?? 0) + 1);
      try {
        return await invokeWithFault(functionArn, event);
      } finally {
        running.set(functionId, (running.get(functionId) ?? 1) - 1);
      }
    };
    const invokeWithFault = (functionArn: string, event: unknown) => {
      const fault = armed;
      const fn = runtime.find(functionArn);
      const target = fault && fn && isTarget(fault, functionIdOf(fn.logicalId), event) ? fault : undefined;
      if (target === undefined) return scope.run({ viaProxy: false }, () => invoke(functionArn, event));
      seen.invocations++;
      switch (target.fault) {
        case 'crash':
          if (target.remaining-- <= 0) break;
          seen.faulted++;
          return Promise.reject(new TypeError(`injected crash in ${target.step.state}`));
        case 'timeout':
          if (target.remaining <= 0) break;
          return scope.run({ viaProxy: false }, async () => {
            // the work must be done for the timeout to be the scripted one: an invocation that fails
            // on its own (a version conflict with a concurrent write) fails as it would, unfaulted
            await invoke(functionArn, event);
            target.remaining--;
            seen.faulted++;
            throw new LambdaTimeout(`Task timed out after ${fn?.timeoutSeconds ?? 0}.00 seconds`);
          });
        default:
          return scope.run({ viaProxy: true }, () => invoke(functionArn, event));
      }
      return scope.run({ viaProxy: false }, () => invoke(functionArn, event));
    };
  });

  afterAll(async () => {
    await proxy?.close();
  });

  return {
    /** Arms one fault (replacing any other) until `disarm`. */
    arm(fault: ArmedFault): void {
      dynamoDb.clear();
      seen.invocations = 0;
      seen.faulted = 0;
      for (const key of Object.keys(dynamoDb.injected)) delete dynamoDb.injected[key];
      armed = { ...fault, remaining: fault.times };
      if (fault.fault !== 'crash' && fault.fault !== 'timeout') dynamoDb.inject(fault.fault, fault.times);
    },
    disarm(): void {
      armed = undefined;
      dynamoDb.clear();
    },
    /** How often the armed fault struck: failed invocations, or failed DynamoDB calls. */
    struck(): number {
      return seen.faulted + dynamoDb.injectedCount;
    },
    /** Whether an invocation of this function is under way. */
    busy(functionId: string): boolean {
      return (running.get(functionId) ?? 0) > 0;
    },
    /** Invocations of the armed step so far. */
    invocations(): number {
      return seen.invocations;
    },
  };
}

function isTarget(fault: ArmedFault, functionId: string, event: unknown): boolean {
  if (functionId !== fault.step.functionId) return false;
  const fields = (event ?? {}) as { action?: unknown; orderId?: unknown; returnId?: unknown };
  if (fault.step.action !== undefined && fields.action !== fault.step.action) return false;
  return fields.orderId === fault.subject || fields.returnId === fault.subject;
}
