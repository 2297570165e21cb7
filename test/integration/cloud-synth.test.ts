import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceHash, synthBundled } from '../../local/synth.ts';
import { listFunctions } from '../../local/template/resources.ts';

const dir = mkdtempSync(join(tmpdir(), 'relais-synth-test-'));
const cdkOutDir = join(dir, 'cdk.out');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('synthBundled', () => {
  it('bundles every function once, then reuses the assembly while the sources are unchanged', async () => {
    // what a synth killed half-way leaves behind (no process has that pid)
    mkdirSync(`${cdkOutDir}.building-999999999`, { recursive: true });

    const first = await synthBundled({ cdkOutDir });
    expect(first.cached).toBe(false);
    const functions = listFunctions(first.template);
    expect(functions.length).toBeGreaterThan(20);
    for (const fn of functions) {
      expect(fn.assetDir, fn.logicalId).toMatch(/^asset\.[0-9a-f]{64}$/);
      const bundle = readFileSync(join(cdkOutDir, fn.assetDir ?? '', 'index.mjs'), 'utf8');
      expect(bundle.length, fn.logicalId).toBeGreaterThan(100);
    }
    const stamp = JSON.parse(readFileSync(join(cdkOutDir, '.relais-synth.json'), 'utf8'));
    expect(stamp.sourceHash).toBe(sourceHash());
    expect(existsSync(`${cdkOutDir}.building-999999999`)).toBe(false);
    expect(existsSync(`${cdkOutDir}.building-${process.pid}`)).toBe(false);

    const second = await synthBundled({ cdkOutDir });
    expect(second.cached).toBe(true);
    expect(second.ms).toBeLessThan(1000);
    expect(second.template).toEqual(first.template);
  }, 300_000);

  it('hashes the sources the same way twice, in milliseconds', () => {
    const started = performance.now();
    expect(sourceHash()).toBe(sourceHash());
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
