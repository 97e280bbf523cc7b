import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ChatContext } from '../../src/daemon/translate/chatResponse.js';
import { ChatStreamTranslator, parseGeminiEvent } from '../../src/daemon/translate/chatStream.js';
import { SseParser } from '../../src/daemon/upstream/sseParser.js';

const WIRE = new URL('../../../shared/gemini-wire/', import.meta.url);
const transcript = (name: string): string => readFileSync(new URL(name, WIRE), 'utf8');

const ctx: ChatContext = { id: 'chatcmpl-s1', created: 1700000000, model: 'gemini-2.5-flash' };

interface Chunk {
  id: string;
  object: string;
  created: number;
  model: string;
  system_fingerprint: null;
  choices: Array<{ index: number; delta: Record<string, unknown>; logprobs: null; finish_reason: string | null }>;
  usage?: Record<string, unknown>;
}

/** Splits translator output into frames, checking OpenAI's LF-only `data: ...\n\n` framing. */
function frames(output: string): string[] {
  assert.ok(!output.includes('\r'), 'OpenAI side must be LF-only');
  assert.ok(output === '' || output.endsWith('\n\n'));
  return output
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      assert.ok(frame.startsWith('data: '), frame);
      return frame.slice('data: '.length);
    });
}

/** Runs Gemini SSE text through SseParser + parseGeminiEvent + the translator, in small TCP-like pieces. */
function run(sse: string, includeUsage: boolean, pieceSize = 37): { chunks: Chunk[]; last: string; errors: unknown[] } {
  const parser = new SseParser();
  const translator = new ChatStreamTranslator(ctx, { includeUsage });
  const errors: unknown[] = [];
  let output = '';
  const feed = (items: ReturnType<SseParser['push']>): void => {
    for (const item of items) {
      const parsed = parseGeminiEvent(item);
      if (parsed.error) errors.push(parsed.error);
      else if (parsed.event !== undefined) output += translator.push(parsed.event);
    }
  };
  for (let at = 0; at < sse.length; at += pieceSize) feed(parser.push(sse.slice(at, at + pieceSize)));
  feed(parser.end());
  output += translator.end();
  const data = frames(output);
  const last = data.pop() ?? '';
  return { chunks: data.map((frame) => JSON.parse(frame) as Chunk), last, errors };
}

const deltas = (chunks: Chunk[]): Array<Record<string, unknown>> =>
  chunks.filter((chunk) => chunk.choices.length > 0).map((chunk) => chunk.choices[0]?.delta ?? {});
const finishes = (chunks: Chunk[]): Array<string | null | undefined> =>
  chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter((reason) => reason !== null);

