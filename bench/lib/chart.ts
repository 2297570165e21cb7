import { ascending, quantile } from './stats.ts';

/**
 * Small hand-written SVG charts for the benchmark reports: an empirical CDF on a log axis (latency),
 * a strip plot of per-instance values with mean and max (cost gaps), and horizontal bars (throughput).
 * Each panel is a fragment placed in a document at (x, y); `svgDocument` wraps them with a title.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const font = "font-family='DejaVu Sans, Arial, sans-serif'";
const axisColour = '#444';
const gridColour = '#e4e4e4';

export function xml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function text(
  x: number,
  y: number,
  content: string,
  options: { size?: number; anchor?: 'start' | 'middle' | 'end'; colour?: string; weight?: string } = {},
): string {
  const { size = 13, anchor = 'start', colour = '#222', weight = 'normal' } = options;
  return `<text x='${x.toFixed(1)}' y='${y.toFixed(1)}' ${font} font-size='${size}' font-weight='${weight}' text-anchor='${anchor}' fill='${colour}'>${xml(content)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, colour: string, width = 1, dash = ''): string {
  const dashing = dash ? ` stroke-dasharray='${dash}'` : '';
  return `<line x1='${x1.toFixed(1)}' y1='${y1.toFixed(1)}' x2='${x2.toFixed(1)}' y2='${y2.toFixed(1)}' stroke='${colour}' stroke-width='${width}'${dashing}/>`;
}

export function svgDocument(width: number, height: number, title: string, subtitle: string, body: string[]) {
  return [
    `<svg xmlns='http://www.w3.org/2000/svg' width='${width}' height='${height}' viewBox='0 0 ${width} ${height}'>`,
    `<rect width='${width}' height='${height}' fill='#ffffff'/>`,
    text(24, 34, title, { size: 20, weight: 'bold' }),
    text(24, 56, subtitle, { size: 12.5, colour: '#555' }),
    ...body,
    '</svg>',
  ].join('\n');
}

/** 1, 2, 5 × powers of ten within [low, high]. */
function logTicks(low: number, high: number): number[] {
  const found: number[] = [];
  for (let power = Math.floor(Math.log10(low)); power <= Math.ceil(Math.log10(high)); power++) {
    for (const step of [1, 2, 5]) {
      const value = step * 10 ** power;
      if (value >= low * 0.999 && value <= high * 1.001) found.push(value);
    }
  }
  return found;
}

/** Round steps for a linear axis from 0 (or below) to high. */
function linearTicks(low: number, high: number, count = 6): number[] {
  const span = Math.max(1e-9, high - low);
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw) as number;
  const ticks: number[] = [];
  for (let v = Math.ceil(low / step) * step; v < high + step - step * 1e-6; v += step)
    ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

function tickLabelMs(ms: number): string {
  if (ms >= 1000) return `${ms / 1000} s`;
  return `${ms} ms`;
}

export interface CdfSeries {
  label: string;
  colour: string;
  /** milliseconds */
  samples: readonly number[];
  dash?: string;
}

export interface Marker {
  value: number;
  label: string;
  colour?: string;
}

