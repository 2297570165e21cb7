/**
 * Reads an ASL definition for the local runner: finds every Task state (nested Map and Parallel
 * states included, since aws-local-stepfunctions looks task overrides up by state name alone) and
 * returns a copy patched where the library's defaults differ from AWS.
 */

type JsonObject = Record<string, unknown>;

export interface TaskState {
  name: string;
  resource: string;
  /** the state's own `TimeoutSeconds`, if it sets one */
  timeoutSeconds?: number;
  /** the Map and Parallel states it runs inside, outermost first */
  scopes: string[];
  /**
   * set when the state takes its timeout from `TimeoutSecondsPath`: the runner finds the value under
   * this key of the task's Payload (where the path was moved) and takes it out before invoking
   */
  timeoutSecondsKey?: string;
}

/** Where a `TimeoutSecondsPath` value travels locally, inside the Payload, to the task runner. */
export const timeoutSecondsKey = '__localTimeoutSeconds';

export interface PreparedDefinition {
  /** the definition to hand to aws-local-stepfunctions */
  definition: JsonObject;
  tasks: TaskState[];
  /** states with a `Retry` field, whose intervals are shortened locally */
  retryingStates: string[];
}

/**
 * The library arms a `setTimeout` of TimeoutSeconds × 1000 ms and Node fires any delay beyond
 * 2^31 − 1 ms at once, so a 30-day TimeoutSeconds would time the task out immediately.
 */
export const maxTimerSeconds = Math.floor(2 ** 31 / 1000) - 1;

export function prepareDefinition(source: object | string): PreparedDefinition {
  const definition = structuredClone(typeof source === 'string' ? JSON.parse(source) : source) as JsonObject;
  const tasks = new Map<string, TaskState>();
  const retryingStates: string[] = [];

  const visit = (machine: unknown, scopes: string[]) => {
    if (!isObject(machine) || !isObject(machine.States)) {
      throw new Error('A state machine (or a Map/Parallel branch) needs a States object');
    }
    for (const [name, state] of Object.entries(machine.States)) {
      if (!isObject(state)) continue;
      if ('Retry' in state) retryingStates.push(name);
      if (state.Type === 'Task') addTask(name, state, scopes);
      if (state.Type === 'Map') visit(state.ItemProcessor ?? state.Iterator, [...scopes, name]);
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
        for (const branch of state.Branches) visit(branch, [...scopes, name]);
      }
    }
  };

  const addTask = (name: string, state: JsonObject, scopes: string[]) => {
    if (typeof state.Resource !== 'string') throw new Error(`Task state ${name} has no Resource`);
    const task: TaskState = { name, resource: state.Resource, scopes };
    if (typeof state.TimeoutSeconds === 'number') task.timeoutSeconds = state.TimeoutSeconds;
    const seen = tasks.get(name);
    if (seen && (seen.resource !== task.resource || seen.timeoutSeconds !== task.timeoutSeconds)) {
      throw new Error(`Two Task states are named ${name}: local task handlers are keyed by state name`);
    }
    // AWS reads TimeoutSecondsPath from the state input and allows any duration; the library reads
    // it after Parameters and arms a timer Node cannot hold past 24.8 days. The path moves into the
    // Payload (evaluated on the same state input), and the runner enforces it through the token.
    const parameters = state.Parameters as JsonObject | undefined;
    if (typeof state.TimeoutSecondsPath === 'string' && isObject(parameters?.Payload)) {
      parameters.Payload[`${timeoutSecondsKey}.$`] = state.TimeoutSecondsPath;
      delete state.TimeoutSecondsPath;
      task.timeoutSecondsKey = timeoutSecondsKey;
    }
    tasks.set(name, task);
    // AWS lets a Standard task run as long as the execution; the library's default is 60 s
    if (state.TimeoutSecondsPath === undefined) {
      state.TimeoutSeconds = Math.min(task.timeoutSeconds ?? maxTimerSeconds, maxTimerSeconds);
    }
  };

  visit(definition, []);
  if (typeof definition.TimeoutSeconds === 'number') {
    definition.TimeoutSeconds = Math.min(definition.TimeoutSeconds, maxTimerSeconds);
  }
  return { definition, tasks: [...tasks.values()], retryingStates };
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
