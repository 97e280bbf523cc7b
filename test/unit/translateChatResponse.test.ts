import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  chatIdFor,
  mapFinishReason,
  toChatCompletion,
  toUsage,
  type ChatContext,
} from '../../src/daemon/translate/chatResponse.js';
import { fromGeminiError, openAIError } from '../../src/daemon/translate/errors.js';
import { toOpenAIModel, toOpenAIModelList } from '../../src/daemon/translate/models.js';
import { syntheticToolCallId } from '../../src/daemon/translate/toolCallId.js';

const WIRE = new URL('../../../shared/gemini-wire/', import.meta.url);
const sample = (name: string): unknown => JSON.parse(readFileSync(new URL(name, WIRE), 'utf8'));

const ctx: ChatContext = { id: 'chatcmpl-abc', created: 1700000000, model: 'my-alias' };
const envelope = { id: 'chatcmpl-abc', object: 'chat.completion', created: 1700000000, model: 'my-alias', system_fingerprint: null };

function choice(index: number, message: Record<string, unknown>, finishReason: string): Record<string, unknown> {
  return { index, message: { role: 'assistant', refusal: null, ...message }, logprobs: null, finish_reason: finishReason };
}

describe('toChatCompletion', () => {
  it('translates a plain answer that hit MAX_TOKENS, with thoughts counted in completion tokens', () => {
    const gemini = sample('generateContent-response.json') as { candidates: Array<{ content: { parts: Array<{ text: string }> } }> };
    const text = gemini.candidates[0]?.content.parts[0]?.text;
    assert.deepEqual(toChatCompletion(gemini, ctx), {
      ...envelope,
      choices: [choice(0, { content: text }, 'length')],
      usage: { prompt_tokens: 7, completion_tokens: 197, total_tokens: 204, completion_tokens_details: { reasoning_tokens: 48 } },
    });
  });

  it('turns function calls into tool_calls with finish_reason tool_calls and a signature-carrying id', () => {
    const gemini = sample('functionCall-response.json') as {
      candidates: Array<{ content: { parts: Array<{ thoughtSignature: string }> } }>;
    };
    const signature = gemini.candidates[0]?.content.parts[0]?.thoughtSignature;
    const id = `${syntheticToolCallId('chatcmpl-abc', 0, 0)}__thought__${signature}`;
    assert.deepEqual(toChatCompletion(gemini, ctx), {
      ...envelope,
      choices: [
        choice(
          0,
          {
            content: null,
            tool_calls: [
              {
                id,
                type: 'function',
                function: { name: 'concatStringFunction', arguments: '{"firstString":"hello","secondString":"world"}' },
              },
            ],
          },
          'tool_calls',
        ),
      ],
      usage: { prompt_tokens: 65, completion_tokens: 81, total_tokens: 146, completion_tokens_details: { reasoning_tokens: 59 } },
    });
    // Stable: the same response gives the same ids.
    assert.deepEqual(toChatCompletion(gemini, ctx), toChatCompletion(gemini, ctx));
  });

  it('maps SAFETY to content_filter and keeps the partial text', () => {
    const result = toChatCompletion(sample('response-finish-safety.json'), ctx);
    assert.deepEqual(result.choices, [choice(0, { content: 'No' }, 'content_filter')]);
    // No usageMetadata: zeros rather than a missing field.
    assert.deepEqual(result.usage, { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, completion_tokens_details: { reasoning_tokens: 0 } });
  });

  it('maps RECITATION without content to content null + content_filter', () => {
    const result = toChatCompletion({ candidates: [{ finishReason: 'RECITATION', index: 0 }] }, ctx);
    assert.deepEqual(result.choices, [choice(0, { content: null }, 'content_filter')]);
  });

  it('answers a blocked prompt with one content_filter choice and a refusal', () => {
    const result = toChatCompletion(sample('response-prompt-blocked.json'), ctx);
    assert.deepEqual(result.choices, [
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: 'The prompt was blocked by Gemini (blockReason: SAFETY).' },
        logprobs: null,
        finish_reason: 'content_filter',
      },
    ]);
  });

  it('puts thought text in reasoning_content, not content', () => {
    const result = toChatCompletion(sample('thinking-response.json'), ctx);
    const choices = result.choices as Array<{ message: Record<string, unknown>; finish_reason: string }>;
    assert.equal(choices[0]?.message.content, null);
    assert.match(String(choices[0]?.message.reasoning_content), /^\*\*Breaking Down/);
    assert.equal(choices[0]?.finish_reason, 'length');
  });

  it('uses the position when candidate.index is missing (gemini-2.0-flash) and keeps several candidates', () => {
    const result = toChatCompletion(
      {
        candidates: [
          { content: { role: 'model', parts: [{ text: 'a' }, { text: '' }, { text: 'b' }] }, finishReason: 'STOP' },
          { content: { role: 'model', parts: [{ text: 'c' }] }, finishReason: 'STOP' },
        ],
      },
      ctx,
    );
    assert.deepEqual(result.choices, [choice(0, { content: 'ab' }, 'stop'), choice(1, { content: 'c' }, 'stop')]);
  });

  it('keeps Gemini 3 call ids and text next to calls', () => {
    const result = toChatCompletion(
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { text: 'Checking.' },
                { functionCall: { id: 'call_1', name: 'f', args: {} }, thoughtSignature: 'S' },
                { text: '', thoughtSignature: 'T' },
              ],
            },
            finishReason: 'STOP',
            index: 0,
          },
        ],
      },
      ctx,
    );
    assert.deepEqual(result.choices, [
      choice(
        0,
        { content: 'Checking.', tool_calls: [{ id: 'call_1__thought__S', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        'tool_calls',
      ),
    ]);
  });
});

