import { createRequire } from 'node:module';
import type { KeyView, Snapshot } from '../../protocol/snapshot.js';
import type { ClientUsage } from '../auth/clientUsage.js';
import type { KeyPool, KeySnapshot } from '../pool/keyPool.js';
import type { RequestStats } from './requestStats.js';

/** Builds the one snapshot object the control socket, `status --json` and the dashboard share. */
export const VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
const RECENT_COUNT = 50;

export interface SnapshotSources {
  pool: KeyPool;
  stats: RequestStats;
  usage: ClientUsage;
  daemon: { pid: number; startedAt: number; url: string };
  activeRequests: () => number;
  clock: () => number;
}

export function buildSnapshot(sources: SnapshotSources): Snapshot {
  return {
    daemon: { version: VERSION, ...sources.daemon },
    now: sources.clock(),
    totals: sources.pool.totals(),
    stats: sources.stats.stats(sources.activeRequests()),
    keys: sources.pool.snapshot().map(keyView),
    recent: sources.stats.recent(RECENT_COUNT),
    clients: sources.usage.snapshot(),
  };
}

function keyView(key: KeySnapshot): KeyView {
  return {
    id: key.id,
    masked: key.masked,
    label: key.label,
    project: key.project,
    state: key.state,
    cooldowns: key.cooldowns,
    invalidReason: key.invalidReason,
    inflight: key.inflight,
    streak: key.streak,
    requests: key.lifetime.requests,
    successes: key.lifetime.successes,
    failures: key.lifetime.failures,
    tokens: { prompt: key.lifetime.promptTokens, completion: key.lifetime.completionTokens, thoughts: key.lifetime.thoughtTokens },
    requestsToday: key.today.requests,
    lastUsedAt: key.lastUsedAt,
    lastError: key.lastError,
  };
}
