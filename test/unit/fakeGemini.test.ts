import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GoogleGenAI } from '@google/genai';
import { DEMO_KEYS, KEY_MARKERS, startFakeGemini, type FakeGemini } from '../../src/fake/fakeGemini.js';
import { googleCompact } from '../../src/fake/googleJson.js';

/**
 * The simulated Gemini over real loopback HTTP: wire format, faults by key,
 * strict validation, deterministic answers. Other tests trust this fake, so
 * its framing is checked byte for byte here.
 */
const GOOD = 'AIzaTEST-good-0001';
const FLASH = '/v1beta/models/gemini-2.5-flash';
let fake: FakeGemini;

before(async () => {
  fake = await startFakeGemini({ port: 0, slowMs: 60, chunkDelayMs: 1 });
});
after(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

interface Reply {
  status: number;
  type: string | null;
  text: string;
  json: any;
}

async function call(path: string, body?: unknown, options: { key?: string | null; method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  const key = options.key === undefined ? GOOD : options.key;
  if (key !== null) headers['x-goog-api-key'] = key;
  const response = await fetch(fake.url + path, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, type: response.headers.get('content-type'), text, json };
}

const user = (text: string, extra: Record<string, unknown> = {}) => ({ contents: [{ role: 'user', parts: [{ text }] }], ...extra });
const generate = (body: unknown, key?: string | null) => call(`${FLASH}:generateContent`, body, { key });
const sse = (body: unknown, key?: string) => call(`${FLASH}:streamGenerateContent?alt=sse`, body, { key });
const sseEvents = (text: string) => text.split('\r\n\r\n').filter(Boolean).map((e) => JSON.parse(e.replace(/^data: /, '')));
const weatherTool = {
  functionDeclarations: [
    { name: 'get_weather', description: 'Weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' }, days: { type: 'INTEGER' }, metric: { type: 'BOOLEAN' } } } },
    { name: 'get_time', parametersJsonSchema: { type: 'object', properties: { zone: { type: 'string' } }, additionalProperties: false } },
  ],
};

