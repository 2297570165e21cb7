import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barPanel, svgDocument } from './chart.ts';
import { writePng } from './png.ts';

/** The medians the plot shows. */
interface ReservationFigures {
  clients: number;
  rounds: number;
  ordersPerVariant: number;
  oversold: number;
  machine: string;
  rawUpdatesPerSec: number;
  bareTransactionsPerSec: number;
  bareTransactionLinesPerSec: number;
  reservationsPerSec: number;
  reservedLinesPerSec: number;
  withoutCountersPerSec: number;
  withoutCountersLinesPerSec: number;
  linesPerOrder: number;
  ratio: number;
  ordersRatio: number;
  ratioToBareTransaction: number;
  cpu: { label: string; node: number; dynamodb: number }[];
}

/** Three panels: lines per second, orders per second, CPU per unit of work. */
function reservationChart(f: ReservationFigures): string {
  const whole = (v: number) => v.toFixed(0);
  const cpuBars = f.cpu.flatMap((c) => [
    { label: c.label, value: c.node, colour: '#ff7f0e', note: 'Node (this process)' },
    { label: c.label, value: c.dynamodb, colour: '#8c564b', note: 'DynamoDB Local (JVM)' },
  ]);
  return svgDocument(
    1100,
    1080,
    'Relais reservations on DynamoDB Local: allocateOrder against bare writes on the same rows',
    `${f.clients} concurrent clients · ${f.ordersPerVariant} orders per variant and round, median of ${f.rounds} rounds · oversold ${f.oversold} · ${f.machine}`,
    [
      barPanel(
        { x: 24, y: 80, width: 1052, height: 300 },
        `Stock lines per second · ratio (reserved lines / raw updates, within each round) ${f.ratio}`,
        'lines per second (median of rounds)',
        [
          {
            label: 'raw conditional updates',
            value: f.rawUpdatesPerSec,
            colour: '#7f7f7f',
            note: 'bare UpdateItem, one line each',
          },
          {
            label: 'bare transactions',
            value: f.bareTransactionLinesPerSec,
            colour: '#bcbd22',
            note: 'TransactWriteItems of the same shape',
          },
          {
            label: 'allocateOrder',
            value: f.reservedLinesPerSec,
            colour: '#1f77b4',
            note: `the use case · ratio ${f.ratio}`,
          },
          {
            label: 'allocateOrder',
            value: f.withoutCountersLinesPerSec,
            colour: '#9ecae1',
            note: 'no capacity counters',
          },
        ],
        whole,
      ),
      barPanel(
        { x: 24, y: 400, width: 1052, height: 260 },
        `Orders per second · allocateOrder / bare transactions ${f.ratioToBareTransaction} · / raw updates ${f.ordersRatio}`,
        'orders per second (median of rounds)',
        [
          {
            label: 'bare transactions',
            value: f.bareTransactionsPerSec,
            colour: '#bcbd22',
            note: 'the write alone',
          },
          {
            label: 'allocateOrder',
            value: f.reservationsPerSec,
            colour: '#2ca02c',
            note: `reads, sourcing, write · ${f.linesPerOrder} lines each`,
          },
          {
            label: 'allocateOrder',
            value: f.withoutCountersPerSec,
            colour: '#98df8a',
            note: 'no capacity counters',
          },
        ],
        whole,
      ),
      barPanel(
        { x: 24, y: 680, width: 1052, height: 380 },
        'CPU per unit of work, ms (2 cores shared by Node and the JVM)',
        'CPU ms per unit (median of rounds)',
        cpuBars,
        (v) => v.toFixed(1),
      ),
    ],
  );
}

type CpuMs = { node: number; dynamodb: number };
type Rates = {
  reservationsPerSec: number;
  reservedLinesPerSec: number;
  reservedLines: number;
  allocated: number;
};

/** What the plot reads from bench/results/reservations.json. */
export interface ReservationResult {
  clients: number;
  rounds: number;
  ordersPerVariant: number;
  oversold: number;
  ratio: number;
  reservationsPerRawUpdate: number;
  ratioToBareTransaction: number;
  machine: { cores: number; cpu: string };
  medians: {
    allocate: Rates & { cpuMsPerAllocatedOrder: CpuMs };
    withoutCapacityCounters: Rates;
    raw: { perSec: number; cpuMsPerUnit: CpuMs };
    bareTransaction: { perSec: number; linesPerSec: number; cpuMsPerUnit: CpuMs };
  };
}

/** reservations.svg and reservations.png in `resultsDir`, from a result (just measured, or read back). */
export function drawReservationCharts(result: ReservationResult, resultsDir: string): void {
  const { allocate, withoutCapacityCounters, raw, bareTransaction } = result.medians;
  const svg = reservationChart({
    clients: result.clients,
    rounds: result.rounds,
    ordersPerVariant: result.ordersPerVariant,
    oversold: result.oversold,
    machine: `${result.machine.cores} × ${result.machine.cpu}`,
    rawUpdatesPerSec: raw.perSec,
    bareTransactionsPerSec: bareTransaction.perSec,
    bareTransactionLinesPerSec: bareTransaction.linesPerSec,
    reservationsPerSec: allocate.reservationsPerSec,
    reservedLinesPerSec: allocate.reservedLinesPerSec,
    withoutCountersPerSec: withoutCapacityCounters.reservationsPerSec,
    withoutCountersLinesPerSec: withoutCapacityCounters.reservedLinesPerSec,
    linesPerOrder: Math.round((allocate.reservedLines / Math.max(1, allocate.allocated)) * 100) / 100,
    ratio: result.ratio,
    ordersRatio: result.reservationsPerRawUpdate,
    ratioToBareTransaction: result.ratioToBareTransaction,
    cpu: [
      { label: 'per allocateOrder', ...allocate.cpuMsPerAllocatedOrder },
      { label: 'per bare transaction', ...bareTransaction.cpuMsPerUnit },
      { label: 'per raw update', ...raw.cpuMsPerUnit },
    ],
  });
  writeFileSync(join(resultsDir, 'reservations.svg'), svg);
  writePng(svg, join(resultsDir, 'reservations.png'), 1400);
}
