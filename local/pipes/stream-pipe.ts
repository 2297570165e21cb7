/**
 * An EventBridge Pipe from a DynamoDB stream to the local bus, as the template describes it
 * (AWS::Pipes::Pipe): the real stream of DynamoDB Local read with the real GetRecords API, the
 * pipe's own filter patterns, its input template and its Source / DetailType / Resources paths.
 * Delivery is at least once: the position in each shard is saved only after its records are on
 * the bus, so a stop, a SIGKILL or a crash re-delivers from there and never skips a record.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { PutEventsRequestEntry, PutEventsResponse } from '@aws-sdk/client-eventbridge';
import { localAccount } from '../account.ts';
import { localDynamoDbClient } from '../dynamodb.ts';
import { compileEventPattern } from '../eventbus/pattern.ts';
import type { StreamPipeDefinition } from '../template/resources.ts';

export interface StreamPipeOptions {
  pipe: StreamPipeDefinition;
  /** DynamoDB Local's endpoint (its streams API is on the same port) */
  endpoint: string;
  putEvents: (entries: PutEventsRequestEntry[]) => PutEventsResponse;
  /** where the position in each shard is kept across restarts; none: in memory only */
  checkpointFile?: string;
  /** how long to wait when a shard has nothing new (default 250 ms: the pipe polls 4 times a second) */
  idlePollMs?: number;
  /** a PutEvents answer with failed entries is tried this many more times, then dead-lettered */
  retryAttempts?: number;
}

