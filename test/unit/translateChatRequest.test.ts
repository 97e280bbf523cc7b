import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translateChatRequest, type ChatRequestOptions, type GeminiChatCall } from '../../src/daemon/translate/chatRequest.js';
import { toChatCompletion } from '../../src/daemon/translate/chatResponse.js';
import { SKIP_THOUGHT_SIGNATURE, syntheticToolCallId } from '../../src/daemon/translate/toolCallId.js';
import { TranslateError } from '../../src/daemon/translate/translateError.js';

const PNG = 'iVBORw0KGgo=';

function options(overrides: Partial<ChatRequestOptions> = {}): ChatRequestOptions {
  return {
    resolveModel: (requested) => (requested === 'fast' ? 'models/gemini-2.5-flash' : requested),
    fetchImage: async () => {
      throw new Error('no network in tests');
    },
    ...overrides,
  };
}

function translate(body: Record<string, unknown>, overrides?: Partial<ChatRequestOptions>): Promise<GeminiChatCall> {
  return translateChatRequest({ model: 'gemini-2.5-flash', ...body }, options(overrides));
}

const user = (content: unknown): Record<string, unknown> => ({ role: 'user', content });
const hi = [user('hi')];
const hiContents = [{ role: 'user', parts: [{ text: 'hi' }] }];

