/**
 * Progress on stderr, so stdout stays the summary: a bar rewritten in place on a terminal, a line at
 * every quarter otherwise (CI logs, pipes).
 */
export interface Progress {
  tick(): void;
  done(note?: string): void;
}

const width = 28;

export function progress(label: string, total: number): Progress {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  let count = 0;
  let lastQuarter = 0;
  let lastDraw = 0;

  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const draw = () => {
    const filled = Math.round((count / Math.max(1, total)) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    process.stderr.write(
      `\r  ${label.padEnd(24)} [${bar}] ${String(count).padStart(4)}/${total} ${elapsed()}`,
    );
  };

  return {
    tick() {
      count += 1;
      if (tty) {
        const now = performance.now();
        if (now - lastDraw > 50 || count === total) {
          lastDraw = now;
          draw();
        }
        return;
      }
      const quarter = Math.floor((count / Math.max(1, total)) * 4);
      if (quarter > lastQuarter && count < total) {
        lastQuarter = quarter;
        process.stderr.write(`  ${label}: ${count}/${total} (${elapsed()})\n`);
      }
    },
    done(note) {
      const suffix = note ? `  ${note}` : '';
      if (tty) {
        draw();
        process.stderr.write(`${suffix}\n`);
      } else {
        process.stderr.write(`  ${label}: ${count}/${total} done in ${elapsed()}${suffix}\n`);
      }
    },
  };
}

/** One line on stderr for a step without a count (start-up, seeding). */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}
