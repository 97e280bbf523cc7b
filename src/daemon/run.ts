import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config/schema.js';
import { PoolError } from './errors.js';
import { KeyPool, type KeyInput } from './pool/keyPool.js';
import { Failover } from './proxy/failover.js';
import { createImageFetcher } from './proxy/imageFetcher.js';
import { ModelCatalog } from './proxy/modelCatalog.js';
import { createOpenAISurface } from './proxy/openaiSurface.js';
import { createProxyServer } from './proxy/server.js';
import { Rechecker } from './recheck.js';
import { UpstreamClient } from './upstream/upstreamClient.js';

/**
 * The composition root: wires config, key pool, upstream client, failover,
 * HTTP server and recheck. Nothing else constructs these.
 */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

export interface DaemonDeps {
  config: Config;
  keys: readonly KeyInput[];
  log: Logger;
  /** Injected in tests (e.g. to reach Pacific midnight); Date.now otherwise. */
  clock?: () => number;
}

export interface RunningDaemon {
  url: string;
  port: number;
  pool: KeyPool;
  rechecker: Rechecker;
  server: Server;
  close(): Promise<void>;
}

export async function startDaemon(deps: DaemonDeps): Promise<RunningDaemon> {
  const { config, log } = deps;
  const clock = deps.clock ?? Date.now;
  const pool = new KeyPool({
    strategy: config.pool.strategy,
    maxFailures: config.pool.max_failures,
    backoffMs: config.pool.backoff_ms,
    backoffMaxMs: config.pool.backoff_max_ms,
    clock,
  });
  pool.setKeys(deps.keys);
  const client = new UpstreamClient({
    baseUrl: config.upstream.base_url,
    proxy: config.upstream.proxy,
    connectTimeoutMs: config.upstream.connect_timeout_ms,
    firstByteTimeoutMs: config.upstream.first_byte_timeout_ms,
    streamIdleTimeoutMs: config.upstream.stream_idle_timeout_ms,
    connections: config.upstream.connections,
  });
  const failover = new Failover(pool, client, {
    maxAttempts: config.retry.max_attempts,
    maxWaitMs: config.retry.max_wait_ms,
    retryEmptyResponses: config.retry.empty_responses,
    dailyThresholdS: config.pool.daily_quota_threshold_s,
    defaultQuotaCooldownMs: config.pool.quota_cooldown_ms,
    clock,
  });
  const server = createProxyServer({
    pool,
    failover,
    log,
    maxBodyBytes: MAX_BODY_BYTES,
    openai: createOpenAISurface({
      failover,
      catalog: new ModelCatalog(failover, config.openai.models_cache_ms, clock),
      aliases: config.openai.aliases,
      fetchImage: createImageFetcher({ maxBytes: config.openai.image_max_bytes, timeoutMs: config.openai.image_timeout_ms }),
      maxBodyBytes: MAX_BODY_BYTES,
      clock,
    }),
  });
  const port = await listen(server, config.host, config.port);
  const rechecker = new Rechecker(pool, client, { intervalMs: config.recheck.interval_ms, model: config.recheck.model, clock }, log);
  rechecker.start();
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    pool,
    rechecker,
    server,
    close: async () => {
      rechecker.stop();
      await closeServer(server);
      await client.destroy();
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new PoolError('PORT_IN_USE', `${host}:${port} is already in use; pick another port with --port`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new PoolError('BAD_HOST', `cannot listen on host ${host} (${error.code})`));
      else if (error.code === 'EACCES') reject(new PoolError('PORT_DENIED', `not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`));
      else reject(error);
    });
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // Open streams are cut here; draining them is the graceful-shutdown's job.
    setTimeout(() => server.closeAllConnections(), 1_000).unref();
  });
}
