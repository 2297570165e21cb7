import { createHash, randomUUID } from 'node:crypto';
import type {
  DescribeExecutionInput,
  DescribeExecutionOutput,
  DescribeStateMachineInput,
  DescribeStateMachineOutput,
  ExecutionListItem,
  ExecutionStatus,
  GetExecutionHistoryInput,
  GetExecutionHistoryOutput,
  HistoryEvent,
  HistoryEventType,
  ListExecutionsInput,
  ListExecutionsOutput,
  ListStateMachinesInput,
  ListStateMachinesOutput,
  SendTaskFailureInput,
  SendTaskHeartbeatInput,
  SendTaskSuccessInput,
  StartExecutionInput,
  StopExecutionInput,
} from '@aws-sdk/client-sfn';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { AwsError } from '../aws-json-server.ts';
import { type PreparedDefinition, prepareDefinition, type TaskState } from './definition.ts';
import { ExecutionStore, type StepRecord, type StoredExecution } from './execution-store.ts';
import { ExecutionHistory, type LibraryEvent } from './history.ts';
import { TaskAborted, TaskFailure } from './task-failure.ts';
import { TaskTokens } from './task-tokens.ts';
import { type Integration, type Invoke, type JsonValue, type TaskContext, TaskRunner } from './tasks.ts';

export type { Integration, Invoke } from './tasks.ts';

export interface TransitionEvent {
  executionArn: string;
  stateMachineArn: string;
  stateName: string;
  stateType: string;
  /** the Map iteration the state ran in, if any */
  mapIndex?: number;
  /** a Retry of the state, which AWS bills as a transition too */
  retry: boolean;
  /** transitions of the execution so far, this one included */
  count: number;
}

export interface LocalStepFunctionsOptions {
  invoke: Invoke;
  region?: string;
  accountId?: string;
  onTransition?: (event: TransitionEvent) => void;
  /** local functions for Task resources other than Lambda, keyed by resource ARN */
  integrations?: Record<string, Integration>;
  /** pause before each Retry in ms, instead of IntervalSeconds × BackoffRate^n; default 10 */
  retryIntervalMs?: number;
  /**
   * where executions are kept so that they survive a stop or a crash: `resume()` runs those that
   * were running again; without it, executions live in memory and a stop aborts them
   */
  stateDir?: string;
}

export interface StateMachineRegistration {
  arn: string;
  name: string;
  /** the ASL, substitutions already applied */
  definition: object | string;
  roleArn?: string;
}

type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

interface RegisteredMachine {
  arn: string;
  name: string;
  definitionText: string;
  roleArn: string;
  createdAt: Date;
  prepared: PreparedDefinition;
  runner: StateMachine;
  retryIntervalOverrides: Record<string, number>;
}

interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** the Task states of its definition, as registered when it started */
  tasks: TaskState[];
  history: ExecutionHistory;
  transitions: number;
  /** Map and Parallel states that failed, whose iterations the library abandoned */
  abandonedScopes: Set<string>;
  abort: () => void;
  done: Promise<void>;
  /** the value `$$.Task.Token` has in this execution, kept across restarts */
  tokenPlaceholder: string;
  /** what each task step did, for a replay after a restart (durable executions only) */
  steps: Record<string, StepRecord>;
  /** how many times each step key was reached in this run (a retry reaches it again) */
  occurrences: Map<string, number>;
  /** transitions the replay will count again, not to be counted twice */
  replayTransitions: number;
  /** the cloud stopped while it ran: nothing more is recorded, it resumes at the next start */
  suspended: boolean;
  /** a write of its state is due */
  dirty: boolean;
}

const forbiddenInNames = new Set(' \t\n\r<>{}[]?*"#%\\^|~`$&,;:/');

/**
 * Step Functions on this machine: runs the deployed ASL with aws-local-stepfunctions, maps every
 * Task to local code (Lambda handlers, callbacks with their own task tokens), and answers the
 * Step Functions API operations Relais uses with AWS's request and response shapes.
 */
