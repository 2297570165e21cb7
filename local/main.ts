/**
 * `npm start`: synthesizes the stack (skipped when up to date), runs it on this machine, seeds the
 * demo network and starts the autopilot, then prints `Relais ready on http://127.0.0.1:<port>`.
 * SIGINT or SIGTERM stops everything (DynamoDB Local included) and exits 0.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../lib/paths.ts';
import { describeStatusEvent, type LocalCloud, startLocalCloud } from './cloud.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb.ts';
import { synthBundled } from './synth.ts';
import { maxOrdersPerMinute, type Traffic } from './traffic.ts';

const usage = `Usage: npm start -- [--seed demo|none] [--autopilot on|off] [--in-memory] [--traffic <n>] [--verbose] [--data-dir DIR]

  --seed demo|none     load the demo network of French warehouses, stores and stock (default demo)
  --autopilot on|off   simulated stores and carriers move orders along (default on)
  --in-memory          keep no data; otherwise it persists under .relais/
  --traffic <n>        place <n> demo orders a minute (default 0, off; the pages at / can change it)
  --data-dir DIR       where persisted data lives (default .relais/ in the project)
  --verbose            handler debug logs, one line per request, CDK output

Environment: PORT (default 3000), RELAIS_WEBHOOK_SECRET (default local-dev-secret),
RELAIS_API_TOKEN (when set, the API needs Authorization: Bearer <token>)`;

interface Settings {
  seed: 'demo' | 'none';
  autopilot: boolean;
  inMemory: boolean;
  trafficPerMinute: number;
  verbose: boolean;
  dataDir: string;
  port: number;
  webhookSecret: string;
  apiToken: string | undefined;
}

function settingsFrom(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      seed: { type: 'string', default: 'demo' },
      autopilot: { type: 'string', default: 'on' },
      'in-memory': { type: 'boolean', default: false },
      traffic: { type: 'string', default: '0' },
      verbose: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: join(projectRoot, '.relais') },
    },
  });
  if (values.seed !== 'demo' && values.seed !== 'none')
    throw new Error(`--seed must be demo or none, not ${values.seed}`);
  if (values.autopilot !== 'on' && values.autopilot !== 'off') {
    throw new Error(`--autopilot must be on or off, not ${values.autopilot}`);
  }
  const trafficPerMinute = Number(values.traffic);
  if (!/^\d+(\.\d+)?$/.test(values.traffic) || trafficPerMinute > maxOrdersPerMinute) {
    throw new Error(
      `--traffic must be a number of orders per minute from 0 to ${maxOrdersPerMinute}, not ${values.traffic}`,
    );
  }
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${env.PORT}`);
  return {
    seed: values.seed,
    autopilot: values.autopilot === 'on',
    inMemory: values['in-memory'],
    trafficPerMinute,
    verbose: values.verbose,
    dataDir: resolve(values['data-dir']),
    port,
    webhookSecret: env.RELAIS_WEBHOOK_SECRET || 'local-dev-secret',
    apiToken: env.RELAIS_API_TOKEN || undefined,
  };
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const progress = (line: string) => console.log(`[relais] ${line}`);

/** A process's parent and start time (to tell it from a later process with the same pid), from /proc. */
function processFacts(pid: number): { ppid: number; started: string; command: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name, which is in parentheses and may hold spaces
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { ppid: Number(fields[1]), started: fields[19] ?? '', command };
  } catch {
    return undefined;
  }
}

/**
 * Calls `onGone` when the process that launched us is gone. `npm start` runs `sh -c "tsx ..."`, and
 * a SIGTERM to npm ends npm and its shell without reaching tsx or us: without this, a stopped
 * `npm start` would leave the local cloud (and its JVM) running. Watches the launchers up to the
 * nearest npm, or the parent alone when npm is not among them. Linux only (/proc); a no-op elsewhere.
 */
function watchLaunchers(onGone: () => void): void {
  const isNpm = (command: string) => /(^|\/)npm(-cli\.js)?(\s|$)/.test(command);
  const chain: { pid: number; started: string }[] = [];
  let npmFound = false;
  for (let pid = process.ppid, depth = 0; depth < 4 && pid > 1; depth++) {
    const facts = processFacts(pid);
    if (facts === undefined) break;
    chain.push({ pid, started: facts.started });
    npmFound = isNpm(facts.command);
    if (npmFound) break;
    pid = facts.ppid;
  }
  const watched = npmFound ? chain : chain.slice(0, 1);
  if (watched.length === 0) return;
  const timer = setInterval(() => {
    if (watched.some((launcher) => processFacts(launcher.pid)?.started !== launcher.started)) {
      clearInterval(timer);
      onGone();
    }
  }, 1000);
  timer.unref();
}

