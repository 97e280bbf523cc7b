import { keyIdOf } from '../secrets.js';
import { MinHeap } from './minHeap.js';
import type { Outcome } from './outcome.js';
import {
  countForKey,
  createPoolKey,
  persistedOf,
  restoreFields,
  rollDay,
  snapshotOf,
  type Cooldown,
  type KeySnapshot,
  type KeyState,
  type PersistedKey,
  type PoolKey,
} from './poolKey.js';
import { ModelView } from './modelView.js';
import { Rotation } from './rotation.js';

export type { Cooldown, KeySnapshot, KeyState, PersistedKey } from './poolKey.js';

/**
 * The key pool: which keys may serve which model right now, and picking one.
 *
 * Pure: no I/O, no timers; time comes from the injected clock. Picking costs
 * O(1) whatever the pool size: keys that can serve sit in a Rotation, keys
 * that cannot are taken out of it and come back when their cooldown (kept in
 * a min-heap) ends. Quota cooldowns are per (scope, model), where the scope is
 * the key's Google Cloud project when keys.txt names one, else the key itself,
 * because Gemini quotas belong to the project.
 */
export type Strategy = 'round-robin' | 'least-inflight';

export interface PoolOptions {
  strategy: Strategy;
  /** Transient failures in a row before a brief cooldown. */
  maxFailures: number;
  backoffMs: number;
  backoffMaxMs: number;
  clock: () => number;
}

export interface KeyInput {
  secret: string;
  label?: string;
  project?: string;
}

/** What a request holds while it uses a key; handed back through report(). */
export interface Lease {
  readonly keyId: string;
  readonly masked: string;
  readonly secret: string;
  readonly model: string;
  settled: boolean;
}

export type Acquisition =
  | { ok: true; lease: Lease }
  | {
      ok: false;
      /** quota: every usable key is quota-cooled for this model; exhausted: all usable keys were tried. */
      reason: 'quota' | 'unavailable' | 'exhausted';
      retryAt?: number;
    };

export interface PoolTotals {
  total: number;
  available: number;
  cooling: number;
  invalid: number;
}

export class KeyPool {
  private readonly keys = new Map<string, PoolKey>();
  private readonly scopes = new Map<string, Set<PoolKey>>();
  /** Keys not invalid, not removed and not backing off. */
  private readonly available = new Rotation<PoolKey>();
  private readonly views = new Map<string, ModelView<PoolKey>>();
  private readonly backoffs = new MinHeap<{ at: number; key: PoolKey }>();
  private readonly listeners = new Set<() => void>();
  /** Every secret ever loaded, so that error text echoing one can be scrubbed. */
  readonly knownSecrets = new Set<string>();
  /** Persisted state of keys not (or no longer) in keys.txt: resumed when they come back. */
  private readonly dormant = new Map<string, PersistedKey>();

  constructor(private readonly options: PoolOptions) {}

  /** Replaces the key set: new keys join, missing keys leave (history kept), others keep their state. */
  setKeys(inputs: readonly KeyInput[]): { added: number; removed: number; kept: number } {
    const seen = new Set<string>();
    let added = 0;
    let kept = 0;
    for (const input of inputs) {
      const id = keyIdOf(input.secret);
      seen.add(id);
      const existing = this.keys.get(id);
      if (existing && !existing.removed) kept += 1;
      else added += 1;
      this.upsertKey(id, input);
    }
    let removed = 0;
    for (const key of this.keys.values()) {
      if (!key.removed && !seen.has(key.id)) {
        key.removed = true;
        key.removedAt = this.options.clock();
        this.takeOutOfRotation(key);
        removed += 1;
      }
    }
    this.notify();
    return { added, removed, kept };
  }

  private upsertKey(id: string, input: KeyInput): void {
    const scope = input.project ? `project:${input.project}` : `key:${id}`;
    let key = this.keys.get(id);
    if (!key) {
      this.knownSecrets.add(input.secret);
      key = createPoolKey(id, input.secret, this.options.clock());
      this.keys.set(id, key);
    }
    key.label = input.label;
    key.project = input.project;
    key.revision += 1;
    if (key.scope !== scope || key.removed) {
      this.takeOutOfRotation(key);
      this.scopes.get(key.scope)?.delete(key);
      key.scope = scope;
      const dormant = this.dormant.get(id);
      // Re-adding a removed key is the operator's word that it may work again.
      if (key.removed && key.removedAt !== undefined) key.invalid = undefined;
      key.removed = false;
      key.removedAt = undefined;
      this.scopeMembers(scope).add(key);
      if (dormant) this.hydrate(key, dormant);
      if (this.canServe(key, this.options.clock())) this.putIntoRotation(key);
    }
  }

