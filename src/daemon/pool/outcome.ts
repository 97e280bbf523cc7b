/**
 * What one upstream attempt came to, as the classifier sees it. Expected
 * failures are values, not exceptions: the failover loop and the key pool
 * branch on `kind`.
 */
export interface TokenUsage {
  prompt: number;
  completion: number;
  thoughts: number;
}

export type Outcome =
  /** 2xx with an answer: the key works. */
  | { kind: 'success'; usage?: TokenUsage }
  /** Invalid, expired, leaked, suspended or blocked key: out of rotation. */
  | { kind: 'deadKey'; reason: string; message: string }
  /** Quota of the key's project for the attempted model: cool until `until`. */
  | { kind: 'quota'; until: number; daily: boolean; reason: string; message: string }
  /** Not the key's fault (overload, 5xx, bare 429, network): retry elsewhere. */
  | { kind: 'transient'; reason: string; message: string }
  /** 2xx with no candidates and no prompt block. */
  | { kind: 'empty' }
  /** The client's own mistake (other 4xx): returned as is, no penalty. */
  | { kind: 'clientError'; status: number }
  /** The client went away before the answer was complete. */
  | { kind: 'cancelled' };

export type OutcomeKind = Outcome['kind'];

/** Failure classes counted per key (shown by status and the dashboard). */
export type FailureClass = 'deadKey' | 'quota' | 'transient' | 'empty' | 'clientError';
export const FAILURE_CLASSES: readonly FailureClass[] = ['deadKey', 'quota', 'transient', 'empty', 'clientError'];
