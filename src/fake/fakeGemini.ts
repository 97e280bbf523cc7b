/**
 * A simulated Gemini API (generativelanguage.googleapis.com) on 127.0.0.1,
 * faithful to the real wire format, for tests and `gemini-pool demo`.
 *
 * Request order follows the real front end: route, then API key (a dead key
 * fails every method), then model lookup, then the proto3-JSON parse and the
 * service's validation, then per-key quota/server faults, then the answer.
 * Keys pick their own fault by name (see fakeFaults.ts), or per test via
 * setFault().
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { planReply, type ReplyPlan } from './fakeContent.js';
import { batchEmbedContentsResponse, countTokensResponse, embedContentResponse } from './fakeEmbeddings.js';
import { DEAD_KEY_KINDS, FaultBook, faultError, internalError, type FaultRule } from './fakeFaults.js';
import { Exchange, googleHeaders, JSON_TYPE, readBody, SSE_TYPE, type ErrorFraming } from './fakeHttp.js';
import { findModel, listModelsPage, modelSupports, type ModelCapability } from './fakeModels.js';
import { streamEvents, unaryResponse } from './fakeResponses.js';
import {
  badPageToken,
  bearerKeyError,
  malformedJson,
  methodNotFound,
  modelNotFound,
  noKeyError,
  type HttpError,
} from './googleErrors.js';
import { googleCompact, googlePretty, googlePrettyElement } from './googleJson.js';
import {
  validateBatchEmbedContents,
  validateCountTokens,
  validateEmbedContent,
  validateGenerateContent,
} from './validateRequest.js';

export type { FaultKind, FaultRule, DemoKey } from './fakeFaults.js';
export { DEMO_KEYS, KEY_MARKERS } from './fakeFaults.js';

export interface FakeGeminiOptions {
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Pause between stream events, default 2 ms. */
  chunkDelayMs?: number;
  /** Delay for 'slow' keys, default 1500 ms. */
  slowMs?: number;
  /** Text events per streamed answer, default 3. */
  streamChunks?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  key?: string;
  keySource?: 'header' | 'query';
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or undefined (no body, or not JSON). */
  body: unknown;
  model?: string;
  action?: string;
}

export interface FakeGemini {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Requests whose client went away before the fake finished answering. */
  abortedRequests: number;
  /** Programmatic fault for one key (overrides name markers); null clears. */
  setFault(key: string, rule: FaultRule | null): void;
  /** Lets the streams paused by the [[gate]] prompt marker continue (those paused now; not remembered). */
  releaseGate(): void;
  /** Clears requests, counters and programmatic faults. */
  reset(): void;
  /** Closes the server and destroys open sockets. */
  close(): Promise<void>;
}

export const MODEL_ACTIONS = ['generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents'] as const;
type ModelAction = (typeof MODEL_ACTIONS)[number];

type Route =
  | { kind: 'list'; version: string }
  | { kind: 'get'; version: string; model: string }
  | { kind: 'action'; version: string; model: string; action: ModelAction };

const ROUTE = /^\/(v1beta|v1alpha|v1)\/models(?:\/([^/:]+)(?::([A-Za-z]+))?)?\/?$/;

function matchRoute(method: string, pathname: string): Route | undefined {
  const m = ROUTE.exec(pathname);
  if (!m) return undefined;
  const [, version, model, action] = m;
  if (method === 'GET' && !model) return { kind: 'list', version };
  if (method === 'GET' && model && !action) return { kind: 'get', version, model };
  if (method === 'POST' && model && (MODEL_ACTIONS as readonly string[]).includes(action ?? '')) {
    return { kind: 'action', version, model, action: action as ModelAction };
  }
  return undefined;
}

/** RPC names as they appear in ErrorInfo.methodName. */
const RPC_NAMES: Record<ModelAction, string> = {
  generateContent: 'GenerateContent',
  streamGenerateContent: 'StreamGenerateContent',
  countTokens: 'CountTokens',
  embedContent: 'EmbedContent',
  batchEmbedContents: 'BatchEmbedContents',
};

/** The capability a model must list, and the method named in the 404 text. */
const CAPABILITY: Record<ModelAction, ModelCapability> = {
  generateContent: 'generateContent',
  streamGenerateContent: 'generateContent',
  countTokens: 'countTokens',
  embedContent: 'embedContent',
  batchEmbedContents: 'embedContent',
};

const ERROR_KINDS = new Set(['quotaMinute', 'quotaDay', 'quotaBare', 'quotaLimitZero', 'internal', 'overloaded', 'deadline']);

