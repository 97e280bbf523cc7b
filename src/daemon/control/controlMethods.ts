import { checkParamsSchema, resetParamsSchema, type ControlErrorCode, type Method, type MethodResults } from '../../protocol/messages.js';
import type { Snapshot } from '../../protocol/snapshot.js';
import type { KeyPool } from '../pool/keyPool.js';
import type { Rechecker } from '../recheck.js';
import type { Reloader } from '../reloader.js';
import { scrubSecrets } from '../secrets.js';

/**
 * What the control methods do, independent of the transport (Unix socket
 * today, HTTP later). `subscribe` is the transport's own business.
 */
export class ControlFailure extends Error {
  constructor(
    readonly code: ControlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ControlDeps {
  pool: KeyPool;
  rechecker: Rechecker;
  reloader?: Reloader;
  snapshot: () => Snapshot;
}

type Handler = (params: Record<string, unknown>) => Promise<unknown> | unknown;

export function createControlMethods(deps: ControlDeps): Partial<Record<Method, Handler>> {
  return {
    status: (): MethodResults['status'] => deps.snapshot(),
    'keys.reset': (params): MethodResults['keys.reset'] => resetKeys(deps.pool, params),
    'keys.check': (params) => checkKeys(deps, params),
    'keys.reload': (): MethodResults['keys.reload'] => needReloader(deps).reloadKeys(),
    'config.reload': (): MethodResults['config.reload'] => needReloader(deps).reloadConfig(),
  };
}

function resetKeys(pool: KeyPool, params: Record<string, unknown>): MethodResults['keys.reset'] {
  const parsed = resetParamsSchema.safeParse(params);
  if (!parsed.success) throw new ControlFailure('BAD_REQUEST', 'keys.reset takes {"id": "<key id>"} or {"all": true}');
  const ids = 'all' in parsed.data ? pool.snapshot().map((key) => key.id) : [findKey(pool, parsed.data.id)];
  for (const id of ids) pool.restore(id, { clearCooldowns: true });
  const byId = new Map(pool.snapshot().map((key) => [key.id, key.masked]));
  return { reset: ids.map((id) => ({ id, masked: byId.get(id) ?? id })) };
}

async function checkKeys(deps: ControlDeps, params: Record<string, unknown>): Promise<MethodResults['keys.check']> {
  const parsed = checkParamsSchema.safeParse(params);
  if (!parsed.success) throw new ControlFailure('BAD_REQUEST', 'keys.check takes {"id": "<key id>"} or nothing (every key)');
  const ids = parsed.data.id ? [findKey(deps.pool, parsed.data.id)] : deps.pool.snapshot().map((key) => key.id);
  const keys = ids.map((id) => deps.pool.keyForProbe(id)).filter((key) => key !== undefined);
  const results = await deps.rechecker.probeAll(keys);
  return { results: results.map((result) => ({ id: result.keyId, masked: result.masked, result: result.result, message: result.message })) };
}

function findKey(pool: KeyPool, query: string): string {
  const id = pool.findKeyId(query);
  if (!id) {
    const shown = scrubSecrets(query, pool.knownSecrets);
    throw new ControlFailure('NOT_FOUND', `no key matches "${shown}" (use the id or masked form shown by gemini-pool status)`);
  }
  return id;
}

function needReloader(deps: ControlDeps): Reloader {
  if (!deps.reloader) throw new ControlFailure('UNAVAILABLE', 'this daemon was not started from files (demo or embedded): nothing to reload');
  return deps.reloader;
}
