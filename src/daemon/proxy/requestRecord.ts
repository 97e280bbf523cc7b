import type { Outcome, TokenUsage } from '../pool/outcome.js';
import type { FailoverResult } from './failover.js';

/**
 * What the pipeline knows about one finished request: logged as one line,
 * and (later) kept in the recent-requests ring and in metrics.
 */
export interface RequestRecord {
  surface: 'native' | 'openai' | 'admin';
  method: string;
  path: string;
  model?: string;
  status: number;
  attempts: number;
  keyMasked?: string;
  upstreamMs?: number;
  error?: string;
  /** Tokens the answer used, when it said. */
  usage?: TokenUsage;
}

/** Fills a record from what the failover loop came to. */
export function recordResult(record: RequestRecord, result: FailoverResult): RequestRecord {
  record.attempts = result.attempts;
  record.keyMasked = result.keyMasked;
  record.upstreamMs = result.upstreamMs;
  record.status = result.kind === 'cancelled' ? 499 : result.status;
  if (result.kind === 'noKey') record.error = result.message;
  if (result.kind === 'upstreamError') record.error = result.error.message;
  if (result.kind === 'unary') record.usage = result.usage;
  return record;
}

/** A stream's end: its usage goes to the record as well as to the key. */
export function finishStream(record: RequestRecord, finish: (outcome: Outcome) => void, outcome: Outcome): void {
  if (outcome.kind === 'success') record.usage = outcome.usage;
  if (outcome.kind === 'transient') record.error = outcome.message;
  finish(outcome);
}