describe('answers', () => {
  test('a good key gets a pretty-printed GenerateContentResponse', async () => {
    const r = await generate(user('hello there friend'));
    assert.equal(r.status, 200);
    assert.equal(r.type, 'application/json; charset=UTF-8');
    assert.ok(r.text.endsWith('}\n') && r.text.startsWith('{\n  "candidates": ['));
    assert.deepEqual(Object.keys(r.json), ['candidates', 'usageMetadata', 'modelVersion', 'responseId']);
    assert.deepEqual(r.json.candidates, [{ content: { parts: [{ text: 'Echo: hello there friend' }], role: 'model' }, finishReason: 'STOP', index: 0 }]);
    assert.deepEqual(r.json.usageMetadata, {
      promptTokenCount: 5,
      candidatesTokenCount: 6,
      totalTokenCount: 11,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 5 }],
    });
    assert.equal(r.json.modelVersion, 'gemini-2.5-flash');
    assert.match(r.json.responseId, /^[\w-]{20,}$/);
    assert.equal(fake.requests[0].keySource, 'header');
    assert.equal(fake.requests[0].model, 'gemini-2.5-flash');
    assert.equal(fake.requests[0].action, 'generateContent');
  });

  test('system instruction, images, thoughts and snake_case fields shape the answer', async () => {
    const png = Buffer.alloc(1234, 7).toString('base64');
    const r = await generate({
      system_instruction: { parts: [{ text: 'You are a terse assistant who answers in haiku only.' }] },
      contents: [{ role: 'user', parts: [{ text: 'describe' }, { inline_data: { mime_type: 'image/png', data: png } }] }],
      generation_config: { thinking_config: { include_thoughts: true, thinking_budget: 100 } },
    });
    assert.equal(r.status, 200, r.text);
    const parts = r.json.candidates[0].content.parts;
    assert.deepEqual(parts[0], { text: 'Thinking about it.', thought: true });
    assert.equal(parts[1].text, '(system: You are a terse assistant who answers in) Echo: describe [image/png 1234 bytes]');
    const u = r.json.usageMetadata;
    assert.equal(u.thoughtsTokenCount, 12);
    assert.equal(u.totalTokenCount, u.promptTokenCount + u.candidatesTokenCount + 12);
  });

  test('function calling: one call with sample args and a signature, then the tool result', async () => {
    const r = await generate(user('weather in Paris?', { tools: [weatherTool] }));
    const [part] = r.json.candidates[0].content.parts;
    assert.deepEqual(part.functionCall, { name: 'get_weather', args: { city: 'test', days: 1, metric: true } });
    assert.ok(part.thoughtSignature);
    assert.equal(r.json.candidates[0].finishMessage, 'Model generated function call(s).');
    const allowed = await generate(user('time?', { tools: [weatherTool], toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } } }));
    assert.deepEqual(allowed.json.candidates[0].content.parts[0].functionCall, { name: 'get_time', args: { zone: 'test' } });
    const parallel = await generate(user('both [[parallel]]', { tools: [weatherTool] }));
    assert.equal(parallel.json.candidates[0].content.parts.length, 2);
    const none = await generate(user('no tools', { tools: [weatherTool], tool_config: { function_calling_config: { mode: 'NONE' } } }));
    assert.equal(none.json.candidates[0].content.parts[0].text, 'Echo: no tools');
    const result = await generate({
      tools: [weatherTool],
      contents: [
        { role: 'user', parts: [{ text: 'weather?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: part.thoughtSignature }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }] },
      ],
    });
    assert.equal(result.status, 200, result.text);
    assert.equal(result.json.candidates[0].content.parts[0].text, 'Tool result: {"temp":21}');
  });

  test('JSON mode answers with a value built from the schema', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } } };
    const r = await generate(user('person', { generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema } }));
    assert.deepEqual(JSON.parse(r.json.candidates[0].content.parts[0].text), { name: 'test', age: 1, tags: ['test'] });
    const bare = await generate(user('hi', { generationConfig: { responseMimeType: 'application/json' } }));
    assert.equal(bare.json.candidates[0].content.parts[0].text, '{"answer":"Echo: hi"}');
  });

  test('prompt markers: block, safety, max_tokens, empty key', async () => {
    const blocked = await generate(user('bad [[block]]'));
    assert.equal(blocked.status, 200);
    assert.equal(blocked.json.candidates, undefined);
    assert.equal(blocked.json.promptFeedback.blockReason, 'SAFETY');
    const safety = await generate(user('x [[safety]]'));
    assert.equal(safety.json.candidates[0].finishReason, 'SAFETY');
    assert.equal(safety.json.candidates[0].content, undefined);
    assert.equal((await generate(user('x [[max_tokens]]'))).json.candidates[0].finishReason, 'MAX_TOKENS');
    const empty = await generate(user('x'), 'AIzaTEST-empty-0001');
    assert.equal(empty.status, 200);
    assert.deepEqual(Object.keys(empty.json), ['usageMetadata', 'modelVersion', 'responseId']);
  });

  test('countTokens, embedContent and batchEmbedContents', async () => {
    const count = await call('/v1beta/models/gemini-2.5-flash:countTokens', { contents: [{ parts: [{ text: 'The quick brown fox jumps over the lazy dog.' }] }] });
    assert.deepEqual(count.json, { totalTokens: 11, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 11 }] });
    const wrapped = await call('/v1beta/models/gemini-2.5-flash:countTokens', { generateContentRequest: { model: 'models/gemini-2.5-flash', ...user('abcd') } });
    assert.equal(wrapped.json.totalTokens, 1);
    const embed = (body: unknown) => call('/v1beta/models/gemini-embedding-001:embedContent', body);
    const full = await embed({ content: { parts: [{ text: 'meaning of life' }] } });
    assert.equal(full.json.embedding.values.length, 3072);
    const norm = Math.hypot(...full.json.embedding.values);
    assert.ok(Math.abs(norm - 1) < 1e-6);
    const small = await embed({ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'meaning of life' }] }, outputDimensionality: 8 });
    assert.deepEqual(small.json.embedding.values, full.json.embedding.values.slice(0, 8));
    const batchUrl = '/v1beta/models/gemini-embedding-001:batchEmbedContents';
    const req = (text: string, model = 'models/gemini-embedding-001') => ({ model, content: { parts: [{ text }] }, outputDimensionality: 8 });
    const batch = await call(batchUrl, { requests: [req('meaning of life'), req('other')] });
    assert.equal(batch.json.embeddings.length, 2);
    assert.deepEqual(batch.json.embeddings[0].values, small.json.embedding.values);
    assert.equal((await call(batchUrl, { requests: [req('x', 'models/text-embedding-004')] })).status, 400);
    assert.equal((await call(batchUrl, { requests: Array.from({ length: 101 }, () => req('x')) })).status, 400);
    assert.equal((await call(`${FLASH}:embedContent`, { content: { parts: [{ text: 'x' }] } })).status, 404);
  });
});

