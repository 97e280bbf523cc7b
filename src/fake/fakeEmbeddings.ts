/**
 * countTokens and embeddings answers.
 *
 * Embeddings are a pure function of the text (same text, same vector), so
 * tests can compare vectors across keys and retries. Like gemini-embedding-001
 * (Matryoshka), the full vector is unit-length and a smaller
 * outputDimensionality is a plain prefix of it, hence not normalised: clients
 * are expected to renormalise themselves.
 */
import { promptTokenCount } from './fakeContent.js';
import { pick, pickList } from './requestSchema.js';

type Obj = Record<string, unknown>;

/** countTokens body: `{contents}` or `{generateContentRequest}` (already validated). */
export function countTokensResponse(body: Obj): Obj {
  const nested = pick(body, 'generateContentRequest');
  const total = promptTokenCount(nested ?? body);
  return { totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] };
}

/** Full dimensionality per model: gemini-embedding-001 has 3072, the older ones 768. */
export function fullDimensions(modelId: string): number {
  return modelId === 'embedding-001' || modelId === 'text-embedding-004' ? 768 : 3072;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: small, fast, good enough to spread values; seeded by the text's hash. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function embeddingValues(text: string, full: number, dims: number): number[] {
  const next = prng(fnv1a(text));
  const raw = Array.from({ length: full }, () => next() * 2 - 1);
  const norm = Math.sqrt(raw.reduce((s, v) => s + v * v, 0)) || 1;
  return raw.slice(0, Math.min(dims, full)).map((v) => Math.round((v / norm) * 1e9) / 1e9);
}

function embedOne(request: unknown, modelId: string): Obj {
  const text = pickList(pick(request, 'content'), 'parts')
    .map((p) => pick(p, 'text'))
    .filter((t): t is string => typeof t === 'string')
    .join('\n');
  const full = fullDimensions(modelId);
  const asked = Number(pick(request, 'outputDimensionality') ?? 0);
  return { values: embeddingValues(text, full, asked > 0 ? asked : full) };
}

export function embedContentResponse(body: Obj, modelId: string): Obj {
  return { embedding: embedOne(body, modelId) };
}

export function batchEmbedContentsResponse(body: Obj, modelId: string): Obj {
  return { embeddings: pickList(body, 'requests').map((r) => embedOne(r, modelId)) };
}
