import { cpus, freemem, loadavg, release, totalmem } from 'node:os';

/** What the figures were measured on: a benchmark result means little without it. */
export function machineInfo() {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    platform: `${process.platform} ${release()} ${process.arch}`,
    node: process.version,
  };
}
