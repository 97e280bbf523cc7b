import type { ServerResponse } from 'node:http';
import type { Outcome } from '../pool/outcome.js';
import { chatIdFor, toChatCompletion, type ChatContext } from '../translate/chatResponse.js';
import { translateChatRequest, type GeminiChatCall, type ImageFetcher } from '../translate/chatRequest.js';
import { ChatStreamTranslator, parseGeminiEvent } from '../translate/chatStream.js';
import { translateEmbeddingsRequest, toEmbeddingsResponse } from '../translate/embeddings.js';
import { fromGeminiError, openAIError } from '../translate/errors.js';
import { toOpenAIModel, toOpenAIModelList } from '../translate/models.js';
import { TranslateError } from '../translate/translateError.js';
import type { SseItem } from '../upstream/sseParser.js';
import { extractUsage } from '../upstream/usage.js';
import type { Failover, FailoverResult, UpstreamPlan } from './failover.js';
import { readBody, sendJson, writeChunk } from './httpIo.js';
import type { ModelCatalog } from './modelCatalog.js';
import { sseHeaders } from './nativeSurface.js';
import { refuseModel, type ProxyRequest } from './proxyRequest.js';
import { finishStream, recordResult, type RequestRecord } from './requestRecord.js';
import type { OpenAISurface } from './server.js';

/**
 * The OpenAI-compatible surface: translate the request (pure functions in
 * translate/), run it through the same failover loop as the native surface,
 * translate the answer back. Streams are translated event by event.
 */
export interface OpenAIDeps {
  failover: Failover;
  catalog: ModelCatalog;
  aliases: Readonly<Record<string, string>>;
  fetchImage: ImageFetcher;
  clock: () => number;
}

type Failure = Exclude<FailoverResult, { kind: 'unary' | 'stream' }>;

