/**
 * OpenAI /v1/embeddings <-> Gemini :batchEmbedContents.
 *
 * - Inputs go out in batches of at most 100 requests (the limit clients
 *   hard-code; not documented by Google), results keep request order.
 * - Token-array inputs have no Gemini equivalent and are rejected.
 * - encoding_format "base64" (openai-node's default) is little-endian float32,
 *   base64-encoded: what openai-node's toFloat32Array decodes.
 * - Gemini reports no token counts for embeddings, so usage is an estimate:
 *   ceil(total characters / 4), the usual rule of thumb for English text.
 */
import { asArray, asRecord, isAbsent } from './shape.js';
import { TranslateError } from './translateError.js';

export const EMBED_BATCH_SIZE = 100;

export interface GeminiEmbedCall {
  /** Gemini model id without "models/". */
  model: string;
  requestedModel: string;
  /** batchEmbedContents bodies, at most EMBED_BATCH_SIZE requests each. */
  batches: Array<Record<string, unknown>>;
  encodingFormat: 'float' | 'base64';
  inputCount: number;
  approxPromptTokens: number;
}

export function translateEmbeddingsRequest(input: unknown, resolveModel: (m: string) => string): GeminiEmbedCall {
  const request = asRecord(input);
  if (!request) throw new TranslateError('the request body must be a JSON object');
  const requestedModel = request.model;
  if (typeof requestedModel !== 'string' || requestedModel.trim() === '') {
    throw new TranslateError('model must be a non-empty string', 'model');
  }
  const texts = readInput(request.input);
  const dimensions = readDimensions(request.dimensions);
  const encodingFormat = readEncodingFormat(request.encoding_format);
  const model = resolveModel(requestedModel).replace(/^models\//, '');

  const requests = texts.map((text) => {
    const single: Record<string, unknown> = { model: `models/${model}`, content: { parts: [{ text }] } };
    if (dimensions !== undefined) single.outputDimensionality = dimensions;
    return single;
  });
  const batches: Array<Record<string, unknown>> = [];
  for (let start = 0; start < requests.length; start += EMBED_BATCH_SIZE) {
    batches.push({ requests: requests.slice(start, start + EMBED_BATCH_SIZE) });
  }
  const characters = texts.reduce((sum, text) => sum + text.length, 0);
  return {
    model,
    requestedModel,
    batches,
    encodingFormat,
    inputCount: texts.length,
    approxPromptTokens: Math.ceil(characters / 4),
  };
}

function readInput(input: unknown): string[] {
  const tokenError = (): TranslateError =>
    new TranslateError('input as token arrays is not supported for Gemini; send strings', 'input');
  if (typeof input === 'string') {
    if (input === '') throw new TranslateError('input must not be empty', 'input');
    return [input];
  }
  if (typeof input === 'number') throw tokenError();
  if (!Array.isArray(input)) throw new TranslateError('input must be a string or an array of strings', 'input');
  if (input.length === 0) throw new TranslateError('input must not be an empty array', 'input');
  return input.map((item, i) => {
    if (typeof item === 'number' || Array.isArray(item)) throw tokenError();
    if (typeof item !== 'string') throw new TranslateError(`input[${i}] must be a string`, `input[${i}]`);
    if (item === '') throw new TranslateError(`input[${i}] must not be empty`, `input[${i}]`);
    return item;
  });
}

function readDimensions(value: unknown): number | undefined {
  if (isAbsent(value)) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new TranslateError('dimensions must be a positive integer', 'dimensions');
  }
  return value as number;
}

function readEncodingFormat(value: unknown): 'float' | 'base64' {
  if (isAbsent(value)) return 'float';
  if (value === 'float' || value === 'base64') return value;
  throw new TranslateError('encoding_format must be "float" or "base64"', 'encoding_format');
}

/**
 * Gemini's batch answers -> the OpenAI list. A response that does not hold
 * one vector per input is an upstream fault, reported as a 502.
 */
export function toEmbeddingsResponse(batchResponses: unknown[], call: GeminiEmbedCall): Record<string, unknown> {
  const vectors = batchResponses.flatMap((response) =>
    asArray(asRecord(response)?.embeddings).map((embedding) => readVector(asRecord(embedding)?.values)),
  );
  if (vectors.length !== call.inputCount) {
    throw new TranslateError(
      `Gemini returned ${vectors.length} embeddings for ${call.inputCount} inputs`,
      null,
      502,
      'upstream_invalid_response',
    );
  }
  return {
    object: 'list',
    data: vectors.map((values, index) => ({
      object: 'embedding',
      index,
      embedding: call.encodingFormat === 'base64' ? float32Base64(values) : values,
    })),
    model: call.requestedModel,
    usage: { prompt_tokens: call.approxPromptTokens, total_tokens: call.approxPromptTokens },
  };
}

function readVector(values: unknown): number[] {
  if (!Array.isArray(values) || !values.every((value): value is number => typeof value === 'number')) {
    throw new TranslateError('Gemini returned an embedding without numeric values', null, 502, 'upstream_invalid_response');
  }
  return values;
}

/** Little-endian regardless of the host, which is what the client decodes. */
export function float32Base64(values: number[]): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}
