/**
 * The synthesized stack, for the local cloud and for tests.
 *
 * - `synthBundled()`: the cloud assembly with every function bundled (what `cdk deploy` uploads),
 *   in `cdk.out`. Skipped when nothing it depends on changed since the last run (a content hash of
 *   bin/, lib/, functions/, statemachines/ and the package files, stamped in `cdk.out`). It runs in
 *   a child process: CDK and its bundling output stay out of the local cloud's process and console.
 * - `synthTemplate()`: the template alone, without bundling (seconds instead of a bundle per
 *   function), cached on disk by the same hash. What tests read.
 *
 * `tsx local/synth.ts [--no-bundle] [--outdir <dir>]` synthesizes in this process (the child's job).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { projectRoot } from '../lib/paths.ts';
import type { CfnTemplate } from './template/intrinsics.ts';
import { listFunctions } from './template/resources.ts';

/** What the synthesized output depends on: a change under these re-synthesizes. */
const sourceDirs = ['bin', 'lib', 'functions', 'statemachines'];
const sourceFiles = ['cdk.json', 'package.json', 'package-lock.json', 'tsconfig.json'];
const stampFile = '.relais-synth.json';
const stackName = 'Relais';

export const defaultCdkOutDir = join(projectRoot, 'cdk.out');
const templateCacheDir = join(projectRoot, 'node_modules', '.cache', 'relais');

/**
 * Context the CDK CLI passes and a bare `App` lacks: the construct path and asset directory of each
 * resource in its metadata (the local cloud finds bundles and manifest entries by them).
 */
const cliContext = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true };

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !file.split('/').includes('node_modules'));
}

