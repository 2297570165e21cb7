import { readFileSync } from 'node:fs';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { drawWorkflow, stateProgress } from '../../local/pages/workflow-graph.ts';

const fulfilment = readFileSync('statemachines/fulfilment.asl.json', 'utf8');
const returns = readFileSync('statemachines/return.asl.json', 'utf8');

let id = 0;
const entered = (name: string, type = 'Task'): HistoryEvent => ({
  id: ++id,
  timestamp: new Date(),
  type: `${type}StateEntered` as HistoryEvent['type'],
  stateEnteredEventDetails: { name },
});
const exited = (name: string, type = 'Task'): HistoryEvent => ({
  id: ++id,
  timestamp: new Date(),
  type: `${type}StateExited` as HistoryEvent['type'],
  stateExitedEventDetails: { name },
});
const execution = (type: string): HistoryEvent => ({
  id: ++id,
  timestamp: new Date(),
  type: type as HistoryEvent['type'],
});

const marks = (progress: ReturnType<typeof stateProgress>) =>
  Object.fromEntries([...progress].map(([name, state]) => [name, state.mark]));

describe('stateProgress (GetExecutionHistory → marks)', () => {
  it('marks the states passed and the callback task the execution waits in', () => {
    const progress = stateProgress(fulfilment, [
      execution('ExecutionStarted'),
      entered('AllocateOrder'),
      exited('AllocateOrder'),
      entered('FulfilShipments', 'Map'),
      entered('PickPack'),
      exited('PickPack'),
      entered('DispatchCarrier'),
      exited('DispatchCarrier'),
      entered('TrackShipment'),
    ]);
    expect(marks(progress)).toEqual({
      AllocateOrder: 'passed',
      FulfilShipments: 'current',
      PickPack: 'passed',
      DispatchCarrier: 'passed',
      TrackShipment: 'current',
    });
  });

  it('closes a state left by its Catch as caught, and counts a Map state per iteration', () => {
    const progress = stateProgress(fulfilment, [
      entered('AllocateOrder'),
      exited('AllocateOrder'),
      entered('FulfilShipments', 'Map'),
      entered('PickPack'),
      entered('PickPack'),
      // the first iteration's location rejected: PickPack's Catch leads to ResourceShipment
      entered('ResourceShipment'),
      exited('ResourceShipment'),
      entered('PickPack'),
    ]);
    expect(progress.get('PickPack')).toMatchObject({ entered: 3, exited: 0, caught: 1, mark: 'current' });
    expect(progress.get('ResourceShipment')?.mark).toBe('passed');
  });

  it('marks what was open when the execution failed as failed, and what a Map Catch abandoned as caught', () => {
    const progress = stateProgress(fulfilment, [
      entered('AllocateOrder'),
      exited('AllocateOrder'),
      entered('FulfilShipments', 'Map'),
      entered('PickPack'),
      // the Map's Catch leads to Compensate: the Map and the task open inside it were abandoned
      entered('Compensate'),
      exited('Compensate'),
      entered('WasItAFailure', 'Choice'),
      exited('WasItAFailure', 'Choice'),
      entered('OrderFailed', 'Fail'),
      execution('ExecutionFailed'),
    ]);
    expect(marks(progress)).toMatchObject({
      FulfilShipments: 'caught',
      PickPack: 'caught',
      Compensate: 'passed',
      OrderFailed: 'failed',
    });
  });
});

describe('drawWorkflow (ASL → elkjs → SVG)', () => {
  it('draws every state of the fulfilment workflow, the Map inner states inside the Map', async () => {
    const { svg, width, height } = await drawWorkflow(fulfilment);
    const machine = JSON.parse(fulfilment);
    const inner = Object.keys(machine.States.FulfilShipments.ItemProcessor.States);
    for (const name of [...Object.keys(machine.States), ...inner])
      expect(svg).toContain(`data-state="${name}"`);
    expect(width).toBeGreaterThan(200);
    expect(height).toBeGreaterThan(300);
    // the Map container encloses its inner states
    const box = (name: string) => {
      const match = new RegExp(
        `data-state="${name}"[^>]*>(?:<title>[^<]*</title>)?<rect x="([\\d.]+)" y="([\\d.]+)" width="([\\d.]+)" height="([\\d.]+)"`,
      ).exec(svg);
      if (!match) throw new Error(`no box for ${name}`);
      const [x, y, w, h] = match.slice(1).map(Number) as [number, number, number, number];
      return { x, y, w, h };
    };
    const map = box('FulfilShipments');
    for (const name of inner) {
      const state = box(name);
      expect(state.x).toBeGreaterThanOrEqual(map.x);
      expect(state.y).toBeGreaterThanOrEqual(map.y);
      expect(state.x + state.w).toBeLessThanOrEqual(map.x + map.w);
      expect(state.y + state.h).toBeLessThanOrEqual(map.y + map.h);
    }
    expect(box('AllocateOrder').y).toBeLessThan(map.y);
  });

  it('puts each mark on its state and draws Catch edges dashed', async () => {
    const progress = stateProgress(returns, [entered('AwaitReturnReceipt')]);
    const { svg } = await drawWorkflow(returns, progress, 'RUNNING');
    expect(svg).toMatch(/class="state current" data-state="AwaitReturnReceipt" data-mark="current"/);
    expect(svg).toMatch(/class="state unreached" data-state="ProcessReturn"/);
    expect(svg).toContain('class="edge catch"');
  });
});