function firstHeader(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s : undefined;
}

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const host = options.host ?? '127.0.0.1';
  const chunkDelayMs = options.chunkDelayMs ?? 2;
  const slowMs = options.slowMs ?? 1500;
  const streamChunks = options.streamChunks ?? 3;
  const requests: RecordedRequest[] = [];
  const faults = new FaultBook();
  const sockets = new Set<Socket>();
  let aborted = 0;
  let gateWaiters: Array<() => void> = [];

  /** The first event is written before this registers, so a client that saw it can release safely. */
  function waitGate(ex: Exchange): Promise<void> {
    return new Promise((resolve) => {
      const waiter = (): void => {
        gateWaiters = gateWaiters.filter((w) => w !== waiter);
        resolve();
      };
      gateWaiters.push(waiter);
      ex.onClose(waiter);
    });
  }

  async function writeStream(ex: Exchange, plan: ReplyPlan, sse: boolean, midstream: boolean): Promise<void> {
    let events = streamEvents(plan, streamChunks);
    if (midstream) events = events.slice(0, 2);
    const delay = plan.markers.delayMs ?? chunkDelayMs;
    const headers = googleHeaders(sse ? SSE_TYPE : JSON_TYPE, ex.startedAt);
    if (sse) headers['content-disposition'] = 'attachment';
    ex.res.writeHead(200, headers);
    for (let i = 0; i < events.length; i++) {
      if (i > 0) {
        await ex.pause(delay);
        if (ex.aborted) return;
      }
      // One res.write per event, so each event leaves as its own chunk.
      ex.res.write(sse ? `data: ${googleCompact(events[i])}\r\n\r\n` : (i === 0 ? '[' : '\r\n,') + googlePrettyElement(events[i]));
      if (i === 0 && plan.markers.gate && events.length > 1) {
        await waitGate(ex);
        if (ex.aborted) return;
      }
    }
    if (midstream) {
      await ex.pause(delay);
      if (ex.aborted) return;
      // Google aborts a stream by writing a bare pretty error object outside the SSE framing.
      const err = internalError().body;
      ex.end(sse ? googlePretty(err) : `\r\n,${googlePrettyElement(err)}]`);
      return;
    }
    ex.end(sse ? undefined : ']');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ex = new Exchange(req, res, () => {
      aborted++;
    });
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    let body: unknown;
    let bodyIsJson = true;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        bodyIsJson = false;
      }
    }
    let pathname = url.pathname;
    try {
      pathname = decodeURIComponent(pathname);
    } catch {
      // keep the raw path; it will not route
    }
    const route = matchRoute(req.method ?? 'GET', pathname);
    const headerKey = firstHeader(req.headers['x-goog-api-key']);
    const key = headerKey ?? (query.key ? query.key : undefined);
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      key,
      keySource: headerKey ? 'header' : key ? 'query' : undefined,
      headers: { ...req.headers },
      body,
      model: route && route.kind !== 'list' ? route.model : undefined,
      action: route?.kind === 'action' ? route.action : undefined,
    });

    if (!route) return ex.sendError(methodNotFound(), 'json');
    const stream = route.kind === 'action' && route.action === 'streamGenerateContent';
    const sse = query.alt === 'sse';
    const framing: ErrorFraming = stream ? (sse ? 'sse' : 'array') : 'json';
    const fail = (err: HttpError): void => ex.sendError(err, framing);

    if (!key) return fail(req.headers.authorization ? bearerKeyError() : noKeyError());
    const model = route.kind === 'list' ? undefined : route.model;
    const rule = faults.peek(key, model, route.kind === 'action');
    const rpc = route.kind === 'list' ? 'ListModels' : route.kind === 'get' ? 'GetModel' : RPC_NAMES[route.action];
    if (rule && DEAD_KEY_KINDS.has(rule.kind)) {
      faults.consume(key);
      return fail(faultError(rule.kind, { key, apiVersion: route.version, rpc, model }, rule) ?? internalError());
    }

    if (route.kind === 'list') {
      const page = listModelsPage(query.pageSize, query.pageToken);
      return page ? ex.sendJson(200, page) : fail(badPageToken());
    }
    const found = findModel(route.model);
    if (route.kind === 'get') {
      return found ? ex.sendJson(200, found) : fail(modelNotFound(route.model, route.version, 'getModel'));
    }
    const capability = CAPABILITY[route.action];
    if (!found || !modelSupports(found, capability)) return fail(modelNotFound(route.model, route.version, capability));

    if (!bodyIsJson) return fail(malformedJson());
    const payload = body === undefined ? {} : body;
    const invalid =
      route.action === 'countTokens'
        ? validateCountTokens(payload)
        : route.action === 'embedContent'
          ? validateEmbedContent(payload)
          : route.action === 'batchEmbedContents'
            ? validateBatchEmbedContents(payload, route.model)
            : validateGenerateContent(payload, route.model);
    if (invalid) return fail(invalid);
    const request = payload as Record<string, unknown>;

    let midstream = false;
    let empty = false;
    if (rule) {
      faults.consume(key);
      if (ERROR_KINDS.has(rule.kind)) {
        return fail(faultError(rule.kind, { key, apiVersion: route.version, rpc, model }, rule) ?? internalError());
      }
      switch (rule.kind) {
        case 'reset':
          // No response at all: the connection just dies.
          ex.finish();
          req.socket.destroy();
          return;
        case 'hang':
          return ex.untilClosed();
        case 'slow':
          await ex.pause(slowMs);
          if (ex.aborted) return;
          break;
        case 'midstream':
          if (!stream) return fail(internalError());
          midstream = true;
          break;
        case 'empty':
          // Only generate calls have candidates to leave out; count/embed answer normally.
          empty = true;
          break;
      }
    }

    switch (route.action) {
      case 'countTokens':
        return ex.sendJson(200, countTokensResponse(request));
      case 'embedContent':
        return ex.sendJson(200, embedContentResponse(request, route.model));
      case 'batchEmbedContents':
        return ex.sendJson(200, batchEmbedContentsResponse(request, route.model));
      case 'generateContent':
        return ex.sendJson(200, unaryResponse(planReply(request, route.model, { empty })));
      case 'streamGenerateContent':
        return writeStream(ex, planReply(request, route.model, { empty }), sse, midstream);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the fake must surface in the test, not hang it.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': JSON_TYPE });
        res.end(googlePretty({ error: { code: 500, message: `fake gemini crashed: ${String(err)}`, status: 'INTERNAL' } }));
      } else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    get abortedRequests() {
      return aborted;
    },
    setFault(key, rule) {
      faults.set(key, rule);
    },
    releaseGate() {
      // Releases the streams paused right now; a no-op when none is (nothing is remembered).
      const waiters = gateWaiters;
      gateWaiters = [];
      for (const w of waiters) w();
    },
    reset() {
      requests.length = 0;
      aborted = 0;
      faults.clear();
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        for (const w of gateWaiters) w();
        gateWaiters = [];
      });
    },
  };
}