  /** Picks a key for `model`, skipping the ids in `exclude` (keys this request already tried). */
  acquire(model: string, exclude: ReadonlySet<string>): Acquisition {
    const now = this.options.clock();
    this.endBackoffs(now);
    const view = this.views.get(model);
    if (view) this.endCooldowns(view, now);
    const rotation = view ? view.rotation : this.available;
    const key = this.pick(rotation, exclude);
    if (!key) return this.whyUnavailable(rotation, view, now);
    key.inflight += 1;
    key.lastUsedAt = now;
    return { ok: true, lease: { keyId: key.id, masked: key.masked, secret: key.secret, model, settled: false } };
  }

  /** Hands a lease back with what its attempt came to. */
  report(lease: Lease, outcome: Outcome): void {
    if (lease.settled) return;
    lease.settled = true;
    const key = this.keys.get(lease.keyId);
    if (!key) return;
    const now = this.options.clock();
    key.inflight -= 1;
    key.revision += 1;
    countForKey(key, outcome, now);
    switch (outcome.kind) {
      case 'success':
        key.streak = 0;
        break;
      case 'deadKey':
        this.markInvalid(key, outcome.reason, now);
        key.lastError = { kind: outcome.kind, message: outcome.message, at: now };
        break;
      case 'quota':
        this.coolScope(key.scope, lease.model, outcome.until, outcome.reason);
        key.lastError = { kind: outcome.kind, message: outcome.message, at: now };
        break;
      case 'transient':
        key.lastError = { kind: outcome.kind, message: outcome.message, at: now };
        this.countTransient(key, now);
        break;
      case 'empty':
        key.lastError = { kind: outcome.kind, message: 'empty answer (no candidates)', at: now };
        break;
      case 'clientError':
      case 'cancelled':
        break;
    }
    this.notify();
  }

  /** Makes a key serve again (manual reset, or a recheck that found it good); clears its scope's cooldowns when asked. */
  restore(keyId: string, options: { clearCooldowns: boolean }): boolean {
    const key = this.keys.get(keyId);
    if (!key || key.removed) return false;
    key.invalid = undefined;
    key.streak = 0;
    key.backoffUntil = 0;
    key.revision += 1;
    if (options.clearCooldowns) {
      for (const view of this.views.values()) {
        if (view.clear(key.scope)) this.returnScopeToView(view, key.scope);
      }
      for (const member of this.scopeMembers(key.scope)) member.revision += 1;
    }
    if (this.canServe(key, this.options.clock())) this.putIntoRotation(key, true);
    this.notify();
    return true;
  }

  /** Ids of keys a recheck should probe: invalid or backing off. */
  keysToRecheck(): Array<{ keyId: string; secret: string; masked: string }> {
    const now = this.options.clock();
    const due: Array<{ keyId: string; secret: string; masked: string }> = [];
    for (const key of this.keys.values()) {
      if (!key.removed && (key.invalid || key.backoffUntil > now)) {
        due.push({ keyId: key.id, secret: key.secret, masked: key.masked });
      }
    }
    return due;
  }

  /** A lease-free handle on one key, for probes (`keys check`). */
  keyForProbe(keyId: string): { keyId: string; secret: string; masked: string } | undefined {
    const key = this.keys.get(keyId);
    return key && !key.removed ? { keyId: key.id, secret: key.secret, masked: key.masked } : undefined;
  }

  /** Marks a key invalid from outside a request (a recheck probe found it dead). */
  markDead(keyId: string, reason: string, message: string): void {
    const key = this.keys.get(keyId);
    if (!key || key.removed) return;
    const now = this.options.clock();
    this.markInvalid(key, reason, now);
    key.revision += 1;
    key.lastError = { kind: 'deadKey', message, at: now };
    this.notify();
  }

  /** Takes the persisted state of a previous run; keys load it as they join (or now, if loaded). */
  loadHistory(records: readonly PersistedKey[]): void {
    for (const record of records) {
      const key = this.keys.get(record.id);
      if (key && !key.removed) this.hydrate(key, record);
      else this.dormant.set(record.id, record);
    }
    this.notify();
  }

