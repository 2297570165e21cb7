import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** `local/main.ts` as `npm start` runs it (without npm and its shell in between, to signal it directly). */
function start(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'local/main.ts', ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
  });
}

function collect(child: ChildProcessWithoutNullStreams) {
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    out.stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    out.stderr += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { out, exit };
}

const running: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

describe('npm start flags', () => {
  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--seed', 'everything'], /--seed must be demo or none/],
    [['--autopilot', 'maybe'], /--autopilot must be on or off/],
    [['--traffic', 'fast'], /--traffic must be a number of orders per minute from 0 to 600, not fast/],
    [['--traffic', '601'], /--traffic must be a number of orders per minute from 0 to 600, not 601/],
    [['extra'], /positional/],
  ])(
    'refuses %j with the usage on stderr and exit code 2',
    async (args, message) => {
      const child = start(args);
      running.push(child);
      const { out, exit } = collect(child);
      expect(await exit).toBe(2);
      expect(out.stderr).toMatch(message);
      expect(out.stderr).toContain(
        'Usage: npm start -- [--seed demo|none] [--autopilot on|off] [--in-memory] [--traffic <n>] [--verbose]',
      );
      expect(out.stdout).not.toContain('Relais ready');
    },
    60_000,
  );

  it('refuses a PORT that is not a port', async () => {
    const child = start([], { PORT: 'http' });
    running.push(child);
    const { out, exit } = collect(child);
    expect(await exit).toBe(2);
    expect(out.stderr).toMatch(/PORT must be a port number/);
  }, 60_000);
});

describe('npm start lifecycle', () => {
  it('prints one ready line once it serves, and stops cleanly on SIGTERM with no DynamoDB Local left', async () => {
    const child = start(['--in-memory', '--seed', 'none', '--autopilot', 'off'], {
      PORT: '0',
      RELAIS_API_TOKEN: 'main-test-token',
    });
    running.push(child);
    const { out, exit } = collect(child);
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const match = /^Relais ready on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out.stdout);
        if (match?.[1]) resolve(match[1]);
      });
      void exit.then((code) =>
        reject(new Error(`exited with ${code} before ready:\n${out.stdout}\n${out.stderr}`)),
      );
    });
    expect(out.stdout.match(/Relais ready on/g)).toHaveLength(1);

    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/locations`)).status).toBe(401);
    const endpoints = (await (await fetch(`${url}/_local/endpoints`)).json()) as { dynamodb: string };
    const port = new URL(endpoints.dynamodb).port;
    const java = () => {
      try {
        return execFileSync('pgrep', ['-f', `DynamoDBLocal.jar .*-port ${port}( |$)`])
          .toString()
          .trim();
      } catch {
        return '';
      }
    };
    expect(java()).not.toBe('');

    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(java()).toBe('');
  }, 300_000);
});
