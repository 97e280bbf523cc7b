import type { Cooldown } from '../protocol/snapshot.js';

/**
 * Pure text helpers for the dashboard: durations, counts, cooldowns, failure
 * classes, and fitting things into a width. No React, no clock of their own.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Compact duration: `20s`, `4m12s`, `7h03m`, `3d04h`. Negative and sub-second round to `0s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / SECOND));
  if (total < 60) return `${total}s`;
  const seconds = total % 60;
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600) % 24;
  const days = Math.floor(total / 86_400);
  if (total < HOUR / SECOND) return `${minutes}m${pad2(seconds)}s`;
  if (total < DAY / SECOND) return `${hours}h${pad2(minutes)}m`;
  return `${days}d${pad2(hours)}h`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** Compact count: `999`, `1.2k`, `12.3k`, `123k`, `4.5M`. */
export function formatCount(value: number): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (abs < 1_000) return `${sign}${Math.round(abs)}`;
  const units = ['k', 'M', 'G'];
  let scaled = abs;
  let unit = 0;
  // Move up a unit rather than print "1000.0k".
  do {
    scaled /= 1_000;
    unit += 1;
  } while (scaled >= 999.95 && unit < units.length);
  return `${sign}${scaled < 99.95 ? scaled.toFixed(1) : Math.round(scaled)}${units[unit - 1]}`;
}

export function formatPercent(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return '—';
  const percent = share * 100;
  return percent >= 99.95 ? '100%' : `${percent.toFixed(1)}%`;
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)}s`;
}

export function formatRate(perSecond: number): string {
  return perSecond >= 100 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}

/** Local wall-clock `HH:MM:SS`. */
export function formatClock(epochMs: number): string {
  const at = new Date(epochMs);
  return `${pad2(at.getHours())}:${pad2(at.getMinutes())}:${pad2(at.getSeconds())}`;
}

/** `gemini-2.5-flash` -> `flash`, `models/gemini-2.0-pro-exp` -> `pro-exp`, `*` (all-model backoff) -> `all`. */
export function shortModel(model: string): string {
  if (model === '*') return 'all';
  return model.replace(/^models\//, '').replace(/^gemini-[\d.]+-/, '') || model;
}

/** Cooldown reason the daemon gives a per-day quota: it lasts until midnight Pacific time. */
const DAILY_REASON = 'quota-day';

/**
 * A key's cooldowns as one cell: `20s`-style countdowns from `now` (the
 * daemon's clock), grouped when models share one: `pro 4m12s, flash 20s`,
 * `flash+pro 26s`, `pro until midnight PT`. Expired ones are left out.
 */
export function formatCooldowns(cooldowns: readonly Cooldown[], now: number): string {
  const groups = new Map<string, string[]>();
  const ordered = [...cooldowns].filter((cooldown) => cooldown.until > now).sort((a, b) => b.until - a.until);
  for (const cooldown of ordered) {
    const when = cooldown.reason === DAILY_REASON ? 'until midnight PT' : formatDuration(cooldown.until - now);
    const models = groups.get(when) ?? [];
    models.push(shortModel(cooldown.model));
    groups.set(when, models);
  }
  return [...groups].map(([when, models]) => `${models.sort().join('+')} ${when}`).join(', ');
}

/** One letter per failure class the daemon counts; unknown classes use their first letter. */
const FAILURE_LETTERS: Record<string, string> = { quota: 'q', transient: 't', deadKey: 'd', empty: 'e', clientError: 'c' };

/** Non-zero failure counts, biggest first: `q3 t1`; `-` when there are none. */
export function formatFailures(failures: Readonly<Record<string, number>>, limit = 3): string {
  const counted = Object.entries(failures)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit);
  if (counted.length === 0) return '-';
  return counted.map(([name, count]) => `${FAILURE_LETTERS[name] ?? name.charAt(0)}${formatCount(count)}`).join(' ');
}

export function totalFailures(failures: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const count of Object.values(failures)) total += count;
  return total;
}

/** Cuts `text` to `width` characters, marking the cut with `…`. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/** Keeps the end, which is the informative part of a path: `…/run/s.sock`. */
export function truncateStart(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `…${text.slice(text.length - width + 1)}`;
}

/** Exactly `width` characters: truncated or padded on the side `align` says. */
export function fitCell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text.replace(/\s+/g, ' '), width);
  return align === 'right' ? cut.padStart(width) : cut.padEnd(width);
}

export interface Segment {
  text: string;
  /** 0 is kept longest; the highest number goes first when space runs out. */
  priority: number;
}

/** Drops the least important segments until the rest, joined by `gap` spaces, fit in `width`. Keeps their order. */
export function fitSegments<T extends Segment>(segments: readonly T[], width: number, gap = 2): T[] {
  const kept = [...segments];
  const length = () => kept.reduce((sum, segment) => sum + segment.text.length, 0) + gap * Math.max(0, kept.length - 1);
  while (kept.length > 1 && length() > width) {
    let drop = 0;
    for (let index = 1; index < kept.length; index += 1) if (kept[index].priority >= kept[drop].priority) drop = index;
    kept.splice(drop, 1);
  }
  return kept;
}
