import type { KeyView } from '../protocol/snapshot.js';
import { totalFailures } from './format.js';

/**
 * Which keys the table shows, in what order. The default puts trouble on top
 * (invalid, then cooling, then active) and is otherwise stable (by label and
 * masked id), so rows do not jump around while traffic flows; `s` cycles to
 * busiest-first, most-errors-first and plain by-name.
 */
export const SORT_MODES = ['state', 'requests', 'errors', 'name'] as const;
export type SortMode = (typeof SORT_MODES)[number];

export const SORT_TITLES: Record<SortMode, string> = {
  state: 'state (invalid, cooling, active)',
  requests: 'requests (most first)',
  errors: 'errors (most first)',
  name: 'name (label, key)',
};

export function nextSortMode(mode: SortMode): SortMode {
  return SORT_MODES[(SORT_MODES.indexOf(mode) + 1) % SORT_MODES.length];
}

const STATE_RANK: Record<KeyView['state'], number> = { invalid: 0, cooling: 1, active: 2 };

function byName(a: KeyView, b: KeyView): number {
  return (a.label ?? '\uffff').localeCompare(b.label ?? '\uffff') || a.masked.localeCompare(b.masked) || a.id.localeCompare(b.id);
}

function soonestEnd(key: KeyView): number {
  let soonest = Infinity;
  for (const cooldown of key.cooldowns) soonest = Math.min(soonest, cooldown.until);
  return soonest;
}

const COMPARE: Record<SortMode, (a: KeyView, b: KeyView) => number> = {
  state: (a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || (a.state === 'cooling' ? soonestEnd(a) - soonestEnd(b) : 0) || byName(a, b),
  requests: (a, b) => b.requests - a.requests || byName(a, b),
  errors: (a, b) => totalFailures(b.failures) - totalFailures(a.failures) || byName(a, b),
  name: byName,
};

/** Case-insensitive substring match on the masked id, label, project and state. */
export function keyMatches(key: KeyView, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return true;
  return [key.masked, key.label, key.project, key.state].some((field) => field !== undefined && field.toLowerCase().includes(needle));
}

export function orderKeys(keys: readonly KeyView[], filter: string, sort: SortMode): KeyView[] {
  return keys.filter((key) => keyMatches(key, filter)).sort(COMPARE[sort]);
}
