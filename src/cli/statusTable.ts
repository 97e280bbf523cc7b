import type { KeyView, Snapshot } from '../protocol/snapshot.js';

/** `gemini-pool status` as plain text: a header and one line per key. No colours, so it pipes well. */
export function formatStatus(snapshot: Snapshot): string {
  const { daemon, totals, stats } = snapshot;
  const percent = stats.successRate === null ? '-' : `${Math.round(stats.successRate * 100)}%`;
  const latency = stats.latencyP50Ms === null ? '-' : `${stats.latencyP50Ms}/${stats.latencyP95Ms} ms`;
  const header = [
    `gemini-pool ${daemon.version} at ${daemon.url} (pid ${daemon.pid}), up ${duration(snapshot.now - daemon.startedAt)}`,
    `keys: ${totals.available} available, ${totals.cooling} cooling, ${totals.invalid} invalid, ${totals.total} total`,
    `traffic (last minute): ${stats.requestsPerS.toFixed(2)} req/s, ${percent} ok, upstream p50/p95 ${latency}, ${stats.inflight} in flight, ${stats.requestsTotal} since start`,
    '',
  ];
  const rows = [...snapshot.keys].sort(byState).map((key) => keyRow(key, snapshot.now));
  const table = [['ID', 'KEY', 'LABEL', 'STATE', 'COOLDOWN', 'REQS', 'OK', 'ERRORS', 'LAST ERROR'], ...rows];
  return [...header, ...alignColumns(table), ...clientLines(snapshot)].join('\n');
}

function clientLines(snapshot: Snapshot): string[] {
  const clients = snapshot.clients ?? [];
  if (clients.length === 0) return [];
  const rows = clients.map((client) => [
    client.name,
    String(client.lastMinute),
    String(client.today.requests),
    String(client.today.promptTokens + client.today.completionTokens),
    String(client.today.errors),
    String(client.lifetime.requests),
    String(client.lifetime.promptTokens + client.lifetime.completionTokens),
  ]);
  return ['', ...alignColumns([['CLIENT', 'LAST MIN', 'REQS TODAY', 'TOKENS TODAY', 'ERRORS TODAY', 'REQS', 'TOKENS'], ...rows])];
}

const STATE_ORDER = { invalid: 0, cooling: 1, active: 2 } as const;

function byState(a: KeyView, b: KeyView): number {
  return STATE_ORDER[a.state] - STATE_ORDER[b.state] || b.requests - a.requests;
}

function keyRow(key: KeyView, now: number): string[] {
  const errors = Object.entries(key.failures)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind}:${count}`)
    .join(' ');
  return [
    key.id,
    key.masked,
    key.label ?? '',
    key.state === 'invalid' ? `invalid (${key.invalidReason ?? '?'})` : key.state,
    key.cooldowns.map((cooldown) => `${cooldown.model === '*' ? 'all' : cooldown.model} ${duration(cooldown.until - now)}`).join(', '),
    String(key.requests),
    String(key.successes),
    errors,
    key.lastError ? `${key.lastError.kind}: ${key.lastError.message}`.slice(0, 60) : '',
  ];
}

function alignColumns(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
}

/** 4m12s, 2h05m, 45s. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
}
