import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime and stime in /proc/<pid>/stat on Linux. */
const clockTicksPerSecond = 100;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The java processes `pid` started (DynamoDB Local), from /proc; empty off Linux. */
export function javaChildren(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks
    .flatMap((task) => (readText(`/proc/${pid}/task/${task}/children`) ?? '').split(/\s+/))
    .filter((child) => child !== '')
    .map(Number)
    .filter((child) => readText(`/proc/${child}/comm`)?.trim() === 'java');
}

/** utime + stime of a process in ms, from /proc/<pid>/stat (fields 14 and 15); undefined off Linux. */
export function processCpuMs(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / clockTicksPerSecond : undefined;
}
