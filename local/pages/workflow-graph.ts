/**
 * A workflow drawn as the Step Functions console draws an execution: the states of the ASL (a
 * Map's inner states inside it) laid out by elkjs, each coloured by what the execution's history
 * says of it: passed, waiting or running now, failed, or not reached.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import elkjs, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { escapeHtml } from './html.ts';

interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Next?: string }[];
  Catch?: { Next?: string; ErrorEquals?: string[] }[];
  ItemProcessor?: AslMachine;
  Iterator?: AslMachine;
  Branches?: AslMachine[];
}

interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
}

export type StateMark = 'passed' | 'current' | 'failed' | 'caught';

/** What one state's history shows: how often it was entered, left, or left by a Catch, and so its mark. */
export interface StateProgress {
  entered: number;
  exited: number;
  caught: number;
  mark: StateMark;
}

/** Which states each state's Catch leads to, and the Map or Parallel state each state sits in. */
function structureOf(machine: AslMachine, parent?: string) {
  const catchSources = new Map<string, string[]>();
  const parentOf = new Map<string, string>();
  const visit = (level: AslMachine, container: string | undefined) => {
    for (const [name, state] of Object.entries(level.States)) {
      if (container !== undefined) parentOf.set(name, container);
      for (const caught of state.Catch ?? []) {
        if (caught.Next === undefined) continue;
        catchSources.set(caught.Next, [...(catchSources.get(caught.Next) ?? []), name]);
      }
      const body = inner(state);
      if (body) visit(body, name);
      for (const branch of state.Branches ?? []) visit(branch, name);
    }
  };
  visit(machine, parent);
  return { catchSources, parentOf };
}

/**
 * Each state's progress from GetExecutionHistory (AWS's event shapes). A state entered and not
 * yet left is where the execution is now: a callback task waits there. History records no exit
 * for a state left by a Catch, so entering a Catch's target closes one open instance of a state
 * that catches into it (and whatever was still open inside it) as `caught`. When the execution
 * failed, the states still open are the failed ones.
 */
export function stateProgress(
  definition: string | object,
  events: readonly HistoryEvent[],
): Map<string, StateProgress> {
  const machine = (typeof definition === 'string' ? JSON.parse(definition) : definition) as AslMachine;
  const { catchSources, parentOf } = structureOf(machine);
  const progress = new Map<string, StateProgress>();
  const open = new Map<string, number>();
  const of = (name: string) => {
    let state = progress.get(name);
    if (!state) {
      state = { entered: 0, exited: 0, caught: 0, mark: 'current' };
      progress.set(name, state);
    }
    return state;
  };
  const isInside = (name: string, container: string): boolean => {
    for (let at = parentOf.get(name); at !== undefined; at = parentOf.get(at))
      if (at === container) return true;
    return false;
  };
  const closeCaught = (name: string) => {
    open.set(name, (open.get(name) ?? 1) - 1);
    of(name).caught += 1;
    for (const [inside, count] of open) {
      if (count > 0 && isInside(inside, name)) {
        open.set(inside, 0);
        of(inside).caught += count;
      }
    }
  };
  let executionFailed = false;
  for (const event of events) {
    const entered = event.stateEnteredEventDetails?.name;
    const exited = event.stateExitedEventDetails?.name;
    if (entered !== undefined && event.type?.endsWith('StateEntered')) {
      const source = (catchSources.get(entered) ?? []).find((name) => (open.get(name) ?? 0) > 0);
      if (source !== undefined) closeCaught(source);
      of(entered).entered += 1;
      open.set(entered, (open.get(entered) ?? 0) + 1);
      if (event.type === 'FailStateEntered') of(entered).mark = 'failed';
    }
    if (exited !== undefined && event.type?.endsWith('StateExited')) {
      of(exited).exited += 1;
      open.set(exited, Math.max(0, (open.get(exited) ?? 0) - 1));
    }
    if (['ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut'].includes(event.type ?? '')) {
      executionFailed = true;
    }
  }
  for (const [name, state] of progress) {
    if (state.mark === 'failed') continue;
    const stillOpen = (open.get(name) ?? 0) > 0;
    if (stillOpen) state.mark = executionFailed ? 'failed' : 'current';
    else state.mark = state.caught > 0 ? 'caught' : 'passed';
  }
  return progress;
}

const stateHeight = 34;
const charWidth = 7.4;
const padding = '[top=34,left=16,bottom=16,right=16]';

function nodeId(path: string[], name: string): string {
  return [...path, name].join('/');
}

function inner(state: AslState): AslMachine | undefined {
  return state.ItemProcessor ?? state.Iterator;
}

interface GraphBuild {
  node: ElkNode;
  /** state name → its node id, for marks and edges */
  ids: Map<string, string>;
  kinds: Map<string, { name: string; type: string }>;
  catches: Set<string>;
}

