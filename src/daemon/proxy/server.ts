import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Logger } from 'pino';
import type { ClientPolicy, ClientTokens } from '../auth/clientTokens.js';
import type { ClientUsage } from '../auth/clientUsage.js';
import type { KeyPool } from '../pool/keyPool.js';
import { scrubSecrets } from '../secrets.js';
import type { AdminApi } from '../control/adminApi.js';
import type { Failover } from './failover.js';
import { BodyTooLargeError, clientGoneSignal, sendJson, sendText } from './httpIo.js';
import { handleModelAction, handleModelsGet, MODEL_ACTIONS } from './nativeSurface.js';
import type { ProxyRequest } from './proxyRequest.js';
import type { RequestRecord } from './requestRecord.js';
import { matchRoute, surfaceOf, type Route, type Surface } from './router.js';
import { sendError } from './surfaceErrors.js';

/**
 * The node:http server: route, authenticate, admit (client limits), run the
 * handler, answer every failure in the surface's own error format, and report
 * one record per proxied request (log line, stats, usage, metrics).
 */
export interface OpenAISurface {
  chat(request: ProxyRequest): Promise<RequestRecord>;
  embeddings(request: ProxyRequest): Promise<RequestRecord>;
  models(request: ProxyRequest, model?: string): Promise<RequestRecord>;
}

export interface ServerSettings {
  readonly maxBodyBytes: number;
  readonly headerTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

export interface ServerDeps {
  pool: KeyPool;
  failover: Failover;
  log: Logger;
  settings: ServerSettings;
  /** The client tokens in force (hot-reloaded with the config). */
  tokens: () => ClientTokens;
  usage: ClientUsage;
  openai?: OpenAISurface;
  /** GET /metrics: undefined when turned off. */
  metrics?: { authorized(req: IncomingMessage): boolean; text(): Promise<string> };
  /** Called once per proxied request (request log, recent-requests ring, usage, metrics). */
  onRecord?: (record: RequestRecord, durationMs: number, client: string) => void;
  /** The HTTP admin API, when an admin token is set (bound late: it needs the control hub). */
  admin?: () => AdminApi | undefined;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
}

export interface ProxyServer {
  server: Server;
  /** Requests whose response has not finished yet (graceful shutdown waits for them). */
  activeRequests(): number;
}

const ANONYMOUS: ClientPolicy = { name: 'anonymous' };

export function createProxyServer(deps: ServerDeps): ProxyServer {
  let active = 0;
  const { headerTimeoutMs, bodyTimeoutMs } = deps.settings;
  const options = {
    keepAliveTimeout: 65_000,
    // Slow clients are cut off (408): headers, then the whole request, must arrive in time.
    // Responses are not limited: streams may run long, and idle upstreams have their own timeout.
    headersTimeout: headerTimeoutMs,
    requestTimeout: Math.max(bodyTimeoutMs, headerTimeoutMs + 1),
    connectionsCheckingInterval: Math.min(1_000, headerTimeoutMs),
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    active += 1;
    res.once('close', () => (active -= 1));
    void handle(deps, req, res);
  };
  const server = deps.tls ? createTlsServer({ ...options, ...deps.tls }, onRequest) : createServer(options, onRequest);
  return { server, activeRequests: () => active };
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startedAt = performance.now();
  const rawUrl = req.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  const path = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
  const route = matchRoute(req.method ?? 'GET', path);
  const query = new URLSearchParams(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1));
  try {
    if (await answerLocally(deps, route, req, res, path)) return;
    const request = admit(deps, route, req, res, query);
    if (!request) return;
    const record = await dispatch(deps, route, request, path);
    const durationMs = performance.now() - startedAt;
    deps.log.info({ ...record, usage: undefined, client: request.client.name, ms: Math.round(durationMs) }, 'request');
    deps.onRecord?.(record, durationMs, request.client.name);
  } catch (error) {
    answerFailure(deps, res, path, error);
  }
}

