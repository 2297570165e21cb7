/**
 * Counts the calls a use case makes on its ports and the time each takes, by `port.method`: a
 * pass-through around the real adapters (no I/O of its own), so that a benchmark can say where a
 * use case spends its time. Errors are counted by name (a VersionConflict, a ReservationConflict).
 */
export interface MethodFigures {
  calls: number;
  totalMs: number;
  errors: Record<string, number>;
}

export class PortMeter {
  private figures = new Map<string, MethodFigures>();

  /** The same port whose every method is counted and timed under `portName.method`. */
  meter<T extends object>(portName: string, port: T): T {
    const wrapped: Record<string, unknown> = {};
    for (const [method, value] of Object.entries(port)) {
      if (typeof value !== 'function') {
        wrapped[method] = value;
        continue;
      }
      const name = `${portName}.${method}`;
      wrapped[method] = async (...args: unknown[]) => {
        const started = performance.now();
        const figures = this.of(name);
        try {
          return await value.apply(port, args);
        } catch (error) {
          const kind = error instanceof Error ? error.name : 'unknown';
          figures.errors[kind] = (figures.errors[kind] ?? 0) + 1;
          throw error;
        } finally {
          figures.calls++;
          figures.totalMs += performance.now() - started;
        }
      };
    }
    return wrapped as T;
  }

  /** What was counted since the last reset, by `port.method`. */
  snapshot(): Record<string, MethodFigures> {
    return Object.fromEntries(
      [...this.figures].map(([name, f]) => [name, { ...f, errors: { ...f.errors } }] as const),
    );
  }

  reset(): void {
    this.figures.clear();
  }

  private of(name: string): MethodFigures {
    let figures = this.figures.get(name);
    if (!figures) {
      figures = { calls: 0, totalMs: 0, errors: {} };
      this.figures.set(name, figures);
    }
    return figures;
  }
}
