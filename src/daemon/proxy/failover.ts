import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import type { KeyPool, Lease } from '../pool/keyPool.js';
import type { Outcome, TokenUsage } from '../pool/outcome.js';
import { scrubSecrets } from '../secrets.js';
import { classifyError, classifyNetworkError, isEmptyAnswer, parseGoogleError, type ClassifyContext, type GoogleError } from '../upstream/classify.js';
import type { UpstreamClient, UpstreamRequest } from '../upstream/upstreamClient.js';
import { UpstreamStream } from '../upstream/upstreamStream.js';
import { extractUsage } from '../upstream/usage.js';

/**
 * The failover loop both surfaces share: pick a key, call upstream, classify,
 * and either hand back an answer or try the next key, at most `maxAttempts`
 * distinct keys per request. A stream is committed (and so never retried)
 * once its first answering event has arrived.
 */
export interface FailoverSettings {
  maxAttempts: number;
  maxWaitMs: number;
  retryEmptyResponses: boolean;
  dailyThresholdS: number;
  defaultQuotaCooldownMs: number;
  clock: () => number;
}

export interface UpstreamPlan {
  /** The model the pool routes and cools down by ('' for calls not tied to a model). */
  model: string;
  stream: boolean;
  /** generateContent-like calls: a 2xx without candidates counts as an empty answer. */
  expectsCandidates: boolean;
  request: Omit<UpstreamRequest, 'signal'>;
}

interface Attempted {
  attempts: number;
  keyMasked?: string;
  upstreamMs?: number;
}

export type FailoverResult =
  | (Attempted & { kind: 'unary'; status: number; contentType: string; body: Buffer; usage?: TokenUsage })
  | (Attempted & { kind: 'stream'; status: number; stream: UpstreamStream; finish: (outcome: Outcome) => void })
  /** An upstream error to pass on (client errors, or the last transient one). Already scrubbed. */
  | (Attempted & { kind: 'upstreamError'; status: number; error: GoogleError })
  /** No key could serve: 429 when every usable key is quota-cooled for the model, else 503. */
  | (Attempted & { kind: 'noKey'; status: 429 | 503; message: string; retryAfterS?: number })
  | (Attempted & { kind: 'cancelled' });

type AttemptResult = { done: FailoverResult } | { retry: { status: number; error: GoogleError } | undefined };

export class Failover {
  constructor(
    private readonly pool: KeyPool,
    private readonly client: UpstreamClient,
    private readonly settings: FailoverSettings,
  ) {}

  async run(plan: UpstreamPlan, signal: AbortSignal): Promise<FailoverResult> {
    const tried = new Set<string>();
    let lastTransient: { status: number; error: GoogleError } | undefined;
    let waitedMs = 0;
    let last: Attempted = { attempts: 0 };
    let attempts = 0;
    while (attempts < this.settings.maxAttempts) {
      if (signal.aborted) return { ...last, kind: 'cancelled' };
      const acquired = this.pool.acquire(plan.model, tried);
      if (!acquired.ok) {
        if (acquired.reason === 'exhausted') break;
        const waitMs = acquired.retryAt === undefined ? Infinity : Math.max(acquired.retryAt - this.settings.clock(), 1);
        if (waitMs > this.settings.maxWaitMs - waitedMs) return this.noKey(plan, acquired.reason, acquired.retryAt, last);
        // The soonest recovery is close: waiting beats failing the client.
        // A key that has recovered may be tried again by this request.
        await sleep(waitMs, undefined, { signal }).catch(() => undefined);
        waitedMs += waitMs;
        tried.clear();
        continue;
      }
      const { lease } = acquired;
      tried.add(lease.keyId);
      attempts += 1;
      last = { attempts, keyMasked: lease.masked };
      const result = await this.attempt(plan, lease, signal, last);
      if ('done' in result) return result.done;
      if (result.retry) lastTransient = result.retry;
    }
    if (lastTransient) return { ...last, kind: 'upstreamError', ...lastTransient };
    return this.noKey(plan, 'unavailable', undefined, last);
  }

  private async attempt(plan: UpstreamPlan, lease: Lease, signal: AbortSignal, attempted: Attempted): Promise<AttemptResult> {
    const startedAt = this.settings.clock();
    let response: Dispatcher.ResponseData;
    try {
      response = await this.client.send({ ...plan.request, signal }, lease.secret);
    } catch (error) {
      return this.failed(lease, signal.aborted ? { kind: 'cancelled' } : classifyNetworkError(error), attempted);
    }
    const info = { ...attempted, upstreamMs: this.settings.clock() - startedAt };
    try {
      if (response.statusCode < 200 || response.statusCode >= 300) return await this.rejected(response, lease, info);
      return plan.stream ? await this.streamed(response, lease, info) : await this.answered(plan, response, lease, info);
    } catch (error) {
      response.body.on('error', () => undefined).destroy();
      return this.failed(lease, signal.aborted ? { kind: 'cancelled' } : classifyNetworkError(error), info);
    }
  }