/** Empirical CDFs on a log-scale time axis, with p50/p99 read out in the legend and optional targets. */
export function cdfPanel(box: Box, title: string, series: readonly CdfSeries[], markers: Marker[] = []) {
  const legendRows = Math.ceil(series.length / 2);
  const plot = {
    x: box.x + 62,
    y: box.y + 36,
    width: box.width - 84,
    height: box.height - 36 - 52 - legendRows * 20,
  };
  const all = series.flatMap((s) => s.samples).filter((v) => v > 0);
  const values = [...all, ...markers.map((m) => m.value)];
  const steps = [1, 2, 5, 10];
  const lowPower = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const highPower = 10 ** Math.floor(Math.log10(Math.max(...values)));
  const low = lowPower * ([...steps].reverse().find((m) => m * lowPower <= Math.min(...values)) ?? 1);
  const high = highPower * (steps.find((m) => m * highPower >= Math.max(...values)) ?? 10);
  const xOf = (v: number) =>
    plot.x +
    ((Math.log10(Math.max(v, low)) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * plot.width;
  const yOf = (share: number) => plot.y + plot.height - share * plot.height;
  const parts: string[] = [text(box.x, box.y + 16, title, { size: 15, weight: 'bold' })];

  for (const tick of logTicks(low, high)) {
    const major = Math.abs(Math.log10(tick) - Math.round(Math.log10(tick))) < 1e-9;
    parts.push(line(xOf(tick), plot.y, xOf(tick), plot.y + plot.height, major ? '#d0d0d0' : gridColour));
    parts.push(text(xOf(tick), plot.y + plot.height + 18, tickLabelMs(tick), { size: 11, anchor: 'middle' }));
  }
  for (const share of [0, 0.25, 0.5, 0.75, 0.99, 1]) {
    const dashed = share === 0.5 || share === 0.99;
    parts.push(
      line(
        plot.x,
        yOf(share),
        plot.x + plot.width,
        yOf(share),
        dashed ? '#bbb' : gridColour,
        1,
        dashed ? '4 3' : '',
      ),
    );
    if (share === 1) continue;
    const label = share === 0.99 ? 'p99' : share === 0.5 ? 'p50' : `${share * 100}%`;
    parts.push(text(plot.x - 8, yOf(share) + 4, label, { size: 11, anchor: 'end' }));
  }
  parts.push(line(plot.x, plot.y + plot.height, plot.x + plot.width, plot.y + plot.height, axisColour));
  parts.push(line(plot.x, plot.y, plot.x, plot.y + plot.height, axisColour));
  parts.push(
    text(plot.x + plot.width / 2, plot.y + plot.height + 38, 'latency per order (log scale)', {
      size: 12,
      anchor: 'middle',
      colour: '#555',
    }),
  );
  parts.push(
    text(box.x + 14, plot.y + plot.height / 2, 'share of orders', {
      size: 12,
      anchor: 'middle',
      colour: '#555',
    }).replace('<text', `<text transform='rotate(-90 ${box.x + 14} ${plot.y + plot.height / 2})'`),
  );

  markers.forEach((marker, index) => {
    const colour = marker.colour ?? '#c0392b';
    const x = xOf(marker.value);
    const nearRightEdge = x > plot.x + plot.width * 0.75;
    parts.push(line(x, plot.y, x, plot.y + plot.height, colour, 1.2, '6 4'));
    const labelX = nearRightEdge ? x - 5 : x + 5;
    const anchor = nearRightEdge ? 'end' : 'start';
    const labelWidth = marker.label.length * 6.4 + 6;
    const boxX = nearRightEdge ? labelX - labelWidth + 3 : labelX - 3;
    parts.push(
      `<rect x='${boxX.toFixed(1)}' y='${(plot.y + 17 + index * 16).toFixed(1)}' width='${labelWidth.toFixed(1)}' height='15' fill='#ffffff' fill-opacity='0.9'/>`,
    );
    parts.push(text(labelX, plot.y + 28 + index * 16, marker.label, { size: 11, colour, anchor }));
  });

  series.forEach((s, index) => {
    const sorted = ascending(s.samples);
    const points: string[] = [];
    sorted.forEach((v, i) => {
      const x = xOf(v);
      points.push(
        `${x.toFixed(1)},${yOf(i / sorted.length).toFixed(1)}`,
        `${x.toFixed(1)},${yOf((i + 1) / sorted.length).toFixed(1)}`,
      );
    });
    const dash = s.dash ? ` stroke-dasharray='${s.dash}'` : '';
    parts.push(
      `<polyline points='${points.join(' ')}' fill='none' stroke='${s.colour}' stroke-width='2.2'${dash}/>`,
    );
    const p50 = quantile(sorted, 0.5);
    const p99 = quantile(sorted, 0.99);
    const legendY = plot.y + plot.height + 66 + Math.floor(index / 2) * 20;
    const legendX = plot.x + (index % 2) * (plot.width / 2);
    parts.push(
      `<rect x='${legendX - 6}' y='${legendY - 13}' width='336' height='18' fill='#ffffff' fill-opacity='0.85'/>`,
    );
    parts.push(line(legendX, legendY - 4, legendX + 22, legendY - 4, s.colour, 3, s.dash ?? ''));
    parts.push(
      text(
        legendX + 28,
        legendY,
        `${s.label}: p50 ${formatMs(p50)}, p99 ${formatMs(p99)} (n=${sorted.length})`,
        { size: 11.5 },
      ),
    );
  });
  return parts.join('\n');
}

export interface StripRow {
  label: string;
  colour: string;
  values: readonly number[];
}

/** Per-instance values as jittered dots, one row each, with the mean (bar) and the max read out. */
export function stripPanel(
  box: Box,
  title: string,
  axisLabel: string,
  rows: readonly StripRow[],
  unit = '%',
) {
  const plot = { x: box.x + 150, y: box.y + 36, width: box.width - 150 - 190, height: box.height - 36 - 52 };
  const high = Math.max(1, ...rows.flatMap((r) => r.values)) * 1.05;
  const ticks = linearTicks(0, high);
  const top = ticks.at(-1) ?? high;
  const xOf = (v: number) => plot.x + (Math.max(0, v) / top) * plot.width;
  const rowHeight = plot.height / rows.length;
  const parts: string[] = [text(box.x, box.y + 16, title, { size: 15, weight: 'bold' })];
  for (const tick of ticks) {
    parts.push(line(xOf(tick), plot.y, xOf(tick), plot.y + plot.height, gridColour));
    parts.push(text(xOf(tick), plot.y + plot.height + 18, `${tick}${unit}`, { size: 11, anchor: 'middle' }));
  }
  parts.push(line(plot.x, plot.y + plot.height, plot.x + plot.width, plot.y + plot.height, axisColour));
  parts.push(line(plot.x, plot.y, plot.x, plot.y + plot.height, axisColour));
  parts.push(
    text(plot.x + plot.width / 2, plot.y + plot.height + 38, axisLabel, {
      size: 12,
      anchor: 'middle',
      colour: '#555',
    }),
  );
  rows.forEach((row, index) => {
    const centre = plot.y + rowHeight * (index + 0.5);
    parts.push(text(plot.x - 10, centre + 4, row.label, { size: 12.5, anchor: 'end', weight: 'bold' }));
    row.values.forEach((v, i) => {
      const wobble = (((Math.sin(i * 12.9898 + index * 78.233) * 43758.5453) % 1) + 1) % 1;
      const y = centre + (wobble - 0.5) * rowHeight * 0.55;
      parts.push(
        `<circle cx='${xOf(v).toFixed(1)}' cy='${y.toFixed(1)}' r='2.6' fill='${row.colour}' fill-opacity='0.35'/>`,
      );
    });
    const average = row.values.reduce((t, v) => t + v, 0) / Math.max(1, row.values.length);
    const worst = Math.max(0, ...row.values);
    const zero = row.values.filter((v) => v <= 1e-9).length;
    parts.push(
      line(xOf(average), centre - rowHeight * 0.36, xOf(average), centre + rowHeight * 0.36, '#111', 2.5),
    );
    parts.push(
      text(
        plot.x + plot.width + 12,
        centre - 4,
        `mean ${average.toFixed(2)}${unit}, max ${worst.toFixed(1)}${unit}`,
        { size: 11.5 },
      ),
    );
    parts.push(
      text(plot.x + plot.width + 12, centre + 12, `optimal on ${zero}/${row.values.length}`, {
        size: 11,
        colour: '#555',
      }),
    );
  });
  return parts.join('\n');
}

export interface Bar {
  label: string;
  value: number;
  colour: string;
  note?: string;
}

/** Horizontal bars from zero with their value printed at the end. */
export function barPanel(
  box: Box,
  title: string,
  axisLabel: string,
  bars: readonly Bar[],
  format: (v: number) => string,
) {
  const plot = { x: box.x + 230, y: box.y + 36, width: box.width - 230 - 150, height: box.height - 36 - 50 };
  const ticks = linearTicks(0, Math.max(1, ...bars.map((b) => b.value)) * 1.05);
  const top = ticks.at(-1) ?? 1;
  const xOf = (v: number) => plot.x + (v / top) * plot.width;
  const rowHeight = plot.height / bars.length;
  const parts: string[] = [text(box.x, box.y + 16, title, { size: 15, weight: 'bold' })];
  for (const tick of ticks) {
    parts.push(line(xOf(tick), plot.y, xOf(tick), plot.y + plot.height, gridColour));
    parts.push(text(xOf(tick), plot.y + plot.height + 18, format(tick), { size: 11, anchor: 'middle' }));
  }
  parts.push(line(plot.x, plot.y, plot.x, plot.y + plot.height, axisColour));
  parts.push(
    text(plot.x + plot.width / 2, plot.y + plot.height + 38, axisLabel, {
      size: 12,
      anchor: 'middle',
      colour: '#555',
    }),
  );
  bars.forEach((bar, index) => {
    const top = plot.y + rowHeight * index + rowHeight * 0.18;
    const height = rowHeight * 0.64;
    parts.push(
      `<rect x='${plot.x}' y='${top.toFixed(1)}' width='${Math.max(1, xOf(bar.value) - plot.x).toFixed(1)}' height='${height.toFixed(1)}' fill='${bar.colour}'/>`,
    );
    parts.push(
      text(plot.x - 10, top + height / 2 + (bar.note ? -2 : 4), bar.label, {
        size: 12.5,
        anchor: 'end',
        weight: 'bold',
      }),
    );
    if (bar.note)
      parts.push(
        text(plot.x - 10, top + height / 2 + 13, bar.note, { size: 10.5, anchor: 'end', colour: '#555' }),
      );
    parts.push(text(xOf(bar.value) + 8, top + height / 2 + 4, format(bar.value), { size: 12.5 }));
  });
  return parts.join('\n');
}
