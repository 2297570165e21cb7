import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as errorModule from '../../functions/shared/errors.ts';
import {
  AwaitingSupply,
  DomainError,
  eventRetryErrors,
  platformErrors,
  throttlingErrors,
  workflowErrors,
} from '../../functions/shared/errors.ts';
import { stepFunctions } from '../../lib/functions-manifest.ts';

// The state machines as data (STYLE.md: "ASL is data, tested as data"). Everything here reads the
// files as they are deployed; nothing runs them.

const root = fileURLToPath(new URL('../../', import.meta.url));
const machineDir = join(root, 'statemachines');

type Json = Record<string, unknown>;
interface Rule {
  ErrorEquals: string[];
  Next?: string;
  ResultPath?: string | null;
}
interface StateInfo {
  file: string;
  name: string;
  state: Json;
  /** the Map or Parallel state whose iterator or branch holds this state, if any */
  container?: { name: string; state: Json } | undefined;
}
interface Scope {
  file: string;
  where: string;
  startAt: string;
  states: Record<string, Json>;
}

const files = readdirSync(machineDir)
  .filter((f) => f.endsWith('.asl.json'))
  .sort();
const raw = new Map(files.map((f) => [f, readFileSync(join(machineDir, f), 'utf8')]));
const machines = new Map(files.map((f) => [f, JSON.parse(raw.get(f) ?? '') as Json]));

function walk(file: string, definition: Json, where: string, container?: StateInfo['container']) {
  const states = definition.States as Record<string, Json>;
  const scope: Scope = { file, where, startAt: definition.StartAt as string, states };
  const found: { states: StateInfo[]; scopes: Scope[] } = { states: [], scopes: [scope] };
  for (const [name, state] of Object.entries(states)) {
    found.states.push({ file, name, state, container });
    const inner: Json[] = [];
    if (state.Type === 'Map') inner.push((state.ItemProcessor ?? state.Iterator) as Json);
    if (state.Type === 'Parallel') inner.push(...(state.Branches as Json[]));
    for (const [i, processor] of inner.entries()) {
      const nested = walk(file, processor, `${where}/${name}${inner.length > 1 ? `[${i}]` : ''}`, {
        name,
        state,
      });
      found.states.push(...nested.states);
      found.scopes.push(...nested.scopes);
    }
  }
  return found;
}

const walked = [...machines].map(([file, definition]) => walk(file, definition, file));
const allStates = walked.flatMap((w) => w.states);
const allScopes = walked.flatMap((w) => w.scopes);
const tasks = allStates.filter((s) => s.state.Type === 'Task');
const rulesOf = (state: Json, kind: 'Retry' | 'Catch') => (state[kind] as Rule[] | undefined) ?? [];
const label = (s: StateInfo) => `${s.file}:${s.container ? `${s.container.name}/` : ''}${s.name}`;

const workflowErrorNames = Object.keys(workflowErrors);
const knownErrorNames = new Set<string>([...workflowErrorNames, ...platformErrors, ...throttlingErrors]);
const substitutions = new Set(stepFunctions.map((f) => f.substitution));
const placeholderOf = (value: unknown) => /^\$\{([A-Za-z0-9_]+)\}$/.exec(String(value))?.[1];

/** The manifest function a Task state invokes: its Resource, or the FunctionName of an invoke integration. */
function invokedSubstitution(state: Json): string | undefined {
  const parameters = (state.Parameters ?? {}) as Json;
  return placeholderOf(state.Resource) ?? placeholderOf(parameters.FunctionName);
}

describe('statemachines/*.asl.json', () => {
  it('holds the fulfilment and return machines, each parsing to a StartAt and States', () => {
    expect(files).toEqual(expect.arrayContaining(['fulfilment.asl.json', 'return.asl.json']));
    for (const [file, definition] of machines) {
      expect(typeof definition.StartAt, file).toBe('string');
      expect(Object.keys(definition.States as Json).length, file).toBeGreaterThan(0);
    }
    expect(tasks.map(label).sort()).toEqual(
      [
        'fulfilment.asl.json:AllocateOrder',
        'fulfilment.asl.json:AwaitSupply',
        'fulfilment.asl.json:Compensate',
        'fulfilment.asl.json:FulfilShipments/AwaitParcelBack',
        'fulfilment.asl.json:FulfilShipments/DispatchCarrier',
        'fulfilment.asl.json:FulfilShipments/ExpireHold',
        'fulfilment.asl.json:FulfilShipments/PickPack',
        'fulfilment.asl.json:FulfilShipments/ResolveIncident',
        'fulfilment.asl.json:FulfilShipments/ReportUnfilled',
        'fulfilment.asl.json:FulfilShipments/ResourceShipment',
        'fulfilment.asl.json:FulfilShipments/TrackShipment',
        'return.asl.json:AwaitReturnReceipt',
        'return.asl.json:ExpireReturn',
        'return.asl.json:ProcessReturn',
      ].sort(),
    );
  });

  it('is written in JSONPath without Assign (what aws-local-stepfunctions runs)', () => {
    for (const [file, definition] of machines)
      expect(definition.QueryLanguage ?? 'JSONPath', file).toBe('JSONPath');
    for (const s of allStates) {
      for (const field of ['QueryLanguage', 'Assign', 'Arguments', 'Output'])
        expect(s.state[field], `${label(s)}.${field}`).toBeUndefined();
    }
  });
});