/** Routes that need no client token: health, metrics, and the answers to bad routes. */
async function answerLocally(deps: ServerDeps, route: Route, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  switch (route.kind) {
    case 'health':
      sendJson(res, 200, { status: 'ok', keys: deps.pool.totals() });
      return true;
    case 'metrics':
      if (!deps.metrics) sendError(res, 'native', 404, 'Metrics are turned off (metrics.enabled).');
      else if (!deps.metrics.authorized(req)) sendError(res, 'native', 401, 'GET /metrics needs the metrics token.', { 'www-authenticate': 'Bearer' });
      else sendText(res, 200, await deps.metrics.text(), 'text/plain; version=0.0.4; charset=utf-8');
      return true;
    case 'admin': {
      const admin = deps.admin?.();
      if (admin) await admin.handle(req, res, path);
      else sendError(res, 'native', 404, 'The admin API is off: set admin.token (or admin.token_env) to turn it on.');
      return true;
    }
    case 'methodNotAllowed':
      sendError(res, route.surface, 405, `Method ${req.method} is not allowed on ${path}; use ${route.allowed}.`, { allow: route.allowed });
      return true;
    case 'notFound':
      sendError(res, route.surface, 404, `No route for ${req.method} ${path}.`);
      return true;
    case 'nativeAction':
      if (MODEL_ACTIONS.has(route.action)) return false;
      sendError(res, 'native', 404, `No route for ${req.method} ${path}.`);
      return true;
    default:
      return false;
  }
}

/** Who is asking, and may they now? Answers 401 / 429 itself and returns undefined then. */
function admit(deps: ServerDeps, route: Route, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): ProxyRequest | undefined {
  const surface: Surface = route.kind.startsWith('openai') ? 'openai' : 'native';
  const tokens = deps.tokens();
  const client = tokens.open ? ANONYMOUS : tokens.identify(req, query);
  if (!client) {
    sendError(res, surface, 401, 'Missing or invalid client token: send it as "Authorization: Bearer <token>", "x-goog-api-key" or "?key=".', { 'www-authenticate': 'Bearer' });
    deps.log.info({ path: req.url?.split('?')[0], status: 401 }, 'request refused: no valid client token');
    return undefined;
  }
  const refusal = deps.usage.admit(client);
  if (refusal) {
    const headers: Record<string, string> = refusal.retryAfterS === undefined ? {} : { 'retry-after': String(refusal.retryAfterS) };
    sendError(res, surface, refusal.status, refusal.message, headers);
    deps.log.info({ client: client.name, status: refusal.status }, 'request refused: client limit');
    return undefined;
  }
  return {
    req,
    res,
    query,
    signal: clientGoneSignal(res),
    client,
    checkModel: (model) => deps.usage.checkModel(client, model),
    maxBodyBytes: deps.settings.maxBodyBytes,
  };
}

async function dispatch(deps: ServerDeps, route: Route, request: ProxyRequest, path: string): Promise<RequestRecord> {
  switch (route.kind) {
    case 'nativeAction':
      return handleModelAction(deps, request, route.version, route.model, route.action);
    case 'nativeModels':
      return handleModelsGet(deps, request, route.version, route.model);
    case 'openaiChat':
      return needOpenAI(deps).chat(request);
    case 'openaiEmbeddings':
      return needOpenAI(deps).embeddings(request);
    case 'openaiModels':
      return needOpenAI(deps).models(request, route.model);
    default:
      throw new Error(`route ${route.kind} reached dispatch for ${path}`);
  }
}

function needOpenAI(deps: ServerDeps): OpenAISurface {
  if (!deps.openai) throw new Error('the OpenAI surface is not wired');
  return deps.openai;
}

function answerFailure(deps: ServerDeps, res: ServerResponse, path: string, error: unknown): void {
  const surface = surfaceOf(path);
  if (error instanceof BodyTooLargeError) {
    // Say so and close: the rest of the body is never read.
    sendError(res, surface, 413, error.message, { connection: 'close' });
    res.once('finish', () => res.socket?.destroy());
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  deps.log.error({ path, err: scrubSecrets(message, deps.pool.knownSecrets) }, 'request failed');
  if (!res.headersSent) sendError(res, surface, 500, 'gemini-pool hit an internal error; see its log.');
  else res.destroy();
}
