import type { Logger } from 'pino';
import type { KeyPool } from './pool/keyPool.js';
import { scrubSecrets } from './secrets.js';
import { classifyError, classifyNetworkError } from './upstream/classify.js';
import type { UpstreamClient } from './upstream/upstreamClient.js';

/**
 * Probes keys that are out of rotation with a cheap call (GET models/{model}:
 * no quota spent) and returns the good ones. Quota cooldowns end at their
 * known time instead: a probe cannot prove quota is back without spending it.
 */
export interface ProbeResult {
  keyId: string;
  masked: string;
  result: 'good' | 'dead' | 'unreachable';
  message?: string;
}

const PROBE_CONCURRENCY = 4;

export class Rechecker {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pool: KeyPool,
    private readonly client: UpstreamClient,
    private readonly settings: { intervalMs: number; model: string; clock: () => number },
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.settings.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.recheckDue(), this.settings.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Picks up a new interval after a config reload. */
  restart(): void {
    this.stop();
    this.start();
  }

  /** Probes every key that is invalid or backing off. */
  async recheckDue(): Promise<ProbeResult[]> {
    return this.probeAll(this.pool.keysToRecheck());
  }

  /** Probes the given keys now (`keys check`). */
  async probeAll(keys: Array<{ keyId: string; secret: string; masked: string }>): Promise<ProbeResult[]> {
    const results: ProbeResult[] = [];
    for (let i = 0; i < keys.length; i += PROBE_CONCURRENCY) {
      const batch = keys.slice(i, i + PROBE_CONCURRENCY);
      results.push(...(await Promise.all(batch.map((key) => this.probe(key)))));
    }
    const good = results.filter((result) => result.result === 'good').length;
    if (results.length > 0) this.log.info({ probed: results.length, good }, 'recheck done');
    return results;
  }

  private async probe(key: { keyId: string; secret: string; masked: string }): Promise<ProbeResult> {
    const base = { keyId: key.keyId, masked: key.masked };
    try {
      const response = await this.client.send(
        { method: 'GET', pathAndQuery: `/v1beta/models/${this.settings.model}`, headers: {}, signal: AbortSignal.timeout(15_000) },
        key.secret,
      );
      const text = await response.body.text();
      if (response.statusCode >= 200 && response.statusCode < 300) {
        this.pool.restore(key.keyId, { clearCooldowns: false });
        return { ...base, result: 'good' };
      }
      const outcome = classifyError(response.statusCode, text, { now: this.settings.clock(), dailyThresholdS: 300, defaultQuotaCooldownMs: 60_000 });
      if (outcome.kind === 'deadKey') {
        this.pool.markDead(key.keyId, outcome.reason, scrubSecrets(outcome.message, this.pool.knownSecrets));
        return { ...base, result: 'dead', message: outcome.reason };
      }
      return { ...base, result: 'unreachable', message: `HTTP ${response.statusCode}` };
    } catch (error) {
      const outcome = classifyNetworkError(error);
      return { ...base, result: 'unreachable', message: outcome.kind === 'transient' ? outcome.reason : 'error' };
    }
  }
}
