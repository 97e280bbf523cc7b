/**
 * Gemini's per-day quotas reset at midnight in America/Los_Angeles, whatever
 * the retryDelay of the 429 says; DST makes that 07:00 or 08:00 UTC.
 */
const PACIFIC = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function pacificWallClock(epochMs: number): WallClock {
  const parts: Record<string, number> = {};
  for (const part of PACIFIC.formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts as unknown as WallClock;
}

/** Pacific wall-clock time minus UTC, in ms (e.g. -8 h in winter). */
function pacificOffsetMs(epochMs: number): number {
  const wall = pacificWallClock(epochMs);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - (epochMs - (epochMs % 1000));
}

/** The epoch ms of the next midnight in America/Los_Angeles after `nowMs`. */
export function nextPacificMidnight(nowMs: number): number {
  const today = pacificWallClock(nowMs);
  const midnightWall = Date.UTC(today.year, today.month - 1, today.day + 1);
  // The offset at midnight can differ from now's on a DST change day.
  const firstGuess = midnightWall - pacificOffsetMs(nowMs);
  return midnightWall - pacificOffsetMs(firstGuess);
}

/** The last computed quota day: counters ask on every request, and Intl is not free. */
let cachedDay: { from: number; to: number; date: string } | undefined;

/** The Pacific calendar date (YYYY-MM-DD) of an instant: the quota day it belongs to. */
export function pacificDate(nowMs: number): string {
  if (cachedDay && nowMs >= cachedDay.from && nowMs < cachedDay.to) return cachedDay.date;
  const wall = pacificWallClock(nowMs);
  const date = `${wall.year}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')}`;
  // The midnight that began this day: step forward from a day and a bit before.
  let from = nextPacificMidnight(nowMs - 26 * 3_600_000);
  for (let next = nextPacificMidnight(from); next <= nowMs; next = nextPacificMidnight(from)) from = next;
  cachedDay = { from, to: nextPacificMidnight(nowMs), date };
  return date;
}
