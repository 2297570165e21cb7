import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { RunOptions } from 'aws-local-stepfunctions';
import { maxTimerSeconds, type TaskState } from './definition.ts';
import { isLambdaFunctionArn, taskResourceParts } from './history.ts';
import { lambdaFailure, TaskAborted, TaskFailure } from './task-failure.ts';
import { type TaskTokens, timeoutError } from './task-tokens.ts';

export type Invoke = (functionArn: string, payload: unknown) => Promise<unknown>;

/**
 * A direct service integration run by a local function, e.g. `arn:aws:states:::events:putEvents`,
 * given the task's effective Parameters. Its `.waitForTaskToken` form works too.
 */
export type Integration = (parameters: unknown) => Promise<unknown>;

type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
/** A JSON value as aws-local-stepfunctions types it. */
export type JsonValue = Parameters<TaskHandlers[string]>[0];

type Details = Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp' | 'type'>;

/** What a task needs to know of the execution it runs in. */
export interface TaskContext {
  executionArn: string;
  /** false once the execution has ended or was stopped */
  isRunning(): boolean;
  /** true when a Map or Parallel state around the task failed, abandoning its iteration */
  isAbandoned(task: TaskState): boolean;
  /** the value the library gives `$$.Task.Token`, for this runner to replace with a real token */
  tokenPlaceholder: string;
  record(type: HistoryEventType, details: Details): void;
  /** a `.waitForTaskToken` task resumed after a restart: the token it had and when it times out */
  resumed?: { token: string; deadline: number; submitted: boolean };
  /** called before the function that receives a fresh token is invoked */
  onTokenIssued?(token: string, deadline: number): void;
  /** called once the function that received the token has returned */
  onSubmitted?(): void;
}

export interface TaskRunnerOptions {
  invoke: Invoke;
  integrations?: Record<string, Integration>;
  region: string;
  accountId: string;
  tokens: TaskTokens;
}

const lambdaInvoke = /^arn:aws[\w-]*:states:::lambda:invoke$/;
const waitForTaskToken = '.waitForTaskToken';

/**
 * Runs the Task states of every execution, as the local handlers aws-local-stepfunctions calls:
 * a Lambda function ARN is invoked, `lambda:invoke` is invoked and wrapped like the integration's
 * answer, other resources go to local integrations, and `.waitForTaskToken` tasks wait for their
 * own token to be answered.
 */
export class TaskRunner {
  constructor(private readonly options: TaskRunnerOptions) {}

  /** `input` is the task's effective input: Parameters already applied by the library. */
  async run(task: TaskState, input: JsonValue, context: TaskContext): Promise<JsonValue> {
    // the library arms its TimeoutSeconds timer as soon as this call returns
    const timeoutSeconds = task.timeoutSecondsKey
      ? takeTimeoutSeconds(input, task.timeoutSecondsKey)
      : undefined;
    const deadline =
      Date.now() + Math.min(timeoutSeconds ?? task.timeoutSeconds ?? maxTimerSeconds, maxTimerSeconds) * 1000;
    // the event log is a few ticks behind: let it record TaskStateEntered before this task's events
    await new Promise((resolve) => setImmediate(resolve));
    if (!context.isRunning()) throw new TaskAborted('The execution is no longer running');
    if (context.isAbandoned(task)) throw new TaskAborted('This iteration was abandoned');
    const parameters = structuredClone(input);

    if (isLambdaFunctionArn(task.resource)) return this.invokeFunction(task, parameters, context);
    if (task.resource.endsWith(waitForTaskToken)) {
      return this.awaitCallback(task, parameters, context, deadline);
    }
    return this.runIntegration(task, parameters, context);
  }

  private async invokeFunction(task: TaskState, input: JsonValue, context: TaskContext): Promise<JsonValue> {
    const resource = task.resource;
    context.record('LambdaFunctionScheduled', {
      lambdaFunctionScheduledEventDetails: {
        resource,
        input: json(input),
        inputDetails: { truncated: false },
        timeoutInSeconds: task.timeoutSeconds,
      },
    });
    context.record('LambdaFunctionStarted', {});
    try {
      const output = toJson(await this.options.invoke(resource, input));
      context.record('LambdaFunctionSucceeded', {
        lambdaFunctionSucceededEventDetails: { output: json(output), outputDetails: { truncated: false } },
      });
      return output;
    } catch (thrown) {
      const failure = lambdaFailure(thrown);
      context.record('LambdaFunctionFailed', {
        lambdaFunctionFailedEventDetails: { error: failure.name, cause: failure.message },
      });
      throw failure;
    }
  }

  private async runIntegration(
    task: TaskState,
    parameters: JsonValue,
    context: TaskContext,
  ): Promise<JsonValue> {
    const parts = taskResourceParts(task.resource);
    context.record('TaskScheduled', { taskScheduledEventDetails: this.scheduled(task, parameters) });
    context.record('TaskStarted', { taskStartedEventDetails: parts });
    try {
      const output = toJson(await this.starter(task.resource, task)(parameters));
      context.record('TaskSucceeded', { taskSucceededEventDetails: { ...parts, output: json(output) } });
      return output;
    } catch (thrown) {
      throw this.failed(task, lambdaFailure(thrown), context);
    }
  }