  /** Everything worth keeping across a restart; history of keys gone over `forgetAfterMs` is dropped. */
  exportState(forgetAfterMs: number): PersistedKey[] {
    return this.exportStateJson(forgetAfterMs).map((json) => JSON.parse(json) as PersistedKey);
  }

  /**
   * The same, as one JSON text per key. A key that did not change since the
   * last save reuses its text, so saving 10,000 keys costs little more than
   * saving the few that served requests meanwhile.
   */
  exportStateJson(forgetAfterMs: number): string[] {
    const now = this.options.clock();
    const records: string[] = [];
    for (const key of this.keys.values()) {
      if (key.removed && key.removedAt !== undefined && now - key.removedAt > forgetAfterMs) continue;
      if (key.saved?.revision !== key.revision) {
        key.saved = { revision: key.revision, json: JSON.stringify(persistedOf(key, this.cooldownsOf(key, now))) };
      }
      records.push(key.saved.json);
    }
    for (const [id, record] of this.dormant) {
      const gone = record.removedAt ?? now;
      if (now - gone > forgetAfterMs) this.dormant.delete(id);
      else if (!this.keys.has(id)) records.push(JSON.stringify(record));
    }
    return records;
  }

  private hydrate(key: PoolKey, record: PersistedKey): void {
    this.dormant.delete(key.id);
    const now = this.options.clock();
    restoreFields(key, record, now);
    key.revision += 1;
    if (key.invalid) this.takeOutOfRotation(key);
    for (const cooldown of record.cooldowns) {
      if (cooldown.until <= now) continue;
      if (cooldown.model === '*') {
        key.backoffUntil = cooldown.until;
        this.takeOutOfRotation(key);
        this.backoffs.push({ at: cooldown.until, key });
      } else {
        this.coolScope(key.scope, cooldown.model, cooldown.until, cooldown.reason);
      }
    }
  }

  /** Calls `listener` after every change of key state (cheap: listeners only set flags). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  totals(): PoolTotals {
    const now = this.options.clock();
    const totals: PoolTotals = { total: 0, available: 0, cooling: 0, invalid: 0 };
    for (const key of this.keys.values()) {
      if (key.removed) continue;
      totals.total += 1;
      const state = this.stateOf(key, now);
      if (state === 'active') totals.available += 1;
      else if (state === 'cooling') totals.cooling += 1;
      else totals.invalid += 1;
    }
    return totals;
  }

  snapshot(): KeySnapshot[] {
    const now = this.options.clock();
    const snapshots: KeySnapshot[] = [];
    for (const key of this.keys.values()) {
      if (key.removed) continue;
      rollDay(key, now);
      snapshots.push(snapshotOf(key, this.stateOf(key, now), this.cooldownsOf(key, now)));
    }
    return snapshots;
  }

  /** Resolves what an operator typed (an id, an id prefix, a masked form, or the key itself) to one key id. */
  findKeyId(query: string): string | undefined {
    const byFullKey = this.keys.get(keyIdOf(query));
    if (byFullKey && !byFullKey.removed) return byFullKey.id;
    const matches: string[] = [];
    for (const key of this.keys.values()) {
      if (key.removed) continue;
      if (key.id === query || key.masked === query) return key.id;
      if (query.length >= 4 && key.id.startsWith(query)) matches.push(key.id);
    }
    return matches.length === 1 ? matches[0] : undefined;
  }

  private pick(rotation: Rotation<PoolKey>, exclude: ReadonlySet<string>): PoolKey | undefined {
    if (this.options.strategy === 'least-inflight') {
      // Power of two choices: two random keys, the less busy one wins. O(1),
      // and close to a true least-loaded pick (envoy's least_request does this).
      const candidates = rotation.randomTwo().filter((key) => !exclude.has(key.id));
      if (candidates.length > 0) {
        return candidates.reduce((best, key) => (key.inflight < best.inflight ? key : best));
      }
    }
    // Consecutive round-robin picks are distinct, so exclude.size + 1 of
    // them are enough to get past every excluded key.
    const tries = Math.min(rotation.size, exclude.size + 1);
    for (let i = 0; i < tries; i += 1) {
      const key = rotation.next() as PoolKey;
      if (!exclude.has(key.id)) return key;
    }
    return undefined;
  }

