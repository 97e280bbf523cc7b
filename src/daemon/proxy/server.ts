import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { KeyPool } from '../pool/keyPool.js';
import { scrubSecrets } from '../secrets.js';
import type { Failover } from './failover.js';
import { googleError, sendGoogleError } from './googleErrors.js';
import { BodyTooLargeError, clientGoneSignal, sendJson } from './httpIo.js';
import { handleModelAction, handleModelsGet, MODEL_ACTIONS, type NativeRequest } from './nativeSurface.js';
import type { RequestRecord } from './requestRecord.js';
import { matchRoute, type Route, type Surface } from './router.js';

/**
 * The node:http server: route, run the handler, answer every failure in the
 * surface's own error format, and log one line per proxied request.
 */
export interface OpenAISurface {
  chat(request: NativeRequest): Promise<RequestRecord>;
  embeddings(request: NativeRequest): Promise<RequestRecord>;
  models(request: NativeRequest, model?: string): Promise<RequestRecord>;
}

export interface ServerDeps {
  pool: KeyPool;
  failover: Failover;
  log: Logger;
  maxBodyBytes: number;
  openai?: OpenAISurface;
  /** Called once per proxied request (request log, recent-requests ring, metrics). */
  onRecord?: (record: RequestRecord, durationMs: number) => void;
}

export interface ProxyServer {
  server: Server;
  /** Requests whose response has not finished yet (graceful shutdown waits for them). */
  activeRequests(): number;
}

export function createProxyServer(deps: ServerDeps): ProxyServer {
  let active = 0;
  const server = createServer((req, res) => {
    active += 1;
    res.once('close', () => (active -= 1));
    void handle(deps, req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 30_000;
  server.requestTimeout = 0; // streams may run long; idle upstreams are cut by the stream-idle timeout
  return { server, activeRequests: () => active };
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startedAt = performance.now();
  const rawUrl = req.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  const path = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
  const route = matchRoute(req.method ?? 'GET', path);
  const request: NativeRequest = {
    req,
    res,
    query: new URLSearchParams(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1)),
    signal: clientGoneSignal(res),
  };
  try {
    const record = await dispatch(deps, route, request, path);
    if (record) {
      const durationMs = performance.now() - startedAt;
      deps.log.info({ ...record, ms: Math.round(durationMs) }, 'request');
      deps.onRecord?.(record, durationMs);
    }
  } catch (error) {
    answerFailure(deps, res, path, error);
  }
}

async function dispatch(deps: ServerDeps, route: Route, request: NativeRequest, path: string): Promise<RequestRecord | undefined> {
  switch (route.kind) {
    case 'health':
      sendJson(request.res, 200, { status: 'ok', keys: deps.pool.totals() });
      return undefined;
    case 'nativeAction':
      if (!MODEL_ACTIONS.has(route.action)) return notFound(request, 'native', path);
      return handleModelAction(deps, request, route.version, route.model, route.action);
    case 'nativeModels':
      return handleModelsGet(deps, request, route.version, route.model);
    case 'openaiChat':
      return deps.openai ? deps.openai.chat(request) : notFound(request, 'openai', path);
    case 'openaiEmbeddings':
      return deps.openai ? deps.openai.embeddings(request) : notFound(request, 'openai', path);
    case 'openaiModels':
      return deps.openai ? deps.openai.models(request, route.model) : notFound(request, 'openai', path);
    case 'methodNotAllowed':
      sendError(request.res, route.surface, 405, `Method ${request.req.method} is not allowed on ${path}; use ${route.allowed}.`, { allow: route.allowed });
      return undefined;
    case 'notFound':
      return notFound(request, route.surface, path);
  }
}

function notFound(request: NativeRequest, surface: Surface, path: string): undefined {
  sendError(request.res, surface, 404, `No route for ${request.req.method} ${path}.`);
  return undefined;
}

function answerFailure(deps: ServerDeps, res: ServerResponse, path: string, error: unknown): void {
  const surface = path.startsWith('/v1/') && !path.includes(':') ? 'openai' : 'native';
  if (error instanceof BodyTooLargeError) {
    sendError(res, surface, 413, error.message, { connection: 'close' });
    res.once('finish', () => res.socket?.destroy());
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  deps.log.error({ path, err: scrubSecrets(message, deps.pool.knownSecrets) }, 'request failed');
  if (!res.headersSent) sendError(res, surface, 500, 'gemini-pool hit an internal error; see its log.');
  else res.destroy();
}

/** An error of the daemon's own, in the surface's format. */
export function sendError(res: ServerResponse, surface: Surface, status: number, message: string, headers: Record<string, string> = {}): void {
  if (surface === 'openai') {
    const type = status >= 500 ? 'server_error' : 'invalid_request_error';
    sendJson(res, status, { error: { message, type, param: null, code: null } }, headers);
    return;
  }
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendGoogleError(res, status, googleError(status, message));
}