describe('error names', () => {
  it('every ErrorEquals entry, in Retry and Catch at every depth, is a workflow error or a platform error', () => {
    const unknown: string[] = [];
    let count = 0;
    for (const s of allStates)
      for (const kind of ['Retry', 'Catch'] as const)
        for (const rule of rulesOf(s.state, kind)) {
          expect(rule.ErrorEquals.length, `${label(s)} ${kind}`).toBeGreaterThan(0);
          for (const name of rule.ErrorEquals) {
            count++;
            if (!knownErrorNames.has(name)) unknown.push(`${label(s)} ${kind}: ${name}`);
          }
        }
    expect(unknown).toEqual([]);
    // the nested Map states were reached, not only the top level
    expect(allStates.some((s) => s.container && rulesOf(s.state, 'Catch').length > 0)).toBe(true);
    expect(count).toBeGreaterThan(30);
  });

  it('every workflow error is a DomainError subclass whose instances are named by their key', () => {
    expect(workflowErrorNames.length).toBeGreaterThan(0);
    for (const [key, ErrorClass] of Object.entries(workflowErrors)) {
      expect(typeof ErrorClass, key).toBe('function');
      const error = new ErrorClass('boom');
      expect(error, key).toBeInstanceOf(DomainError);
      expect(error, key).toBeInstanceOf(Error);
      expect(error.name, key).toBe(key);
      expect(ErrorClass.name, key).toBe(key);
      expect(error.message).toBe('boom');
      expect(Number.isInteger(error.statusCode), key).toBe(true);
    }
  });

  it('no workflow error shares its name with a platform error', () => {
    for (const name of workflowErrorNames) expect(platformErrors as readonly string[]).not.toContain(name);
  });

  it('every workflow error is named by at least one Retry or Catch, but the faults that must fail loudly', () => {
    const named = new Set(
      allStates.flatMap((s) =>
        [...rulesOf(s.state, 'Retry'), ...rulesOf(s.state, 'Catch')].flatMap((r) => r.ErrorEquals),
      ),
    );
    expect(workflowErrorNames.filter((name) => !named.has(name))).toEqual(['IntegrityViolation']);
  });

  it('States.ALL stands alone and only in the last Retry or Catch entry', () => {
    for (const s of allStates)
      for (const kind of ['Retry', 'Catch'] as const) {
        const rules = rulesOf(s.state, kind);
        rules.forEach((rule, i) => {
          if (!rule.ErrorEquals.includes('States.ALL')) return;
          expect(rule.ErrorEquals, `${label(s)} ${kind}[${i}]`).toEqual(['States.ALL']);
          expect(i, `${label(s)} ${kind}: States.ALL at ${i} of ${rules.length}`).toBe(rules.length - 1);
        });
      }
  });

  it('every error class the use cases behind the steps throw is a workflow error (HTTP-only errors never come from a step)', () => {
    const httpOnly = Object.entries(errorModule)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof DomainError)
      .map(([name]) => name)
      .filter((name) => !workflowErrorNames.includes(name));
    expect(httpOnly).toContain('NotFound');
    // the modules of functions/app that the step and event handlers call
    // a use case behind an event handler may also throw an error that asks the bus to retry
    const useCases = new Map<string, string[]>();
    for (const dir of ['functions/steps', 'functions/events'])
      for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.ts')))
        for (const [, module] of readFileSync(join(root, dir, file), 'utf8').matchAll(
          /from '\.\.\/app\/([\w-]+)\.ts'/g,
        )) {
          const path = `functions/app/${module}.ts`;
          const allowed = dir === 'functions/events' ? Object.keys(eventRetryErrors) : [];
          useCases.set(path, [...(useCases.get(path) ?? []), ...workflowErrorNames, ...allowed]);
        }
    expect([...useCases.keys()]).toContain('functions/app/allocate-order.ts');
    expect([...useCases.keys()]).toContain('functions/app/notify-customer.ts');
    const mismatches: string[] = [];
    let thrown = 0;
    for (const [file, allowed] of useCases) {
      const source = readFileSync(join(root, file), 'utf8');
      for (const [, name] of source.matchAll(/throw new (\w+)\(/g)) {
        thrown++;
        if (!name || !allowed.includes(name))
          mismatches.push(`${file}: ${name}${httpOnly.includes(name ?? '') ? ' (HTTP-only)' : ''}`);
      }
    }
    expect(thrown).toBeGreaterThan(0);
    expect(mismatches).toEqual([]);
  });

  it('every error a callback is failed with (failTask) is a workflow error that a Catch names', () => {
    const caught = new Set(allStates.flatMap((s) => rulesOf(s.state, 'Catch').flatMap((r) => r.ErrorEquals)));
    const found: string[] = [];
    const dirs = ['functions/app'];
    for (const dir of dirs)
      for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.ts'))) {
        const source = readFileSync(join(root, dir, file), 'utf8');
        for (const [, name] of source.matchAll(/failTask\([^,]+,\s*'([^']+)'/g)) {
          found.push(name ?? '');
          expect(workflowErrorNames, `${dir}/${file}: ${name}`).toContain(name);
          expect(caught.has(name ?? ''), `${dir}/${file}: ${name} is caught somewhere`).toBe(true);
        }
      }
    expect(found).toEqual(expect.arrayContaining(['ShipmentRejected', 'OrderCancelled']));
  });
});

