/**
 * Stopping the local cloud stops everything it started, DynamoDB Local's JVM included. A file of
 * its own: the cloud it stops is the process's only one (the functions share `process.env`), and
 * no other test depends on it staying up.
 */
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { startLocalCloud } from '../../local/cloud.ts';
import { defaultCdkOutDir, synthTemplate } from '../../local/synth.ts';

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

it('stops everything, DynamoDB Local included', async () => {
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
    expect((await fetch(`${cloud.url}/health`)).status).toBe(200);
    await cloud.stop();
    await expect(fetch(`${cloud.url}/health`)).rejects.toThrow();
    expect(() => process.kill(javaPid ?? 0, 0)).toThrow();
  } finally {
    await cloud.stop();
  }
}, 180_000);
