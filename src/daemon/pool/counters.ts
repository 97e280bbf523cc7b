import { FAILURE_CLASSES, type FailureClass, type Outcome } from './outcome.js';

/** Usage counters of one key (or, later, one client token) over some period. */
export interface Counters {
  requests: number;
  successes: number;
  failures: Record<FailureClass, number>;
  promptTokens: number;
  completionTokens: number;
  thoughtTokens: number;
}

export function emptyCounters(): Counters {
  const failures = {} as Record<FailureClass, number>;
  for (const failureClass of FAILURE_CLASSES) failures[failureClass] = 0;
  return { requests: 0, successes: 0, failures, promptTokens: 0, completionTokens: 0, thoughtTokens: 0 };
}

/** Adds one finished attempt to the counters. */
export function countOutcome(counters: Counters, outcome: Outcome): void {
  if (outcome.kind === 'cancelled') return;
  counters.requests += 1;
  if (outcome.kind === 'success') {
    counters.successes += 1;
    if (outcome.usage) {
      counters.promptTokens += outcome.usage.prompt;
      counters.completionTokens += outcome.usage.completion;
      counters.thoughtTokens += outcome.usage.thoughts;
    }
    return;
  }
  counters.failures[outcome.kind] += 1;
}
