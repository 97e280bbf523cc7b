import type { IncomingMessage, ServerResponse } from 'node:http';
import { refuseModel, type ProxyRequest } from './proxyRequest.js';
import type { Outcome } from '../pool/outcome.js';
import type { SseItem } from '../upstream/sseParser.js';
import { extractUsage } from '../upstream/usage.js';
import type { Failover, FailoverResult, UpstreamPlan } from './failover.js';
import { googleError, sendGoogleError } from './googleErrors.js';
import { readBody, sendText, writeChunk } from './httpIo.js';
import { finishStream, recordResult, type RequestRecord } from './requestRecord.js';

/**
 * The native Gemini surface: bodies go upstream unchanged and answers come
 * back as they arrive. The client's own key (header, `?key=` or Authorization)
 * never goes upstream: only an allow-list of headers does.
 */
export const MODEL_ACTIONS = new Set(['generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents']);
const GENERATING_ACTIONS = new Set(['generateContent', 'streamGenerateContent']);
const FORWARDED_HEADERS = ['content-type', 'x-goog-api-client', 'x-server-timeout'];

export interface NativeDeps {
  failover: Failover;
}

/** Only these query parameters go upstream: `key`, `access_token` and the like never do. */
const FORWARDED_QUERY = new Set(['alt', 'pageSize', 'pageToken']);

export async function handleModelAction(
  deps: NativeDeps,
  request: ProxyRequest,
  version: string,
  model: string,
  action: string,
): Promise<RequestRecord> {
  const record: RequestRecord = { surface: 'native', method: 'POST', path: `/${version}/models/${model}:${action}`, model, status: 0, attempts: 0 };
  if (refuseModel(request, record, model, 'native')) return record;
  const body = await readBody(request.req, request.maxBodyBytes);
  if (!looksLikeJsonObject(body)) {
    // Bodies pass through unparsed; this cheap check saves an upstream call (and a key's turn) on garbage.
    sendGoogleError(request.res, 400, googleError(400, 'Invalid JSON payload received. Expected a JSON object as the request body.'));
    record.status = 400;
    return record;
  }
  const stream = action === 'streamGenerateContent';
  const clientWantsSse = request.query.get('alt') === 'sse';
  const query = forwardedQuery(request.query, stream ? { alt: 'sse' } : {});
  const plan: UpstreamPlan = {
    model,
    stream,
    expectsCandidates: GENERATING_ACTIONS.has(action),
    request: { method: 'POST', pathAndQuery: `/${version}/models/${encodeURIComponent(model)}:${action}${query}`, headers: forwardedHeaders(request.req), body },
  };
  const result = await deps.failover.run(plan, request.signal);
  await deliver(request.res, result, record, { arrayMode: stream && !clientWantsSse });
  return recordResult(record, result);
}

/** GET /v1beta/models and /v1beta/models/{id}: passed through with a pool key. */
export async function handleModelsGet(deps: NativeDeps, request: ProxyRequest, version: string, model?: string): Promise<RequestRecord> {
  const path = model ? `/${version}/models/${encodeURIComponent(model)}` : `/${version}/models`;
  const record: RequestRecord = { surface: 'native', method: 'GET', path, model, status: 0, attempts: 0 };
  if (model && refuseModel(request, record, model, 'native')) return record;
  const plan: UpstreamPlan = {
    model: '',
    stream: false,
    expectsCandidates: false,
    request: { method: 'GET', pathAndQuery: path + forwardedQuery(request.query, {}), headers: forwardedHeaders(request.req) },
  };
  const result = await deps.failover.run(plan, request.signal);
  await deliver(request.res, result, record, { arrayMode: false });
  return recordResult(record, result);
}