export function createOpenAISurface(deps: OpenAIDeps): OpenAISurface {
  const resolveModel = (requested: string) => deps.aliases[requested] ?? requested.replace(/^models\//, '');
  return {
    chat: (request) => handleChat(deps, request, resolveModel),
    embeddings: (request) => handleEmbeddings(deps, request, resolveModel),
    models: (request, model) => handleModels(deps, request, model),
  };
}

async function handleChat(deps: OpenAIDeps, request: ProxyRequest, resolveModel: (m: string) => string): Promise<RequestRecord> {
  const record: RequestRecord = { surface: 'openai', method: 'POST', path: '/v1/chat/completions', status: 0, attempts: 0 };
  let call: GeminiChatCall;
  try {
    call = await translateChatRequest(await readJson(request), { resolveModel, fetchImage: deps.fetchImage });
  } catch (error) {
    return refuse(request.res, record, error);
  }
  record.model = call.model;
  if (refuseModel(request, record, call.model, 'openai')) return record;
  const action = call.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  const plan: UpstreamPlan = {
    model: call.model,
    stream: call.stream,
    expectsCandidates: true,
    request: { method: 'POST', pathAndQuery: `/v1beta/models/${encodeURIComponent(call.model)}:${action}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(call.body) },
  };
  const result = await deps.failover.run(plan, request.signal);
  const created = Math.floor(deps.clock() / 1000);
  if (result.kind === 'unary') {
    const gemini = JSON.parse(result.body.toString('utf8')) as { responseId?: string };
    sendJson(request.res, 200, toChatCompletion(gemini, { id: chatIdFor(gemini.responseId), created, model: call.requestedModel }));
  } else if (result.kind === 'stream') {
    finishStream(record, result.finish, await pipeChatStream(request.res, result, call, created));
  } else {
    sendFailure(request.res, result);
  }
  return recordResult(record, result);
}

type StreamResult = Extract<FailoverResult, { kind: 'stream' }>;

/** Gemini SSE in, OpenAI chunks out, one event at a time (never buffered). */
async function pipeChatStream(res: ServerResponse, result: StreamResult, call: GeminiChatCall, created: number): Promise<Outcome> {
  const { stream } = result;
  const ctx: ChatContext = { id: chatIdFor(responseIdOf(stream.firstItems)), created, model: call.requestedModel };
  const translator = new ChatStreamTranslator(ctx, { includeUsage: call.includeUsage });
  res.writeHead(200, sseHeaders());
  let upstreamError: string | undefined;
  const emit = async (items: SseItem[]) => {
    for (const item of items) {
      const { event, error } = parseGeminiEvent(item);
      if (error) {
        upstreamError = error.message;
        await writeChunk(res, translator.fail(error.message));
        return;
      }
      const frames = translator.push(event);
      if (frames) await writeChunk(res, frames);
    }
  };
  try {
    await emit(stream.firstItems);
    for await (const chunk of stream.rest()) {
      await emit(stream.parser.push(stream.decode(chunk)));
      if (upstreamError) break;
    }
    if (!upstreamError) await emit(stream.parser.end());
  } catch (error) {
    if (res.destroyed) return { kind: 'cancelled' };
    upstreamError = `the upstream stream failed after it started (${(error as { code?: string }).code ?? 'error'})`;
    await writeChunk(res, translator.fail(upstreamError));
  }
  if (upstreamError) {
    await stream.cancel();
    res.end();
    return { kind: 'transient', reason: 'MID_STREAM_ERROR', message: upstreamError };
  }
  res.end(translator.end());
  return { kind: 'success', usage: extractUsage(stream.tailText()) };
}

async function handleEmbeddings(deps: OpenAIDeps, request: ProxyRequest, resolveModel: (m: string) => string): Promise<RequestRecord> {
  const record: RequestRecord = { surface: 'openai', method: 'POST', path: '/v1/embeddings', status: 0, attempts: 0 };
  let call;
  try {
    call = translateEmbeddingsRequest(await readJson(request), resolveModel);
  } catch (error) {
    return refuse(request.res, record, error);
  }
  record.model = call.model;
  if (refuseModel(request, record, call.model, 'openai')) return record;
  const answers: unknown[] = [];
  let result: FailoverResult | undefined;
  for (const batch of call.batches) {
    result = await deps.failover.run(
      {
        model: call.model,
        stream: false,
        expectsCandidates: false,
        request: { method: 'POST', pathAndQuery: `/v1beta/models/${encodeURIComponent(call.model)}:batchEmbedContents`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) },
      },
      request.signal,
    );
    if (result.kind !== 'unary') break;
    answers.push(JSON.parse(result.body.toString('utf8')));
  }
  if (!result || result.kind === 'stream') throw new Error('embeddings produced no upstream result');
  if (result.kind !== 'unary') sendFailure(request.res, result);
  else {
    try {
      sendJson(request.res, 200, toEmbeddingsResponse(answers, call));
    } catch (error) {
      return refuse(request.res, record, error);
    }
  }
  return recordResult(record, result);
}

async function handleModels(deps: OpenAIDeps, request: ProxyRequest, model?: string): Promise<RequestRecord> {
  const record: RequestRecord = { surface: 'openai', method: 'GET', path: model ? `/v1/models/${model}` : '/v1/models', model, status: 200, attempts: 0 };
  const listed = await deps.catalog.list(request.signal);
  if (!listed.ok) {
    sendFailure(request.res, listed.failure);
    return recordResult(record, listed.failure);
  }
  const visible = listed.models.filter((entry) => !request.checkModel(String((entry as { name?: string }).name ?? '').replace(/^models\//, '')));
  if (!model) {
    sendJson(request.res, 200, toOpenAIModelList(visible));
    return record;
  }
  const wanted = deps.aliases[model] ?? model;
  const found = visible.find((entry) => (entry as { name?: string }).name === `models/${wanted}`);
  if (!found) {
    const error = openAIError(404, `The model '${model}' does not exist`, { code: 'model_not_found', param: 'model' });
    sendJson(request.res, error.status, error.body);
    record.status = 404;
    return record;
  }
  sendJson(request.res, 200, { ...toOpenAIModel(found), id: model });
  return record;
}

/** Parses the body as JSON; a body that is not JSON is answered by the translator's validation as a 400. */
async function readJson(request: ProxyRequest): Promise<unknown> {
  const body = await readBody(request.req, request.maxBodyBytes);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new TranslateError('The request body is not valid JSON.');
  }
}

function refuse(res: ServerResponse, record: RequestRecord, error: unknown): RequestRecord {
  if (!(error instanceof TranslateError)) throw error;
  const answer = openAIError(error.status, error.message, { param: error.param, code: error.code });
  sendJson(res, answer.status, answer.body);
  record.status = answer.status;
  record.error = error.message;
  return record;
}

function sendFailure(res: ServerResponse, failure: Failure): void {
  switch (failure.kind) {
    case 'upstreamError': {
      const answer = fromGeminiError(failure.status, { error: failure.error });
      sendJson(res, answer.status, answer.body);
      return;
    }
    case 'noKey': {
      const answer =
        failure.status === 429
          ? openAIError(429, failure.message, { type: 'rate_limit_error', code: 'rate_limit_exceeded' })
          : openAIError(503, failure.message, { type: 'server_error', code: 'no_key_available' });
      // The pool already rotated every key: the SDK's own retries would only repeat that.
      const headers: Record<string, string> = { 'x-should-retry': 'false' };
      if (failure.retryAfterS !== undefined) headers['retry-after'] = String(failure.retryAfterS);
      sendJson(res, answer.status, answer.body, headers);
      return;
    }
    case 'cancelled':
      res.destroy();
      return;
  }
}


function responseIdOf(items: SseItem[]): string | undefined {
  for (const item of items) {
    const match = item.kind === 'data' ? /"responseId": ?"([^"]+)"/.exec(item.data) : null;
    if (match) return match[1];
  }
  return undefined;
}