  private async answered(plan: UpstreamPlan, response: Dispatcher.ResponseData, lease: Lease, info: Attempted): Promise<AttemptResult> {
    // Checked on the bytes: a body that passes through is never decoded or parsed whole.
    const body = Buffer.from(await response.body.arrayBuffer());
    if (plan.expectsCandidates && this.settings.retryEmptyResponses && isEmptyAnswer(body)) {
      return this.failed(lease, { kind: 'empty' }, info);
    }
    const usage = extractUsage(body);
    this.pool.report(lease, { kind: 'success', usage });
    const contentType = String(response.headers['content-type'] ?? 'application/json; charset=UTF-8');
    return { done: { ...info, kind: 'unary', status: response.statusCode, contentType, body, usage } };
  }

  private async streamed(response: Dispatcher.ResponseData, lease: Lease, info: Attempted): Promise<AttemptResult> {
    const stream = new UpstreamStream(response.body[Symbol.asyncIterator]());
    const peeked = await stream.peek();
    if (peeked.kind === 'error') {
      const error = parseGoogleError(peeked.text);
      return this.failed(lease, classifyError(error?.code ?? 500, peeked.text, this.classifyContext()), info, peeked.text);
    }
    if (peeked.kind === 'empty' && this.settings.retryEmptyResponses) {
      return this.failed(lease, { kind: 'empty' }, info);
    }
    const finish = (outcome: Outcome) => this.pool.report(lease, outcome);
    return { done: { ...info, kind: 'stream', status: response.statusCode, stream, finish } };
  }

  private async rejected(response: Dispatcher.ResponseData, lease: Lease, info: Attempted): Promise<AttemptResult> {
    const text = await response.body.text();
    const outcome = classifyError(response.statusCode, text, this.classifyContext());
    if (outcome.kind !== 'clientError') return this.failed(lease, outcome, info, text, response.statusCode);
    this.pool.report(lease, outcome);
    return { done: { ...info, kind: 'upstreamError', status: response.statusCode, error: this.scrubbedError(text, response.statusCode) } };
  }

  /** Reports a failed attempt; transient failures are remembered in case every attempt fails. */
  private failed(lease: Lease, outcome: Outcome, info: Attempted, text?: string, status?: number): AttemptResult {
    this.pool.report(lease, scrubOutcome(outcome, this.pool.knownSecrets));
    if (outcome.kind === 'cancelled') return { done: { ...info, kind: 'cancelled' } };
    if (outcome.kind !== 'transient') return { retry: undefined };
    const errorStatus = status ?? (outcome.reason === 'UND_ERR_HEADERS_TIMEOUT' ? 504 : 503);
    const error = text ? this.scrubbedError(text, errorStatus) : { code: errorStatus, message: outcome.message, status: 'UNAVAILABLE' };
    return { retry: { status: errorStatus, error } };
  }

  private scrubbedError(text: string, status: number): GoogleError {
    const scrubbed = scrubSecrets(text, this.pool.knownSecrets);
    return parseGoogleError(scrubbed) ?? { code: status, message: scrubbed.slice(0, 500), status: 'UNKNOWN' };
  }

  private noKey(plan: UpstreamPlan, reason: 'quota' | 'unavailable', retryAt: number | undefined, last: Attempted): FailoverResult {
    const retryAfterS = retryAt === undefined ? undefined : Math.max(1, Math.ceil((retryAt - this.settings.clock()) / 1000));
    const modelText = plan.model ? ` for model ${plan.model}` : '';
    const when = retryAfterS === undefined ? '' : ` The soonest recovery is in ${retryAfterS}s.`;
    if (reason === 'quota') {
      return { ...last, kind: 'noKey', status: 429, retryAfterS, message: `Every key of the pool is out of quota${modelText}.${when}` };
    }
    return { ...last, kind: 'noKey', status: 503, retryAfterS, message: `No key of the pool can serve this request${modelText} right now.${when}` };
  }

  private classifyContext(): ClassifyContext {
    return {
      now: this.settings.clock(),
      dailyThresholdS: this.settings.dailyThresholdS,
      defaultQuotaCooldownMs: this.settings.defaultQuotaCooldownMs,
    };
  }
}

/** Outcome messages end up in key state, logs and the dashboard: no key in them. */
function scrubOutcome(outcome: Outcome, knownSecrets: ReadonlySet<string>): Outcome {
  if ('message' in outcome) return { ...outcome, message: scrubSecrets(outcome.message, knownSecrets) };
  return outcome;
}