/** Whether persisted data already holds a network: a restart must not reset its stock to the demo counts. */
async function hasNetwork(baseUrl: string, token: string | undefined): Promise<boolean> {
  const answer = await fetch(`${baseUrl}/locations`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const { items } = (await answer.json()) as { items?: unknown[] };
  return (items?.length ?? 0) > 0;
}

async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = settingsFrom(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    process.exit(2);
  }

  let dynamoDb: DynamoDbLocal | undefined;
  let dynamoDbStarting: Promise<DynamoDbLocal> | undefined;
  let cloud: LocalCloud | undefined;
  let autopilot: { stop(): void } | undefined;
  let traffic: Traffic | undefined;
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // a stuck stop must not keep the terminal: exiting kills DynamoDB Local (see dynamodb.ts)
    setTimeout(() => {
      console.error('[relais] stopping took too long: exiting');
      process.exit(1);
    }, 15_000).unref();
    traffic?.stop();
    autopilot?.stop();
    await cloud?.stop();
    // still starting when the signal came: wait for it, then stop it
    dynamoDb ??= await dynamoDbStarting?.catch(() => undefined);
    await dynamoDb?.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        // a second Ctrl-C: no more waiting
        process.exit(1);
      }
      progress(`${signal}: stopping`);
      void shutdown(0);
    });
  }
  watchLaunchers(() => {
    if (stopping) return;
    progress('the process that started this one is gone: stopping');
    void shutdown(0);
  });

  const started = performance.now();
  const { dataDir } = settings;
  try {
    // The JVM takes seconds to start: it starts while the stack synthesizes.
    const dynamoDbStartedAt = performance.now();
    dynamoDbStarting = startDynamoDbLocal({
      inMemory: settings.inMemory,
      dataDir: join(dataDir, 'dynamodb'),
    });
    dynamoDbStarting.then(
      () =>
        progress(`DynamoDB Local started (${seconds(Math.round(performance.now() - dynamoDbStartedAt))})`),
      () => {},
    );

    progress('synthesizing the stack (skipped when nothing changed)');
    const synth = await synthBundled({ verbose: settings.verbose });
    progress(
      `${synth.cached ? 'cloud assembly up to date' : 'stack synthesized and bundled'} (${seconds(synth.ms)})`,
    );
    dynamoDb = await dynamoDbStarting;
    if (stopping) return;

    cloud = await startLocalCloud({
      template: synth.template,
      cdkOutDir: synth.cdkOutDir,
      inMemory: settings.inMemory,
      dataDir,
      port: settings.port,
      ...(settings.apiToken ? { apiToken: settings.apiToken } : {}),
      webhookSecret: settings.webhookSecret,
      dynamoDb,
      logLevel: settings.verbose ? 'DEBUG' : 'WARN',
      onPhase: (phase, ms) => progress(`${phase} ready (${seconds(ms)})`),
      ...(settings.verbose ? { logRequest: (line: string) => progress(line) } : {}),
    });
    if (stopping) return;
    const { model } = cloud;
    progress(
      `${model.functions.length} functions, ${model.routes.length} routes, ${model.stateMachines.length} state machines, ` +
        `${model.rules.length} rules, ${model.tables.length} tables (${settings.inMemory ? 'in memory' : `data in ${dataDir}`})`,
    );
    cloud.bus.subscribe((event) => {
      const line = describeStatusEvent(event);
      if (line !== undefined) console.log(line);
    });

    if (settings.seed === 'demo' && (await hasNetwork(cloud.url, settings.apiToken))) {
      progress(`demo network already in ${dataDir}: kept as it is (delete it to start afresh)`);
    } else if (settings.seed === 'demo') {
      const seedStarted = performance.now();
      const { seedDemo } = await import('./seed.ts');
      const seeded = await seedDemo(cloud.url, settings.apiToken);
      progress(
        `demo network seeded: ${seeded.locations} locations, ${seeded.products} products, ${seeded.stockRows} stock rows ` +
          `(${seconds(Math.round(performance.now() - seedStarted))})`,
      );
    }
    if (stopping) return;
    if (settings.autopilot) {
      const { startAutopilot } = await import('./autopilot.ts');
      autopilot = startAutopilot({
        baseUrl: cloud.url,
        ...(settings.apiToken ? { token: settings.apiToken } : {}),
        webhookSecret: settings.webhookSecret,
        bus: cloud.bus,
        // the demo shows every ending now and then: a hold that expires, a partial cancel, a return
        noShowRate: 0.1,
        partialCancelRate: 0.05,
        returnRate: 0.1,
        ...(settings.verbose
          ? {
              logger: {
                info: (message, fields) =>
                  progress(`autopilot: ${message} ${fields ? JSON.stringify(fields) : ''}`),
                warn: (message, fields) => console.warn(`[autopilot] ${message}`, fields ?? ''),
              },
            }
          : {}),
      });
      progress('autopilot on: simulated stores and carriers answer');
    }
    if (settings.seed === 'demo') {
      const { startTraffic } = await import('./traffic.ts');
      traffic = startTraffic({
        baseUrl: cloud.url,
        token: settings.apiToken,
        perMinute: settings.trafficPerMinute,
      });
      cloud.pages.useTraffic(traffic);
      if (settings.trafficPerMinute > 0) {
        progress(`demo traffic: ${settings.trafficPerMinute} orders a minute (change it on the pages)`);
      }
    } else if (settings.trafficPerMinute > 0) {
      progress('--traffic needs the demo network (--seed demo): no demo orders placed');
    }
    progress(`started in ${seconds(Math.round(performance.now() - started))}; Ctrl-C stops`);
    progress(`operator's pages: ${cloud.url}/${settings.apiToken ? '?token=<RELAIS_API_TOKEN>' : ''}`);
    console.log(`Relais ready on ${cloud.url}`);
  } catch (error) {
    if (stopping) return;
    console.error('[relais] could not start:', error);
    await shutdown(1);
  }
}

await main();
