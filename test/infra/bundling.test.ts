import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/paths.ts';
import { pdfkitFontsHook } from '../../lib/relais-function.ts';

// The hook runs in the shell CDK's local bundling uses; run it the same way on a fake bundle.
function runAfterBundling(bundle: string): string {
  const outputDir = mkdtempSync(join(tmpdir(), 'relais-bundle-'));
  writeFileSync(join(outputDir, 'index.mjs'), bundle);
  for (const command of pdfkitFontsHook.afterBundling(projectRoot, outputDir)) {
    execFileSync('bash', ['-c', command]);
  }
  return outputDir;
}

describe('bundles that contain pdfkit', () => {
  it("can resolve pdfkit's standard fonts next to index.mjs", () => {
    const outputDir = runAfterBundling('const f=()=>require$1("#standard-fonts/Helvetica");');
    const packageJson = JSON.parse(readFileSync(join(outputDir, 'package.json'), 'utf8')) as {
      imports: Record<string, string>;
    };
    const target = packageJson.imports['#standard-fonts/*'] ?? '';
    expect(existsSync(join(outputDir, target.replace('*', 'Helvetica')))).toBe(true);
    expect(existsSync(join(outputDir, target.replace('*', 'TimesRoman')))).toBe(true);
  });

  it('leave every other bundle untouched', () => {
    const outputDir = runAfterBundling('export const handler = async () => ({});');
    expect(existsSync(join(outputDir, 'package.json'))).toBe(false);
    expect(existsSync(join(outputDir, 'pdfkit-standard-fonts'))).toBe(false);
  });
});