async function deliver(res: ServerResponse, result: FailoverResult, record: RequestRecord, options: { arrayMode: boolean }): Promise<void> {
  switch (result.kind) {
    case 'unary':
      sendText(res, result.status, result.body, result.contentType);
      return;
    case 'stream':
      finishStream(record, result.finish, options.arrayMode ? await pipeAsArray(res, result) : await pipeSse(res, result));
      return;
    case 'upstreamError':
      sendGoogleError(res, result.status, result.error, { arrayMode: options.arrayMode });
      return;
    case 'noKey':
      sendGoogleError(res, result.status, googleError(result.status, result.message), {
        retryAfterS: result.retryAfterS,
        arrayMode: options.arrayMode,
      });
      return;
    case 'cancelled':
      res.destroy();
      return;
  }
}

type StreamResult = Extract<FailoverResult, { kind: 'stream' }>;

/** SSE pass-through: the bytes Gemini sent, chunk by chunk, as they arrive. */
async function pipeSse(res: ServerResponse, result: StreamResult): Promise<Outcome> {
  res.writeHead(result.status, sseHeaders());
  try {
    for (const chunk of result.stream.head) await writeChunk(res, chunk);
    for await (const chunk of result.stream.rest()) await writeChunk(res, chunk);
  } catch (error) {
    return endBrokenStream(res, error, (message) => `data: ${JSON.stringify({ error: googleError(502, message) })}\r\n\r\n`);
  }
  res.end();
  return { kind: 'success', usage: extractUsage(result.stream.tailText()) };
}

/** streamGenerateContent without alt=sse: Gemini's streamed JSON array, built from the SSE events. */
async function pipeAsArray(res: ServerResponse, result: StreamResult): Promise<Outcome> {
  res.writeHead(result.status, { 'content-type': 'application/json; charset=UTF-8', 'cache-control': 'no-cache' });
  let first = true;
  const writeItems = async (items: SseItem[]) => {
    for (const item of items) {
      const json = item.kind === 'data' ? item.data : item.text;
      await writeChunk(res, `${first ? '[' : '\r\n,'}${json}`);
      first = false;
    }
  };
  const { stream } = result;
  try {
    await writeItems(stream.firstItems);
    for await (const chunk of stream.rest()) await writeItems(stream.parser.push(stream.decode(chunk)));
    await writeItems(stream.parser.end());
  } catch (error) {
    return endBrokenStream(res, error, (message) => `${first ? '[' : '\r\n,'}${JSON.stringify({ error: googleError(502, message) })}]`);
  }
  res.end(first ? '[]' : ']');
  return { kind: 'success', usage: extractUsage(stream.tailText()) };
}

/** The upstream failed after the client got bytes: say so in-band and close (no retry is possible now). */
function endBrokenStream(res: ServerResponse, error: unknown, frame: (message: string) => string): Outcome {
  if (res.destroyed) return { kind: 'cancelled' };
  const code = (error as { code?: string }).code ?? 'STREAM_ERROR';
  res.end(frame(`The upstream stream failed after it started (${code}).`));
  return { kind: 'transient', reason: code, message: `stream broke after it started (${code})` };
}


/** First non-blank byte `{`, last `}`: not a parse, just enough to turn away what cannot be JSON. */
function looksLikeJsonObject(body: Buffer): boolean {
  let start = 0;
  let end = body.length - 1;
  while (start <= end && body[start] <= 0x20) start += 1;
  while (end >= start && body[end] <= 0x20) end -= 1;
  return body[start] === 0x7b && body[end] === 0x7d;
}

export function sseHeaders(): Record<string, string> {
  return { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };
}

function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const name of FORWARDED_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/** The allowed part of the client's query (never its key); `overrides` win. */
function forwardedQuery(query: URLSearchParams, overrides: Record<string, string>): string {
  const forwarded = new URLSearchParams();
  for (const [name, value] of query) {
    if (FORWARDED_QUERY.has(name) && !(name in overrides)) forwarded.append(name, value);
  }
  for (const [name, value] of Object.entries(overrides)) forwarded.set(name, value);
  const text = forwarded.toString();
  return text ? `?${text}` : '';
}
