import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startHarness, type Harness } from '../helpers/harness.js';

/** The official `openai` SDK against the running daemon and the fake Gemini. */
const GOOD = ['AIzaTEST-good-0001', 'AIzaTEST-good-0002'];
// A 1x1 transparent PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

let h: Harness;
let client: OpenAI;
let imageServer: Server;
let imageUrl: string;

before(async () => {
  h = await startHarness({ keys: ['AIzaTEST-invalid-0001', 'AIzaTEST-quota-minute-0001', 'AIzaTEST-overloaded-0001', ...GOOD], configure: (config) => (config.openai.aliases = { 'gpt-4o-mini': 'gemini-2.5-flash' }) });
  client = new OpenAI({ apiKey: 'client-placeholder', baseURL: `${h.url}/v1`, maxRetries: 0 });
  imageServer = createServer((req, res) => {
    if (req.url === '/cat.png') res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => imageServer.listen(0, '127.0.0.1', resolve));
  imageUrl = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}/cat.png`;
});
after(async () => {
  await h.close();
  imageServer.close();
});

const lastGeminiBody = () => h.fake.requests.at(-1)?.body as Record<string, any>;

describe('chat completions', () => {
  test('plain chat, through a pool with failing keys', async () => {
    for (let i = 0; i < 4; i += 1) {
      const completion = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: `hello ${i}` }] });
      assert.equal(completion.object, 'chat.completion');
      assert.match(completion.id, /^chatcmpl-/);
      assert.equal(completion.model, 'gemini-2.5-flash');
      assert.equal(completion.choices[0].message.role, 'assistant');
      assert.equal(completion.choices[0].message.content, `(system: Be brief.) Echo: hello ${i}`);
      assert.equal(completion.choices[0].finish_reason, 'stop');
      assert.ok((completion.usage?.total_tokens ?? 0) > 0);
    }
    assert.equal(h.daemon.pool.totals().invalid, 1);
  });

  test('streaming delivers role first, deltas, one finish_reason and a usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'stream this [[chunks:4]]' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    assert.match(text, /^Echo: stream this/);
    assert.ok(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length >= 4, 'one delta per upstream event');
    assert.deepEqual(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean), ['stop']);
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.ok((last.usage?.completion_tokens ?? 0) > 0);
    assert.equal(new Set(chunks.map((chunk) => chunk.id)).size, 1);
  });

  test('tools: a tool call and the round trip with its result', async () => {
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } } },
    ];
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages, tools, tool_choice: 'auto' });
    const choice = first.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    const call = choice.message.tool_calls?.[0];
    assert.ok(call && call.type === 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'test' });
    messages.push(choice.message, { role: 'tool', tool_call_id: call.id, content: '{"temp": 21}' });
    const second = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages, tools });
    assert.equal(second.choices[0].message.content, 'Tool result: {"temp":21}');
    const sent = lastGeminiBody();
    assert.equal(sent.contents[2].parts[0].functionResponse.name, 'get_weather');
  });

  test('streamed tool calls carry an index', async () => {
    const stream = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'two tools [[parallel]]' }],
      tools: [
        { type: 'function', function: { name: 'a', parameters: { type: 'object', properties: {} } } },
        { type: 'function', function: { name: 'b', parameters: { type: 'object', properties: {} } } },
      ],
      stream: true,
    });
    const calls = [];
    let finish;
    for await (const chunk of stream) {
      calls.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.deepEqual(calls.map((call) => [call.index, call.function?.name]), [[0, 'a'], [1, 'b']]);
    assert.equal(finish, 'tool_calls');
  });

  test('images: a data URI and an http URL are inlined', async () => {
    const completion = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } },
            { type: 'image_url', image_url: { url: imageUrl } },
          ],
        },
      ],
    });
    assert.match(completion.choices[0].message.content ?? '', new RegExp(`\\[image/png ${PNG.length} bytes\\]`));
    const parts = lastGeminiBody().contents[0].parts;
    assert.equal(parts.filter((part: Record<string, unknown>) => part.inlineData).length, 2);
  });

  test('an image URL that cannot be fetched is a clear 400', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `${imageUrl}.missing` } }] }] }),
      (error: InstanceType<typeof OpenAI.BadRequestError>) => error.status === 400 && /image_url/.test(error.message),
    );
  });

  test('json_schema structured output', async () => {
    const completion = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'A person, please' }],
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] } } },
    });
    const parsed = JSON.parse(completion.choices[0].message.content ?? '');
    assert.equal(typeof parsed.name, 'string');
    assert.equal(typeof parsed.age, 'number');
    assert.equal(lastGeminiBody().generationConfig.responseMimeType, 'application/json');
  });

  test('a model alias is resolved, and the client sees the name it asked for', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(completion.model, 'gpt-4o-mini');
    assert.equal(h.fake.requests.at(-1)?.model, 'gemini-2.5-flash');
  });

  test('an invalid request is a 400 in OpenAI\'s error shape', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [] }), (error: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(error.status, 400);
      assert.equal(error.type, 'invalid_request_error');
      return true;
    });
  });

  test('an unknown model is a 404 model_not_found', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'gemini-missing-model', messages: [{ role: 'user', content: 'x' }] }), (error: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(error.status, 404);
      assert.equal(error.code, 'model_not_found');
      return true;
    });
  });
});

describe('embeddings and models', () => {
  test('embeddings (the SDK asks for base64 by default)', async () => {
    const result = await client.embeddings.create({ model: 'gemini-embedding-001', input: ['one', 'two', 'three'], dimensions: 16 });
    assert.equal(result.data.length, 3);
    assert.deepEqual(result.data.map((item) => item.index), [0, 1, 2]);
    assert.equal(result.data[0].embedding.length, 16);
    assert.ok(result.usage.prompt_tokens > 0);
    const floats = await client.embeddings.create({ model: 'gemini-embedding-001', input: 'one', dimensions: 16, encoding_format: 'float' });
    assert.deepEqual(floats.data[0].embedding.map((value) => value.toFixed(5)), result.data[0].embedding.map((value) => value.toFixed(5)));
  });

  test('models list and retrieve', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.ok(ids.includes('gemini-2.5-flash'));
    assert.ok(!ids.some((id) => id.startsWith('models/')));
    const model = await client.models.retrieve('gemini-2.5-pro');
    assert.equal(model.id, 'gemini-2.5-pro');
    await assert.rejects(client.models.retrieve('no-such-model'), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 404);
  });
});

describe('failure surfaces', () => {
  test('every key exhausted: a 429 RateLimitError with Retry-After', async () => {
    const exhausted = await startHarness({ keys: ['AIzaTEST-quota-minute-0005'] });
    try {
      const exhaustedClient = new OpenAI({ apiKey: 'x', baseURL: `${exhausted.url}/v1`, maxRetries: 0 });
      await assert.rejects(exhaustedClient.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }), (error: InstanceType<typeof OpenAI.APIError>) => {
        assert.equal(error.status, 429);
        return true;
      });
      await assert.rejects(exhaustedClient.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }), (error: InstanceType<typeof OpenAI.APIError>) => {
        assert.equal(error.status, 429);
        assert.ok(Number(error.headers?.get('retry-after')) > 0);
        return true;
      });
    } finally {
      await exhausted.close();
    }
  });

  test('an upstream error after the stream started reaches the SDK as an error', async () => {
    const broken = await startHarness({ keys: ['AIzaTEST-midstream-0001'] });
    try {
      const brokenClient = new OpenAI({ apiKey: 'x', baseURL: `${broken.url}/v1`, maxRetries: 0 });
      const stream = await brokenClient.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true });
      await assert.rejects(async () => {
        for await (const _chunk of stream) {
          // drain
        }
      }, /./);
    } finally {
      await broken.close();
    }
  });
});