describe('streaming', () => {
  test('SSE framing: CRLF, compact Google spacing, deltas, cumulative usage, finishReason last, no [DONE]', async () => {
    const unary = await generate(user('one two three four five six'));
    const r = await sse(user('one two three four five six'));
    assert.equal(r.status, 200);
    assert.equal(r.type, 'text/event-stream');
    assert.ok(r.text.startsWith('data: {"candidates": [{"content": {"parts": [{"text": "Echo: one'), r.text.slice(0, 80));
    assert.ok(r.text.endsWith('}\r\n\r\n'));
    assert.ok(!r.text.includes('[DONE]'));
    const raw = r.text.split('\r\n\r\n').filter(Boolean);
    assert.equal(raw.length, 3);
    for (const line of raw) {
      assert.match(line, /^data: \{.*\}$/);
      assert.ok(!line.includes('\n') && !line.includes('", "') && !line.includes('":"'), 'one line, ": " and ","');
      assert.match(line, /\}\],"usageMetadata": \{"promptTokenCount": \d+,.*\},"modelVersion": "gemini-2.5-flash","responseId": "[\w-]+"\}$/);
    }
    const events = sseEvents(r.text);
    assert.equal(events.map((e) => e.candidates[0].content.parts[0].text).join(''), unary.json.candidates[0].content.parts[0].text);
    assert.deepEqual(events.map((e) => e.candidates[0].finishReason), [undefined, undefined, 'STOP']);
    const counts = events.map((e) => e.usageMetadata.candidatesTokenCount);
    assert.ok(counts[0] < counts[1] && counts[1] < counts[2]);
    assert.deepEqual(events[2].usageMetadata, unary.json.usageMetadata);
    assert.equal(new Set(events.map((e) => e.responseId)).size, 1);
  });

  test('without alt=sse the stream is one JSON array, elements joined by "\\r\\n,"', async () => {
    const r = await call(`${FLASH}:streamGenerateContent`, user('array please now'));
    assert.equal(r.type, 'application/json; charset=UTF-8');
    assert.ok(r.text.startsWith('[{\n  "candidates"') && r.text.endsWith('}]'));
    assert.equal(r.text.split('\r\n,').length, 3);
    assert.equal(r.json.length, 3);
    assert.equal(r.json[2].candidates[0].finishReason, 'STOP');
  });

  test('markers: chunks, legacy, recitation, gemini3, thoughts first, function call whole', async () => {
    const chunks = sseEvents((await sse(user('hi [[chunks:6]]'))).text);
    assert.equal(chunks.length, 6);
    assert.ok(chunks.every((e) => e.candidates[0].content.parts[0].text.length > 0));
    const unary = await generate(user('hi [[chunks:6]]'));
    assert.equal(chunks.map((e) => e.candidates[0].content.parts[0].text).join(''), unary.json.candidates[0].content.parts[0].text);
    const legacy = sseEvents((await sse(user('old model [[legacy]]'))).text);
    assert.ok(legacy.every((e) => e.candidates[0].finishReason === 'STOP'));
    const recitation = await sse(user('quote [[recitation]]'));
    assert.ok(recitation.text.endsWith('data: {"candidates": [{"finishReason": "RECITATION","index": 0}]}\r\n\r\n'));
    const g3 = sseEvents((await sse(user('call [[gemini3]] [[parallel]]', { tools: [weatherTool] }))).text);
    assert.equal(g3.length, 3);
    assert.match(g3[0].candidates[0].content.parts[0].functionCall.id, /^call_\d+$/);
    assert.deepEqual(g3[2].candidates[0].content.parts, [{ text: '' }]);
    assert.deepEqual(g3.map((e) => e.candidates[0].finishReason), [undefined, undefined, 'STOP']);
    const call25 = sseEvents((await sse(user('call', { tools: [weatherTool], generationConfig: { thinkingConfig: { includeThoughts: true } } }))).text);
    assert.equal(call25.length, 2);
    assert.equal(call25[0].candidates[0].content.parts[0].thought, true);
    assert.equal(call25[1].candidates[0].content.parts[0].functionCall.name, 'get_weather');
    assert.equal(call25[1].candidates[0].finishReason, 'STOP');
  });

  test('the gate holds the stream after its first event until releaseGate()', async () => {
    const response = await fetch(`${fake.url}${FLASH}:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { 'x-goog-api-key': GOOD },
      body: JSON.stringify(user('[[gate]] a story')),
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('\r\n\r\n')) text += decoder.decode((await reader.read()).value, { stream: true });
    assert.equal(text.split('\r\n\r\n').filter(Boolean).length, 1);
    const early = await Promise.race([reader.read().then(() => 'data'), new Promise((r) => setTimeout(() => r('held'), 50))]);
    assert.equal(early, 'held');
    fake.releaseGate();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    assert.ok(text.split('\r\n\r\n').filter(Boolean).length >= 2);
  });

  test('midstream: two events, then a bare pretty error outside SSE framing', async () => {
    const r = await sse(user('one two three'), 'AIzaTEST-midstream-0001');
    assert.equal(r.status, 200);
    const [first, second, rest] = r.text.split('\r\n\r\n');
    assert.match(first, /^data: /);
    assert.match(second, /^data: /);
    assert.equal(rest, '{\n  "error": {\n    "code": 500,\n    "message": "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",\n    "status": "INTERNAL"\n  }\n}\n');
    assert.equal((await generate(user('x'), 'AIzaTEST-midstream-0001')).status, 500);
  });

  test('errors before a stream: raw JSON under text/event-stream (alt=sse), an array without alt', async () => {
    const r = await sse(user('x'), 'AIzaTEST-invalid-0001');
    assert.equal(r.status, 400);
    assert.equal(r.type, 'text/event-stream');
    assert.ok(r.text.startsWith('{\n  "error": {\n    "code": 400,'));
    const arr = await call(`${FLASH}:streamGenerateContent`, user('x'), { key: 'AIzaTEST-invalid-0001' });
    assert.equal(arr.status, 400);
    assert.ok(arr.text.startsWith('[\n  {\n    "error": {'));
    assert.equal(arr.json[0].error.details[0].reason, 'API_KEY_INVALID');
  });
});

describe('faults by key', () => {
  const cases: Array<[marker: string, status: number, statusText: string, check?: (json: any, key: string) => void]> = [
    ['invalid', 400, 'INVALID_ARGUMENT', (j) => assert.equal(j.error.message, 'API key not valid. Please pass a valid API key.')],
    ['expired', 400, 'INVALID_ARGUMENT', (j) => assert.equal(j.error.details[0].reason, 'API_KEY_INVALID')],
    ['leaked', 403, 'PERMISSION_DENIED', (j) => assert.equal(j.error.details, undefined)],
    ['suspended', 403, 'PERMISSION_DENIED', (j, key) => {
      assert.equal(j.error.message, `Permission denied: Consumer 'api_key:${key}' has been suspended.`);
      assert.equal(j.error.details[0].metadata.containerInfo, `api_key:${key}`);
    }],
    ['blocked', 403, 'PERMISSION_DENIED', (j) => assert.equal(j.error.details[0].metadata.methodName, 'google.ai.generativelanguage.v1beta.GenerativeService.GenerateContent')],
    ['quota-minute', 429, 'RESOURCE_EXHAUSTED', (j) => {
      assert.deepEqual(j.error.details.map((d: any) => d['@type'].split('.').pop()), ['Help', 'QuotaFailure', 'RetryInfo']);
      assert.equal(j.error.details[1].violations[0].quotaId, 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier');
      assert.equal(j.error.details[2].retryDelay, '26s');
      assert.match(j.error.message, /model: gemini-2\.5-flash\nPlease retry in 26\.\d+s\.$/);
    }],
    ['quota-day', 429, 'RESOURCE_EXHAUSTED', (j) => assert.equal(j.error.details[1].violations[0].quotaId, 'GenerateRequestsPerDayPerProjectPerModel-FreeTier')],
    ['quota-bare', 429, 'RESOURCE_EXHAUSTED', (j) => assert.equal(j.error.message, 'Resource has been exhausted (e.g. check quota).')],
    ['quota-zero', 429, 'RESOURCE_EXHAUSTED', (j) => assert.match(j.error.message, /limit: 0,/)],
    ['internal', 500, 'INTERNAL'],
    ['overloaded', 503, 'UNAVAILABLE', (j) => assert.equal(j.error.message, 'The model is overloaded. Please try again later.')],
    ['deadline', 504, 'DEADLINE_EXCEEDED'],
  ];
  for (const [marker, status, statusText, check] of cases) {
    test(`${marker} key: ${status} ${statusText}`, async () => {
      const key = `AIzaTEST-${marker}-0001`;
      const r = await generate(user('x'), key);
      assert.equal(r.status, status);
      assert.equal(r.json.error.code, status);
      assert.equal(r.json.error.status, statusText);
      assert.ok(r.text.endsWith('}\n'));
      check?.(r.json, key);
    });
  }

  test('dead keys fail models.list too; quota keys do not', async () => {
    assert.equal((await call('/v1beta/models', undefined, { key: 'AIzaTEST-leaked-0001' })).status, 403);
    assert.equal((await call('/v1beta/models', undefined, { key: 'AIzaTEST-quota-day-0001' })).status, 200);
  });

  test('reset drops the connection; slow answers late; hang counts an abort when the client leaves', async () => {
    await assert.rejects(generate(user('x'), 'AIzaTEST-reset-0001'));
    const t0 = Date.now();
    assert.equal((await generate(user('x'), 'AIzaTEST-slow-0001')).status, 200);
    assert.ok(Date.now() - t0 >= 55);
    const controller = new AbortController();
    const pending = fetch(`${fake.url}${FLASH}:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': 'AIzaTEST-hang-0001' }, body: JSON.stringify(user('x')), signal: controller.signal });
    while (fake.requests.length < 3) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await assert.rejects(pending);
    for (let i = 0; i < 100 && fake.abortedRequests === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(fake.abortedRequests, 1);
  });

  test('setFault overrides the name, per model and for a number of times', async () => {
    fake.setFault(GOOD, { kind: 'quotaMinute', model: 'gemini-2.5-pro', times: 1, retryDelaySec: 40 });
    assert.equal((await generate(user('x'))).status, 200, 'other model unaffected');
    const pro = await call('/v1beta/models/gemini-2.5-pro:generateContent', user('x'));
    assert.equal(pro.status, 429);
    assert.equal(pro.json.error.details[2].retryDelay, '40s');
    assert.equal(pro.json.error.details[1].violations[0].quotaDimensions.model, 'gemini-2.5-pro');
    assert.equal((await call('/v1beta/models/gemini-2.5-pro:generateContent', user('x'))).status, 200, 'times used up');
    fake.setFault('AIzaTEST-invalid-0002', null);
    assert.equal((await generate(user('x'), 'AIzaTEST-invalid-0002')).status, 400, 'null restores the name marker');
  });
});

