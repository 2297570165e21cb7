/**
 * A progress bar on stderr (stdout stays free for the summary): redrawn in place on a terminal, a line
 * at every quarter otherwise (logs, pipes), with the elapsed time and an estimate of what is left.
 */
export interface ProgressBar {
  tick(count?: number): void;
  done(note?: string): void;
}

const barWidth = 30;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function progressBar(label: string, total: number): ProgressBar {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  let count = 0;
  let lastDraw = 0;
  let lastQuarter = 0;

  const line = () => {
    const elapsed = performance.now() - started;
    const share = count / Math.max(1, total);
    const filled = Math.round(share * barWidth);
    const left = count > 0 && count < total ? `, ~${seconds((elapsed / count) * (total - count))} left` : '';
    return `  ${label.padEnd(26)} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${String(count).padStart(5)}/${total} ${seconds(elapsed)}${left}`;
  };

  return {
    tick(step = 1) {
      count += step;
      if (tty) {
        const now = performance.now();
        if (now - lastDraw > 80 || count >= total) {
          lastDraw = now;
          process.stderr.write(`\r${line()}\x1b[K`);
        }
        return;
      }
      const quarter = Math.floor((count / Math.max(1, total)) * 4);
      if (quarter > lastQuarter && count < total) {
        lastQuarter = quarter;
        process.stderr.write(`${line()}\n`);
      }
    },
    done(note) {
      const suffix = note ? `  ${note}` : '';
      process.stderr.write(tty ? `\r${line()}\x1b[K${suffix}\n` : `${line()}${suffix}\n`);
    },
  };
}

/** One line on stderr for a step without a count. */
export function step(message: string): void {
  process.stderr.write(`${message}\n`);
}