function buildLevel(machine: AslMachine, path: string[], build: GraphBuild, withTerminals: boolean): ElkNode {
  const children: ElkNode[] = [];
  const edges: ElkExtendedEdge[] = [];
  for (const name of Object.keys(machine.States)) build.ids.set(name, nodeId(path, name));
  const edge = (from: string, to: string | undefined, kind: 'next' | 'catch') => {
    const target = to === undefined ? undefined : build.ids.get(to);
    if (target === undefined) return;
    const id = `${from}->${target}#${edges.length}`;
    if (kind === 'catch') build.catches.add(id);
    edges.push({ id, sources: [from], targets: [target] });
  };
  if (withTerminals) {
    children.push({ id: 'Start', width: 54, height: 26 }, { id: 'End', width: 54, height: 26 });
    build.kinds.set('Start', { name: 'Start', type: 'Terminal' });
    build.kinds.set('End', { name: 'End', type: 'Terminal' });
    edge('Start', machine.StartAt, 'next');
  }
  for (const [name, state] of Object.entries(machine.States)) {
    const id = nodeId(path, name);
    build.kinds.set(id, { name, type: state.Type });
    const body = inner(state);
    if (body) {
      const nested = buildLevel(body, [...path, name], build, false);
      children.push({ ...nested, id, labels: [{ text: name }], layoutOptions: { 'elk.padding': padding } });
    } else {
      children.push({ id, width: Math.max(90, 24 + name.length * charWidth), height: stateHeight });
    }
    edge(id, state.Next, 'next');
    edge(id, state.Default, 'next');
    for (const choice of state.Choices ?? []) edge(id, choice.Next, 'next');
    for (const caught of state.Catch ?? []) edge(id, caught.Next, 'catch');
    const ends = state.End === true || state.Type === 'Succeed' || state.Type === 'Fail';
    if (withTerminals && ends) edges.push({ id: `${id}->End`, sources: [id], targets: ['End'] });
  }
  return { id: path.join('/') || 'root', children, edges };
}

export interface WorkflowDrawing {
  svg: string;
  width: number;
  height: number;
}

// a CommonJS module: its exports object is the constructor, and names it again as `default`
const elk = new elkjs.default();

function allNodes(node: ElkNode): ElkNode[] {
  return (node.children ?? []).flatMap((child) => [child, ...allNodes(child)]);
}

function allEdges(node: ElkNode): ElkExtendedEdge[] {
  return [...(node.edges ?? []), ...(node.children ?? []).flatMap(allEdges)];
}

function edgePath(edge: ElkExtendedEdge): string {
  return (edge.sections ?? [])
    .map((section) => {
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
      return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    })
    .join(' ');
}

/** The ASL (a definition as DescribeStateMachine answers it) laid out and drawn, states marked. */
export async function drawWorkflow(
  definition: string | object,
  progress: ReadonlyMap<string, StateProgress> = new Map(),
  executionEnded?: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT' | 'RUNNING' | string,
): Promise<WorkflowDrawing> {
  const machine = (typeof definition === 'string' ? JSON.parse(definition) : definition) as AslMachine;
  const build: GraphBuild = {
    node: { id: 'root' },
    ids: new Map(),
    kinds: new Map(),
    catches: new Set(),
  };
  const root = buildLevel(machine, [], build, true);
  const laid = await elk.layout({
    ...root,
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '34',
      'elk.spacing.nodeNode': '26',
      'elk.spacing.edgeNode': '14',
      'elk.padding': '[top=10,left=10,bottom=10,right=10]',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
    },
  });
  const width = Math.ceil(laid.width ?? 0);
  const height = Math.ceil(laid.height ?? 0);
  const parts: string[] = [];
  const nodes = allNodes(laid);
  // containers first, so that their inner states and edges draw on top
  for (const node of nodes.filter((n) => (n.children ?? []).length > 0)) {
    const kind = build.kinds.get(node.id);
    const mark = kind ? progress.get(kind.name)?.mark : undefined;
    parts.push(
      `<g class="state container ${mark ?? 'unreached'}" data-state="${escapeHtml(kind?.name ?? node.id)}">` +
        `<rect x="${node.x}" y="${node.y}" width="${node.width}" height="${node.height}" rx="8"/>` +
        `<text x="${(node.x ?? 0) + 12}" y="${(node.y ?? 0) + 21}">${escapeHtml(kind?.name ?? '')} ` +
        `<tspan class="type">${escapeHtml(kind?.type ?? '')}</tspan></text></g>`,
    );
  }
  for (const edge of allEdges(laid)) {
    const dashed = build.catches.has(edge.id) ? ' catch' : '';
    parts.push(`<path class="edge${dashed}" d="${edgePath(edge)}" marker-end="url(#arrow)"/>`);
  }
  for (const node of nodes.filter((n) => (n.children ?? []).length === 0)) {
    const kind = build.kinds.get(node.id) ?? { name: node.id, type: 'Task' };
    const x = node.x ?? 0;
    const y = node.y ?? 0;
    const w = node.width ?? 0;
    const h = node.height ?? 0;
    if (kind.type === 'Terminal') {
      const reached = kind.name === 'Start' || (executionEnded !== undefined && executionEnded !== 'RUNNING');
      const cls = !reached
        ? 'unreached'
        : executionEnded === 'SUCCEEDED' || kind.name === 'Start'
          ? 'passed'
          : 'failed';
      parts.push(
        `<g class="terminal ${cls}"><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${h / 2}"/>` +
          `<text x="${x + w / 2}" y="${y + h / 2 + 4}" text-anchor="middle">${kind.name}</text></g>`,
      );
      continue;
    }
    const state = progress.get(kind.name);
    const mark = state?.mark ?? 'unreached';
    const times = state && state.entered > 1 ? ` ×${state.entered}` : '';
    parts.push(
      `<g class="state ${mark}" data-state="${escapeHtml(kind.name)}" data-mark="${mark}">` +
        `<title>${escapeHtml(`${kind.name} (${kind.type}): ${mark}${times}`)}</title>` +
        `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="5"/>` +
        `<text x="${x + w / 2}" y="${y + h / 2 + 4}" text-anchor="middle">${escapeHtml(kind.name)}${times}</text></g>`,
    );
  }
  const svg =
    `<svg class="workflow" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}" role="img" aria-label="workflow graph">` +
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
    '<path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>' +
    `${parts.join('')}</svg>`;
  return { svg, width, height };
}
