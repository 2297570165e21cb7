import { BlockList, isIP } from 'node:net';

/**
 * EventBridge content filtering, as documented in the EventBridge user guide and implemented by
 * aws/event-ruler: fields are ANDed, the values of a field ORed; an event array matches when any
 * of its elements does, and fields matched inside objects of one array must come from the same
 * element ("array-consistent" matching).
 */

export class InvalidEventPattern extends Error {
  override readonly name = 'InvalidEventPatternException';
}

type Leaf = string | number | boolean | null;
type ValueTest = (value: Leaf) => boolean;

/** One field of a pattern: the values it accepts, and whether its absence is accepted. */
interface FieldTest {
  path: string;
  accepts: ValueTest[];
  acceptsAbsence: boolean;
}

/** A pattern with its `$or`s expanded: it matches when any alternative does, each an AND of fields. */
type Alternative = FieldTest[];

/** A leaf value of the event with the array elements it sits in (array id → index). */
interface EventValue {
  value: Leaf;
  trail: ReadonlyMap<number, number>;
}

const pathSeparator = '\u0000';

export function compileEventPattern(pattern: unknown): (event: unknown) => boolean {
  if (!isPlainObject(pattern)) throw new InvalidEventPattern('Event pattern must be a JSON object');
  const alternatives = compileObject(pattern, []);
  return (event) => {
    const values = flatten(event);
    return alternatives.some((alternative) => matchesAlternative(alternative, values));
  };
}

export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return compileEventPattern(pattern)(event);
}

function compileObject(pattern: Record<string, unknown>, path: string[]): Alternative[] {
  const keys = Object.keys(pattern);
  if (keys.length === 0) {
    throw new InvalidEventPattern(`Empty objects are not allowed (at ${describe(path)})`);
  }
  let alternatives: Alternative[] = [[]];
  for (const key of keys) {
    const value = pattern[key];
    let options: Alternative[];
    if (key === '$or' && isOrList(value)) {
      options = value.flatMap((branch) => compileObject(branch, path));
    } else if (Array.isArray(value)) {
      options = [[compileField(value, [...path, key])]];
    } else if (isPlainObject(value)) {
      options = compileObject(value, [...path, key]);
    } else {
      throw new InvalidEventPattern(`"${describe([...path, key])}" must be an object or an array`);
    }
    alternatives = alternatives.flatMap((left) => options.map((right) => [...left, ...right]));
  }
  return alternatives;
}

/** event-ruler reads `$or` as the OR primitive only for an array of two or more objects. */
function isOrList(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length >= 2 && value.every(isPlainObject);
}

function compileField(values: unknown[], path: string[]): FieldTest {
  if (values.length === 0) {
    throw new InvalidEventPattern(`Empty arrays are not allowed (at ${describe(path)})`);
  }
  const field: FieldTest = { path: path.join(pathSeparator), accepts: [], acceptsAbsence: false };
  for (const value of values) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      field.accepts.push(equals(value as Leaf));
      continue;
    }
    if (!isPlainObject(value)) throw new InvalidEventPattern(`Unsupported value in ${describe(path)}`);
    const entries = Object.entries(value);
    const [operator, operand] = entries[0] ?? [];
    if (entries.length !== 1 || operator === undefined) {
      throw new InvalidEventPattern(`A matcher in ${describe(path)} must have exactly one operator`);
    }
    if (operator === 'exists') {
      if (typeof operand !== 'boolean') throw new InvalidEventPattern('exists takes true or false');
      if (operand) field.accepts.push(() => true);
      else field.acceptsAbsence = true;
      continue;
    }
    field.accepts.push(compileMatcher(operator, operand, describe(path)));
  }
  return field;
}

