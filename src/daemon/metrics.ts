import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { KeyPool } from './pool/keyPool.js';
import type { TokenUsage } from './pool/outcome.js';
import type { RequestRecord } from './proxy/requestRecord.js';

/**
 * Prometheus metrics (prom-client), on a registry of this daemon's own so
 * that several daemons in one process (tests) do not share counters. Key and
 * cooldown gauges are computed when scraped, not on the request path.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'surface' | 'model' | 'status'>;
  private readonly attempts: Histogram<'surface'>;
  private readonly upstreamLatency: Histogram<'surface'>;
  private readonly clientTokens: Counter<'client' | 'kind'>;
  private readonly clientRequests: Counter<'client'>;

  constructor(pool: KeyPool) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'gemini_pool_requests_total', help: 'Proxied requests by surface, model and HTTP status', labelNames: ['surface', 'model', 'status'], registers });
    this.attempts = new Histogram({ name: 'gemini_pool_request_attempts', help: 'Keys tried per request', labelNames: ['surface'], buckets: [1, 2, 3, 5, 8], registers });
    this.upstreamLatency = new Histogram({
      name: 'gemini_pool_upstream_latency_seconds',
      help: 'Time to the upstream response headers, per attempt that got one',
      labelNames: ['surface'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.clientTokens = new Counter({ name: 'gemini_pool_client_tokens_total', help: 'Tokens used per client', labelNames: ['client', 'kind'], registers });
    this.clientRequests = new Counter({ name: 'gemini_pool_client_requests_total', help: 'Requests per client', labelNames: ['client'], registers });
    new Gauge({
      name: 'gemini_pool_keys',
      help: 'Keys by state',
      labelNames: ['state'],
      registers,
      collect() {
        const totals = pool.totals();
        this.set({ state: 'available' }, totals.available);
        this.set({ state: 'cooling' }, totals.cooling);
        this.set({ state: 'invalid' }, totals.invalid);
      },
    });
    new Gauge({
      name: 'gemini_pool_cooldowns',
      help: 'Active cooldowns by reason (quota-minute, quota-day, backoff)',
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        for (const key of pool.snapshot()) for (const cooldown of key.cooldowns) this.inc({ reason: cooldown.reason });
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'gemini_pool_' });
  }

  observe(record: RequestRecord, client: string, usage: TokenUsage | undefined): void {
    // Unknown models (404) would make one series per typo: they share one label.
    const model = record.status === 404 || !record.model ? 'other' : record.model;
    this.requests.inc({ surface: record.surface, model, status: String(record.status) });
    if (record.attempts > 0) this.attempts.observe({ surface: record.surface }, record.attempts);
    if (record.upstreamMs !== undefined) this.upstreamLatency.observe({ surface: record.surface }, record.upstreamMs / 1000);
    this.clientRequests.inc({ client });
    if (usage) {
      this.clientTokens.inc({ client, kind: 'prompt' }, usage.prompt);
      this.clientTokens.inc({ client, kind: 'completion' }, usage.completion + usage.thoughts);
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
