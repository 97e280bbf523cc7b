import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

/** What the figures were measured on: they mean little without it. */
export function describeMachine(): string {
  const cpuModel = (() => {
    try {
      return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
    } catch {
      return 'unknown';
    }
  })();
  const memory = (() => {
    try {
      const line = execFileSync('free', ['-h'], { encoding: 'utf8', timeout: 5_000 }).split('\n').find((l) => l.startsWith('Mem:'));
      return line ? line.replace(/\s+/g, ' ').trim() : '';
    } catch {
      return `Mem: ${(totalmem() / 2 ** 30).toFixed(1)}Gi total`;
    }
  })();
  return [
    `nproc: ${availableParallelism()}`,
    `CPU: ${cpuModel}`,
    `free -h: ${memory}`,
    `node ${process.version}`,
    `load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  ].join('; ');
}

/** System-wide CPU ticks from /proc/stat: all, and stolen by the hypervisor (a busy host shows here). */
export function cpuTicks(): { total: number; steal: number; idle: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { total: fields.reduce((a, b) => a + b, 0), idle: (fields[3] ?? 0) + (fields[4] ?? 0), steal: fields[7] ?? 0 };
  } catch {
    return { total: Number.NaN, steal: Number.NaN, idle: Number.NaN };
  }
}
