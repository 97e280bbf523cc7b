import type { RecentRequest, Stats } from '../../protocol/snapshot.js';
import type { RequestRecord } from '../proxy/requestRecord.js';

/**
 * The daemon's own traffic figures for the dashboard header and the recent-
 * requests panel: a fixed-size ring of finished requests (O(1) per request;
 * the figures are computed only when a snapshot is built).
 */
const RING_SIZE = 512;
const WINDOW_MS = 60_000;

export class RequestStats {
  private readonly ring: Array<RecentRequest | undefined> = new Array(RING_SIZE);
  private next = 0;
  private total = 0;

  private readonly startedAt: number;

  constructor(private readonly clock: () => number) {
    this.startedAt = clock();
  }

  record(record: RequestRecord, durationMs: number): void {
    this.ring[this.next] = {
      at: this.clock(),
      surface: record.surface,
      method: record.method,
      path: record.path,
      model: record.model,
      key: record.keyMasked,
      status: record.status,
      attempts: record.attempts,
      ms: Math.round(durationMs),
      upstreamMs: record.upstreamMs,
    };
    this.next = (this.next + 1) % RING_SIZE;
    this.total += 1;
  }

  /** The newest `count` requests, newest first. */
  recent(count: number): RecentRequest[] {
    const out: RecentRequest[] = [];
    for (let i = 1; i <= Math.min(count, RING_SIZE); i += 1) {
      const entry = this.ring[(this.next - i + RING_SIZE) % RING_SIZE];
      if (!entry) break;
      out.push(entry);
    }
    return out;
  }

  stats(inflight: number): Stats {
    const since = this.clock() - WINDOW_MS;
    const window = this.recent(RING_SIZE).filter((entry) => entry.at >= since);
    const latencies = window.map((entry) => entry.upstreamMs).filter((ms): ms is number => ms !== undefined).sort((a, b) => a - b);
    return {
      requestsPerS: this.rate(window),
      successRate: window.length === 0 ? null : window.filter((entry) => entry.status >= 200 && entry.status < 300).length / window.length,
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP95Ms: percentile(latencies, 0.95),
      inflight,
      requestsTotal: this.total,
    };
  }

  /** Requests per second over the last minute (or since start); when the ring is full, over what it holds. */
  private rate(window: RecentRequest[]): number {
    const now = this.clock();
    if (window.length === 0) return 0;
    const spanMs = window.length === RING_SIZE ? now - (window.at(-1) as RecentRequest).at : Math.min(now - this.startedAt, WINDOW_MS);
    return window.length / Math.max(spanMs / 1000, 1);
  }
}

function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}
