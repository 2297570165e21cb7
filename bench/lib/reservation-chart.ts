import { barPanel, svgDocument } from './chart.ts';

/** The medians the plot shows, from bench/results/reservations.json. */
export interface ReservationFigures {
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
export function reservationChart(f: ReservationFigures): string {
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
        `Stock lines per second · ratio (reserved lines / raw updates) ${f.ratio}`,
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
