import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { GoogleGenAI } from '@google/genai';
import { postJson, startHarness, userText, type Harness } from '../helpers/harness.js';

const GOOD = 'AIzaTEST-good-0001';
const harnesses: Harness[] = [];
async function harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  harnesses.push(h);
  return h;
}
after(async () => {
  for (const h of harnesses) await h.close();
});

const streamUrl = (h: Harness, query = '?alt=sse', model = 'gemini-2.5-flash') => `${h.url}/v1beta/models/${model}:streamGenerateContent${query}`;

function openStream(url: string, prompt: string, signal?: AbortSignal) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(userText(prompt)), signal });
}

/** Reads until at least `count` SSE events have arrived (or the body ends). */
async function readEvents(reader: ReadableStreamDefaultReader<Uint8Array>, count: number, sofar = ''): Promise<{ text: string; done: boolean }> {
  const decoder = new TextDecoder();
  let text = sofar;
  while ((text.match(/\r\n\r\n/g) ?? []).length < count) {
    const { value, done } = await reader.read();
    if (done) return { text, done: true };
    text += decoder.decode(value, { stream: true });
  }
  return { text, done: false };
}

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('streaming pass-through', () => {
  test('each upstream event reaches the client as it is sent, bytes unchanged', async () => {
    const h = await harness({ keys: [GOOD] });
    const response = await openStream(streamUrl(h), '[[gate]] tell me a story');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const reader = response.body!.getReader();
    const first = await readEvents(reader, 1);
    assert.equal(first.done, false, 'the first event arrived while upstream holds the rest back');
    assert.match(first.text, /^data: \{"candidates": /);
    h.fake.releaseGate();
    const all = await readEvents(reader, 99, first.text);
    assert.equal(all.done, true);
    const events = all.text.split('\r\n\r\n').filter(Boolean);
    assert.equal(events.length, 3);
    assert.ok(!all.text.includes('[DONE]'));
    assert.match(events[2], /"finishReason": "STOP"/);
  });

  test('a stream fails over before its first byte', async () => {
    const h = await harness({ keys: ['AIzaTEST-invalid-0001', 'AIzaTEST-quota-minute-0001', 'AIzaTEST-empty-0001', 'AIzaTEST-reset-0001', GOOD] });
    for (let i = 0; i < 2; i += 1) {
      const response = await openStream(streamUrl(h), 'hi');
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.equal(text.split('\r\n\r\n').filter(Boolean).length, 3);
    }
  });

  test('an error after the stream started ends it in-band and is not retried', async () => {
    const h = await harness({ keys: ['AIzaTEST-midstream-0001', GOOD] });
    const response = await openStream(streamUrl(h), 'hi');
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /"error"/);
    assert.equal(h.fake.requests.length, 1);
  });

  test('without alt=sse the client gets Gemini\'s JSON array', async () => {
    const h = await harness({ keys: [GOOD] });
    const response = await openStream(streamUrl(h, ''), 'array please');
    assert.equal(response.status, 200);
    const parsed = JSON.parse(await response.text());
    assert.equal(parsed.length, 3);
    assert.equal(parsed[2].candidates[0].finishReason, 'STOP');
    assert.equal(h.fake.requests[0].query.alt, 'sse', 'upstream is always read as SSE');
  });

  test('errors in array mode are wrapped in an array', async () => {
    const h = await harness({ keys: [GOOD] });
    const response = await fetch(streamUrl(h, ''), { method: 'POST', body: JSON.stringify({ contents: [] }) });
    assert.equal(response.status, 400);
    const parsed = JSON.parse(await response.text());
    assert.ok(Array.isArray(parsed) && parsed[0].error);
  });
});

describe('client disconnects', () => {
  test('a client that goes away before the answer aborts the upstream request', async () => {
    const h = await harness({ keys: ['AIzaTEST-hang-0001'] });
    const controller = new AbortController();
    const pending = postJsonAbortable(`${h.url}/v1beta/models/gemini-2.5-flash:generateContent`, controller.signal);
    await until(() => h.fake.requests.length === 1);
    controller.abort();
    await pending;
    await until(() => h.fake.abortedRequests === 1);
  });

  test('a client that goes away mid-stream aborts the upstream stream', async () => {
    const h = await harness({ keys: [GOOD] });
    const controller = new AbortController();
    const response = await openStream(streamUrl(h), '[[gate]] long one', controller.signal);
    await readEvents(response.body!.getReader(), 1);
    controller.abort();
    await until(() => h.fake.abortedRequests === 1);
    h.fake.releaseGate();
    await until(() => h.daemon.pool.snapshot()[0].inflight === 0);
  });
});

function postJsonAbortable(url: string, signal: AbortSignal): Promise<void> {
  return fetch(url, { method: 'POST', body: JSON.stringify(userText('wait')), signal }).then(
    () => undefined,
    () => undefined,
  );
}

describe('@google/genai pointed at the daemon', () => {
  test('never sees an error while one good key remains', async () => {
    const keys = ['AIzaTEST-invalid-0009', 'AIzaTEST-leaked-0009', 'AIzaTEST-suspended-0009', 'AIzaTEST-quota-day-0009', 'AIzaTEST-overloaded-0009', GOOD];
    const h = await harness({ keys, configure: (config) => (config.retry.max_attempts = 6) });
    const ai = new GoogleGenAI({ apiKey: 'client-side-placeholder', httpOptions: { baseUrl: h.url } });
    for (let i = 0; i < 6; i += 1) {
      const answer = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: `question ${i}` });
      assert.equal(answer.text, `Echo: question ${i}`);
    }
    let streamed = '';
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'stream it' })) streamed += chunk.text ?? '';
    assert.equal(streamed.trim(), 'Echo: stream it');
    const count = await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'count these tokens' });
    assert.ok((count.totalTokens ?? 0) > 0);
    const embedded = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['one', 'two'], config: { outputDimensionality: 8 } });
    assert.equal(embedded.embeddings?.length, 2);
    assert.equal(embedded.embeddings?.[0].values?.length, 8);
    const models = await ai.models.list();
    let listed = 0;
    for await (const model of models) if (model.name) listed += 1;
    assert.ok(listed > 5);
    assert.equal(h.daemon.pool.totals().invalid, 3);
  });

  test('gets Gemini-shaped errors with the status when every key is exhausted', async () => {
    const h = await harness({ keys: ['AIzaTEST-quota-minute-0008'] });
    const ai = new GoogleGenAI({ apiKey: 'client-side-placeholder', httpOptions: { baseUrl: h.url } });
    await assert.rejects(ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }), (error: Error & { status?: number }) => {
      assert.equal(error.status, 429);
      return true;
    });
  });
});

test('health reports counts and no key material', async () => {
  const h = await harness({ keys: [GOOD, 'AIzaTEST-invalid-0007'] });
  await postJson(`${h.url}/v1beta/models/gemini-2.5-flash:generateContent`, userText('x'));
  await postJson(`${h.url}/v1beta/models/gemini-2.5-flash:generateContent`, userText('x'));
  const text = await (await fetch(`${h.url}/health`)).text();
  assert.deepEqual(JSON.parse(text), { status: 'ok', keys: { total: 2, available: 1, cooling: 0, invalid: 1 } });
  assert.ok(!text.includes('AIza'));
});
