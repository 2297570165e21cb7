import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

/**
 * What this process was doing besides the measured requests. Client, HTTP front, Lambda handlers and
 * Step Functions share one event loop here, so a garbage collection or a long synchronous stretch
 * shows up in every latency in flight: phases report both, and an outlier can be checked against them.
 */
export interface ProcessPressure {
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  wallMs: number;
  /** CPU time of this process (all its threads) */
  nodeCpuMs: number;
  /** CPU time of DynamoDB Local's JVM, a child of this process; undefined off Linux */
  dynamoDbCpuMs?: number;
}

/** USER_HZ: the unit of utime and stime in /proc/<pid>/stat on Linux. */
const clockTicksPerSecond = 100;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The java processes this process started (DynamoDB Local), from /proc; empty off Linux. */
function javaChildren(): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${process.pid}/task`);
  } catch {
    return [];
  }
  return tasks
    .flatMap((task) => (readText(`/proc/${process.pid}/task/${task}/children`) ?? '').split(/\s+/))
    .filter((pid) => pid !== '')
    .map(Number)
    .filter((pid) => readText(`/proc/${pid}/comm`)?.trim() === 'java');
}

/** utime + stime of a process in ms, from /proc/<pid>/stat (fields 14 and 15). */
function processCpuMs(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / clockTicksPerSecond : undefined;
}

function cpuNow(java: readonly number[]): { node: number; java?: number } {
  const usage = process.cpuUsage();
  const javaMs = java.map(processCpuMs);
  return {
    node: (usage.user + usage.system) / 1000,
    ...(java.length > 0 && javaMs.every((ms) => ms !== undefined)
      ? { java: javaMs.reduce((total: number, ms) => total + (ms ?? 0), 0) }
      : {}),
  };
}

interface Pause {
  start: number;
  end: number;
}

export class ProcessObserver {
  private readonly pauses: Pause[] = [];
  private readonly gc: PerformanceObserver;
  private readonly loop: ReturnType<typeof monitorEventLoopDelay>;

  constructor() {
    this.gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        this.pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
      }
    });
    this.gc.observe({ entryTypes: ['gc'] });
    this.loop = monitorEventLoopDelay({ resolution: 5 });
    this.loop.enable();
  }

  /** Starts a phase: what happens until `end()` is reported for it alone. */
  phase(): { end(): ProcessPressure } {
    const from = performance.now();
    const java = javaChildren();
    const cpuFrom = cpuNow(java);
    this.loop.reset();
    return {
      end: () => {
        const to = performance.now();
        const cpuTo = cpuNow(java);
        const pauses = this.pauses.filter((p) => p.end >= from && p.start <= to).map((p) => p.end - p.start);
        return {
          gcCount: pauses.length,
          gcTotalMs: pauses.reduce((total, ms) => total + ms, 0),
          gcMaxMs: Math.max(0, ...pauses),
          // the histogram is in nanoseconds and counts only delay beyond its resolution
          eventLoopDelayP99Ms: this.loop.count > 0 ? this.loop.percentile(99) / 1e6 : 0,
          eventLoopDelayMaxMs: this.loop.count > 0 ? this.loop.max / 1e6 : 0,
          wallMs: to - from,
          nodeCpuMs: cpuTo.node - cpuFrom.node,
          ...(cpuTo.java !== undefined && cpuFrom.java !== undefined
            ? { dynamoDbCpuMs: cpuTo.java - cpuFrom.java }
            : {}),
        };
      },
    };
  }

  /** Garbage-collection pause time overlapping [from, to] (performance.now() times). */
  gcPauseDuring(from: number, to: number): number {
    return this.pauses
      .filter((p) => p.end >= from && p.start <= to)
      .reduce((total, p) => total + Math.min(p.end, to) - Math.max(p.start, from), 0);
  }

  stop(): void {
    this.gc.disconnect();
    this.loop.disable();
  }
}
