import autocannon from 'autocannon';
import { listenOverflows, type Target } from './servers.js';
import { percentile } from './stats.js';

/**
 * One closed-loop autocannon run against one target, with the target's CPU
 * read right before and right after, so CPU per request covers exactly the
 * measured requests. autocannon's own histogram keeps whole milliseconds,
 * too coarse for a 0.35 ms target, so latencies come from its 'response'
 * event (a float in ms) and percentiles are computed here.
 */
export interface LoadSpec {
  /** Path and query on the target. */
  path: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  durationS: number;
}

export interface LoadResult {
  ok: number;
  /** Non-2xx answers, connection errors and timeouts: any of them flags the row. */
  failed: number;
  /** Non-2xx answers by status code. */
  failedStatuses: Record<number, number>;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicros: number;
  cpuPerRequestMicros: number;
  /** Listen-queue overflows (system-wide) during the run: each is a SYN retried after 1 s, a 1 s latency outlier. */
  overflows: number;
}

export async function runLoad(target: Target, spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  let failed = 0;
  const failedStatuses: Record<number, number> = {};
  const cpuBefore = await target.cpuMicros();
  const overflowsBefore = listenOverflows();
  const startedAt = performance.now();
  const instance = autocannon({
    url: target.url + spec.path,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...spec.headers },
    body: spec.body,
    connections: spec.connections,
    duration: spec.durationS,
    pipelining: 1,
    timeout: 10,
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
    else {
      failed++;
      failedStatuses[statusCode] = (failedStatuses[statusCode] ?? 0) + 1;
    }
  });
  instance.on('reqError', () => failed++);
  // autocannon stops itself after `duration`; this only guards against a wedged run.
  const guard = setTimeout(() => instance.stop(), (spec.durationS + 15) * 1000);
  const result = await instance;
  clearTimeout(guard);
  const elapsedS = (performance.now() - startedAt) / 1000;
  const cpuMicros = (await target.cpuMicros()) - cpuBefore;
  failed = Math.max(failed, result.non2xx + result.errors);
  const ok = latencies.length;
  return {
    ok,
    failed,
    failedStatuses,
    rps: ok / elapsedS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuMicros,
    cpuPerRequestMicros: ok > 0 ? cpuMicros / (ok + failed) : Number.NaN,
    overflows: listenOverflows() - overflowsBefore,
  };
}
