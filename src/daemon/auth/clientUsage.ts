import type { TokenUsage } from '../pool/outcome.js';
import { nextPacificMidnight, pacificDate } from '../pool/pacificTime.js';
import type { ClientPolicy } from './clientTokens.js';

/**
 * Per-client usage and limits: a sliding one-minute window for `rpm`, daily
 * request and token quotas (days end at midnight in Los Angeles, like
 * Gemini's own), model allow lists. Counters persist with the key state.
 */
export interface ClientCounters {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
}

export interface PersistedClient {
  name: string;
  lifetime: ClientCounters;
  today: { date: string; counters: ClientCounters };
}

export interface Refusal {
  status: 403 | 429;
  message: string;
  retryAfterS?: number;
}

export interface ModelRules {
  allow: readonly string[];
  deny: readonly string[];
}

interface ClientState {
  lifetime: ClientCounters;
  today: ClientCounters;
  todayDate: string;
  /** Admission times within the last minute, oldest first. */
  window: number[];
}

const MINUTE_MS = 60_000;

export class ClientUsage {
  private readonly clients = new Map<string, ClientState>();

  constructor(
    private readonly clock: () => number,
    private readonly modelRules: () => ModelRules,
  ) {}

  /** Rate and daily limits, checked (and counted) when a request arrives. */
  admit(policy: ClientPolicy): Refusal | undefined {
    const now = this.clock();
    const state = this.stateOf(policy.name, now);
    while (state.window.length > 0 && state.window[0] <= now - MINUTE_MS) state.window.shift();
    if (policy.rpm !== undefined && state.window.length >= policy.rpm) {
      const retryAfterS = Math.max(1, Math.ceil((state.window[0] + MINUTE_MS - now) / 1000));
      return { status: 429, message: `Client ${policy.name} is over its limit of ${policy.rpm} requests per minute.`, retryAfterS };
    }
    const untilMidnightS = () => Math.max(1, Math.ceil((nextPacificMidnight(now) - now) / 1000));
    if (policy.dailyRequests !== undefined && state.today.requests >= policy.dailyRequests) {
      return { status: 429, message: `Client ${policy.name} has used its ${policy.dailyRequests} requests for today.`, retryAfterS: untilMidnightS() };
    }
    const tokensToday = state.today.promptTokens + state.today.completionTokens;
    if (policy.dailyTokens !== undefined && tokensToday >= policy.dailyTokens) {
      return { status: 429, message: `Client ${policy.name} has used its ${policy.dailyTokens} tokens for today.`, retryAfterS: untilMidnightS() };
    }
    if (policy.rpm !== undefined) state.window.push(now);
    state.today.requests += 1;
    state.lifetime.requests += 1;
    return undefined;
  }

  /** The pool-wide allow/deny lists, then the client's own list. */
  checkModel(policy: ClientPolicy, model: string): Refusal | undefined {
    if (!this.modelAllowed(model)) return { status: 403, message: `The model ${model} is not available on this pool.` };
    if (policy.models && !policy.models.has(model)) return { status: 403, message: `Client ${policy.name} may not use the model ${model}.` };
    return undefined;
  }

  modelAllowed(model: string): boolean {
    const rules = this.modelRules();
    return !rules.deny.includes(model) && (rules.allow.length === 0 || rules.allow.includes(model));
  }

  /** A finished request: its tokens, and whether it failed. */
  record(name: string, status: number, usage: TokenUsage | undefined): void {
    const state = this.stateOf(name, this.clock());
    const failed = status >= 400 ? 1 : 0;
    for (const counters of [state.lifetime, state.today]) {
      counters.errors += failed;
      counters.promptTokens += usage?.prompt ?? 0;
      counters.completionTokens += (usage?.completion ?? 0) + (usage?.thoughts ?? 0);
    }
  }

  snapshot(): Array<{ name: string; lifetime: ClientCounters; today: ClientCounters; lastMinute: number }> {
    const now = this.clock();
    return [...this.clients].map(([name, state]) => {
      this.roll(state, now);
      return { name, lifetime: { ...state.lifetime }, today: { ...state.today }, lastMinute: state.window.filter((at) => at > now - MINUTE_MS).length };
    });
  }

  exportState(): PersistedClient[] {
    return [...this.clients].map(([name, state]) => ({ name, lifetime: state.lifetime, today: { date: state.todayDate, counters: state.today } }));
  }

  loadState(records: readonly PersistedClient[]): void {
    const now = this.clock();
    for (const record of records) {
      const state: ClientState = { lifetime: { ...record.lifetime }, today: { ...record.today.counters }, todayDate: record.today.date, window: [] };
      this.roll(state, now);
      this.clients.set(record.name, state);
    }
  }

  private stateOf(name: string, now: number): ClientState {
    let state = this.clients.get(name);
    if (!state) {
      state = { lifetime: emptyCounters(), today: emptyCounters(), todayDate: pacificDate(now), window: [] };
      this.clients.set(name, state);
    }
    this.roll(state, now);
    return state;
  }

  private roll(state: ClientState, now: number): void {
    const date = pacificDate(now);
    if (date !== state.todayDate) {
      state.todayDate = date;
      state.today = emptyCounters();
    }
  }
}

function emptyCounters(): ClientCounters {
  return { requests: 0, errors: 0, promptTokens: 0, completionTokens: 0 };
}