describe('Task states', () => {
  it('every Task has a Retry that covers Lambda service errors', () => {
    for (const s of tasks) {
      const retried = rulesOf(s.state, 'Retry').flatMap((r) => r.ErrorEquals);
      expect(retried.length, label(s)).toBeGreaterThan(0);
      for (const transient of ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'])
        expect(
          retried.includes(transient) || retried.includes('States.ALL'),
          `${label(s)} retries ${transient}`,
        ).toBe(true);
    }
  });

  it('every Task retries throttling with backoff before anything catches it', () => {
    for (const s of tasks) {
      const rules = rulesOf(s.state, 'Retry') as (Rule & { MaxAttempts?: number; BackoffRate?: number })[];
      const throttling = rules.find((r) => r.ErrorEquals.includes(throttlingErrors[0]));
      expect(throttling?.ErrorEquals, label(s)).toEqual([...throttlingErrors]);
      expect(throttling?.MaxAttempts, label(s)).toBeGreaterThanOrEqual(3);
      expect(throttling?.BackoffRate, label(s)).toBeGreaterThan(1);
    }
  });

  /**
   * Tasks whose failure must end the execution visibly (FAILED, so the failed-execution alarm fires)
   * rather than be handled: the return workflow's processing and expiry. A crash there is a fault
   * an operator must see, never a silent rejection of the customer's return.
   */
  const failVisibly = ['return.asl.json:ProcessReturn', 'return.asl.json:ExpireReturn'];

  it('every Task has a Catch, sits in a Map iterator whose Map catches States.ALL, or is meant to fail visibly', () => {
    const uncaught = tasks
      .filter((s) => {
        if (rulesOf(s.state, 'Catch').length > 0) return false;
        const map = s.container?.state;
        const mapCatchesAll =
          map?.Type === 'Map' && rulesOf(map, 'Catch').some((r) => r.ErrorEquals.includes('States.ALL'));
        return !mapCatchesAll;
      })
      .map(label);
    expect(uncaught.sort()).toEqual([...failVisibly].sort());
  });

  it('in the shipment iterator only the last-resort report leaves its errors to the Map', () => {
    const delegated = tasks.filter((s) => s.container && rulesOf(s.state, 'Catch').length === 0).map(label);
    expect(delegated).toEqual(['fulfilment.asl.json:FulfilShipments/ReportUnfilled']);
  });

  it('no state of the return workflow ends in Succeed after a failure (a crash is never a clean ending)', () => {
    const returnStates = allStates.filter((s) => s.file === 'return.asl.json');
    expect(returnStates.filter((s) => s.state.Type === 'Succeed').map(label)).toEqual([]);
    for (const s of returnStates)
      for (const rule of rulesOf(s.state, 'Catch'))
        expect(rule.ErrorEquals, label(s)).not.toContain('States.ALL');
  });

  it('every Catch keeps the input, putting the error under a path (so the next state still has its ids)', () => {
    for (const s of allStates)
      for (const rule of rulesOf(s.state, 'Catch')) {
        expect(typeof rule.ResultPath, `${label(s)} Catch ${rule.ErrorEquals}`).toBe('string');
        expect(rule.ResultPath, label(s)).not.toBe('$');
      }
  });

  it('every Task invokes a function of the manifest', () => {
    for (const s of tasks) expect(substitutions.has(invokedSubstitution(s.state) ?? ''), label(s)).toBe(true);
  });

  it('a callback task passes $$.Task.Token in its Payload and has a TimeoutSeconds (or takes one from its input)', () => {
    const callbacks = tasks.filter((s) => String(s.state.Resource).endsWith('.waitForTaskToken'));
    expect(callbacks.map((s) => s.name).sort()).toEqual(
      ['AwaitParcelBack', 'AwaitReturnReceipt', 'AwaitSupply', 'PickPack', 'TrackShipment'].sort(),
    );
    for (const s of callbacks) {
      expect(s.state.Resource, label(s)).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
      const payload = ((s.state.Parameters as Json | undefined)?.Payload ?? {}) as Json;
      const tokenFields = Object.entries(payload).filter(
        ([key, value]) => key.endsWith('.$') && value === '$$.Task.Token',
      );
      expect(tokenFields.length, `${label(s)} passes the task token`).toBe(1);
      if (typeof s.state.TimeoutSecondsPath === 'string') continue;
      expect(Number.isInteger(s.state.TimeoutSeconds), `${label(s)} TimeoutSeconds`).toBe(true);
      expect(s.state.TimeoutSeconds as number).toBeGreaterThan(0);
    }
  });

  it('no other task passes the task token (it would never be completed)', () => {
    for (const s of tasks)
      if (!String(s.state.Resource).endsWith('.waitForTaskToken'))
        expect(JSON.stringify(s.state), label(s)).not.toContain('$$.Task.Token');
  });
});

describe('substitutions', () => {
  const placeholders = (text: string) => [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1] ?? '');

  it('each $-brace placeholder is the substitution of a step function in the manifest', () => {
    for (const [file, text] of raw)
      for (const name of placeholders(text))
        expect(substitutions.has(name), `${file}: \${${name}}`).toBe(true);
  });

  it('each step function substitution is used by at least one ASL file', () => {
    const used = new Set([...raw.values()].flatMap(placeholders));
    expect([...substitutions].filter((name) => !used.has(name))).toEqual([]);
  });

  it('each step function entry exists', () => {
    for (const f of stepFunctions) expect(() => readFileSync(join(root, f.entry)), f.entry).not.toThrow();
  });
});

