import { MinHeap } from './minHeap.js';
import { Rotation } from './rotation.js';

/**
 * The keys that can serve one model right now: a Rotation of them, the
 * scopes (projects or single keys) cooling for this model, and a min-heap of
 * when those cooldowns end. The pool creates one on a model's first quota
 * cooldown; models that never hit one use the pool's main rotation.
 */
export interface Scoped {
  scope: string;
}

export class ModelView<K extends Scoped> {
  readonly rotation = new Rotation<K>();
  private readonly cooled = new Map<string, { until: number; reason: string }>();
  private readonly expiries = new MinHeap<{ at: number; scope: string }>();

  constructor(available: Iterable<K>) {
    for (const key of available) this.rotation.add(key);
  }

  cooldownOf(scope: string): { until: number; reason: string } | undefined {
    return this.cooled.get(scope);
  }

  /** Cools `scope` until `until` (a longer cooldown already there wins) and takes its keys out. */
  cool(scope: string, until: number, reason: string, members: Iterable<K>): void {
    const current = this.cooled.get(scope);
    if (current && current.until >= until) return;
    this.cooled.set(scope, { until, reason });
    this.expiries.push({ at: until, scope });
    for (const key of members) this.rotation.remove(key);
  }

  /** Ends a scope's cooldown now (a manual reset); true when there was one. */
  clear(scope: string): boolean {
    return this.cooled.delete(scope);
  }

  /** When the soonest cooldown ends, skipping heap entries made stale by an extension or a reset. */
  soonestEnd(): number | undefined {
    for (let top = this.expiries.peek(); top; top = this.expiries.peek()) {
      if (this.cooled.get(top.scope)?.until === top.at) return top.at;
      this.expiries.pop();
    }
    return undefined;
  }

  /** Ends every cooldown due by `now`; returns the scopes whose keys may come back. */
  endDue(now: number): string[] {
    const ended: string[] = [];
    for (let at = this.soonestEnd(); at !== undefined && at <= now; at = this.soonestEnd()) {
      const { scope } = this.expiries.pop() as { at: number; scope: string };
      this.cooled.delete(scope);
      ended.push(scope);
    }
    return ended;
  }

  /** A key became available: it serves this model unless its scope is cooling here. */
  offer(key: K, anywhere: boolean): void {
    if (this.cooled.has(key.scope)) return;
    if (anywhere) this.rotation.addAnywhere(key);
    else this.rotation.add(key);
  }
}
