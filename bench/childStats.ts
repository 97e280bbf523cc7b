import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * The parent <-> child protocol for the servers the bench forks itself (the
 * fake upstream and the naive proxy). The child measures itself, so the CPU
 * figure has microsecond resolution and costs the measured process nothing
 * between two asks: the parent sends {type:'stats'} before and after a run.
 * The daemon cannot be changed, so the parent reads /proc for it instead.
 */
export interface ChildStats {
  /** process.cpuUsage(): user + system, microseconds since the child started. */
  cpuMicros: number;
  rssBytes: number;
  /** Event-loop delay since the previous ask, ms, as sampled every 10 ms (the sampler's own 10 ms included, like prom-client's). */
  loopP99Ms: number;
  loopMaxMs: number;
}

export type ChildMessage = { type: 'ready'; port: number } | { type: 'stats'; id: number; stats: ChildStats };

/** Announces the port and answers stats requests; exits when the parent goes away (no orphans). */
export function serveParent(port: number): void {
  if (!process.send) throw new Error('run me with child_process.fork (an IPC channel is needed)');
  // Same resolution as prom-client's default, so the daemon's and this figure compare.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.on('message', (message: { type?: string; id?: number }) => {
    if (message?.type !== 'stats') return;
    const usage = process.cpuUsage();
    const stats: ChildStats = {
      cpuMicros: usage.user + usage.system,
      rssBytes: process.memoryUsage.rss(),
      loopP99Ms: loop.percentile(99) / 1e6,
      loopMaxMs: loop.max / 1e6,
    };
    loop.reset();
    process.send?.({ type: 'stats', id: message.id ?? 0, stats } satisfies ChildMessage);
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', port } satisfies ChildMessage);
}
