/**
 * What the local cloud leaves open: while it runs, every socket it listens on (its own servers and
 * DynamoDB Local's JVM) is bound to the loopback interface, since none of them checks credentials
 * the way AWS does; once stopped, nothing, the JVM included. A file of its own: the cloud it stops
 * is the process's only one (the functions share `process.env`), and no other test depends on it
 * staying up.
 */
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { startLocalCloud } from '../../local/cloud.ts';
import { defaultCdkOutDir, synthTemplate } from '../../local/synth.ts';
import { isLoopback, listeningSockets } from '../support/sockets.ts';

function pidListeningOn(port: number): number | undefined {
  try {
    const out = execFileSync('pgrep', ['-f', `DynamoDBLocal.jar .*-port ${port}( |$)`])
      .toString()
      .trim();
    return Number(out.split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

it('listens on 127.0.0.1 only, and stops everything, DynamoDB Local included', async () => {
  const cloud = await startLocalCloud({
    template: await synthTemplate(),
    cdkOutDir: defaultCdkOutDir,
    inMemory: true,
    webhookSecret: 'cloud-test-secret',
    handlersFromSource: true,
  });
  try {
    const javaPid = pidListeningOn(Number(new URL(cloud.endpoints.dynamodb).port));
    expect(javaPid).toBeGreaterThan(0);
    const sockets = listeningSockets([process.pid, javaPid ?? 0]);
    const ports = Object.values(cloud.endpoints).map((endpoint) => Number(new URL(endpoint).port));
    // every endpoint is found among them, so that a socket the listing misses cannot pass unseen
    for (const port of [cloud.port, ...ports]) {
      expect(
        sockets.filter((socket) => socket.port === port),
        `port ${port} in ${JSON.stringify(sockets)}`,
      ).not.toEqual([]);
    }
    expect(sockets.filter((socket) => !isLoopback(socket.address))).toEqual([]);
    expect((await fetch(`${cloud.url}/health`)).status).toBe(200);
    await cloud.stop();
    await expect(fetch(`${cloud.url}/health`)).rejects.toThrow();
    expect(() => process.kill(javaPid ?? 0, 0)).toThrow();
  } finally {
    await cloud.stop();
  }
}, 180_000);
