import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  float32Base64,
  toEmbeddingsResponse,
  translateEmbeddingsRequest,
} from '../../src/daemon/translate/embeddings.js';
import { TranslateError } from '../../src/daemon/translate/translateError.js';

const WIRE = new URL('../../../shared/gemini-wire/', import.meta.url);
const sample = (name: string): unknown => JSON.parse(readFileSync(new URL(name, WIRE), 'utf8'));
const resolve = (model: string): string => (model === 'text-embedding-3-small' ? 'models/gemini-embedding-001' : model);

describe('translateEmbeddingsRequest', () => {
  it('builds the batchEmbedContents body of the wire sample', () => {
    const call = translateEmbeddingsRequest(
      { model: 'text-embedding-3-small', input: ['first text', 'second text'], dimensions: 768, user: 'u' },
      resolve,
    );
    assert.deepEqual(call, {
      model: 'gemini-embedding-001',
      requestedModel: 'text-embedding-3-small',
      batches: [sample('batchEmbedContents-request.json')],
      encodingFormat: 'float',
      inputCount: 2,
      approxPromptTokens: Math.ceil(21 / 4),
    });
  });

  it('accepts one string and splits large inputs into batches of 100', () => {
    const one = translateEmbeddingsRequest({ model: 'gemini-embedding-001', input: 'hello', encoding_format: 'base64' }, resolve);
    assert.deepEqual(one.batches, [{ requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'hello' }] } }] }]);
    assert.equal(one.encodingFormat, 'base64');
    const many = translateEmbeddingsRequest({ model: 'gemini-embedding-001', input: Array.from({ length: 250 }, (_, i) => `t${i}`) }, resolve);
    assert.deepEqual(
      many.batches.map((batch) => (batch.requests as unknown[]).length),
      [100, 100, 50],
    );
    const third = many.batches[2]?.requests as Array<{ content: { parts: Array<{ text: string }> } }>;
    assert.equal(third[0]?.content.parts[0]?.text, 't200');
  });

  const invalid: Array<[string, unknown, string | null]> = [
    ['a token array', { model: 'm', input: [1, 2, 3] }, 'input'],
    ['token arrays', { model: 'm', input: [[1, 2], [3]] }, 'input'],
    ['an empty array', { model: 'm', input: [] }, 'input'],
    ['an empty string', { model: 'm', input: '' }, 'input'],
    ['an empty item', { model: 'm', input: ['a', ''] }, 'input[1]'],
    ['a non-string item', { model: 'm', input: ['a', { text: 'b' }] }, 'input[1]'],
    ['missing input', { model: 'm' }, 'input'],
    ['a missing model', { input: 'a' }, 'model'],
    ['bad dimensions', { model: 'm', input: 'a', dimensions: 0 }, 'dimensions'],
    ['a bad encoding_format', { model: 'm', input: 'a', encoding_format: 'int8' }, 'encoding_format'],
    ['a non-object body', 'a', null],
  ];
  for (const [label, body, param] of invalid) {
    it(`rejects ${label}`, () => {
      assert.throws(
        () => translateEmbeddingsRequest(body, resolve),
        (error: unknown) => error instanceof TranslateError && error.status === 400 && error.param === param,
      );
    });
  }
});

describe('toEmbeddingsResponse', () => {
  const call = translateEmbeddingsRequest({ model: 'text-embedding-3-small', input: ['first text', 'second text'] }, resolve);
  const response = sample('batchEmbedContents-response.SYNTHETIC.json');

  it('returns float vectors in input order with the requested model and estimated usage', () => {
    assert.deepEqual(toEmbeddingsResponse([response], call), {
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.0112, -0.0405, 0.0231] },
        { object: 'embedding', index: 1, embedding: [-0.0087, 0.0324, 0.0519] },
      ],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 6, total_tokens: 6 },
    });
  });

  it('returns base64 little-endian float32 that decodes like openai-node does', () => {
    const result = toEmbeddingsResponse([response], { ...call, encodingFormat: 'base64' });
    const data = result.data as Array<{ embedding: string }>;
    const bytes = Buffer.from(data[1]?.embedding ?? '', 'base64');
    const floats = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    assert.deepEqual(floats, Array.from(new Float32Array([-0.0087, 0.0324, 0.0519])));
    assert.equal(float32Base64([1]), Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'));
  });

  it('concatenates several batch responses', () => {
    const split = { ...call, inputCount: 3 };
    const result = toEmbeddingsResponse([response, { embeddings: [{ values: [1] }] }], split);
    assert.deepEqual((result.data as Array<{ index: number }>).map((item) => item.index), [0, 1, 2]);
  });

  it('treats a missing or malformed vector as an upstream fault (502)', () => {
    for (const broken of [[{ embeddings: [{ values: [1] }] }], [{ embeddings: [{ values: [1] }, { values: ['x'] }] }], [{}]]) {
      assert.throws(
        () => toEmbeddingsResponse(broken, call),
        (error: unknown) => error instanceof TranslateError && error.status === 502,
      );
    }
  });
});
