import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths.ts';

const placeholder = /\$\{([A-Za-z0-9_]+)\}/g;

/** The `${Name}` placeholders of an ASL definition, each once, in order of appearance. */
export function substitutionNames(definition: string): string[] {
  return [...new Set(Array.from(definition.matchAll(placeholder), (match) => match[1] ?? ''))];
}

export function readDefinition(file: string): string {
  return readFileSync(join(projectRoot, file), 'utf8');
}

/**
 * The substitutions one definition needs, picked from all that are available. A placeholder with no
 * value would deploy as a literal `${Name}` and only fail at run time, so it fails synth instead.
 */
export function substitutionsFor<T>(
  file: string,
  definition: string,
  available: ReadonlyMap<string, T>,
): Map<string, T> {
  const used = new Map<string, T>();
  const missing: string[] = [];
  for (const name of substitutionNames(definition)) {
    const value = available.get(name);
    if (value === undefined) missing.push(name);
    else used.set(name, value);
  }
  if (missing.length > 0) {
    throw new Error(`${file} uses \${...} placeholders with no substitution: ${missing.join(', ')}`);
  }
  return used;
}