describe('mapFinishReason', () => {
  const table: Array<[string | undefined, boolean, string]> = [
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', true, 'tool_calls'],
    ['MAX_TOKENS', false, 'length'],
    ...['SAFETY', 'RECITATION', 'LANGUAGE', 'OTHER', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'NO_IMAGE'].map(
      (reason): [string, boolean, string] => [reason, false, 'content_filter'],
    ),
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
    ['FINISH_REASON_UNSPECIFIED', false, 'stop'],
    ['SOMETHING_NEW', false, 'stop'],
    [undefined, false, 'stop'],
  ];
  for (const [reason, hasToolCalls, expected] of table) {
    it(`${String(reason)}${hasToolCalls ? ' with tool calls' : ''} -> ${expected}`, () => {
      assert.equal(mapFinishReason(reason, hasToolCalls), expected);
    });
  }
});

describe('toUsage and chatIdFor', () => {
  it('adds tool-use prompt tokens and thoughts, reports cached tokens', () => {
    assert.deepEqual(
      toUsage({
        promptTokenCount: 100,
        toolUsePromptTokenCount: 10,
        candidatesTokenCount: 20,
        thoughtsTokenCount: 30,
        cachedContentTokenCount: 64,
        totalTokenCount: 160,
      }),
      {
        prompt_tokens: 110,
        completion_tokens: 50,
        total_tokens: 160,
        prompt_tokens_details: { cached_tokens: 64 },
        completion_tokens_details: { reasoning_tokens: 30 },
      },
    );
  });

  it('sums when totalTokenCount is missing and returns undefined without metadata', () => {
    assert.deepEqual(toUsage({ promptTokenCount: 5 }), {
      prompt_tokens: 5,
      completion_tokens: 0,
      total_tokens: 5,
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    assert.equal(toUsage(undefined), undefined);
  });

  it('builds ids from the responseId, random otherwise', () => {
    assert.equal(chatIdFor('qS77aMCqBu6mvr0PsJiykAw'), 'chatcmpl-qS77aMCqBu6mvr0PsJiykAw');
    const a = chatIdFor(undefined);
    assert.match(a, /^chatcmpl-[A-Za-z0-9_-]{20,}$/);
    assert.notEqual(a, chatIdFor(undefined));
  });
});

describe('fromGeminiError / openAIError', () => {
  const table: Array<[string, number, unknown, number, string, string | null]> = [
    ['400 unknown field', 400, sample('error-400-unknown-field.json'), 400, 'invalid_request_error', null],
    ['400 too many tokens', 400, sample('error-400-input-token-limit.json'), 400, 'invalid_request_error', 'context_length_exceeded'],
    ['401', 401, { error: { code: 401, message: 'no', status: 'UNAUTHENTICATED' } }, 401, 'authentication_error', null],
    ['403 leaked', 403, sample('error-403-leaked-key.json'), 403, 'permission_error', null],
    ['404 model', 404, sample('error-404-model-not-found.json'), 404, 'invalid_request_error', 'model_not_found'],
    ['404 cache', 404, { error: { code: 404, message: 'cachedContents/x not found' } }, 404, 'invalid_request_error', null],
    ['429 quota', 429, sample('error-429-quota-2025-06.json'), 429, 'rate_limit_error', 'rate_limit_exceeded'],
    ['500', 500, sample('error-500-internal.json'), 500, 'server_error', null],
    ['503', 503, sample('error-503-overloaded.json'), 503, 'server_error', null],
    ['504', 504, sample('error-504-deadline-exceeded.UNCONFIRMED.json'), 504, 'server_error', null],
    ['array form', 400, sample('error-stream-json-array-mode.json'), 400, 'invalid_request_error', null],
    ['mid-stream under HTTP 200', 200, { error: { code: 429, message: 'quota' } }, 429, 'rate_limit_error', 'rate_limit_exceeded'],
  ];
  for (const [label, status, body, expectedStatus, type, code] of table) {
    it(label, () => {
      const result = fromGeminiError(status, body);
      assert.equal(result.status, expectedStatus);
      assert.equal(result.body.error.type, type);
      assert.equal(result.body.error.code, code);
      assert.equal(result.body.error.param, null);
      const googleMessage = (Array.isArray(body) ? body[0] : body) as { error: { message: string } };
      assert.equal(result.body.error.message, googleMessage.error.message);
    });
  }

  it('survives a body that is not a Google error', () => {
    assert.deepEqual(fromGeminiError(502, 'Bad Gateway'), {
      status: 502,
      body: { error: { message: 'Gemini request failed with HTTP 502', type: 'server_error', param: null, code: null } },
    });
  });

  it('builds OpenAI bodies with defaults by status', () => {
    assert.deepEqual(openAIError(400, 'bad', { param: 'messages' }), {
      status: 400,
      body: { error: { message: 'bad', type: 'invalid_request_error', param: 'messages', code: null } },
    });
    assert.deepEqual(openAIError(503, 'all keys are cooling down', { type: 'api_error', code: 'no_key_available' }).body, {
      error: { message: 'all keys are cooling down', type: 'api_error', param: null, code: 'no_key_available' },
    });
  });
});

describe('models', () => {
  it('lists every model without the models/ prefix', () => {
    const page = sample('models-list-page.EXCERPT.json') as { models: unknown[] };
    const list = toOpenAIModelList([...page.models, { name: 'models/gemini-2.5-flash' }, { displayName: 'nameless' }]);
    assert.equal(list.object, 'list');
    const ids = list.data.map((model) => model.id);
    assert.ok(ids.includes('gemini-2.5-flash'));
    assert.ok(ids.includes('gemini-embedding-001'));
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(list.data.every((model) => model.object === 'model' && model.owned_by === 'google' && model.created === 0));
  });

  it('translates one model', () => {
    assert.deepEqual(toOpenAIModel(sample('model-get.json')), {
      id: 'gemini-2.5-flash',
      object: 'model',
      created: 0,
      owned_by: 'google',
    });
  });
});
