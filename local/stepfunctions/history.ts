import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { StateMachine } from 'aws-local-stepfunctions';

/** One entry of the library's `eventLogs` (its type is not exported by name). */
export type LibraryEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

type EventDetails = Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp' | 'type'>;

const json = (value: unknown) => JSON.stringify(value ?? null);

/** The kind of a Task resource as it appears in history events (`lambda` / `invoke.waitForTaskToken`). */
export function taskResourceParts(resource: string): { resourceType: string; resource: string } {
  const service = resource.replace(/^arn:aws[\w-]*:states:::/, '');
  const colon = service.indexOf(':');
  return colon < 0
    ? { resourceType: service, resource: service }
    : { resourceType: service.slice(0, colon), resource: service.slice(colon + 1) };
}

/** A Task whose Resource is the function itself (not the `lambda:invoke` integration). */
export function isLambdaFunctionArn(resource: string): boolean {
  return /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:/.test(resource);
}

/**
 * An execution's history in the shape GetExecutionHistory answers. Task events are recorded by the
 * task handlers, which know what was invoked; everything else is translated from the library's
 * event log, which knows the states.
 */
export class ExecutionHistory {
  private readonly events: HistoryEvent[] = [];
  /** events recorded before a restart, by content, that the replay will produce again */
  private readonly replayed = new Map<string, number>();

  /**
   * `recorded` is the history an execution had when the cloud stopped: its replay (which
   * produces the same events again, in the same order per branch) adds only what is new.
   */
  constructor(
    private readonly resourceOf: (stateName: string) => string | undefined,
    recorded: readonly HistoryEvent[] = [],
    private readonly onChange: () => void = () => {},
  ) {
    for (const event of recorded) {
      this.events.push({ ...event, timestamp: new Date(event.timestamp ?? 0) });
      const { id: _id, previousEventId: _previous, timestamp: _timestamp, type, ...details } = event;
      const key = contentKey(type as HistoryEventType, details);
      this.replayed.set(key, (this.replayed.get(key) ?? 0) + 1);
    }
  }

  add(type: HistoryEventType, details: EventDetails = {}): void {
    const key = this.replayed.size > 0 ? contentKey(type, details) : '';
    const seen = this.replayed.get(key);
    if (seen !== undefined) {
      if (seen <= 1) this.replayed.delete(key);
      else this.replayed.set(key, seen - 1);
      return;
    }
    const id = this.events.length + 1;
    this.events.push({ timestamp: new Date(), type, id, previousEventId: id - 1, ...details });
    this.onChange();
  }

  list(): readonly HistoryEvent[] {
    return this.events;
  }

  /** Records what AWS would show for one library event (its Execution* events are the engine's). */
  addFromLibrary(event: LibraryEvent): void {
    switch (event.type) {
      case 'StateEntered': {
        const { name, type, input } = event.state;
        this.add(`${type}StateEntered` as HistoryEventType, {
          stateEnteredEventDetails: { name, input: json(input), inputDetails: { truncated: false } },
        });
        if (type === 'Map') this.add('MapStateStarted', { mapStateStartedEventDetails: {} });
        if (type === 'Parallel') this.add('ParallelStateStarted');
        return;
      }
      case 'StateExited': {
        const { name, type, output } = event.state;
        if (type === 'Map') this.add('MapStateSucceeded');
        if (type === 'Parallel') this.add('ParallelStateSucceeded');
        this.add(`${type}StateExited` as HistoryEventType, {
          stateExitedEventDetails: { name, output: json(output), outputDetails: { truncated: false } },
        });
        return;
      }
      case 'StateFailed': {
        const { name, type } = event.state;
        if (type === 'Map') this.add('MapStateFailed');
        if (type === 'Parallel') this.add('ParallelStateFailed');
        const resource = this.resourceOf(name);
        // the library's own timer fails a task that runs too long; the handler never learns of it
        if (type === 'Task' && event.Error === 'States.Timeout' && resource) {
          const failure = { error: event.Error, cause: String(event.Cause ?? '') };
          if (isLambdaFunctionArn(resource)) {
            this.add('LambdaFunctionTimedOut', { lambdaFunctionTimedOutEventDetails: failure });
          } else {
            this.add('TaskTimedOut', {
              taskTimedOutEventDetails: { ...taskResourceParts(resource), ...failure },
            });
          }
        }
        return;
      }
      case 'MapIterationStarted':
        this.add('MapIterationStarted', { mapIterationStartedEventDetails: iteration(event) });
        return;
      case 'MapIterationSucceeded':
        this.add('MapIterationSucceeded', { mapIterationSucceededEventDetails: iteration(event) });
        return;
      case 'MapIterationFailed':
        this.add('MapIterationFailed', { mapIterationFailedEventDetails: iteration(event) });
        return;
      default:
        // retries and catches show in AWS as the task events they cause; branches have no events
        return;
    }
  }
}

function contentKey(type: HistoryEventType | undefined, details: EventDetails): string {
  return `${type}${JSON.stringify(details)}`;
}

function iteration(event: { parentState: { name: string }; index: number }) {
  return { name: event.parentState.name, index: event.index };
}