function compileMatcher(operator: string, operand: unknown, where: string): ValueTest {
  switch (operator) {
    case 'prefix':
      return stringTest(operand, where, operator, (value, affix) => value.startsWith(affix));
    case 'suffix':
      return stringTest(operand, where, operator, (value, affix) => value.endsWith(affix));
    case 'equals-ignore-case':
      return ignoringCase(requireStrings(operand, where, operator), (value, expected) => value === expected);
    case 'wildcard': {
      const regexps = requireStrings(operand, where, operator).map(wildcardRegExp);
      return (value) => typeof value === 'string' && regexps.some((regexp) => regexp.test(value));
    }
    case 'anything-but':
      return anythingBut(operand, where);
    case 'numeric':
      return numeric(operand, where);
    case 'cidr':
      return cidr(operand, where);
    default:
      throw new InvalidEventPattern(`Unrecognized match type ${operator} in ${where}`);
  }
}

/** prefix and suffix take a string, or `{"equals-ignore-case": string}`. */
function stringTest(
  operand: unknown,
  where: string,
  operator: string,
  test: (value: string, affix: string) => boolean,
): ValueTest {
  if (typeof operand === 'string') return (value) => typeof value === 'string' && test(value, operand);
  if (isPlainObject(operand) && Object.keys(operand).length === 1 && 'equals-ignore-case' in operand) {
    return ignoringCase(requireStrings(operand['equals-ignore-case'], where, operator), test);
  }
  throw new InvalidEventPattern(`${operator} in ${where} takes a string`);
}

function ignoringCase(expected: string[], test: (value: string, expected: string) => boolean): ValueTest {
  const folded = expected.map((text) => text.toLowerCase());
  return (value) => typeof value === 'string' && folded.some((text) => test(value.toLowerCase(), text));
}

function anythingBut(operand: unknown, where: string): ValueTest {
  if (typeof operand === 'string' || typeof operand === 'number') return (value) => !equals(operand)(value);
  if (Array.isArray(operand)) {
    const allStrings = operand.every((item) => typeof item === 'string');
    const allNumbers = operand.every((item) => typeof item === 'number');
    if (operand.length === 0 || !(allStrings || allNumbers)) {
      throw new InvalidEventPattern(`anything-but in ${where} takes a list of only strings or only numbers`);
    }
    const excluded = operand.map((item) => equals(item as Leaf));
    return (value) => !excluded.some((test) => test(value));
  }
  if (isPlainObject(operand) && Object.keys(operand).length === 1) {
    const [operator, inner] = Object.entries(operand)[0] as [string, unknown];
    if (['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(operator)) {
      // each form only applies to strings: a number is not "anything but a prefix"
      const excluded = compileAnyOf(operator, inner, where);
      return (value) => typeof value === 'string' && !excluded(value);
    }
  }
  throw new InvalidEventPattern(`Unsupported anything-but in ${where}`);
}

/** anything-but accepts lists where the plain matchers take one string. */
function compileAnyOf(operator: string, operand: unknown, where: string): ValueTest {
  const tests = (Array.isArray(operand) ? operand : [operand]).map((item) =>
    compileMatcher(operator, item, where),
  );
  return (value) => tests.some((test) => test(value));
}

const comparisons: Record<string, (value: number, bound: number) => boolean> = {
  '=': (value, bound) => value === bound,
  '<': (value, bound) => value < bound,
  '<=': (value, bound) => value <= bound,
  '>': (value, bound) => value > bound,
  '>=': (value, bound) => value >= bound,
};

function numeric(operand: unknown, where: string): ValueTest {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw new InvalidEventPattern(`numeric in ${where} takes one or two [operator, number] pairs`);
  }
  const conditions: ((value: number) => boolean)[] = [];
  for (let index = 0; index < operand.length; index += 2) {
    const operator = operand[index];
    const bound = operand[index + 1];
    const compare = typeof operator === 'string' ? comparisons[operator] : undefined;
    if (!compare || typeof bound !== 'number' || !Number.isFinite(bound)) {
      throw new InvalidEventPattern(`Bad numeric condition ${JSON.stringify(operand)} in ${where}`);
    }
    conditions.push((value) => compare(value, bound));
  }
  return (value) => typeof value === 'number' && conditions.every((condition) => condition(value));
}