/** A content hash of everything the synthesized stack depends on (about 10 ms). */
export function sourceHash(root: string = projectRoot): string {
  const files = [
    ...sourceDirs.flatMap((dir) => listFiles(join(root, dir))),
    ...sourceFiles.map((f) => join(root, f)),
  ]
    .filter((file) => existsSync(file))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

interface Stamp {
  sourceHash: string;
  templateFile: string;
  templateSize: number;
  templateMtimeMs: number;
}

/** Synthesizes in this process and answers the template file's path. */
export async function synthInProcess(options: { bundle: boolean; outdir: string }): Promise<string> {
  const { buildApp } = await import('../lib/app.ts');
  const { app, stack } = buildApp({
    bundle: options.bundle,
    outdir: options.outdir,
    nag: false,
    context: cliContext,
  });
  const assembly = app.synth();
  return assembly.getStackArtifact(stack.artifactId).templateFullPath;
}

function readTemplate(file: string): CfnTemplate {
  return JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate;
}

/** The bundled assembly in `cdkOutDir` is the one the stamp describes, bundles included. */
function upToDate(
  cdkOutDir: string,
  hash: string,
): { templateFile: string; template: CfnTemplate } | undefined {
  try {
    const stamp = JSON.parse(readFileSync(join(cdkOutDir, stampFile), 'utf8')) as Stamp;
    if (stamp.sourceHash !== hash) return undefined;
    const templateFile = join(cdkOutDir, stamp.templateFile);
    const stat = statSync(templateFile);
    // something else (`cdk synth`) wrote the assembly since: trust only our own
    if (stat.size !== stamp.templateSize || stat.mtimeMs !== stamp.templateMtimeMs) return undefined;
    const template = readTemplate(templateFile);
    const bundlesPresent = listFunctions(template).every((fn) => {
      if (fn.assetDir === undefined) return true;
      const dir = isAbsolute(fn.assetDir) ? fn.assetDir : join(cdkOutDir, fn.assetDir);
      return existsSync(join(dir, 'index.mjs'));
    });
    return bundlesPresent ? { templateFile, template } : undefined;
  } catch {
    return undefined;
  }
}

export interface BundledSynth {
  cdkOutDir: string;
  templateFile: string;
  template: CfnTemplate;
  /** true when the existing assembly was up to date */
  cached: boolean;
  ms: number;
}

function executableOnPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * A PATH for the synth child in which `npx --no-install esbuild` (what CDK runs once per function)
 * starts the project's esbuild directly: npx's own start-up takes longer than esbuild's bundling,
 * about 0.35 s a function. The same binary builds the same bundles; any other npx call goes to npx.
 */
function fastEsbuildPath(shimDir: string): string | undefined {
  const path = process.env.PATH ?? '';
  const esbuild = join(projectRoot, 'node_modules', '.bin', 'esbuild');
  const npx = executableOnPath('npx', path);
  if (npx === undefined || !existsSync(esbuild)) return undefined;
  const shim = join(shimDir, 'npx');
  writeFileSync(
    shim,
    '#!/bin/sh\n' +
      `if [ "$1" = "--no-install" ] && [ "$2" = "esbuild" ]; then shift 2; exec ${JSON.stringify(esbuild)} "$@"; fi\n` +
      `exec ${JSON.stringify(npx)} "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return `${shimDir}${delimiter}${path}`;
}

function runChildSynth(outdir: string, verbose: boolean): Promise<void> {
  const shimDir = mkdtempSync(join(tmpdir(), 'relais-synth-bin-'));
  const path = fastEsbuildPath(shimDir);
  return new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--outdir', outdir],
      {
        cwd: projectRoot,
        stdio: verbose ? 'inherit' : ['ignore', 'pipe', 'pipe'],
        env: path === undefined ? process.env : { ...process.env, PATH: path },
      },
    );
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`synth failed (${signal ?? `exit ${code}`}):\n${output}`));
    });
  }).finally(() => rmSync(shimDir, { recursive: true, force: true }));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Half-built or replaced assemblies of synths that were killed before they could clean up. */
function removeLeftovers(cdkOutDir: string): void {
  const dir = dirname(cdkOutDir);
  const prefix = `${basename(cdkOutDir)}.`;
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const match = /^(?:building|old)-(\d+)$/.exec(name.slice(prefix.length));
    if (!name.startsWith(prefix) || match === null) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || !isRunning(pid)) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/** Keeps the newest few cached templates; every source change adds one. */
function pruneTemplateCache(keep: number): void {
  const files = readdirSync(templateCacheDir)
    .filter((name) => /^template-[0-9a-f]+\.json$/.test(name))
    .map((name) => ({ name, mtime: statSync(join(templateCacheDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { name } of files.slice(keep)) rmSync(join(templateCacheDir, name), { force: true });
}

/**
 * The bundled cloud assembly in `cdkOutDir` (default `cdk.out`), synthesized only when its sources
 * changed. The new assembly is built beside the old one and swapped in when complete.
 */
export async function synthBundled(
  options: { cdkOutDir?: string; force?: boolean; verbose?: boolean } = {},
): Promise<BundledSynth> {
  const started = performance.now();
  const cdkOutDir = options.cdkOutDir ?? defaultCdkOutDir;
  const hash = sourceHash();
  const current = options.force ? undefined : upToDate(cdkOutDir, hash);
  if (current !== undefined) {
    return { cdkOutDir, ...current, cached: true, ms: Math.round(performance.now() - started) };
  }

  // Built beside cdk.out, at the same depth, so the bundles' source maps stay right once moved;
  // stamped before the move, so a complete assembly and its stamp appear together.
  const building = `${cdkOutDir}.building-${process.pid}`;
  removeLeftovers(cdkOutDir);
  try {
    await runChildSynth(building, options.verbose ?? false);
    const builtTemplate = join(building, `${stackName}.template.json`);
    const stat = statSync(builtTemplate);
    const stamp: Stamp = {
      sourceHash: hash,
      templateFile: relative(building, builtTemplate),
      templateSize: stat.size,
      templateMtimeMs: stat.mtimeMs,
    };
    writeFileSync(join(building, stampFile), `${JSON.stringify(stamp, null, 2)}\n`);
    const old = `${cdkOutDir}.old-${process.pid}`;
    if (existsSync(cdkOutDir)) renameSync(cdkOutDir, old);
    try {
      renameSync(building, cdkOutDir);
    } catch (error) {
      // another synth swapped its assembly in meanwhile: the same sources make the same assembly
      const theirs = upToDate(cdkOutDir, hash);
      if (theirs === undefined) throw error;
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(building, { recursive: true, force: true });
  }

  const fresh = upToDate(cdkOutDir, hash);
  if (fresh === undefined) throw new Error(`${cdkOutDir} is not the assembly just synthesized`);
  return { cdkOutDir, ...fresh, cached: false, ms: Math.round(performance.now() - started) };
}

let memoized: { hash: string; template: Promise<CfnTemplate> } | undefined;

/**
 * The stack's template without bundling (asset paths point at the sources), for tests and tools.
 * Cached in this process and on disk (`node_modules/.cache/relais`) until a source changes.
 */
export function synthTemplate(): Promise<CfnTemplate> {
  const hash = sourceHash();
  if (memoized?.hash !== hash) memoized = { hash, template: synthTemplateUncached(hash) };
  return memoized.template;
}

async function synthTemplateUncached(hash: string): Promise<CfnTemplate> {
  const cached = join(templateCacheDir, `template-${hash.slice(0, 16)}.json`);
  if (existsSync(cached)) return readTemplate(cached);
  const outdir = join(tmpdir(), `relais-synth-${process.pid}-${Date.now()}`);
  try {
    const templateFile = await synthInProcess({ bundle: false, outdir });
    const text = readFileSync(templateFile, 'utf8');
    mkdirSync(templateCacheDir, { recursive: true });
    // written whole then renamed: a parallel test worker never reads half a file
    const partial = `${cached}.${process.pid}.tmp`;
    writeFileSync(partial, text);
    renameSync(partial, cached);
    pruneTemplateCache(5);
    return JSON.parse(text) as CfnTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: { 'no-bundle': { type: 'boolean', default: false }, outdir: { type: 'string' } },
  });
  const outdir = values.outdir ?? defaultCdkOutDir;
  const started = performance.now();
  synthInProcess({ bundle: !values['no-bundle'], outdir }).then(
    (templateFile) => {
      console.log(
        `synthesized ${relative(process.cwd(), templateFile)} in ${Math.round(performance.now() - started)} ms`,
      );
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
