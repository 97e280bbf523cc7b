import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { defaultSocketPath } from '../protocol/paths.js';
import { resolveTokens, type ClientTokens } from './auth/clientTokens.js';
import { ClientUsage } from './auth/clientUsage.js';
import { openAccessWarning } from './auth/openAccess.js';
import { FileWatcher } from './config/fileWatcher.js';
import type { Config } from './config/schema.js';
import { ControlHub } from './control/controlHub.js';
import { claimSocket, ControlServer } from './control/controlServer.js';
import { RequestStats } from './control/requestStats.js';
import { buildSnapshot } from './control/snapshot.js';
import { PoolError } from './errors.js';
import { failoverSettings, openaiSettings, poolOptions, recheckSettings, serverSettings, type LiveConfig } from './liveSettings.js';
import { Metrics } from './metrics.js';
import { bearerAuthorizer, secretFrom } from './auth/bearer.js';
import { createAdminApi, type AdminApi } from './control/adminApi.js';
import { adminSetup } from './control/adminAccess.js';
import { KeyPool, type KeyInput } from './pool/keyPool.js';
import { Failover } from './proxy/failover.js';
import { createImageFetcher } from './proxy/imageFetcher.js';
import { ModelCatalog } from './proxy/modelCatalog.js';
import { createOpenAISurface } from './proxy/openaiSurface.js';
import type { RequestRecord } from './proxy/requestRecord.js';
import { createProxyServer } from './proxy/server.js';
import { Rechecker } from './recheck.js';
import { Reloader, restartOnlyChanges, type ConfigSources } from './reloader.js';
import { StateStore } from './store/stateStore.js';
import { UpstreamClient } from './upstream/upstreamClient.js';

/**
 * The composition root: wires config, key pool, state store, client tokens,
 * upstream client, failover, HTTP server, metrics, control socket, recheck and
 * hot reload. Nothing else constructs these.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

export interface DaemonDeps {
  config: Config;
  keys: readonly KeyInput[];
  log: Logger;
  /** Injected in tests (e.g. to reach Pacific midnight); Date.now otherwise. */
  clock?: () => number;
  /** Where config and keys came from; without it (demo, tests) nothing is watched or reloaded from disk. */
  sources?: ConfigSources;
  env?: NodeJS.ProcessEnv;
}

export interface RunningDaemon {
  url: string;
  port: number;
  pool: KeyPool;
  rechecker: Rechecker;
  reloader?: Reloader;
  server: Server;
  socketPath: string;
  config(): Config;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, saves state. */
  close(graceMs?: number): Promise<void>;
}