describe('auth and routing', () => {
  test('no key: 403 unregistered callers; ?key= works; a Bearer key is refused', async () => {
    const r = await generate(user('x'), null);
    assert.equal(r.status, 403);
    assert.match(r.json.error.message, /^Method doesn't allow unregistered callers/);
    const q = await call(`${FLASH}:generateContent?key=${GOOD}`, user('x'), { key: null });
    assert.equal(q.status, 200);
    assert.equal(fake.requests[1].keySource, 'query');
    const bearer = await call(`${FLASH}:generateContent`, user('x'), { key: null, headers: { authorization: `Bearer ${GOOD}` } });
    assert.equal(bearer.status, 401);
  });

  test('models.list paginates with opaque tokens; models.get; unknown model 404', async () => {
    const all = await call('/v1beta/models');
    assert.equal(all.json.models.length, 14);
    assert.equal(all.json.nextPageToken, undefined);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await call(`/v1beta/models?pageSize=5${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
      names.push(...page.json.models.map((m: any) => m.name));
      token = page.json.nextPageToken;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(names, all.json.models.map((m: any) => m.name));
    const emb = all.json.models.find((m: any) => m.name === 'models/gemini-embedding-001');
    assert.deepEqual(emb.supportedGenerationMethods, ['embedContent']);
    assert.equal((await call('/v1/models/gemini-2.5-pro')).json.displayName, 'Gemini 2.5 Pro');
    assert.equal((await call('/v1beta/models/nope-1')).status, 404);
    const missing = await call('/v1beta/models/gemini-missing-1:generateContent', user('x'));
    assert.equal(missing.status, 404);
    assert.match(missing.json.error.message, /^models\/gemini-missing-1 is not found for API version v1beta, or is not supported for generateContent\./);
    assert.equal((await call('/v1beta/models/gemini-9.9-future:generateContent', user('x'))).status, 200, 'new gemini-* names are known');
    assert.equal((await call('/v1beta/tunedModels', undefined)).status, 404);
  });
});

describe('strict validation', () => {
  const expect400 = async (body: unknown, message: RegExp | string) => {
    const r = await generate(body);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.status, 'INVALID_ARGUMENT');
    if (typeof message === 'string') assert.equal(r.json.error.message, message);
    else assert.match(r.json.error.message, message);
    return r.json;
  };

  test('unknown fields, top-level and nested', async () => {
    const top = await expect400(user('x', { stream: true }), 'Invalid JSON payload received. Unknown name "stream": Cannot find field.');
    assert.deepEqual(top.error.details[0].fieldViolations, [{ description: 'Invalid JSON payload received. Unknown name "stream": Cannot find field.' }]);
    const nested = await expect400(user('x', { generation_config: { max_tokens: 5 } }), `Invalid JSON payload received. Unknown name "max_tokens" at 'generation_config': Cannot find field.`);
    assert.equal(nested.error.details[0].fieldViolations[0].field, 'generation_config');
    await expect400({ contents: [{ role: 'user', parts: [{ text: 'x', role: 'user' }] }] }, /Unknown name "role" at 'contents\[0\]\.parts\[0\]'/);
  });

  test('OpenAPI parameters reject JSON-Schema keywords; parametersJsonSchema accepts them', async () => {
    const tool = (parameters: unknown) => user('x', { tools: [{ functionDeclarations: [{ name: 'f', parameters }] }] });
    await expect400(tool({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }), `Invalid JSON payload received. Unknown name "additionalProperties" at 'tools[0].function_declarations[0].parameters': Cannot find field.`);
    await expect400(tool({ type: 'object', properties: { a: { type: 'string', const: 'x' } } }), /Unknown name "const" at 'tools\[0\]\.function_declarations\[0\]\.parameters\.properties\[0\]\.value'/);
    await expect400(tool({ type: 'object', properties: { a: { type: ['string', 'null'] } } }), /Proto field is not repeating, cannot start list\./);
    await expect400(tool({ type: 'object', properties: {} }), '* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties: should be non-empty for OBJECT type\n');
    const ok = await generate(user('x', { tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: { $schema: 'x', type: 'object', additionalProperties: false, properties: {} } }] }] }));
    assert.equal(ok.status, 200, ok.text);
  });

  test('service rules: contents, roles, struct responses, config conflicts, function turns', async () => {
    await expect400({}, '* GenerateContentRequest.contents: contents is not specified\n');
    await expect400({ contents: [{ role: 'user', parts: [] }] }, '* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n');
    await expect400({ contents: [{ role: 'system', parts: [{ text: 'x' }] }] }, 'Please use a valid role: user, model.');
    await expect400(user('x', { generationConfig: { stopSequences: ['1', '2', '3', '4', '5', '6'] } }), /stop_sequences/);
    await expect400(user('x', { generationConfig: { thinkingConfig: { thinkingBudget: 10, thinkingLevel: 'LOW' } } }), /thinking_budget and thinking_level/);
    await expect400(user('x', { generationConfig: { responseMimeType: 'application/json', responseSchema: { type: 'STRING' }, responseJsonSchema: {} } }), /response_json_schema/);
    await expect400(user('x', { tools: [weatherTool], generationConfig: { responseMimeType: 'application/json' } }), "Function calling with a response mime type: 'application/json' is unsupported");
    await expect400(user('x', { toolConfig: { functionCallingConfig: { mode: 'REQUIRED' } } }), /Invalid value at 'tool_config\.function_calling_config\.mode'/);
    await expect400({ contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'data:image/png;base64,AAAA' } }] }] }, /Base64 decoding failed/);
    const callTurn = { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] };
    const resp = (response: unknown) => ({ role: 'user', parts: [{ functionResponse: { name: 'get_weather', response } }] });
    const history = (...turns: unknown[]) => ({ tools: [weatherTool], contents: [{ role: 'user', parts: [{ text: 'q' }] }, ...turns] });
    await expect400(history(callTurn, resp('sunny')), `Invalid value at 'contents[2].parts[0].function_response.response' (type.googleapis.com/google.protobuf.Struct), "sunny"`);
    await expect400(history(resp({ a: 1 })), 'Please ensure that function response turn comes immediately after a function call turn.');
    await expect400(history(callTurn, { role: 'user', parts: [...resp({}).parts, ...resp({}).parts] }), /number of function response parts is equal/);
    await expect400('{"contents": [', /^Invalid JSON payload received\./);
    const gemini3 = (signature?: string) =>
      call('/v1beta/models/gemini-3-pro-preview:generateContent', history({ role: 'model', parts: [{ ...callTurn.parts[0], ...(signature ? { thoughtSignature: signature } : {}) }] }, resp({ ok: true })));
    const unsigned = await gemini3();
    assert.equal(unsigned.status, 400);
    assert.match(unsigned.json.error.message, /^Function call is missing a thought_signature in functionCall parts\..*`default_api:get_weather` , position 2\./);
    assert.equal((await gemini3('c2tpcF90aG91Z2h0X3NpZ25hdHVyZV92YWxpZGF0b3I=')).status, 200);
  });

  test('what @google/genai sends passes validation (generate, stream, tools, count, embed, list)', async () => {
    const ai = new GoogleGenAI({ apiKey: GOOD, httpOptions: { baseUrl: fake.url } });
    const answer = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'sdk question',
      config: {
        systemInstruction: 'Be brief.',
        temperature: 0.2,
        maxOutputTokens: 100,
        stopSequences: ['END'],
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT' as never, threshold: 'BLOCK_NONE' as never }],
        thinkingConfig: { thinkingBudget: 0 },
      },
    });
    assert.equal(answer.text, '(system: Be brief.) Echo: sdk question');
    const called = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'use the tool',
      config: { tools: [weatherTool as never], toolConfig: { functionCallingConfig: { mode: 'ANY' as never, allowedFunctionNames: ['get_weather'] } } },
    });
    assert.equal(called.functionCalls?.[0].name, 'get_weather');
    let streamed = '';
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'stream it' })) streamed += chunk.text ?? '';
    assert.equal(streamed, 'Echo: stream it');
    assert.equal((await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'count me' })).totalTokens, 2);
    const embedded = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['one', 'two'], config: { outputDimensionality: 4, taskType: 'RETRIEVAL_QUERY' } });
    assert.equal(embedded.embeddings?.[1].values?.length, 4);
    let listed = 0;
    for await (const model of await ai.models.list({ config: { pageSize: 5 } })) if (model.name) listed++;
    assert.equal(listed, 14);
    assert.ok(fake.requests.every((r) => r.keySource === 'header'));
  });
});

describe('helpers', () => {
  test('googleCompact writes Google\'s single-line style', () => {
    assert.equal(googleCompact({ a: [{ b: 1, c: 'x' }, 2], d: { e: null }, f: undefined }), '{"a": [{"b": 1,"c": "x"},2],"d": {"e": null}}');
  });

  test('demo keys are short fake keys that exercise the markers', () => {
    const scanner = /AIza[0-9A-Za-z_-]{35}/;
    for (const { key, label, secret } of DEMO_KEYS) {
      assert.ok(!scanner.test(key), key);
      assert.ok(label.length > 0);
      assert.equal(secret, key);
    }
    assert.equal(DEMO_KEYS.filter((k) => !KEY_MARKERS.some(([m]) => k.key.includes(m))).length, 4);
  });
});