export class LocalStepFunctions {
  private readonly machines = new Map<string, RegisteredMachine>();
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new TaskTokens();
  private readonly tasks: TaskRunner;
  private readonly accountId: string;
  private readonly store: ExecutionStore | undefined;
  /** the waiting step of each token issued, to record its answer before acknowledging it */
  private readonly stepsByToken = new Map<string, { execution: Execution; step: StepRecord }>();

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.accountId = options.accountId ?? '000000000000';
    this.tasks = new TaskRunner({
      invoke: options.invoke,
      integrations: options.integrations,
      region: options.region ?? 'eu-west-1',
      accountId: this.accountId,
      tokens: this.tokens,
    });
    this.store = options.stateDir === undefined ? undefined : new ExecutionStore(options.stateDir);
  }

  register(machine: StateMachineRegistration): void {
    const prepared = prepareDefinition(machine.definition);
    const runner = new StateMachine(prepared.definition as unknown as StateMachineDefinition);
    const retryIntervalMs = this.options.retryIntervalMs ?? 10;
    this.machines.set(machine.arn, {
      arn: machine.arn,
      name: machine.name,
      definitionText:
        typeof machine.definition === 'string' ? machine.definition : JSON.stringify(machine.definition),
      roleArn: machine.roleArn ?? `arn:aws:iam::${this.accountId}:role/${machine.name}-role`,
      createdAt: new Date(),
      prepared,
      runner,
      retryIntervalOverrides: Object.fromEntries(
        prepared.retryingStates.map((name) => [name, retryIntervalMs]),
      ),
    });
  }

  startExecution(request: StartExecutionInput): { executionArn: string; startDate: Date } {
    const machine = this.machine(request.stateMachineArn);
    const input = request.input ?? '{}';
    let parsedInput: JsonValue;
    try {
      parsedInput = JSON.parse(input);
    } catch {
      throw new AwsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    const name = request.name ?? randomUUID();
    assertValidName(name);
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;

    const existing = this.executions.get(executionArn);
    if (existing) {
      // Standard workflows: the same name and input while running is the same start, answered again
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }

    const execution = this.restore(machine, {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      input,
      status: 'RUNNING',
      startDate: new Date().toISOString(),
      tokenPlaceholder: `local-task-token-${randomUUID()}`,
      transitions: 0,
      history: [],
      steps: {},
    });
    execution.history.add('ExecutionStarted', {
      executionStartedEventDetails: { input, inputDetails: { truncated: false }, roleArn: machine.roleArn },
    });
    this.saveNow(execution);
    this.run(machine, execution, parsedInput);
    return { executionArn, startDate: execution.startDate };
  }

  describeExecution(request: DescribeExecutionInput): DescribeExecutionOutput {
    const execution = this.execution(request.executionArn);
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate,
      stopDate: execution.stopDate,
      input: execution.input,
      inputDetails: { included: true },
      output: execution.output,
      outputDetails: execution.output === undefined ? undefined : { included: true },
      error: execution.error,
      cause: execution.cause,
    };
  }

  listExecutions(request: ListExecutionsInput): ListExecutionsOutput {
    const machine = this.machine(request.stateMachineArn);
    const items: ExecutionListItem[] = [...this.executions.values()]
      .filter((execution) => execution.stateMachineArn === machine.arn)
      .filter((execution) => !request.statusFilter || execution.status === request.statusFilter)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
      .map((execution) => ({
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        status: execution.status,
        startDate: execution.startDate,
        stopDate: execution.stopDate,
      }));
    const { page, nextToken } = paginate(items, request.maxResults, request.nextToken);
    return { executions: page, nextToken };
  }

  getExecutionHistory(request: GetExecutionHistoryInput): GetExecutionHistoryOutput {
    const execution = this.execution(request.executionArn);
    let events = [...execution.history.list()];
    if (request.reverseOrder) events.reverse();
    if (request.includeExecutionData === false) events = events.map(withoutExecutionData);
    const { page, nextToken } = paginate(events, request.maxResults, request.nextToken);
    return { events: page, nextToken };
  }

  sendTaskSuccess(request: SendTaskSuccessInput): Record<string, never> {
    const token = request.taskToken ?? '';
    this.tokens.succeed(token, request.output ?? '');
    this.recordAnswer(token, { output: JSON.parse(request.output ?? '') });
    return {};
  }

  sendTaskFailure(request: SendTaskFailureInput): Record<string, never> {
    const token = request.taskToken ?? '';
    this.tokens.fail(token, request.error, request.cause);
    this.recordAnswer(token, { error: request.error ?? '', cause: request.cause ?? '' });
    return {};
  }

  sendTaskHeartbeat(request: SendTaskHeartbeatInput): Record<string, never> {
    this.tokens.heartbeat(request.taskToken ?? '');
    return {};
  }

  stopExecution(request: StopExecutionInput): { stopDate: Date } {
    const execution = this.execution(request.executionArn);
    if (execution.status === 'RUNNING') {
      this.end(execution, 'ABORTED', {
        type: 'ExecutionAborted',
        error: request.error,
        cause: request.cause,
      });
      execution.abort();
    }
    return { stopDate: execution.stopDate ?? new Date() };
  }

  listStateMachines(request: ListStateMachinesInput = {}): ListStateMachinesOutput {
    const items = [...this.machines.values()].map((machine) => ({
      stateMachineArn: machine.arn,
      name: machine.name,
      type: 'STANDARD' as const,
      creationDate: machine.createdAt,
    }));
    const { page, nextToken } = paginate(items, request.maxResults, request.nextToken);
    return { stateMachines: page, nextToken };
  }

  describeStateMachine(request: DescribeStateMachineInput): DescribeStateMachineOutput {
    const machine = this.machine(request.stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definitionText,
      roleArn: machine.roleArn,
      type: 'STANDARD',
      creationDate: machine.createdAt,
    };
  }

  /** Resolves once the execution has ended, with its final description. */
  async waitForExecution(executionArn: string): Promise<DescribeExecutionOutput> {
    await this.execution(executionArn).done;
    return this.describeExecution({ executionArn });
  }

  /** State transitions so far, as AWS bills them: every state entered (Map iterations included) and every retry. */
  transitionCount(executionArn: string): number {
    return this.execution(executionArn).transitions;
  }

  /** Callback tokens still waiting, for local tools (dashboard, autopilot) and tests. */
  pendingTaskTokens(executionArn?: string): { token: string; executionArn: string; stateName: string }[] {
    return this.tokens.pending(executionArn);
  }

  /**
   * Runs again the executions of `stateDir` that were running when the cloud last stopped (or
   * crashed), from their stored steps: finished steps answer their recorded outcome without being
   * invoked again, waiting tasks wait again on the token they had, until their original deadline.
   * Finished executions are listed as they ended. Call once, after `register`.
   */
  resume(): { resumed: number; finished: number } {
    const counts = { resumed: 0, finished: 0 };
    for (const stored of this.store?.loadAll() ?? []) {
      if (this.executions.has(stored.executionArn)) continue;
      const machine = this.machines.get(stored.stateMachineArn);
      if (!machine) {
        console.warn(`[local-stepfunctions] ${stored.executionArn}: its state machine is gone; not resumed`);
        continue;
      }
      const execution = this.restore(machine, stored);
      if (execution.status !== 'RUNNING') {
        counts.finished += 1;
        continue;
      }
      counts.resumed += 1;
      this.run(machine, execution, JSON.parse(execution.input));
    }
    return counts;
  }

  /**
   * Stops running executions: durable ones are suspended as they are on disk (they resume at the
   * next start), others are aborted. Waits for them to wind down.
   */
  async close(): Promise<void> {
    const running = [...this.executions.values()].filter((execution) => execution.status === 'RUNNING');
    if (this.store) {
      for (const execution of running) {
        this.saveNow(execution);
        execution.suspended = true;
        execution.abort();
      }
      await Promise.all(running.map((execution) => execution.done));
      return;
    }
    for (const execution of running) {
      this.stopExecution({
        executionArn: execution.executionArn,
        error: 'States.Aborted',
        cause: 'The local Step Functions was closed',
      });
    }
    await Promise.all(running.map((execution) => execution.done));
  }

  /** An execution in memory from its stored form (a new one, or one read back after a restart). */
  private restore(machine: RegisteredMachine, stored: StoredExecution): Execution {
    const execution: Execution = {
      executionArn: stored.executionArn,
      stateMachineArn: stored.stateMachineArn,
      name: stored.name,
      input: stored.input,
      status: stored.status,
      startDate: new Date(stored.startDate),
      stopDate: stored.stopDate === undefined ? undefined : new Date(stored.stopDate),
      output: stored.output,
      error: stored.error,
      cause: stored.cause,
      tasks: machine.prepared.tasks,
      history: new ExecutionHistory(
        (state) => machine.prepared.tasks.find((task) => task.name === state)?.resource,
        stored.history,
        () => this.saveSoon(execution),
      ),
      transitions: stored.transitions,
      abandonedScopes: new Set(),
      abort: () => {},
      done: Promise.resolve(),
      tokenPlaceholder: stored.tokenPlaceholder,
      steps: stored.steps,
      occurrences: new Map(),
      replayTransitions: stored.transitions,
      suspended: false,
      dirty: false,
    };
    this.executions.set(execution.executionArn, execution);
    return execution;
  }

  private run(machine: RegisteredMachine, execution: Execution, input: JsonValue): void {
    // The library gives every task of an execution the same $$.Task.Token: tasks replace this
    // placeholder with a token of their own
    const { tokenPlaceholder } = execution;
    const context: TaskContext = {
      executionArn: execution.executionArn,
      tokenPlaceholder,
      isRunning: () => isLive(execution),
      isAbandoned: (task) => task.scopes.some((scope) => execution.abandonedScopes.has(scope)),
      record: (type, details) => {
        if (isLive(execution)) execution.history.add(type, details);
      },
    };
    const handlers: TaskHandlers = Object.fromEntries(
      machine.prepared.tasks.map((task) => [
        task.name,
        (taskInput: JsonValue) =>
          this.store
            ? this.runStep(execution, task, taskInput, context)
            : this.tasks.run(task, taskInput, context),
      ]),
    );
    let run: ReturnType<StateMachine['run']>;
    try {
      run = machine.runner.run(input, {
        overrides: {
          taskResourceLocalHandlers: handlers,
          retryIntervalOverrides: machine.retryIntervalOverrides,
        },
        context: {
          Execution: {
            Id: execution.executionArn,
            Name: execution.name,
            RoleArn: machine.roleArn,
            StartTime: execution.startDate.toISOString(),
            RedriveCount: 0,
          },
          StateMachine: { Id: machine.arn, Name: machine.name },
          Task: { Token: tokenPlaceholder },
        },
      });
    } catch (error) {
      this.settle(execution, { error });
      return;
    }
    execution.abort = run.abort;
    const logged = this.follow(execution, run.eventLogs);
    execution.done = run.result
      .then(
        (output) => ({ output }),
        (error: unknown) => ({ error }),
      )
      // the event log lags the result by a few ticks; wait for it so the history is complete
      .then(async (outcome) => {
        await Promise.race([logged, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
        if (!execution.suspended) this.settle(execution, outcome);
      })
      .catch((error: unknown) => console.error(`[local-stepfunctions] ${execution.executionArn}:`, error));
  }

  private async follow(execution: Execution, events: AsyncGenerator<LibraryEvent>): Promise<void> {
    try {
      for await (const event of events) {
        if (!isLive(execution)) continue;
        if (event.type === 'StateEntered' || event.type === 'StateRetried') {
          this.countTransition(execution, event);
          // a Map or Parallel state entered again, or retried, runs fresh iterations
          execution.abandonedScopes.delete(event.state.name);
        }
        if (event.type === 'StateFailed' && (event.state.type === 'Map' || event.state.type === 'Parallel')) {
          this.abandonScope(execution, event.state.name);
        }
        execution.history.addFromLibrary(event);
      }
    } catch (error) {
      console.error(`[local-stepfunctions] event log of ${execution.executionArn}:`, error);
    }
  }

  private countTransition(
    execution: Execution,
    event: LibraryEvent & { state: { name: string; type: string } },
  ) {
    if (execution.replayTransitions > 0) {
      // counted before the restart
      execution.replayTransitions -= 1;
      return;
    }
    execution.transitions += 1;
    try {
      this.options.onTransition?.({
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        stateName: event.state.name,
        stateType: event.state.type,
        mapIndex: 'index' in event ? event.index : undefined,
        retry: event.type === 'StateRetried',
        count: execution.transitions,
      });
    } catch (error) {
      console.error('[local-stepfunctions] onTransition listener failed:', error);
    }
  }

  /**
   * A failed Map or Parallel state aborts its other iterations, but the library tells their tasks
   * nothing: their tokens would stay valid and a retry could invoke the function again.
   */
  private abandonScope(execution: Execution, scope: string): void {
    execution.abandonedScopes.add(scope);
    const states = new Set(execution.tasks.filter((task) => task.scopes.includes(scope)).map((t) => t.name));
    this.tokens.abandon(execution.executionArn, new TaskAborted(`${scope} failed`), states);
  }

  private settle(execution: Execution, outcome: { output?: unknown; error?: unknown }): void {
    if (execution.status === 'RUNNING') {
      const { error } = outcome;
      if (!('error' in outcome)) {
        const output = JSON.stringify(outcome.output ?? null);
        execution.output = output;
        this.end(execution, 'SUCCEEDED', { type: 'ExecutionSucceeded', output });
      } else if (error instanceof ExecutionTimeoutError) {
        this.end(execution, 'TIMED_OUT', {
          type: 'ExecutionTimedOut',
          error: 'States.Timeout',
          cause: 'The execution ran longer than its TimeoutSeconds',
        });
      } else if (error instanceof ExecutionAbortedError) {
        this.end(execution, 'ABORTED', { type: 'ExecutionAborted' });
      } else {
        const failure = error instanceof ExecutionError ? error.cause : error;
        this.end(execution, 'FAILED', {
          type: 'ExecutionFailed',
          error: failure instanceof Error ? failure.name : 'States.Runtime',
          cause: failure instanceof Error ? failure.message : String(failure),
        });
      }
    }
    // iterations abandoned without a failure of their own may still hold tokens
    this.tokens.abandon(execution.executionArn, new TaskAborted('The execution has ended'));
  }

  private end(
    execution: Execution,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    event: { type: HistoryEventType; error?: string; cause?: string; output?: string },
  ): void {
    execution.status = status;
    execution.stopDate = new Date();
    execution.error = event.error;
    execution.cause = event.cause;
    const { type, ...details } = event;
    const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
    execution.history.add(type, { [key]: details });
    this.saveNow(execution);
    for (const [token, entry] of this.stepsByToken) {
      if (entry.execution === execution) this.stepsByToken.delete(token);
    }
    if (status === 'ABORTED') {
      this.tokens.abandon(execution.executionArn, new TaskAborted('The execution was stopped'));
    }
  }

  /**
   * One task step of a durable execution. A step that ended before a restart answers its recorded
   * outcome (the replay goes through the states again without invoking anything); one that was
   * under way runs again (handlers are idempotent, as Step Functions' at-least-once tasks need),
   * a waiting one on the token it had.
   */
  private async runStep(
    execution: Execution,
    task: TaskState,
    input: JsonValue,
    context: TaskContext,
  ): Promise<JsonValue> {
    const key = `${task.name}#${createHash('sha256').update(JSON.stringify(input)).digest('base64url')}`;
    const occurrence = (execution.occurrences.get(key) ?? 0) + 1;
    execution.occurrences.set(key, occurrence);
    const stepKey = `${key}#${occurrence}`;
    const step = execution.steps[stepKey] ?? {};
    execution.steps[stepKey] = step;
    if (step.outcome) {
      await new Promise((resolve) => setImmediate(resolve));
      if ('output' in step.outcome) return step.outcome.output as JsonValue;
      throw new TaskFailure(step.outcome.error, step.outcome.cause);
    }
    const stepContext: TaskContext = {
      ...context,
      ...(step.token !== undefined && step.deadline !== undefined
        ? { resumed: { token: step.token, deadline: step.deadline, submitted: step.submitted === true } }
        : {}),
      onTokenIssued: (token, deadline) => {
        step.token = token;
        step.deadline = deadline;
        this.stepsByToken.set(token, { execution, step });
        // before the function runs: whoever it hands the token to must be able to use it after a crash
        this.saveNow(execution);
      },
      onSubmitted: () => {
        step.submitted = true;
        this.saveSoon(execution);
      },
    };
    if (step.token !== undefined) this.stepsByToken.set(step.token, { execution, step });
    try {
      const output = await this.tasks.run(task, input, stepContext);
      if (isLive(execution)) {
        step.outcome = { output };
        this.saveNow(execution);
      }
      return output;
    } catch (thrown) {
      if (isLive(execution) && thrown instanceof TaskFailure && !(thrown instanceof TaskAborted)) {
        step.outcome = { error: thrown.name, cause: thrown.message };
        this.saveNow(execution);
      }
      throw thrown;
    } finally {
      if (step.token !== undefined) this.stepsByToken.delete(step.token);
    }
  }

  /** SendTaskSuccess/Failure: the answer is on disk before the caller hears it was taken. */
  private recordAnswer(token: string, outcome: NonNullable<StepRecord['outcome']>): void {
    const entry = this.stepsByToken.get(token);
    if (!entry || !isLive(entry.execution)) return;
    entry.step.outcome = outcome;
    this.saveNow(entry.execution);
  }

  private saveSoon(execution: Execution): void {
    if (!this.store || execution.dirty || execution.suspended) return;
    execution.dirty = true;
    setImmediate(() => {
      if (execution.dirty) this.saveNow(execution);
    });
  }

  private saveNow(execution: Execution): void {
    if (!this.store || execution.suspended) return;
    execution.dirty = false;
    try {
      this.store.save({
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        input: execution.input,
        status: execution.status,
        startDate: execution.startDate.toISOString(),
        stopDate: execution.stopDate?.toISOString(),
        output: execution.output,
        error: execution.error,
        cause: execution.cause,
        tokenPlaceholder: execution.tokenPlaceholder,
        transitions: execution.transitions,
        history: [...execution.history.list()],
        steps: execution.steps,
      });
    } catch (error) {
      console.error(`[local-stepfunctions] could not save ${execution.executionArn}:`, error);
    }
  }

  private machine(stateMachineArn: string | undefined): RegisteredMachine {
    const machine = stateMachineArn === undefined ? undefined : this.machines.get(stateMachineArn);
    if (!machine) {
      throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    }
    return machine;
  }

  private execution(executionArn: string | undefined): Execution {
    const execution = executionArn === undefined ? undefined : this.executions.get(executionArn);
    if (!execution) {
      throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    }
    return execution;
  }
}

function isLive(execution: Execution): boolean {
  return execution.status === 'RUNNING' && !execution.suspended;
}

function assertValidName(name: string): void {
  const valid =
    name.length >= 1 &&
    name.length <= 80 &&
    [...name].every((char) => {
      const code = char.codePointAt(0) ?? 0;
      const control = code <= 0x1f || (code >= 0x7f && code <= 0x9f);
      return !control && !forbiddenInNames.has(char);
    });
  if (!valid) throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
}

function paginate<T>(items: T[], maxResults?: number, nextToken?: string): { page: T[]; nextToken?: string } {
  const offset = nextToken ? Number(Buffer.from(nextToken, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new AwsError('InvalidToken', 'Invalid Token: bad nextToken');
  }
  const size = maxResults && maxResults > 0 ? Math.min(maxResults, 1000) : 100;
  const page = items.slice(offset, offset + size);
  const next =
    offset + size < items.length ? Buffer.from(String(offset + size)).toString('base64url') : undefined;
  return { page, nextToken: next };
}

function withoutExecutionData(event: HistoryEvent): HistoryEvent {
  const dataFields = new Set(['input', 'output', 'parameters']);
  return Object.fromEntries(
    Object.entries(event).map(([key, value]) =>
      key.endsWith('EventDetails') && value && typeof value === 'object'
        ? [key, Object.fromEntries(Object.entries(value).filter(([field]) => !dataFields.has(field)))]
        : [key, value],
    ),
  ) as HistoryEvent;
}