describe('transitions', () => {
  it('StartAt and every Next, Default and Catch Next point to a state of the same scope', () => {
    for (const scope of allScopes) {
      const names = new Set(Object.keys(scope.states));
      expect(names.has(scope.startAt), `${scope.where} StartAt ${scope.startAt}`).toBe(true);
      for (const [name, state] of Object.entries(scope.states)) {
        const targets = [
          state.Next,
          state.Default,
          ...((state.Choices as Json[] | undefined) ?? []).map((c) => c.Next),
          ...rulesOf(state, 'Catch').map((r) => r.Next),
        ].filter((t) => t !== undefined);
        for (const target of targets)
          expect(names.has(String(target)), `${scope.where}/${name} -> ${String(target)}`).toBe(true);
      }
    }
  });

  it('every state other than Choice, Succeed and Fail either ends or has a Next', () => {
    for (const s of allStates) {
      if (['Choice', 'Succeed', 'Fail'].includes(String(s.state.Type))) continue;
      expect(s.state.End === true || typeof s.state.Next === 'string', label(s)).toBe(true);
      expect(s.state.End === true && s.state.Next !== undefined, label(s)).toBe(false);
    }
  });

  it('every state is reachable from StartAt', () => {
    for (const scope of allScopes) {
      const seen = new Set<string>();
      const queue = [scope.startAt];
      while (queue.length > 0) {
        const name = queue.pop() as string;
        if (seen.has(name)) continue;
        seen.add(name);
        const state = scope.states[name] ?? {};
        queue.push(
          ...[
            state.Next,
            state.Default,
            ...((state.Choices as Json[] | undefined) ?? []).map((c) => c.Next),
            ...rulesOf(state, 'Catch').map((r) => r.Next),
          ]
            .filter((t) => t !== undefined)
            .map(String),
        );
      }
      expect(
        Object.keys(scope.states).filter((n) => !seen.has(n)),
        scope.where,
      ).toEqual([]);
    }
  });
});

