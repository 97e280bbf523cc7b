import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuTicks, describeMachine } from './machine.js';
import { at50, cliTimes, nativeAt, openStreams, peakRow, streaming, warmUp, type Bench } from './scenarios.js';
import { killAllNow, ROOT, startDaemon, startFake, startNaiveProxy, stopAll, type DaemonOptions } from './servers.js';
import { renderTable } from './table.js';

/**
 * `npm run bench` (issue #7): the fake Gemini, the naive proxy and the built
 * daemon as child processes on 127.0.0.1, driven with autocannon, one table on
 * stdout (progress on stderr). Every load loop is bounded by a duration and
 * the whole run by a watchdog; every child is ended in a finally, on SIGINT /
 * SIGTERM, and (SIGKILL) on exit.
 *
 * Knobs for a quick look (defaults are what bench/README.md quotes):
 *   BENCH_REPEATS=3  BENCH_DURATION_S=3  BENCH_WARMUP_S=1
 *   BENCH_ONLY=c1,c50,c256,stream,hold,cli   (a subset of the scenarios)
 */
const startedAt = performance.now();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(0).padStart(3)}s`;
const log = (message: string) => process.stderr.write(`[${elapsed()}] ${message}\n`);
const envNumber = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

const WATCHDOG_MS = 9 * 60_000;

/**
 * Keys that look like keys (>= 20 chars) but never like real ones (AIza + 35
 * chars of [0-9A-Za-z_-]). With `invalidShare`, that share of them carries the
 * fake's "invalid" marker (400 API_KEY_INVALID), scattered by a fixed
 * pseudo-random sequence: a regular stride (every 5th key) could line up with
 * the 50 connections of round-robin and hand one request bad key after bad key.
 */
function makeKeys(count: number, invalidShare = 0): string[] {
  let seed = 0x9e3779b9;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(6, '0');
    return random() < invalidShare ? `AIzaBENCH-invalid-${n}-xx` : `AIzaBENCH-good-${n}-xxxx`;
  });
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/cli/main.js is missing: run `npm run build` first (npm run bench does)');
  const dir = mkdtempSync(join(tmpdir(), 'gp-bench-'));
  let cleaned = false;
  let interrupted = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: stopping the children`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  const watchdog = setTimeout(() => {
    log(`watchdog: the bench ran over ${WATCHDOG_MS / 60_000} minutes, giving up`);
    void cleanup().finally(() => process.exit(1));
  }, WATCHDOG_MS);
  watchdog.unref();

  try {
    await runAll(dir, () => interrupted);
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

/** The run proper; errors after an interrupt are the children going away, not news. */
async function runAll(dir: string, interrupted: () => boolean): Promise<void> {
  try {
    const machine = describeMachine();
    const ticksAtStart = cpuTicks();
    log(machine);
    const keys10 = makeKeys(10);
    const fake = await startFake();
    const naive = await startNaiveProxy(fake.url, keys10[0]);
    log(`fake upstream ${fake.url}, naive proxy ${naive.url}`);
    const daemon = (name: string, keys: string[], logLevel: DaemonOptions['logLevel'] = 'info') => startDaemon({ name, dir, upstream: fake.url, keys, logLevel });

    // Startup is timed three times on the 10-key config: two throwaway daemons, then the one the bench uses.
    const startups10: number[] = [];
    for (const name of ['startup-1', 'startup-2']) {
      const d = await daemon(name, keys10);
      startups10.push(d.startupMs);
      await d.stop();
    }
    const pool = await daemon('pool', keys10);
    startups10.push(pool.startupMs);
    const poolQuiet = await daemon('pool-warn', keys10, 'warn');
    const pool10k = await daemon('pool-10k', makeKeys(10_000));
    const poolMix = await daemon('pool-10k-mix', makeKeys(10_000, 0.2));
    log(`daemons up; startup ${startups10.map((s) => s.toFixed(0)).join(', ')} ms (10 keys), ${pool10k.startupMs.toFixed(0)} ms (10,000 keys)`);

    const b: Bench = {
      fake,
      naive,
      pool,
      poolQuiet,
      pool10k,
      poolMix,
      fresh: { daemon: () => daemon('pool-streams', keys10), naive: () => startNaiveProxy(fake.url, keys10[0]) },
      goodKey: keys10[0],
      dir,
      repeats: envNumber('BENCH_REPEATS', 3),
      warmupS: envNumber('BENCH_WARMUP_S', 1),
      durationS: envNumber('BENCH_DURATION_S', 3),
      log,
    };
    const only = new Set((process.env.BENCH_ONLY ?? 'c1,c50,c256,stream,hold,cli').split(',').map((s) => s.trim()));
    await warmUp(b, 2);
    const c1 = only.has('c1') ? await nativeAt(b, 1, { addedP50: 0.35 }, true) : [];
    const c50 = only.has('c50') ? await at50(b) : { native: [], more: [] };
    const c256 = only.has('c256') ? await nativeAt(b, 256, {}) : [];
    const stream = only.has('stream') ? await streaming(b) : [];
    const held = only.has('hold') ? await openStreams(b) : [];
    const cli = only.has('cli') ? await cliTimes(b, startups10, pool10k.startupMs) : [];
    const rows = [...c1, ...c50.native, ...c256, ...c50.more, ...stream, ...held, ...cli, peakRow(b)];

    const ticks = cpuTicks();
    const share = (part: number) => `${((100 * part) / (ticks.total - ticksAtStart.total)).toFixed(1)}%`;
    const cpuNote = `CPU during the run, machine-wide: ${share(ticks.idle - ticksAtStart.idle)} idle, ${share(ticks.steal - ticksAtStart.steal)} stolen by the hypervisor`;
    const notMet = rows.filter((r) => r.met === false).length;
    const targets = rows.filter((r) => r.met !== undefined).length;
    process.stdout.write(
      [
        `Machine: ${machine}`,
        `Medians of ${b.repeats} interleaved repeats; each load run ${b.durationS} s after a ${b.warmupS} s warm-up. CPU = user+system time of the server process alone.`,
        '',
        renderTable(rows),
        '',
        `${targets - notMet} of ${targets} targets met. Bench took ${elapsed().trim()}; load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${cpuNote}.`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    if (!interrupted()) throw error;
  }
}

process.on('exit', killAllNow);
main().catch((error: unknown) => {
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