  private whyUnavailable(rotation: Rotation<PoolKey>, view: ModelView<PoolKey> | undefined, now: number): Acquisition {
    if (rotation.size > 0) return { ok: false, reason: 'exhausted' };
    const quotaAt = view?.soonestEnd();
    const backoffAt = this.soonestBackoffEnd();
    if (quotaAt !== undefined && backoffAt === undefined) return { ok: false, reason: 'quota', retryAt: quotaAt };
    const times = [quotaAt, backoffAt].filter((at): at is number => at !== undefined && at > now);
    return { ok: false, reason: 'unavailable', retryAt: times.length > 0 ? Math.min(...times) : undefined };
  }

  private soonestBackoffEnd(): number | undefined {
    for (let top = this.backoffs.peek(); top; top = this.backoffs.peek()) {
      if (top.key.backoffUntil === top.at && !top.key.removed && !top.key.invalid) return top.at;
      this.backoffs.pop();
    }
    return undefined;
  }

  private endBackoffs(now: number): void {
    for (let at = this.soonestBackoffEnd(); at !== undefined && at <= now; at = this.soonestBackoffEnd()) {
      const { key } = this.backoffs.pop() as { at: number; key: PoolKey };
      key.backoffUntil = 0;
      this.putIntoRotation(key, true);
    }
  }

  private endCooldowns(view: ModelView<PoolKey>, now: number): void {
    for (const scope of view.endDue(now)) this.returnScopeToView(view, scope);
  }

  private returnScopeToView(view: ModelView<PoolKey>, scope: string): void {
    for (const key of this.scopeMembers(scope)) {
      if (this.available.has(key)) view.rotation.addAnywhere(key);
    }
  }

  private coolScope(scope: string, model: string, until: number, reason: string): void {
    const members = this.scopeMembers(scope);
    this.viewFor(model).cool(scope, until, reason, members);
    // The whole project's saved cooldowns changed, not only the reporting key's.
    for (const key of members) key.revision += 1;
  }

  private viewFor(model: string): ModelView<PoolKey> {
    let view = this.views.get(model);
    if (!view) {
      // Built once per model that ever hits a quota: O(pool) once, O(1) after.
      view = new ModelView(this.available.values());
      this.views.set(model, view);
    }
    return view;
  }

  private countTransient(key: PoolKey, now: number): void {
    key.streak += 1;
    if (key.streak < this.options.maxFailures) return;
    const doublings = Math.min(key.streak - this.options.maxFailures, 20);
    const backoff = Math.min(this.options.backoffMs * 2 ** doublings, this.options.backoffMaxMs);
    key.backoffUntil = now + backoff;
    this.takeOutOfRotation(key);
    this.backoffs.push({ at: key.backoffUntil, key });
  }

  private markInvalid(key: PoolKey, reason: string, now: number): void {
    key.invalid = { reason, since: now };
    this.takeOutOfRotation(key);
  }

  private canServe(key: PoolKey, now: number): boolean {
    return !key.removed && !key.invalid && key.backoffUntil <= now;
  }

  /** `anywhere` for keys coming back (not newly loaded ones), so that they scatter. */
  private putIntoRotation(key: PoolKey, anywhere = false): void {
    if (!this.canServe(key, this.options.clock())) return;
    if (anywhere) this.available.addAnywhere(key);
    else this.available.add(key);
    for (const view of this.views.values()) view.offer(key, anywhere);
  }

  private takeOutOfRotation(key: PoolKey): void {
    this.available.remove(key);
    for (const view of this.views.values()) view.rotation.remove(key);
  }

  private scopeMembers(scope: string): Set<PoolKey> {
    let members = this.scopes.get(scope);
    if (!members) {
      members = new Set();
      this.scopes.set(scope, members);
    }
    return members;
  }

  private stateOf(key: PoolKey, now: number): KeyState {
    if (key.invalid) return 'invalid';
    return this.cooldownsOf(key, now).length > 0 ? 'cooling' : 'active';
  }

  private cooldownsOf(key: PoolKey, now: number): Cooldown[] {
    const cooldowns: Cooldown[] = [];
    if (key.backoffUntil > now) cooldowns.push({ model: '*', until: key.backoffUntil, reason: 'backoff' });
    for (const [model, view] of this.views) {
      const cooled = view.cooldownOf(key.scope);
      if (cooled && cooled.until > now) cooldowns.push({ model, until: cooled.until, reason: cooled.reason });
    }
    return cooldowns;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
