import { maskSecret } from '../secrets.js';
import { countOutcome, emptyCounters, type Counters } from './counters.js';
import type { Outcome } from './outcome.js';
import { pacificDate } from './pacificTime.js';

/**
 * One key's own state, and how it is shown (snapshot) and kept (persisted).
 * Which rotation a key sits in is the pool's business (keyPool.ts).
 */
export interface Cooldown {
  /** The model it applies to, or '*' for a brief all-model backoff. */
  model: string;
  until: number;
  reason: string;
}

export type KeyState = 'active' | 'cooling' | 'invalid';

export interface LastError {
  kind: string;
  message: string;
  at: number;
}

export interface KeySnapshot {
  id: string;
  masked: string;
  label?: string;
  project?: string;
  state: KeyState;
  cooldowns: Cooldown[];
  invalidReason?: string;
  inflight: number;
  streak: number;
  lastUsedAt?: number;
  lastError?: LastError;
  lifetime: Counters;
  today: Counters;
}

/** What the state file keeps of a key: never the key itself, only its hash id and masked form. */
export interface PersistedKey {
  id: string;
  masked: string;
  label?: string;
  project?: string;
  invalid?: { reason: string; since: number };
  cooldowns: Cooldown[];
  streak: number;
  lastUsedAt?: number;
  lastError?: LastError;
  lifetime: Counters;
  today: { date: string; counters: Counters };
  /** When the key left keys.txt; history of keys gone long enough is pruned. */
  removedAt?: number;
}

export interface PoolKey {
  readonly id: string;
  readonly secret: string;
  readonly masked: string;
  label?: string;
  project?: string;
  scope: string;
  removed: boolean;
  removedAt?: number;
  invalid?: { reason: string; since: number };
  streak: number;
  backoffUntil: number;
  inflight: number;
  lastUsedAt?: number;
  lastError?: LastError;
  lifetime: Counters;
  today: Counters;
  todayDate: string;
  /** Bumped on every change worth saving; the saved JSON is reused while it stays the same. */
  revision: number;
  saved?: { revision: number; json: string };
}

export function createPoolKey(id: string, secret: string, now: number): PoolKey {
  return {
    id,
    secret,
    masked: maskSecret(secret),
    scope: `key:${id}`,
    removed: true,
    streak: 0,
    backoffUntil: 0,
    inflight: 0,
    lifetime: emptyCounters(),
    today: emptyCounters(),
    todayDate: pacificDate(now),
    revision: 0,
  };
}

/** Counters roll over at midnight in Los Angeles, when Gemini's daily quotas do. */
export function countForKey(key: PoolKey, outcome: Outcome, now: number): void {
  rollDay(key, now);
  countOutcome(key.lifetime, outcome);
  countOutcome(key.today, outcome);
}

export function rollDay(key: PoolKey, now: number): void {
  const date = pacificDate(now);
  if (date !== key.todayDate) {
    key.todayDate = date;
    key.today = emptyCounters();
  }
}

export function snapshotOf(key: PoolKey, state: KeyState, cooldowns: Cooldown[]): KeySnapshot {
  return {
    id: key.id,
    masked: key.masked,
    label: key.label,
    project: key.project,
    state,
    cooldowns,
    invalidReason: key.invalid?.reason,
    inflight: key.inflight,
    streak: key.streak,
    lastUsedAt: key.lastUsedAt,
    lastError: key.lastError,
    lifetime: structuredClone(key.lifetime),
    today: structuredClone(key.today),
  };
}

export function persistedOf(key: PoolKey, cooldowns: Cooldown[]): PersistedKey {
  return {
    id: key.id,
    masked: key.masked,
    label: key.label,
    project: key.project,
    invalid: key.invalid,
    cooldowns,
    streak: key.streak,
    lastUsedAt: key.lastUsedAt,
    lastError: key.lastError,
    lifetime: key.lifetime,
    today: { date: key.todayDate, counters: key.today },
    removedAt: key.removed ? key.removedAt : undefined,
  };
}

/** Copies a persisted record's own fields onto a freshly loaded key (cooldowns are the pool's to apply). */
export function restoreFields(key: PoolKey, record: PersistedKey, now: number): void {
  // A key that had left keys.txt and came back: its history resumes, its dead mark does not.
  key.invalid = record.removedAt === undefined ? record.invalid : undefined;
  key.streak = record.streak;
  key.lastUsedAt = record.lastUsedAt;
  key.lastError = record.lastError;
  key.lifetime = structuredClone(record.lifetime);
  key.todayDate = record.today.date;
  key.today = structuredClone(record.today.counters);
  rollDay(key, now);
}