describe('the workflows of DESIGN §2', () => {
  const statesOf = (file: string) =>
    new Map(allStates.filter((s) => s.file === file).map((s) => [s.name, s]));

  it('fulfilment runs AllocateOrder, then PickPack, DispatchCarrier, TrackShipment per shipment, each with its own function', () => {
    const states = statesOf('fulfilment.asl.json');
    for (const step of [
      'AllocateOrder',
      'PickPack',
      'DispatchCarrier',
      'TrackShipment',
      'ResourceShipment',
    ]) {
      const s = states.get(step);
      expect(s?.state.Type, step).toBe('Task');
      const expected = stepFunctions.find((f) => f.id === step)?.substitution;
      expect(invokedSubstitution(s?.state ?? {}), step).toBe(expected);
    }
    expect(machines.get('fulfilment.asl.json')?.StartAt).toBe('AllocateOrder');
  });

  it('fulfilment picks, dispatches and tracks per shipment, inside the Map', () => {
    const states = statesOf('fulfilment.asl.json');
    for (const step of ['PickPack', 'DispatchCarrier', 'TrackShipment', 'ResourceShipment', 'ReportUnfilled'])
      expect(states.get(step)?.container?.state.Type, step).toBe('Map');
  });

  it('the happy path of a one-parcel order is 5 states: AllocateOrder, the Map, PickPack, DispatchCarrier, TrackShipment', () => {
    const states = statesOf('fulfilment.asl.json');
    const path: string[] = [];
    let name: string | undefined = machines.get('fulfilment.asl.json')?.StartAt as string;
    while (name) {
      path.push(name);
      const state = states.get(name)?.state ?? {};
      if (state.Type === 'Map') {
        const processor = state.ItemProcessor as {
          StartAt: string;
          States: Record<string, Record<string, unknown>>;
        };
        let inner: string | undefined = processor.StartAt;
        while (inner) {
          path.push(inner);
          inner = processor.States[inner]?.Next as string | undefined;
        }
      }
      name = state.Next as string | undefined;
    }
    expect(path).toEqual([
      'AllocateOrder',
      'FulfilShipments',
      'PickPack',
      'DispatchCarrier',
      'TrackShipment',
    ]);
  });

  it('an allocation that fails goes to compensation; a shipment that fails goes to re-sourcing, not the whole order', () => {
    const states = statesOf('fulfilment.asl.json');
    const allocate = rulesOf(states.get('AllocateOrder')?.state ?? {}, 'Catch');
    expect(allocate.find((r) => r.ErrorEquals.includes('States.ALL'))?.Next).toBe('Compensate');
    for (const step of ['PickPack', 'DispatchCarrier']) {
      const catches = rulesOf(states.get(step)?.state ?? {}, 'Catch');
      expect(catches.find((r) => r.ErrorEquals.includes('States.ALL'))?.Next, step).toBe('ResourceShipment');
      // a cancellation is the order's: it leaves the shipment's iteration for the Map's compensation
      expect(catches.find((r) => r.ErrorEquals.includes('OrderCancelled'))?.Next, step).toBe(
        'ShipmentCancelled',
      );
    }
    const resource = rulesOf(states.get('ResourceShipment')?.state ?? {}, 'Catch');
    expect(resource.find((r) => r.ErrorEquals.includes('NoSourcingPlan'))?.Next).toBe('ReportUnfilled');
    expect(states.get('ShipmentCancelled')?.state).toMatchObject({ Type: 'Fail', Error: 'OrderCancelled' });
  });

  it('a pick rejection or timeout re-sources the shipment', () => {
    const pick = statesOf('fulfilment.asl.json').get('PickPack')?.state ?? {};
    const rule = rulesOf(pick, 'Catch').find((r) => r.ErrorEquals.includes('ShipmentRejected'));
    expect(rule?.ErrorEquals).toContain('States.Timeout');
    expect(rule?.Next).toBe('ResourceShipment');
  });

  it('a backorder is caught by name and waits for its supply, then allocates again; a cancellation compensates', () => {
    const states = statesOf('fulfilment.asl.json');
    const allocate = rulesOf(states.get('AllocateOrder')?.state ?? {}, 'Catch');
    const caught = allocate.find((r) => r.ErrorEquals.includes('AwaitingSupply'));
    // before States.ALL, or a backorder would be compensated as a failure
    expect(allocate.indexOf(caught as (typeof allocate)[number])).toBe(0);
    const path: string[] = [];
    for (let name = caught?.Next; name && !path.includes('AllocateOrder'); ) {
      path.push(name);
      name = states.get(name)?.state.Next as string | undefined;
    }
    expect(path).toEqual(['ReadBackorder', 'ReadBackorderWait', 'AwaitSupply', 'AllocateOrder']);
    const wait = states.get('AwaitSupply')?.state ?? {};
    expect(wait.TimeoutSecondsPath).toBe('$.backorder.wait.waitSeconds');
    const catches = rulesOf(wait, 'Catch');
    expect(catches.find((r) => r.ErrorEquals.includes('OrderCancelled'))?.Next).toBe('Compensate');
    expect(catches.find((r) => r.ErrorEquals.includes('States.Timeout'))?.Next).toBe('AllocateOrder');
    // the Pass states read what the error's message says, as Lambda reports it
    const cause = JSON.stringify({
      errorType: 'AwaitingSupply',
      errorMessage: AwaitingSupply.waiting(3600).message,
    });
    expect(JSON.parse(JSON.parse(cause).errorMessage)).toEqual({ waitSeconds: 3600 });
  });

  it('an incident on the way is caught by name: a parcel that will not arrive is replaced, one sent back awaited', () => {
    const states = statesOf('fulfilment.asl.json');
    const track = rulesOf(states.get('TrackShipment')?.state ?? {}, 'Catch');
    expect(track.find((r) => r.ErrorEquals.includes('ShipmentLost'))?.Next).toBe('ResolveIncident');
    expect(track.find((r) => r.ErrorEquals.includes('ShipmentReturning'))?.Next).toBe('AwaitParcelBack');
    // a delivery wait that times out is an incident of that shipment, not a failure of the order
    const timeout = track.find((r) => r.ErrorEquals.includes('States.Timeout'));
    const choice = states.get(timeout?.Next ?? '')?.state ?? {};
    expect(choice.Type).toBe('Choice');
    expect(choice.Choices).toEqual([
      expect.objectContaining({
        Variable: '$.dispatch.stage',
        StringEquals: 'delivery',
        Next: 'ResolveIncident',
      }),
    ]);
    const resolve = states.get('ResolveIncident')?.state ?? {};
    expect(invokedSubstitution(resolve)).toBe('ShipmentIncidentFunctionArn');
    expect(resolve.ResultPath).toBe('$.shipment');
    const reshipped = states.get(String(resolve.Next))?.state ?? {};
    expect(reshipped).toMatchObject({ Type: 'Choice', Default: 'PickPack' });
    const back = states.get('AwaitParcelBack')?.state ?? {};
    expect(invokedSubstitution(back)).toBe('ShipmentIncidentFunctionArn');
    expect(rulesOf(back, 'Catch')).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.Timeout'], Next: 'ResolveIncident' }),
    ]);
  });

  it('the arrival wait is as long as the dispatch step says (delivery or collection)', () => {
    const track = statesOf('fulfilment.asl.json').get('TrackShipment')?.state ?? {};
    expect(track.TimeoutSecondsPath).toBe('$.dispatch.waitSeconds');
    expect(track.TimeoutSeconds).toBeUndefined();
  });

  it('return waits for the parcel, then processes it, on the Return function', () => {
    const states = statesOf('return.asl.json');
    const returnArn = stepFunctions.find((f) => f.id === 'Return')?.substitution;
    expect(returnArn).toBe('ReturnFunctionArn');
    expect(machines.get('return.asl.json')?.StartAt).toBe('AwaitReturnReceipt');
    for (const step of ['AwaitReturnReceipt', 'ProcessReturn', 'ExpireReturn']) {
      const s = states.get(step);
      expect(s?.state.Type, step).toBe('Task');
      expect(invokedSubstitution(s?.state ?? {}), step).toBe(returnArn);
    }
    expect(states.get('AwaitReturnReceipt')?.state.Next).toBe('ProcessReturn');
    const expiry = rulesOf(states.get('AwaitReturnReceipt')?.state ?? {}, 'Catch');
    expect(expiry).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.Timeout'], Next: 'ExpireReturn' }),
    ]);
  });
});