async function rejects(body: Record<string, unknown>, param: string | null, pattern?: RegExp): Promise<void> {
  await assert.rejects(translateChatRequest(body, options()), (error: unknown) => {
    assert.ok(error instanceof TranslateError, `expected TranslateError, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.param, param);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

describe('translateChatRequest: call metadata', () => {
  it('resolves the model, strips models/, keeps the requested name', async () => {
    const call = await translate({ model: 'fast', messages: hi });
    assert.deepEqual(call, {
      model: 'gemini-2.5-flash',
      requestedModel: 'fast',
      stream: false,
      includeUsage: false,
      body: { contents: hiContents },
    });
  });

  it('reads stream and stream_options.include_usage but never forwards them', async () => {
    const call = await translate({ messages: hi, stream: true, stream_options: { include_usage: true } });
    assert.equal(call.stream, true);
    assert.equal(call.includeUsage, true);
    assert.deepEqual(call.body, { contents: hiContents });
    const noUsage = await translate({ messages: hi, stream: true });
    assert.equal(noUsage.includeUsage, false);
    const unaryUsage = await translate({ messages: hi, stream_options: { include_usage: true } });
    assert.equal(unaryUsage.includeUsage, false);
  });

  it('drops every unmapped OpenAI field', async () => {
    const call = await translate({
      messages: [{ role: 'user', content: 'hi', name: 'alice' }],
      user: 'u1',
      metadata: { a: '1' },
      store: true,
      logit_bias: { '1': 2 },
      service_tier: 'auto',
      parallel_tool_calls: false,
      modalities: ['text'],
      prediction: { type: 'content', content: 'x' },
      audio: { voice: 'alloy', format: 'mp3' },
      web_search_options: {},
      verbosity: 'low',
      prompt_cache_key: 'k',
      safety_identifier: 's',
      stream: false,
      extra_body: {},
    });
    assert.deepEqual(call.body, { contents: hiContents });
  });
});

describe('translateChatRequest: messages', () => {
  it('merges system and developer messages, in order, into systemInstruction', async () => {
    const call = await translate({
      messages: [
        { role: 'system', content: 'be brief' },
        user('hi'),
        { role: 'developer', content: [{ type: 'text', text: 'use French' }, { type: 'text', text: '' }] },
        { role: 'system', content: '' },
        { role: 'assistant', content: 'salut' },
      ],
    });
    assert.deepEqual(call.body, {
      systemInstruction: { parts: [{ text: 'be brief' }, { text: 'use French' }] },
      contents: [
        { role: 'user', parts: [{ text: 'hi' }] },
        { role: 'model', parts: [{ text: 'salut' }] },
      ],
    });
  });

  it('merges consecutive same-role turns and skips empty ones', async () => {
    const call = await translate({
      messages: [
        user('a'),
        user([{ type: 'text', text: 'b' }]),
        { role: 'assistant', content: 'c' },
        { role: 'assistant', content: null },
        { role: 'assistant', content: [{ type: 'text', text: 'd' }, { type: 'refusal', refusal: 'e' }] },
        user(''),
        user('f'),
      ],
    });
    assert.deepEqual(call.body.contents, [
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
      { role: 'model', parts: [{ text: 'c' }, { text: 'd' }, { text: 'e' }] },
      { role: 'user', parts: [{ text: 'f' }] },
    ]);
  });

  it('turns a tool round trip into functionCall / functionResponse, one user turn in call order', async () => {
    const call = await translate({
      messages: [
        user('weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'time', arguments: '' } },
          ],
        },
        // Results arrive out of order: Gemini needs them in call order.
        { role: 'tool', tool_call_id: 'call_b', content: 'noon' },
        { role: 'tool', tool_call_id: 'call_a', content: [{ type: 'text', text: '{"temp":' }, { type: 'text', text: '21}' }] },
        { role: 'assistant', content: 'It is 21 degrees at noon.' },
      ],
    });
    assert.deepEqual(call.body.contents, [
      { role: 'user', parts: [{ text: 'weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { id: 'call_a', name: 'weather', args: { city: 'Paris' } } },
          { functionCall: { id: 'call_b', name: 'time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'call_a', name: 'weather', response: { temp: 21 } } },
          { functionResponse: { id: 'call_b', name: 'time', response: { output: 'noon' } } },
        ],
      },
      { role: 'model', parts: [{ text: 'It is 21 degrees at noon.' }] },
    ]);
  });

  it('wraps non-object tool output and finds names over the whole history', async () => {
    const synthetic = syntheticToolCallId('chatcmpl-x', 0, 0);
    const call = await translate({
      messages: [
        user('go'),
        { role: 'assistant', tool_calls: [{ id: synthetic, type: 'function', function: { name: 'list', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: synthetic, content: '[1,2]' },
        { role: 'assistant', content: 'done' },
        user('again'),
        { role: 'tool', tool_call_id: synthetic, content: '{not json' },
      ],
    });
    const contents = call.body.contents as Array<{ parts: unknown[] }>;
    // Synthetic (gateway-made) ids are not sent to Gemini as ids.
    assert.deepEqual(contents[1]?.parts, [{ functionCall: { name: 'list', args: {} } }]);
    assert.deepEqual(contents[2]?.parts, [{ functionResponse: { name: 'list', response: { output: '[1,2]' } } }]);
    assert.deepEqual(contents[4]?.parts, [
      { text: 'again' },
      { functionResponse: { name: 'list', response: { output: '{not json' } } },
    ]);
  });

  it('supports the legacy function role, functions and function_call', async () => {
    const call = await translate({
      messages: [
        user('add'),
        { role: 'assistant', content: null, function_call: { name: 'add', arguments: '{"a":1,"b":2}' } },
        { role: 'function', name: 'add', content: '3' },
      ],
      functions: [{ name: 'add', parameters: { type: 'object' } }],
      function_call: { name: 'add' },
    });
    assert.deepEqual(call.body, {
      contents: [
        { role: 'user', parts: [{ text: 'add' }] },
        { role: 'model', parts: [{ functionCall: { name: 'add', args: { a: 1, b: 2 } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'add', response: { output: '3' } } }] },
      ],
      tools: [{ functionDeclarations: [{ name: 'add', parametersJsonSchema: { type: 'object' } }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['add'] } },
    });
  });
});

describe('translateChatRequest: media parts', () => {
  it('inlines data: URLs, audio and files', async () => {
    const call = await translate({
      messages: [
        user([
          { type: 'text', text: 'what is this?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'high' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          { type: 'input_audio', input_audio: { data: 'SUQz', format: 'mp3' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
          { type: 'image_url', image_url: { url: 'data:text/plain,hello%20world' } },
        ]),
      ],
    });
    assert.deepEqual(call.body.contents, [
      {
        role: 'user',
        parts: [
          { text: 'what is this?' },
          { inlineData: { mimeType: 'image/png', data: PNG } },
          { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
          { inlineData: { mimeType: 'audio/mp3', data: 'SUQz' } },
          { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
          { inlineData: { mimeType: 'text/plain', data: Buffer.from('hello world').toString('base64') } },
        ],
      },
    ]);
  });

  it('downloads http(s) images through fetchImage, once per URL', async () => {
    const fetched: string[] = [];
    const fetchImage = async (url: string): Promise<{ mimeType: string; data: string }> => {
      fetched.push(url);
      return { mimeType: 'image/jpeg', data: `jpeg:${url.length}` };
    };
    const url = 'https://example.com/cat.jpg?sig=secret';
    const image = { type: 'image_url', image_url: { url } };
    const call = await translate({ messages: [user([image]), { role: 'assistant', content: 'a cat' }, user([image])] }, { fetchImage });
    assert.deepEqual(fetched, [url]);
    const inline = { inlineData: { mimeType: 'image/jpeg', data: `jpeg:${url.length}` } };
    assert.deepEqual(call.body.contents, [
      { role: 'user', parts: [inline] },
      { role: 'model', parts: [{ text: 'a cat' }] },
      { role: 'user', parts: [inline] },
    ]);
  });

  it('reports an unfetchable image with its param and without the URL', async () => {
    const fetchImage = async (): Promise<never> => {
      throw new Error('ECONNREFUSED');
    };
    const url = 'https://example.com/x.png?token=abc';
    await assert.rejects(
      translate({ messages: [user([{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url } }])] }, { fetchImage }),
      (error: unknown) => {
        assert.ok(error instanceof TranslateError);
        assert.equal(error.param, 'messages[0].content[1].image_url.url');
        assert.ok(!error.message.includes('token=abc'));
        return true;
      },
    );
    // A TranslateError from the fetcher (too large, say) keeps its message and gets the param.
    const tooLarge = async (): Promise<never> => {
      throw new TranslateError('image is larger than 20 MB', null, 413);
    };
    await assert.rejects(translate({ messages: [user([{ type: 'image_url', image_url: { url } }])] }, { fetchImage: tooLarge }), {
      message: 'image is larger than 20 MB',
      param: 'messages[0].content[0].image_url.url',
      status: 413,
    });
  });
});

describe('translateChatRequest: tools', () => {
  const weather = {
    type: 'function',
    function: {
      name: 'weather',
      description: 'Weather for a city',
      strict: true,
      parameters: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
        additionalProperties: false,
      },
    },
  };
  const time = { type: 'function', function: { name: 'time' } };
  const declarations = [
    { name: 'weather', description: 'Weather for a city', parametersJsonSchema: weather.function.parameters },
    { name: 'time' },
  ];

  it('puts every function in one Tool with the schema unchanged and strict dropped', async () => {
    const call = await translate({ messages: hi, tools: [weather, time] });
    assert.deepEqual(call.body, { contents: hiContents, tools: [{ functionDeclarations: declarations }] });
  });

  const choices: Array<[string, unknown, unknown, unknown[]?]> = [
    ['none', 'none', { mode: 'NONE' }],
    ['auto', 'auto', { mode: 'AUTO' }],
    ['required', 'required', { mode: 'ANY' }],
    ['a named function', { type: 'function', function: { name: 'time' } }, { mode: 'ANY', allowedFunctionNames: ['time'] }],
    [
      'allowed_tools required',
      { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'time' } }] } },
      { mode: 'ANY', allowedFunctionNames: ['time'] },
    ],
    [
      'allowed_tools auto (declares only the allowed ones)',
      { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'time' } }] } },
      { mode: 'AUTO' },
      [{ name: 'time' }],
    ],
  ];
  for (const [label, toolChoice, config, declared] of choices) {
    it(`tool_choice ${label}`, async () => {
      const call = await translate({ messages: hi, tools: [weather, time], tool_choice: toolChoice });
      assert.deepEqual(call.body.toolConfig, { functionCallingConfig: config });
      assert.deepEqual(call.body.tools, [{ functionDeclarations: declared ?? declarations }]);
    });
  }

  it('sends no toolConfig without tools, and rejects other tool types', async () => {
    const call = await translate({ messages: hi, tools: [], tool_choice: 'auto' });
    assert.deepEqual(call.body, { contents: hiContents });
    await rejects({ model: 'm', messages: hi, tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0].type');
    await rejects({ model: 'm', messages: hi, tools: [weather], tool_choice: 'sometimes' }, 'tool_choice');
  });
});

describe('translateChatRequest: generationConfig', () => {
  it('maps every generation parameter', async () => {
    const call = await translate({
      messages: hi,
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 50,
      max_completion_tokens: 100,
      stop: ['END', 'STOP'],
      n: 2,
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      logprobs: true,
      top_logprobs: 3,
    });
    assert.deepEqual(call.body.generationConfig, {
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 100,
      stopSequences: ['END', 'STOP'],
      candidateCount: 2,
      seed: 42,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      responseLogprobs: true,
      logprobs: 3,
    });
  });

  it('treats nulls as absent, a string stop as one sequence, max_tokens alone', async () => {
    const call = await translate({ messages: hi, temperature: null, stop: 'END', max_tokens: 7, logprobs: false, top_logprobs: 2 });
    assert.deepEqual(call.body.generationConfig, { stopSequences: ['END'], maxOutputTokens: 7 });
  });

  const formats: Array<[string, unknown, unknown]> = [
    ['text', { type: 'text' }, undefined],
    ['json_object', { type: 'json_object' }, { responseMimeType: 'application/json' }],
    [
      'json_schema',
      { type: 'json_schema', json_schema: { name: 'r', strict: true, schema: { type: 'object', additionalProperties: false } } },
      { responseMimeType: 'application/json', responseJsonSchema: { type: 'object', additionalProperties: false } },
    ],
  ];
  for (const [label, format, config] of formats) {
    it(`response_format ${label}`, async () => {
      const call = await translate({ messages: hi, response_format: format });
      assert.deepEqual(call.body.generationConfig, config);
    });
  }

  const efforts: Array<[string, string, unknown]> = [
    ['gemini-2.5-flash', 'none', { thinkingBudget: 0 }],
    ['gemini-2.5-flash', 'minimal', { thinkingBudget: 512 }],
    ['gemini-2.5-flash', 'low', { thinkingBudget: 1024 }],
    ['gemini-2.5-flash', 'medium', { thinkingBudget: 8192 }],
    ['gemini-2.5-flash', 'high', { thinkingBudget: 24576 }],
    ['gemini-2.5-flash', 'xhigh', { thinkingBudget: 24576 }],
    ['gemini-2.5-flash', 'max', { thinkingBudget: 24576 }],
    ['gemini-2.5-pro', 'none', { thinkingBudget: 128 }],
    ['gemini-3-pro-preview', 'none', { thinkingLevel: 'LOW' }],
    ['gemini-3-flash-preview', 'minimal', { thinkingLevel: 'LOW' }],
    ['gemini-3.1-pro-preview', 'low', { thinkingLevel: 'LOW' }],
    ['gemini-3-flash-preview', 'medium', { thinkingLevel: 'MEDIUM' }],
    ['gemini-3-pro-preview', 'high', { thinkingLevel: 'HIGH' }],
    ['gemini-3-pro-preview', 'max', { thinkingLevel: 'HIGH' }],
  ];
  for (const [model, effort, thinkingConfig] of efforts) {
    it(`reasoning_effort ${effort} on ${model}`, async () => {
      const call = await translate({ model, messages: hi, reasoning_effort: effort });
      assert.deepEqual(call.body.generationConfig, { thinkingConfig });
    });
  }
});

describe('translateChatRequest: Gemini-only options (extra_body)', () => {
  const forms: Array<[string, Record<string, unknown>]> = [
    ['literal extra_body.google', { extra_body: { google: { thinking_config: { thinking_budget: 2048, include_thoughts: true } } } }],
    ['top-level google (SDK-merged extra_body)', { google: { thinking_config: { thinking_budget: 2048, include_thoughts: true } } }],
    ['top-level thinking_config', { thinking_config: { thinking_budget: 2048, include_thoughts: true } }],
    ['camelCase inside extra_body', { extra_body: { thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } } }],
  ];
  for (const [label, extra] of forms) {
    it(`thinking_config via ${label} overrides reasoning_effort`, async () => {
      const call = await translate({ messages: hi, reasoning_effort: 'high', ...extra });
      assert.deepEqual(call.body, {
        contents: hiContents,
        generationConfig: { thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } },
      });
    });
  }

  it('maps thinking_level, safety_settings and cached_content', async () => {
    const call = await translate({
      model: 'gemini-3-flash-preview',
      messages: hi,
      safety_settings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      google: { thinking_config: { thinking_level: 'low' }, cached_content: 'abc123' },
    });
    assert.deepEqual(call.body, {
      contents: hiContents,
      generationConfig: { thinkingConfig: { thinkingLevel: 'LOW' } },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      cachedContent: 'cachedContents/abc123',
    });
  });

  it('lets extra_body.google win over the top level and rejects unknown thinking keys', async () => {
    const call = await translate({
      messages: hi,
      cachedContent: 'cachedContents/top',
      extra_body: { google: { cached_content: 'cachedContents/inner' } },
    });
    assert.equal(call.body.cachedContent, 'cachedContents/inner');
    await rejects(
      { model: 'm', messages: hi, google: { thinking_config: { thinking_buget: 1 } } },
      'google.thinking_config.thinking_buget',
    );
  });
});

describe('translateChatRequest: thought signatures', () => {
  it('round-trips a Gemini 3 signature and call id through the OpenAI tool_call id', async () => {
    const geminiAnswer = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { functionCall: { id: 'call_235554', name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'c2lnLzE+Kw==' },
              { functionCall: { id: 'call_235555', name: 'weather', args: { city: 'Rome' } } },
            ],
          },
          finishReason: 'STOP',
        },
      ],
      responseId: 'r1',
    };
    const completion = toChatCompletion(geminiAnswer, { id: 'chatcmpl-r1', created: 1, model: 'gemini-3-pro-preview' });
    const message = (completion.choices as Array<{ message: { tool_calls: Array<{ id: string }> } }>)[0]?.message;
    const ids = message?.tool_calls.map((toolCall) => toolCall.id);
    assert.deepEqual(ids, ['call_235554__thought__c2lnLzE+Kw==', 'call_235555']);

    const call = await translate({
      model: 'gemini-3-pro-preview',
      messages: [
        user('weather?'),
        { role: 'assistant', content: null, tool_calls: message?.tool_calls },
        { role: 'tool', tool_call_id: ids?.[0], content: 'sunny' },
        { role: 'tool', tool_call_id: ids?.[1], content: 'rain' },
      ],
    });
    assert.deepEqual(call.body.contents, [
      { role: 'user', parts: [{ text: 'weather?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { id: 'call_235554', name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'c2lnLzE+Kw==' },
          { functionCall: { id: 'call_235555', name: 'weather', args: { city: 'Rome' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'call_235554', name: 'weather', response: { output: 'sunny' } } },
          { functionResponse: { id: 'call_235555', name: 'weather', response: { output: 'rain' } } },
        ],
      },
    ]);
  });

  it('matches a tool result that echoes the id without the signature', async () => {
    const call = await translate({
      messages: [
        user('x'),
        { role: 'assistant', tool_calls: [{ id: 'c1__thought__SIG', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ],
    });
    const contents = call.body.contents as Array<{ parts: unknown[] }>;
    assert.deepEqual(contents[1]?.parts, [{ functionCall: { id: 'c1', name: 'f', args: {} }, thoughtSignature: 'SIG' }]);
    assert.deepEqual(contents[2]?.parts, [{ functionResponse: { id: 'c1', name: 'f', response: { output: 'ok' } } }]);
  });

  it("uses Google's sentinel on Gemini 3 when the history has no signature", async () => {
    const messages = [
      user('x'),
      {
        role: 'assistant',
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } },
          { id: 'b', type: 'function', function: { name: 'f', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'a', content: '1' },
      { role: 'tool', tool_call_id: 'b', content: '2' },
    ];
    const gemini3 = await translate({ model: 'gemini-3-flash-preview', messages });
    const parts3 = (gemini3.body.contents as Array<{ parts: Array<Record<string, unknown>> }>)[1]?.parts;
    assert.equal(parts3?.[0]?.thoughtSignature, SKIP_THOUGHT_SIGNATURE);
    assert.equal(parts3?.[1]?.thoughtSignature, undefined);
    const gemini25 = await translate({ messages });
    const parts25 = (gemini25.body.contents as Array<{ parts: Array<Record<string, unknown>> }>)[1]?.parts;
    assert.equal(parts25?.[0]?.thoughtSignature, undefined);
  });
});

describe('translateChatRequest: invalid requests', () => {
  const toolTurn = { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":' } }] };
  const cases: Array<[string, unknown, string | null, RegExp?]> = [
    ['a non-object body', [], null],
    ['a missing model', { messages: hi }, 'model'],
    ['an empty model', { model: ' ', messages: hi }, 'model'],
    ['missing messages', { model: 'm' }, 'messages', /non-empty array/],
    ['empty messages', { model: 'm', messages: [] }, 'messages'],
    ['a non-object message', { model: 'm', messages: ['hi'] }, 'messages[0]'],
    ['an unknown role', { model: 'm', messages: [user('a'), { role: 'robot', content: 'x' }] }, 'messages[1].role'],
    ['a system-only conversation', { model: 'm', messages: [{ role: 'system', content: 'x' }] }, 'messages', /user message/],
    ['bad tool-call JSON', { model: 'm', messages: [user('a'), toolTurn] }, 'messages[1].tool_calls[0].function.arguments'],
    [
      'an unknown tool_call_id',
      { model: 'm', messages: [user('a'), { role: 'tool', tool_call_id: 'nope', content: 'x' }] },
      'messages[1].tool_call_id',
    ],
    ['too many stop sequences', { model: 'm', messages: hi, stop: ['1', '2', '3', '4', '5', '6'] }, 'stop'],
    ['a non-numeric temperature', { model: 'm', messages: hi, temperature: 'hot' }, 'temperature'],
    ['an unknown reasoning_effort', { model: 'm', messages: hi, reasoning_effort: 'extreme' }, 'reasoning_effort'],
    ['an unknown response_format', { model: 'm', messages: hi, response_format: { type: 'xml' } }, 'response_format.type'],
    ['a non-boolean stream', { model: 'm', messages: hi, stream: 'yes' }, 'stream'],
    ['an unsupported content part', { model: 'm', messages: [user([{ type: 'video', video: {} }])] }, 'messages[0].content[0].type'],
    ['a file_id', { model: 'm', messages: [user([{ type: 'file', file: { file_id: 'f' } }])] }, 'messages[0].content[0].file.file_data'],
    [
      'an ftp image',
      { model: 'm', messages: [user([{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }])] },
      'messages[0].content[0].image_url.url',
    ],
    [
      'an image in a system message',
      { model: 'm', messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'x' } }] }, user('a')] },
      'messages[0].content[0]',
    ],
    ['a function message without a name', { model: 'm', messages: [user('a'), { role: 'function', content: 'x' }] }, 'messages[1].name'],
  ];
  for (const [label, body, param, pattern] of cases) {
    it(`rejects ${label}`, async () => {
      await assert.rejects(translateChatRequest(body, options()), (error: unknown) => {
        assert.ok(error instanceof TranslateError, `expected TranslateError, got ${String(error)}`);
        assert.equal(error.status, 400);
        assert.equal(error.param, param);
        if (pattern) assert.match(error.message, pattern);
        return true;
      });
    });
  }
});
