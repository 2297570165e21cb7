import { randomUUID } from 'node:crypto';
import type {
  PutEventsRequest,
  PutEventsRequestEntry,
  PutEventsResponse,
  PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { AwsError } from '../aws-json-server.ts';
import { compileEventPattern } from './pattern.ts';

/** An event as EventBridge delivers it to a target. */
export interface EventBridgeEvent<Detail = unknown> {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Detail;
}

export interface RuleTarget {
  id: string;
  arn: string;
  deadLetterArn?: string;
  /** retries after the first failed delivery; the bus default otherwise */
  retryAttempts?: number;
}

export interface EventRule {
  name: string;
  /** a name or an ARN */
  eventBusName: string;
  pattern: object;
  targets: RuleTarget[];
}

export interface DeadLetter {
  ruleName: string;
  targetId: string;
  targetArn: string;
  deadLetterArn?: string;
  event: EventBridgeEvent;
  error: string;
  attempts: number;
}

export interface LocalEventBusOptions {
  invoke: (functionArn: string, event: unknown) => Promise<unknown>;
  region?: string;
  accountId?: string;
  /** retries after a failed delivery before the event goes to the dead letters; default 2 */
  retryAttempts?: number;
  /** first pause between attempts, doubled each time; default 10 ms */
  retryDelayMs?: number;
}

interface CompiledRule extends EventRule {
  busName: string;
  matches: (event: unknown) => boolean;
}

const maxEntries = 10;
const maxRequestBytes = 256 * 1024;

/**
 * The event bus of the local cloud: PutEvents validated as AWS does, rules matched with the
 * EventBridge pattern language, targets invoked asynchronously with retries, and what still
 * fails kept as a dead letter and reported on stderr, never dropped silently.
 */
export class LocalEventBus {
  private readonly rules: CompiledRule[] = [];
  private readonly listeners = new Set<(event: EventBridgeEvent) => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly dead: DeadLetter[] = [];
  private readonly region: string;
  private readonly accountId: string;

  constructor(private readonly options: LocalEventBusOptions) {
    this.region = options.region ?? 'eu-west-1';
    this.accountId = options.accountId ?? '000000000000';
  }

  addRule(rule: EventRule): void {
    this.rules.push({
      ...rule,
      busName: busName(rule.eventBusName),
      matches: compileEventPattern(rule.pattern),
    });
  }

  putEvents(request: PutEventsRequest): PutEventsResponse {
    const entries = request.Entries ?? [];
    if (entries.length < 1 || entries.length > maxEntries) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${maxEntries}`,
      );
    }
    if (entries.reduce((total, entry) => total + entrySize(entry), 0) > maxRequestBytes) {
      throw new AwsError(
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    }
    const results = entries.map((entry) => this.accept(entry));
    return {
      FailedEntryCount: results.filter((result) => result.ErrorCode !== undefined).length,
      Entries: results,
    };
  }

  /** Every accepted event, for local tools (autopilot, dashboard). Returns the unsubscribe function. */
  subscribe(listener: (event: EventBridgeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  deadLetters(): DeadLetter[] {
    return [...this.dead];
  }

  /** Resolves when no delivery is in flight, retries included. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private accept(entry: PutEventsRequestEntry): PutEventsResultEntry {
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[field] !== 'string' || entry[field] === '') {
        return invalid(`Parameter ${field} is not valid. Reason: ${field} is a required argument.`);
      }
    }
    const source = entry.Source as string;
    if (source.startsWith('aws.')) {
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail as string);
    } catch {
      detail = undefined;
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }

    const event: EventBridgeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType as string,
      source,
      account: this.accountId,
      time: eventTime(entry.Time),
      region: this.region,
      resources: entry.Resources ?? [],
      detail,
    };
    this.publish(event);
    const bus = busName(entry.EventBusName ?? 'default');
    for (const rule of this.rules) {
      if (rule.busName !== bus || !rule.matches(event)) continue;
      for (const target of rule.targets) this.track(this.deliver(rule, target, event));
    }
    return { EventId: event.id };
  }

  private publish(event: EventBridgeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error('[local-eventbus] a subscriber failed:', error);
      }
    }
  }

  private async deliver(rule: CompiledRule, target: RuleTarget, event: EventBridgeEvent): Promise<void> {
    const retries = target.retryAttempts ?? this.options.retryAttempts ?? 2;
    let delay = this.options.retryDelayMs ?? 10;
    let lastError: unknown;
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      // PutEvents answers before any target runs, as on AWS
      await new Promise((resolve) => setTimeout(resolve, attempt === 1 ? 0 : delay));
      if (attempt > 1) delay *= 2;
      try {
        await this.options.invoke(target.arn, structuredClone(event));
        return;
      } catch (error) {
        lastError = error;
      }
    }
    const message =
      lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : String(lastError);
    this.dead.push({
      ruleName: rule.name,
      targetId: target.id,
      targetArn: target.arn,
      deadLetterArn: target.deadLetterArn,
      event,
      error: message,
      attempts: retries + 1,
    });
    console.error(
      `[local-eventbus] DEAD LETTER rule=${rule.name} target=${target.arn} event=${event.id} ` +
        `(${event.source} ${event['detail-type']}) after ${retries + 1} attempts: ${message}`,
    );
  }

  private track(delivery: Promise<void>): void {
    const tracked = delivery.catch((error: unknown) =>
      console.error('[local-eventbus] delivery crashed:', error),
    );
    this.inFlight.add(tracked);
    tracked.finally(() => this.inFlight.delete(tracked));
  }
}

/** EventBridge times have no milliseconds: `2017-12-22T18:43:48Z`. */
function eventTime(time: Date | undefined): string {
  const valid = time instanceof Date && !Number.isNaN(time.getTime());
  return (valid ? time : new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function invalid(message: string): PutEventsResultEntry {
  return { ErrorCode: 'InvalidArgument', ErrorMessage: message };
}

/** A bus is named by its name or its ARN (`arn:aws:events:…:event-bus/<name>`). */
function busName(nameOrArn: string): string {
  return nameOrArn.includes(':event-bus/') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
}

/** The size AWS counts for an entry (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html). */
function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text ? Buffer.byteLength(text) : 0);
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((total, resource) => total + bytes(resource), 0)
  );
}
