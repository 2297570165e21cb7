import type { CloudProcess } from './lib/cloud-process.ts';
import { processCpuMs } from './lib/proc.ts';

/** The CPU the local cloud spent during a phase: its Node process and DynamoDB Local's JVM. */
export interface PhaseCpu {
  wallMs: number;
  /** the cloud process's process.cpuUsage(), user + system, all its threads */
  nodeCpuMs: number;
  /** utime + stime of DynamoDB Local's JVM from /proc/<pid>/stat (10 ms ticks); undefined off Linux */
  dynamoDbCpuMs?: number;
  /** this process: the driver and the metering proxies, on the same two cores */
  benchCpuMs: number;
}

/**
 * Starts a phase; `end()` reports the CPU spent since. The driver (this process) and the metering
 * proxies are not in either figure: they run in the benchmark's own process.
 */
export async function startPhase(cloud: CloudProcess): Promise<{ end(): Promise<PhaseCpu> }> {
  const jvm = cloud.dynamoDbPid();
  const jvmFrom = jvm === undefined ? undefined : processCpuMs(jvm);
  const nodeFrom = await cloud.cpuMs();
  const benchFrom = process.cpuUsage();
  const from = performance.now();
  return {
    async end() {
      const wallMs = performance.now() - from;
      const nodeTo = await cloud.cpuMs();
      const jvmTo = jvm === undefined ? undefined : processCpuMs(jvm);
      const bench = process.cpuUsage(benchFrom);
      return {
        wallMs,
        benchCpuMs: (bench.user + bench.system) / 1000,
        nodeCpuMs: nodeTo - nodeFrom,
        ...(jvmFrom !== undefined && jvmTo !== undefined ? { dynamoDbCpuMs: jvmTo - jvmFrom } : {}),
      };
    },
  };
}