describe('ChatStreamTranslator on real transcripts', () => {
  it('gemini-2.5: role first, one content delta per event, one finish, usage on request, [DONE] last', () => {
    const { chunks, last, errors } = run(transcript('stream-sse-text-gemini-2.5-RECONSTRUCTED.txt'), true);
    assert.deepEqual(errors, []);
    assert.equal(last, '[DONE]');
    for (const chunk of chunks) {
      assert.equal(chunk.id, 'chatcmpl-s1');
      assert.equal(chunk.created, 1700000000);
      assert.equal(chunk.model, 'gemini-2.5-flash');
      assert.equal(chunk.object, 'chat.completion.chunk');
      assert.equal(chunk.system_fingerprint, null);
    }
    const content = deltas(chunks);
    assert.deepEqual(content[0], { role: 'assistant', content: '' });
    assert.equal(content.slice(1, 4).filter((delta) => typeof delta.content === 'string').length, 3);
    assert.match(String(content[1]?.content), /^The sky is blue/);
    assert.match(String(content[3]?.content), /particles\.$/);
    assert.deepEqual(content[4], {});
    assert.deepEqual(finishes(chunks), ['length']);
    assert.equal(chunks[4]?.choices[0]?.finish_reason, 'length');
    // Only the usage chunk carries usage, from the LAST (cumulative) usageMetadata.
    assert.deepEqual(chunks.slice(0, 5).map((chunk) => chunk.usage), [undefined, undefined, undefined, undefined, undefined]);
    assert.deepEqual(chunks[5], {
      id: 'chatcmpl-s1',
      object: 'chat.completion.chunk',
      created: 1700000000,
      model: 'gemini-2.5-flash',
      system_fingerprint: null,
      choices: [],
      usage: { prompt_tokens: 7, completion_tokens: 198, total_tokens: 205, completion_tokens_details: { reasoning_tokens: 45 } },
    });
    assert.equal(chunks.length, 6);
  });

  it('gemini-2.5 without include_usage: no usage chunk', () => {
    const { chunks, last } = run(transcript('stream-sse-text-gemini-2.5-RECONSTRUCTED.txt'), false, 1000);
    assert.equal(last, '[DONE]');
    assert.equal(chunks.length, 5);
    assert.ok(chunks.every((chunk) => chunk.choices.length === 1 && chunk.usage === undefined));
  });

  it('gemini-1.x: STOP on every chunk still gives exactly one finish_reason, at the end', () => {
    const { chunks, last } = run(transcript('stream-sse-text-gemini-1.x.txt'), false, 5);
    assert.equal(last, '[DONE]');
    const content = deltas(chunks);
    assert.deepEqual(content[0], { role: 'assistant', content: '' });
    assert.equal(content.filter((delta) => 'content' in delta && delta.content !== '').length, 6);
    assert.deepEqual(finishes(chunks), ['stop']);
    assert.equal(chunks[chunks.length - 1]?.choices[0]?.finish_reason, 'stop');
    assert.match(content.map((delta) => delta.content ?? '').join(''), /^\*\*Cats:\*\*[\s\S]*issues early on\.$/);
  });

  it('recitation: text already sent stays, finish is content_filter', () => {
    const { chunks } = run(transcript('stream-sse-recitation.txt'), false);
    assert.deepEqual(deltas(chunks), [
      { role: 'assistant', content: '' },
      { content: 'Copyrighted text goes here' },
      { content: 'More copyrighted text' },
      {},
    ]);
    assert.deepEqual(finishes(chunks), ['content_filter']);
  });

  it('blocked prompt: role, refusal, content_filter', () => {
    const { chunks, last } = run(transcript('stream-sse-prompt-blocked.txt'), true);
    assert.equal(last, '[DONE]');
    assert.deepEqual(deltas(chunks), [
      { role: 'assistant', content: '' },
      { refusal: 'The prompt was blocked by Gemini (blockReason: SAFETY).' },
      {},
    ]);
    assert.deepEqual(finishes(chunks), ['content_filter']);
    // No usageMetadata upstream: the usage chunk still comes, with zeros.
    assert.deepEqual(chunks[3]?.usage, {
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('gemini-1.x function call: one tool_calls delta with index 0 and finish tool_calls', () => {
    const { chunks } = run(transcript('stream-sse-function-call-gemini-1.x.txt'), false);
    const toolDeltas = deltas(chunks).filter((delta) => delta.tool_calls);
    assert.equal(toolDeltas.length, 1);
    const [toolCall] = toolDeltas[0]?.tool_calls as Array<Record<string, unknown>>;
    assert.equal(toolCall?.index, 0);
    assert.equal(toolCall?.type, 'function');
    assert.match(String(toolCall?.id), /^call_gp[0-9a-f]{24}$/);
    assert.deepEqual(toolCall?.function, { name: 'getTemperature', arguments: '{"city":"San Jose"}' });
    assert.deepEqual(finishes(chunks), ['tool_calls']);
  });
});

describe('ChatStreamTranslator on inline events', () => {
  const event = (parts: unknown[], extra: Record<string, unknown> = {}, candidate: Record<string, unknown> = {}): unknown => ({
    candidates: [{ content: { role: 'model', parts }, index: 0, ...candidate }],
    responseId: 'r',
    ...extra,
  });

  it('gives parallel calls in separate chunks distinct indexes and ids', () => {
    const translator = new ChatStreamTranslator(ctx, { includeUsage: false });
    const out =
      translator.push(event([{ functionCall: { id: 'call_1', name: 'a', args: { x: 1 } }, thoughtSignature: 'SIG' }])) +
      translator.push(event([{ functionCall: { id: 'call_2', name: 'b', args: {} } }])) +
      translator.push(event([{ text: '', thoughtSignature: 'T' }], {}, { finishReason: 'STOP' })) +
      translator.end();
    const chunks = frames(out).slice(0, -1).map((frame) => JSON.parse(frame) as Chunk);
    assert.deepEqual(deltas(chunks), [
      { role: 'assistant', content: '' },
      { tool_calls: [{ index: 0, id: 'call_1__thought__SIG', type: 'function', function: { name: 'a', arguments: '{"x":1}' } }] },
      { tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'b', arguments: '{}' } }] },
      {},
    ]);
    assert.deepEqual(finishes(chunks), ['tool_calls']);
  });

  it('streams thought text as reasoning_content, then content, in part order', () => {
    const translator = new ChatStreamTranslator(ctx, { includeUsage: false });
    const out = translator.push(
      event([{ text: 'hmm', thought: true }, { text: ' ok', thought: true }, { text: 'Answer' }, { text: '!' }]),
    );
    assert.deepEqual(
      frames(out).map((frame) => (JSON.parse(frame) as Chunk).choices[0]?.delta),
      [{ role: 'assistant', content: '' }, { reasoning_content: 'hmm ok' }, { content: 'Answer!' }],
    );
  });

  it('keeps one choice per candidate index when n > 1', () => {
    const translator = new ChatStreamTranslator(ctx, { includeUsage: false });
    const out =
      translator.push({
        candidates: [
          { content: { parts: [{ text: 'a' }] }, index: 0 },
          { content: { parts: [{ text: 'b' }] }, index: 1 },
        ],
      }) +
      translator.push({ candidates: [{ finishReason: 'MAX_TOKENS', index: 1 }, { finishReason: 'STOP', index: 0 }] }) +
      translator.end();
    const chunks = frames(out).slice(0, -1).map((frame) => JSON.parse(frame) as Chunk);
    const byIndex = (index: number): Array<Record<string, unknown>> =>
      chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.index === index).map((choice) => choice.delta));
    assert.deepEqual(byIndex(0), [{ role: 'assistant', content: '' }, { content: 'a' }, {}]);
    assert.deepEqual(byIndex(1), [{ role: 'assistant', content: '' }, { content: 'b' }, {}]);
    assert.deepEqual(
      chunks.slice(-2).map((chunk) => [chunk.choices[0]?.index, chunk.choices[0]?.finish_reason]),
      [
        [0, 'stop'],
        [1, 'length'],
      ],
    );
  });

  it('emits the role chunk at the first push even without content, and a stop finish for an empty body', () => {
    const translator = new ChatStreamTranslator(ctx, { includeUsage: false });
    const first = frames(translator.push({ usageMetadata: { promptTokenCount: 3 } }));
    assert.equal(first.length, 1);
    assert.deepEqual((JSON.parse(first[0] ?? '') as Chunk).choices[0]?.delta, { role: 'assistant', content: '' });
    const empty = new ChatStreamTranslator(ctx, { includeUsage: false });
    const out = frames(empty.end());
    assert.equal(out.length, 3);
    assert.equal((JSON.parse(out[1] ?? '') as Chunk).choices[0]?.finish_reason, 'stop');
    assert.equal(out[2], '[DONE]');
  });

  it('fail() writes one OpenAI error frame with no [DONE], and nothing after it', () => {
    const translator = new ChatStreamTranslator(ctx, { includeUsage: true });
    translator.push(event([{ text: 'partial' }]));
    const out = translator.fail('You exceeded your current quota', 'rate_limit_exceeded');
    assert.equal(
      out,
      'data: {"error":{"message":"You exceeded your current quota","type":"server_error","code":"rate_limit_exceeded","param":null}}\n\n',
    );
    assert.equal(translator.end(), '');
    assert.equal(translator.push(event([{ text: 'late' }])), '');
    assert.equal(new ChatStreamTranslator(ctx, { includeUsage: false }).fail('boom'), 'data: {"error":{"message":"boom","type":"server_error","code":null,"param":null}}\n\n');
  });
});

