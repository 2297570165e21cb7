import { type Bar, barPanel, svgDocument } from './chart.ts';

/** The headline of a journey run, as bench/run.ts writes it in `figures`. */
interface JourneyFigures {
  figures: {
    transitions: { oneParcel: number; perExtraParcel: number };
    lambdaInvocations: { oneParcel: number; perExtraParcel: number };
    nodeCpuMsPerAllocatedOrder: number;
    dynamoDbCpuMsPerAllocatedOrder: number;
    ordersAllocatedPerSecC8: number;
    baseline: { healthNodeCpuMsPerRequest: number; healthPerSecC8: number };
    costPerMillionOrdersUsd: { oneParcel: number; perExtraParcel: number };
  };
  commit: { product: string };
  measuredAt: string;
  cost: { region: string; oneParcelOrder: { lines: { service: string; usdPerMillionOrders: number }[] } };
}

const beforeColour = '#9ca3af';
const nowColour = '#2563eb';

/** Bars of the before and current figures, side by side, plus the cost of a one-parcel order by service. */
export function renderComparisonChart(before: JourneyFigures | undefined, current: JourneyFigures): string {
  const pair = (label: string, pick: (r: JourneyFigures) => number): Bar[] => [
    ...(before
      ? [{ label, note: `before ${before.commit.product}`, value: pick(before), colour: beforeColour }]
      : []),
    {
      label: before ? '' : label,
      note: `now ${current.commit.product}`,
      value: pick(current),
      colour: nowColour,
    },
  ];
  const width = 1100;
  const panels: { title: string; axis: string; bars: Bar[]; format: (v: number) => string }[] = [
    {
      title: 'Standard state transitions and Lambda invocations per order',
      axis: 'count',
      bars: [
        ...pair('transitions, 1 parcel', (r) => r.figures.transitions.oneParcel),
        ...pair('transitions, extra parcel', (r) => r.figures.transitions.perExtraParcel),
        ...pair('invocations, 1 parcel', (r) => r.figures.lambdaInvocations.oneParcel),
        ...pair('invocations, extra parcel', (r) => r.figures.lambdaInvocations.perExtraParcel),
      ],
      format: (v) => v.toFixed(v < 10 ? 1 : 0),
    },
    {
      title: 'CPU per allocated order at concurrency 8 (median of rounds)',
      axis: 'ms of CPU',
      bars: [
        ...pair('Node (cloud process)', (r) => r.figures.nodeCpuMsPerAllocatedOrder),
        ...pair('DynamoDB Local (JVM)', (r) => r.figures.dynamoDbCpuMsPerAllocatedOrder),
        ...pair('Node per GET /health', (r) => r.figures.baseline.healthNodeCpuMsPerRequest),
      ],
      format: (v) => `${v.toFixed(v < 10 ? 1 : 0)} ms`,
    },
    {
      title: 'Throughput at concurrency 8 (median of rounds)',
      axis: 'per second',
      bars: [...pair('orders allocated/s', (r) => r.figures.ordersAllocatedPerSecC8)],
      format: (v) => v.toFixed(0),
    },
    {
      title: `USD per million orders at list prices (${current.cost.region})`,
      axis: 'USD',
      bars: [
        ...pair('one-parcel order', (r) => r.figures.costPerMillionOrdersUsd.oneParcel),
        ...pair('each extra parcel', (r) => r.figures.costPerMillionOrdersUsd.perExtraParcel),
        ...current.cost.oneParcelOrder.lines.map((line) => ({
          label: line.service.replace(/ \(.*\)$/, '').replace(' Standard', ''),
          note: 'now, one-parcel order',
          value: line.usdPerMillionOrders,
          colour: '#93c5fd',
        })),
      ],
      format: (v) => `$${v.toFixed(v < 10 ? 2 : 0)}`,
    },
  ];
  const body: string[] = [];
  let y = 80;
  for (const panel of panels) {
    const height = 36 + 50 + panel.bars.length * 34;
    body.push(
      barPanel({ x: 24, y, width: width - 48, height }, panel.title, panel.axis, panel.bars, panel.format),
    );
    y += height + 24;
  }
  const subtitle = before
    ? `before: ${before.measuredAt.slice(0, 10)} at ${before.commit.product}; now: ${current.measuredAt.slice(0, 10)} at ${current.commit.product}`
    : `${current.measuredAt.slice(0, 10)} at ${current.commit.product}`;
  return svgDocument(width, y, 'Relais order journey: figures', subtitle, body);
}