  /**
   * The waiter exists before the function runs: the function itself, or whoever it notifies, may
   * answer before the invocation returns.
   */
  private async awaitCallback(
    task: TaskState,
    parameters: JsonValue,
    context: TaskContext,
    deadline: number,
  ): Promise<JsonValue> {
    const parts = taskResourceParts(task.resource);
    const { tokens } = this.options;
    const { resumed } = context;
    const { token, result } = tokens.issue(context.executionArn, task.name, resumed?.token);
    const expiry = resumed?.deadline ?? deadline;
    if (!json(parameters).includes(context.tokenPlaceholder)) {
      console.warn(
        `[local-stepfunctions] ${task.name} waits for a task token but does not pass $$.Task.Token`,
      );
    }
    const withToken = replaceInStrings(parameters, context.tokenPlaceholder, token);
    // refuse the token a moment before the library's own timer fails the task
    tokens.expireAt(token, expiry - 25);
    if (!resumed) context.onTokenIssued?.(token, expiry);
    context.record('TaskScheduled', { taskScheduledEventDetails: this.scheduled(task, withToken) });
    context.record('TaskStarted', { taskStartedEventDetails: parts });

    let answered = false;
    const base = task.resource.slice(0, -waitForTaskToken.length);
    // a resumed task whose function had returned is not invoked again: its token is already out
    const started = resumed?.submitted ? new Promise<never>(() => {}) : this.starter(base, task)(withToken);
    started.then(
      (response) => {
        context.onSubmitted?.();
        if (!answered) {
          context.record('TaskSubmitted', {
            taskSubmittedEventDetails: { ...parts, output: json(response) },
          });
        }
      },
      (thrown: unknown) => {
        const failure = lambdaFailure(thrown);
        try {
          tokens.fail(token, failure.name, failure.message);
        } catch {
          // already answered through the token: the answer stands
        }
      },
    );
    try {
      const output = toJson(await result);
      answered = true;
      context.record('TaskSucceeded', { taskSucceededEventDetails: { ...parts, output: json(output) } });
      return output;
    } catch (thrown) {
      answered = true;
      throw this.failed(task, thrown instanceof TaskFailure ? thrown : lambdaFailure(thrown), context);
    }
  }

  /** What starts a task's work, given its effective Parameters. */
  private starter(resource: string, task: TaskState): (parameters: JsonValue) => Promise<unknown> {
    if (lambdaInvoke.test(resource)) {
      return async (parameters) => {
        const { FunctionName, Payload } = (parameters ?? {}) as { FunctionName?: unknown; Payload?: unknown };
        if (typeof FunctionName !== 'string' || FunctionName === '') {
          throw new TaskFailure('States.Runtime', `${task.name}: Parameters.FunctionName is required`);
        }
        const output = await this.options.invoke(this.functionArn(FunctionName), Payload ?? {});
        return { ExecutedVersion: '$LATEST', Payload: toJson(output), StatusCode: 200 };
      };
    }
    const integration = this.options.integrations?.[resource];
    if (integration) return async (parameters) => integration(parameters);
    return async () => {
      const message = `${task.name}: no local handler for Task resource ${resource}`;
      console.error(`[local-stepfunctions] ${message}`);
      throw new TaskFailure('States.Runtime', message);
    };
  }

  /** A timeout is recorded from the library's event log, which learns of it first. */
  private failed(task: TaskState, failure: TaskFailure, context: TaskContext): TaskFailure {
    if (failure.name !== timeoutError) {
      context.record('TaskFailed', {
        taskFailedEventDetails: {
          ...taskResourceParts(task.resource),
          error: failure.name,
          cause: failure.message,
        },
      });
    }
    return failure;
  }

  private scheduled(task: TaskState, parameters: JsonValue) {
    return {
      ...taskResourceParts(task.resource),
      region: this.options.region,
      parameters: json(parameters),
      timeoutInSeconds: task.timeoutSeconds,
    };
  }

  /** `FunctionName` may be a name, a partial ARN or an ARN: functions are looked up by full ARN. */
  private functionArn(functionName: string): string {
    if (functionName.startsWith('arn:')) return functionName;
    const name = functionName.replace(/^(\d{12}:)?function:/, '');
    return `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${name}`;
  }
}

/** What a result becomes on its way back through JSON, as from Lambda (Dates as strings, undefined as null). */
function toJson(value: unknown): JsonValue {
  return JSON.parse(json(value));
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function replaceInStrings(value: JsonValue, search: string, replacement: string): JsonValue {
  if (typeof value === 'string') return value.replaceAll(search, replacement);
  if (Array.isArray(value)) return value.map((item) => replaceInStrings(item, search, replacement));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replaceInStrings(item, search, replacement)]),
    );
  }
  return value;
}

/** Takes the timeout a `TimeoutSecondsPath` resolved to out of the Payload it travelled in. */
function takeTimeoutSeconds(input: JsonValue, key: string): number | undefined {
  const payload = (input as { Payload?: Record<string, unknown> } | null)?.Payload;
  if (!payload || typeof payload !== 'object') return undefined;
  const value = payload[key];
  delete payload[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new TaskFailure(
      'States.Runtime',
      `TimeoutSecondsPath must resolve to a positive integer, not ${value}`,
    );
  return value;
}
