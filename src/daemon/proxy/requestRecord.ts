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
}

/** Fills a record from what the failover loop came to. */
export function recordResult(record: RequestRecord, result: FailoverResult): RequestRecord {
  record.attempts = result.attempts;
  record.keyMasked = result.keyMasked;
  record.upstreamMs = result.upstreamMs;
  record.status = result.kind === 'cancelled' ? 499 : result.status;
  if (result.kind === 'noKey') record.error = result.message;
  if (result.kind === 'upstreamError') record.error = result.error.message;
  return record;
}