interface Checkpoint {
  streamArn: string;
  /** the last sequence number delivered, by shard */
  shards: Record<string, string>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value at a `$.a.b.c` path of the record, or undefined. */
function atPath(record: unknown, path: string): unknown {
  let value: unknown = record;
  for (const key of path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A target parameter: a `$.` path into the record, or a literal. */
const parameter = (record: unknown, value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  if (!value.startsWith('$.')) return value;
  const found = atPath(record, value);
  return found === undefined ? undefined : typeof found === 'string' ? found : JSON.stringify(found);
};

/**
 * The pipe's input template applied to one record: each `<$.path>` is replaced by the value there,
 * a string as its text (how Pipes puts a JSON text in unquoted), anything else as JSON. Without a
 * template the record itself is the detail.
 */
export function applyInputTemplate(template: string | undefined, record: unknown): string {
  if (template === undefined) return JSON.stringify(record);
  return template.replace(/<(\$[^>]*)>/g, (_whole, path: string) => {
    const value = atPath(record, path);
    if (value === undefined) return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

export class LocalStreamPipe {
  private readonly streams: DynamoDBStreamsClient;
  private readonly accepts: (record: unknown) => boolean;
  private checkpoint: Checkpoint | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private cycle = 0;
  private shards: string[] | undefined;
  private shardsListedAt = 0;
  private readonly waiters: { after: number; resolve: () => void }[] = [];
  /** events put on the bus since the start */
  delivered = 0;
  /** records the bus refused after every retry (the pipe's dead-letter queue) */
  readonly deadLetters: { record: StreamRecord; entry: PutEventsRequestEntry; error: string }[] = [];

  /** the queue the template names for what the bus refused (the pipe's `DeadLetterConfig`) */
  get deadLetterArn(): string | undefined {
    return this.options.pipe.deadLetterArn;
  }

  constructor(private readonly options: StreamPipeOptions) {
    this.streams = new DynamoDBStreamsClient({
      endpoint: options.endpoint,
      region: localAccount.region,
      credentials: localAccount.credentials,
      maxAttempts: 3,
    });
    const patterns = options.pipe.filterPatterns.map(compileEventPattern);
    this.accepts = (record) => patterns.length === 0 || patterns.some((matches) => matches(record));
  }

  start(): void {
    this.running ??= this.run().catch((error: unknown) => {
      if (!this.stopping) console.error(`[local-cloud] pipe ${this.options.pipe.name} stopped:`, error);
    });
  }

  /** Stops polling once the batch in hand is delivered and its position saved. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    this.streams.destroy();
  }

  /** Resolves once a pass over every shard, begun after this call, found nothing left to deliver. */
  caughtUp(): Promise<void> {
    if (this.running === undefined || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ after: this.cycle, resolve });
      this.wake?.();
    });
  }

  private async run(): Promise<void> {
    const streamArn = await this.streamArn();
    this.checkpoint = this.readCheckpoint(streamArn);
    const iterators = new Map<string, string | null>();
    while (!this.stopping) {
      try {
        await this.pass(streamArn, iterators);
      } catch (error) {
        // DynamoDB Local busy or restarting: the positions are kept, the next pass goes on from them
        if (this.stopping) return;
        console.error(`[local-cloud] pipe ${this.options.pipe.name}:`, error);
        iterators.clear();
        await sleep(500);
      }
    }
  }

  /** One pass over the shards; sleeps a little when none had anything new. */
  private async pass(streamArn: string, iterators: Map<string, string | null>): Promise<void> {
    const pass = ++this.cycle;
    let found = 0;
    // the shards, listed again now and then (a shard closes, its child opens), not at every poll:
    // a database under load has better things to do
    if (this.shards === undefined || Date.now() - this.shardsListedAt > 5000) {
      const { StreamDescription } = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn }),
      );
      this.shards = (StreamDescription?.Shards ?? []).flatMap((shard) =>
        shard.ShardId ? [shard.ShardId] : [],
      );
      this.shardsListedAt = Date.now();
    }
    // parents are listed before their children: a shard is read after the one it continues
    let closed = false;
    for (const shardId of this.shards.filter((id) => iterators.get(id) !== null)) {
      if (this.stopping) continue;
      let iterator = iterators.has(shardId)
        ? iterators.get(shardId)
        : await this.iteratorFor(streamArn, shardId);
      if (iterator === null || iterator === undefined) {
        iterators.set(shardId, null);
        closed = true;
        continue;
      }
      const read = await this.readShard(streamArn, shardId, iterator);
      found += read.records;
      iterator = read.next;
      iterators.set(shardId, iterator ?? null);
      if (iterator === undefined) closed = true;
    }
    if (closed) {
      // a shard that closes has a child the listing may not hold yet: list again now, and no
      // pass counts as caught up before that child was read
      this.shards = undefined;
      return;
    }
    if (found === 0) {
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const waiter = this.waiters[i];
        if (waiter !== undefined && waiter.after < pass) {
          this.waiters.splice(i, 1);
          waiter.resolve();
        }
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.options.idlePollMs ?? 250).unref();
      });
      this.wake = undefined;
    }
  }

  /** One GetRecords on a shard, its records delivered; a lost iterator is taken again from the checkpoint. */
  private async readShard(
    streamArn: string,
    shardId: string,
    iterator: string,
  ): Promise<{ records: number; next: string | undefined }> {
    let page: { Records?: StreamRecord[]; NextShardIterator?: string };
    try {
      page = await this.streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.pipe.batchSize }),
      );
    } catch (error) {
      // an iterator past its life, or taken on an empty shard: taken again from the position kept
      if (!(error instanceof ExpiredIteratorException) && !(error instanceof TrimmedDataAccessException))
        throw error;
      return { records: 0, next: (await this.iteratorFor(streamArn, shardId)) ?? undefined };
    }
    const records = page.Records ?? [];
    if (records.length > 0) {
      await this.deliver(records);
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last !== undefined) this.saveCheckpoint(shardId, last);
    }
    return { records: records.length, next: page.NextShardIterator };
  }

  private async iteratorFor(streamArn: string, shardId: string): Promise<string | undefined> {
    const after = this.checkpoint?.shards[shardId];
    const ask = (type: 'AFTER_SEQUENCE_NUMBER' | 'TRIM_HORIZON' | 'LATEST') =>
      this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: type,
          ...(type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: after } : {}),
        }),
      );
    if (after !== undefined) {
      try {
        return (await ask('AFTER_SEQUENCE_NUMBER')).ShardIterator;
      } catch (error) {
        // the position was trimmed away (older than the stream keeps): from the oldest kept
        if (!(error instanceof TrimmedDataAccessException)) throw error;
      }
    }
    return (await ask(this.options.pipe.startingPosition)).ShardIterator;
  }

  /** The records that pass the filter, as events on the bus; retried until the bus takes them. */
  private async deliver(records: StreamRecord[]): Promise<void> {
    const { pipe } = this.options;
    const kept = records.filter((record) => this.accepts(record));
    const entries = kept.map((record): PutEventsRequestEntry => {
      const resources = pipe.resources?.flatMap((r) => parameter(record, r) ?? []);
      return {
        EventBusName: pipe.eventBusName,
        Source: parameter(record, pipe.source) ?? `Pipe ${pipe.name}`,
        DetailType: parameter(record, pipe.detailType) ?? 'Event from aws:dynamodb',
        Detail: applyInputTemplate(pipe.inputTemplate, record),
        ...(resources && resources.length > 0 ? { Resources: resources } : {}),
      };
    });
    for (let i = 0; i < entries.length; i += 10) {
      let batch = entries
        .slice(i, i + 10)
        .map((entry, j) => ({ entry, record: kept[i + j] as StreamRecord }));
      for (let attempt = 0; batch.length > 0; attempt++) {
        let response: PutEventsResponse;
        try {
          response = this.options.putEvents(batch.map((b) => b.entry));
        } catch (error) {
          // the bus is not there (yet): wait and try again, never skip
          if (this.stopping) throw error;
          await sleep(200);
          continue;
        }
        const failed = batch.filter((_, j) => response.Entries?.[j]?.ErrorCode !== undefined);
        this.delivered += batch.length - failed.length;
        if (failed.length === 0) break;
        if (attempt >= (this.options.retryAttempts ?? 2)) {
          for (const { record, entry } of failed) {
            const error = response.Entries?.[batch.findIndex((b) => b.entry === entry)]?.ErrorMessage ?? '';
            this.deadLetters.push({ record, entry, error });
            console.error(`[local-cloud] pipe ${pipe.name}: the bus refused ${entry.DetailType}: ${error}`);
          }
          break;
        }
        batch = failed;
      }
    }
  }

  private async streamArn(): Promise<string> {
    const client = localDynamoDbClient(this.options.endpoint);
    try {
      const { Table } = await client.send(
        new DescribeTableCommand({ TableName: this.options.pipe.tableName }),
      );
      if (!Table?.LatestStreamArn) throw new Error(`table ${this.options.pipe.tableName} has no stream`);
      return Table.LatestStreamArn;
    } finally {
      client.destroy();
    }
  }

  private readCheckpoint(streamArn: string): Checkpoint {
    const file = this.options.checkpointFile;
    if (file !== undefined) {
      try {
        const saved = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
        // another stream (the table was created again): its positions mean nothing here
        if (saved.streamArn === streamArn) return saved;
      } catch {
        // none yet
      }
    }
    return { streamArn, shards: {} };
  }

  private saveCheckpoint(shardId: string, sequenceNumber: string): void {
    if (this.checkpoint === undefined) return;
    this.checkpoint.shards[shardId] = sequenceNumber;
    const file = this.options.checkpointFile;
    if (file === undefined) return;
    mkdirSync(dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(this.checkpoint));
    // a rename is atomic: a crash leaves the old position or the new one, never half of one
    renameSync(partial, file);
  }
}