describe('parseGeminiEvent', () => {
  it('finds a raw pretty-printed error injected mid-stream', () => {
    const parser = new SseParser();
    const items = [
      ...parser.push('data: {"candidates": [{"content": {"parts": [{"text": "Hel"}],"role": "model"},"index": 0}]}\r\n\r\n'),
      ...parser.push('{\n  "error": {\n    "code": 429,\n    "message": "Resource has been exhausted (e.g. check quota).",\n    "status": "RESOURCE_EXHAUSTED"\n  }\n}\n'),
      ...parser.end(),
    ];
    assert.equal(items.length, 2);
    assert.ok(parseGeminiEvent(items[0] ?? { kind: 'raw', text: '' }).event);
    assert.deepEqual(parseGeminiEvent(items[1] ?? { kind: 'raw', text: '' }), {
      error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' },
    });
  });

  it('finds the array error form and a data-framed error', () => {
    const array = readFileSync(new URL('error-stream-json-array-mode.json', WIRE), 'utf8');
    assert.deepEqual(parseGeminiEvent({ kind: 'raw', text: array }).error, {
      code: 400,
      message: 'API key not valid. Please pass a valid API key.',
      status: 'INVALID_ARGUMENT',
    });
    assert.deepEqual(parseGeminiEvent({ kind: 'data', data: '{"error":{"code":500,"message":"internal"}}' }).error, {
      code: 500,
      message: 'internal',
    });
  });

  it('reports unparseable or unexpected data as a 502 and ignores [DONE]', () => {
    assert.equal(parseGeminiEvent({ kind: 'data', data: '{"candidates": [' }).error?.code, 502);
    assert.equal(parseGeminiEvent({ kind: 'raw', text: 'upstream connect error' }).error?.code, 502);
    assert.equal(parseGeminiEvent({ kind: 'raw', text: '{"candidates": []}' }).error?.code, 502);
    assert.deepEqual(parseGeminiEvent({ kind: 'data', data: '[DONE]' }), {});
  });
});