export async function startDaemon(deps: DaemonDeps): Promise<RunningDaemon> {
  const { log } = deps;
  const env = deps.sources?.env ?? deps.env ?? process.env;
  const live: LiveConfig = { current: deps.config };
  const clock = deps.clock ?? Date.now;
  const startedAt = Date.now();
  let tokens: ClientTokens = resolveTokens(live.current, env);
  const openWarning = openAccessWarning(live.current, tokens);
  const admin = adminSetup(live.current, env);
  const socketPath = live.current.control_socket ?? defaultSocketPath(live.current.data_dir);
  // Before anything else: one daemon per data dir, and this one must not touch another's state.
  await claimSocket(socketPath);

  const pool = new KeyPool(poolOptions(live, clock));
  const usage = new ClientUsage(clock, () => live.current.models);
  const { store, keys: keyHistory, clients: clientHistory } = await StateStore.open({
    dataDir: live.current.data_dir,
    flushMs: live.current.state.flush_ms,
    log,
    collect: () => ({ keys: pool.exportStateJson(live.current.state.forget_after_days * DAY_MS), clients: usage.exportState() }),
  });
  pool.loadHistory(keyHistory);
  usage.loadState(clientHistory);
  pool.setKeys(deps.keys);
  pool.onChange(() => store.markDirty());

  const client = new UpstreamClient({
    baseUrl: live.current.upstream.base_url,
    proxy: live.current.upstream.proxy,
    connectTimeoutMs: live.current.upstream.connect_timeout_ms,
    firstByteTimeoutMs: live.current.upstream.first_byte_timeout_ms,
    streamIdleTimeoutMs: live.current.upstream.stream_idle_timeout_ms,
    connections: live.current.upstream.connections,
  });
  const failover = new Failover(pool, client, failoverSettings(live, clock));
  const openai = openaiSettings(live);
  const stats = new RequestStats(clock);
  const metrics = live.current.metrics.enabled ? new Metrics(pool) : undefined;
  let hub: ControlHub | undefined;
  let adminApi: AdminApi | undefined;
  const onRecord = (record: RequestRecord, durationMs: number, clientName: string) => {
    stats.record(record, durationMs);
    usage.record(clientName, record.status, record.usage);
    metrics?.observe(record, clientName, record.usage);
    store.markDirty();
    hub?.notifyChange();
  };
  const proxy = createProxyServer({
    pool,
    failover,
    log,
    settings: serverSettings(live),
    tokens: () => tokens,
    usage,
    metrics: metrics && {
      authorized: bearerAuthorizer(secretFrom(live.current.metrics.token, live.current.metrics.token_env, env)),
      text: () => metrics.text(),
    },
    onRecord,
    admin: () => adminApi,
    tls: admin.tls,
    openai: createOpenAISurface({
      failover,
      catalog: new ModelCatalog(failover, openai, clock),
      get aliases() {
        return openai.aliases;
      },
      fetchImage: createImageFetcher(openai),
      clock,
    }),
  });
  const port = await listen(proxy.server, live.current.host, live.current.port).catch(async (error) => {
    await store.close();
    await client.destroy();
    throw error;
  });
  if (openWarning) log.warn(openWarning);
  log.info(admin.description);

  const rechecker = new Rechecker(pool, client, recheckSettings(live, clock), log);
  rechecker.start();
  const applyConfig = (config: Config) => {
    const nextTokens = resolveTokens(config, env);
    const warning = openAccessWarning({ ...config, host: live.current.host }, nextTokens);
    const notes = restartOnlyChanges(live.current, config);
    live.current = config;
    tokens = nextTokens;
    log.level = config.log.level;
    rechecker.restart();
    return warning ? [...notes, warning] : notes;
  };
  const reloader = deps.sources && new Reloader({ sources: deps.sources, pool, currentConfig: () => live.current, applyConfig, log });
  const watcher = reloader && live.current.watch.enabled ? watchSources(live.current, deps.sources as ConfigSources, reloader) : undefined;
  await watcher?.ready();

  const host = live.current.host.includes(':') ? `[${live.current.host}]` : live.current.host;
  const url = `${admin.tls ? 'https' : 'http'}://${host}:${port}`;
  const snapshot = () =>
    buildSnapshot({ pool, stats, usage, daemon: { pid: process.pid, startedAt, url }, activeRequests: proxy.activeRequests, clock });
  hub = new ControlHub({ pool, rechecker, reloader, snapshot }, log);
  const controlHub = hub;
  if (admin.token) adminApi = createAdminApi(hub, bearerAuthorizer(admin.token));
  pool.onChange(() => controlHub.notifyChange());
  const control = new ControlServer(hub);
  await control.listen(socketPath);
  return {
    url,
    port,
    pool,
    rechecker,
    reloader,
    server: proxy.server,
    socketPath,
    config: () => live.current,
    close: async (graceMs = live.current.shutdown.grace_ms) => {
      rechecker.stop();
      await watcher?.close();
      await drain(proxy.server, proxy.activeRequests, graceMs);
      await store.close();
      await control.close();
      controlHub.close();
      await client.destroy();
    },
  };
}

function watchSources(config: Config, sources: ConfigSources, reloader: Reloader): FileWatcher {
  const files: Record<string, () => void> = { [config.keys_file]: () => reloader.reloadKeys() };
  if (sources.configPath) files[sources.configPath] = () => reloader.reloadConfig();
  const poll = config.watch.poll || sources.env.GEMINI_POOL_WATCH_POLL === '1' || sources.env.GEMINI_POOL_WATCH_POLL === 'true';
  return new FileWatcher(files, { poll, pollIntervalMs: config.watch.poll_interval_ms });
}

/** Stops accepting; in-flight requests and streams get up to `graceMs` to finish, then are cut. */
async function drain(server: Server, activeRequests: () => number, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const deadline = Date.now() + graceMs;
  while (activeRequests() > 0 && Date.now() < deadline) await sleep(25);
  server.closeAllConnections();
  await closed;
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
