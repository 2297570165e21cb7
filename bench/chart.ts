import { ascending, quantile } from './lib/stats.ts';

/**
 * A hand-written SVG of latency distributions: one row per series on a shared log-scale axis, every
 * sample as a faint dot, a box from p25 to p75 with the median, whiskers from p1 to p99, and the
 * p50 / p99 figures at the right. Log scale because /health and a full journey differ by ~100x.
 */
export interface Series {
  label: string;
  /** milliseconds */
  samples: readonly number[];
  colour: string;
}

const width = 960;
const left = 190;
const right = 170;
const top = 64;
const rowHeight = 46;
const bottom = 56;

function xml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

function tickLabel(ms: number): string {
  if (ms >= 1000) return `${ms / 1000} s`;
  return `${ms < 1 ? ms.toPrecision(1) : ms} ms`;
}

/** 1, 2, 5 × powers of ten inside [low, high]. */
function ticks(low: number, high: number): number[] {
  const found: number[] = [];
  for (let power = Math.floor(Math.log10(low)); power <= Math.ceil(Math.log10(high)); power++) {
    for (const step of [1, 2, 5]) {
      const value = step * 10 ** power;
      if (value >= low && value <= high) found.push(value);
    }
  }
  return found;
}

/** A deterministic jitter in [-1, 1] for sample i, so the picture is the same on every run. */
function jitter(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

export function renderLatencyChart(title: string, subtitle: string, series: readonly Series[]): string {
  const all = series.flatMap((s) => s.samples).filter((x) => x > 0);
  const low = 10 ** Math.floor(Math.log10(Math.max(0.01, Math.min(...all))));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const plotWidth = width - left - right;
  const x = (ms: number) =>
    left + ((Math.log10(Math.max(ms, low)) - Math.log10(low)) / Math.log10(high / low)) * plotWidth;
  const height = top + series.length * rowHeight + bottom;
  const axisY = top + series.length * rowHeight;
  const out: string[] = [];

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="600" fill="#111">${xml(title)}</text>`,
    `<text x="${left}" y="44" fill="#555">${xml(subtitle)}</text>`,
  );
  // 2 and 5 are labelled only when a decade is wide enough for three labels
  const decadeWidth = plotWidth / Math.log10(high / low);
  for (const tick of ticks(low, high)) {
    const tx = x(tick).toFixed(1);
    const major = Math.abs(Math.log10(tick) - Math.round(Math.log10(tick))) < 1e-9;
    out.push(
      `<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${axisY}" stroke="${major ? '#d0d0d0' : '#eeeeee'}"/>`,
    );
    if (major || decadeWidth >= 180) {
      out.push(
        `<text x="${tx}" y="${axisY + 16}" text-anchor="middle" fill="#444">${xml(tickLabel(tick))}</text>`,
      );
    }
  }
  out.push(
    `<line x1="${left}" y1="${axisY}" x2="${width - right}" y2="${axisY}" stroke="#888"/>`,
    `<text x="${left + plotWidth / 2}" y="${axisY + 36}" text-anchor="middle" fill="#444">latency (log scale) · box p25–p75, bar p50, whiskers p1–p99, dots every sample</text>`,
  );

  series.forEach((s, row) => {
    const cy = top + row * rowHeight + rowHeight / 2;
    const sorted = ascending(s.samples);
    const [p1, p25, p50, p75, p99] = [0.01, 0.25, 0.5, 0.75, 0.99].map((q) => quantile(sorted, q)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    out.push(
      `<text x="${left - 12}" y="${cy + 4}" text-anchor="end" fill="#111">${xml(s.label)}</text>`,
      `<text x="${left - 12}" y="${cy + 18}" text-anchor="end" fill="#777" font-size="10">n=${sorted.length}</text>`,
    );
    s.samples.forEach((sample, i) => {
      out.push(
        `<circle cx="${x(sample).toFixed(1)}" cy="${(cy + jitter(i) * 13).toFixed(1)}" r="1.6" fill="${s.colour}" fill-opacity="0.28"/>`,
      );
    });
    const boxTop = cy - 9;
    out.push(
      `<line x1="${x(p1).toFixed(1)}" y1="${cy}" x2="${x(p25).toFixed(1)}" y2="${cy}" stroke="${s.colour}" stroke-width="1.5"/>`,
      `<line x1="${x(p75).toFixed(1)}" y1="${cy}" x2="${x(p99).toFixed(1)}" y2="${cy}" stroke="${s.colour}" stroke-width="1.5"/>`,
      `<line x1="${x(p1).toFixed(1)}" y1="${cy - 5}" x2="${x(p1).toFixed(1)}" y2="${cy + 5}" stroke="${s.colour}" stroke-width="1.5"/>`,
      `<line x1="${x(p99).toFixed(1)}" y1="${cy - 5}" x2="${x(p99).toFixed(1)}" y2="${cy + 5}" stroke="${s.colour}" stroke-width="1.5"/>`,
      `<rect x="${x(p25).toFixed(1)}" y="${boxTop}" width="${Math.max(1, x(p75) - x(p25)).toFixed(1)}" height="18" fill="${s.colour}" fill-opacity="0.25" stroke="${s.colour}" stroke-width="1.5"/>`,
      `<line x1="${x(p50).toFixed(1)}" y1="${boxTop}" x2="${x(p50).toFixed(1)}" y2="${boxTop + 18}" stroke="#111" stroke-width="2.5"/>`,
      `<text x="${width - right + 12}" y="${cy + 4}" fill="#111">p50 ${xml(formatMs(p50))} · p99 ${xml(formatMs(p99))}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}