function cidr(operand: unknown, where: string): ValueTest {
  const [address = '', prefixText] = typeof operand === 'string' ? operand.split('/') : [];
  const version = isIP(address);
  const prefix = prefixText === undefined ? (version === 6 ? 128 : 32) : Number(prefixText);
  const family = version === 6 ? 'ipv6' : 'ipv4';
  if (version === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (version === 6 ? 128 : 32)) {
    throw new InvalidEventPattern(`cidr in ${where} takes an IPv4 or IPv6 CIDR block`);
  }
  const block = new BlockList();
  block.addSubnet(address, prefix, family);
  return (value) => typeof value === 'string' && isIP(value) === version && block.check(value, family);
}

/** `*` matches any run of characters; `\*` is a literal asterisk and `\\` a literal backslash. */
function wildcardRegExp(wildcard: string): RegExp {
  let source = '';
  for (let index = 0; index < wildcard.length; index++) {
    const char = wildcard[index] as string;
    if (char === '\\') {
      const next = wildcard[index + 1];
      if (next !== '*' && next !== '\\') {
        throw new InvalidEventPattern(`Invalid escape in wildcard ${wildcard}`);
      }
      source += `\\${next}`;
      index++;
    } else if (char === '*') {
      if (wildcard[index + 1] === '*') throw new InvalidEventPattern(`Consecutive wildcards in ${wildcard}`);
      source += '.*';
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function equals(expected: Leaf): ValueTest {
  return (value) => value === expected;
}

function requireStrings(operand: unknown, where: string, operator: string): string[] {
  const items = Array.isArray(operand) ? operand : [operand];
  if (items.length === 0 || !items.every((item) => typeof item === 'string')) {
    throw new InvalidEventPattern(`${operator} in ${where} takes a string`);
  }
  return items as string[];
}

/** Every leaf value of the event under its path, the way event-ruler flattens an event. */
function flatten(event: unknown): Map<string, EventValue[]> {
  const values = new Map<string, EventValue[]>();
  let arrays = 0;
  const walk = (node: unknown, path: string, trail: ReadonlyMap<number, number>) => {
    if (Array.isArray(node)) {
      const id = arrays++;
      for (const [index, element] of node.entries()) walk(element, path, new Map(trail).set(id, index));
    } else if (isPlainObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        walk(child, path === '' ? key : `${path}${pathSeparator}${key}`, trail);
      }
    } else if (node === null || ['string', 'number', 'boolean'].includes(typeof node)) {
      const list = values.get(path) ?? [];
      list.push({ value: node as Leaf, trail });
      values.set(path, list);
    }
  };
  walk(event, '', new Map());
  return values;
}

/** Each field needs a matching value (or its absence), and the values chosen must be array-consistent. */
function matchesAlternative(fields: Alternative, values: Map<string, EventValue[]>): boolean {
  const candidates: (EventValue[] | 'absent')[] = [];
  for (const field of fields) {
    const present = values.get(field.path) ?? [];
    if (present.length === 0 && field.acceptsAbsence) {
      candidates.push('absent');
      continue;
    }
    const matching = present.filter((entry) => field.accepts.some((accept) => accept(entry.value)));
    if (matching.length === 0) return false;
    candidates.push(matching);
  }
  const choose = (index: number, chosen: ReadonlyMap<number, number>): boolean => {
    if (index === candidates.length) return true;
    const options = candidates[index];
    if (options === 'absent' || options === undefined) return choose(index + 1, chosen);
    return options.some((option) => {
      for (const [array, position] of option.trail) {
        if (chosen.has(array) && chosen.get(array) !== position) return false;
      }
      return choose(index + 1, new Map([...chosen, ...option.trail]));
    });
  };
  return choose(0, new Map());
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(path: string[]): string {
  return path.length === 0 ? 'the pattern' : path.join('.');
}
