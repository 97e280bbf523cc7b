/**
 * OpenAI sampling / output parameters -> Gemini `generationConfig`.
 * Only the fields below are read; every other OpenAI field is dropped on
 * purpose, because Gemini rejects unknown fields with a 400.
 */
import { thinkingConfigFor } from './reasoningEffort.js';
import { asRecord, isAbsent, type JsonObject } from './shape.js';
import { TranslateError } from './translateError.js';

/** Gemini allows at most 5 stop sequences. */
const MAX_STOP_SEQUENCES = 5;

export function translateGenerationConfig(body: JsonObject, model: string): JsonObject {
  const config: JsonObject = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) config[key] = value;
  };
  set('temperature', number(body, 'temperature'));
  set('topP', number(body, 'top_p'));
  // max_tokens is the deprecated spelling; the newer field wins when both are sent.
  set('maxOutputTokens', integer(body, 'max_completion_tokens') ?? integer(body, 'max_tokens'));
  set('stopSequences', stopSequences(body.stop));
  set('candidateCount', integer(body, 'n'));
  set('seed', integer(body, 'seed'));
  set('presencePenalty', number(body, 'presence_penalty'));
  set('frequencyPenalty', number(body, 'frequency_penalty'));
  if (boolean(body, 'logprobs') === true) {
    config.responseLogprobs = true;
    // Gemini's logprobs is only valid together with responseLogprobs.
    set('logprobs', integer(body, 'top_logprobs'));
  }
  Object.assign(config, responseFormat(body.response_format));
  if (!isAbsent(body.reasoning_effort)) config.thinkingConfig = thinkingConfigFor(body.reasoning_effort, model);
  return config;
}

function number(body: JsonObject, param: string): number | undefined {
  const value = body[param];
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TranslateError(`${param} must be a number`, param);
  return value;
}

function integer(body: JsonObject, param: string): number | undefined {
  const value = body[param];
  if (isAbsent(value)) return undefined;
  if (!Number.isInteger(value)) throw new TranslateError(`${param} must be an integer`, param);
  return value as number;
}

function boolean(body: JsonObject, param: string): boolean | undefined {
  const value = body[param];
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'boolean') throw new TranslateError(`${param} must be a boolean`, param);
  return value;
}

function stopSequences(stop: unknown): string[] | undefined {
  if (isAbsent(stop)) return undefined;
  const list = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(list) || !list.every((item): item is string => typeof item === 'string')) {
    throw new TranslateError('stop must be a string or an array of strings', 'stop');
  }
  if (list.length > MAX_STOP_SEQUENCES) {
    throw new TranslateError(`stop accepts at most ${MAX_STOP_SEQUENCES} sequences for Gemini`, 'stop');
  }
  return list.length > 0 ? list : undefined;
}

/**
 * json_schema goes out as `responseJsonSchema`, which takes JSON Schema as-is
 * (unlike `responseSchema`, an OpenAPI subset that rejects
 * additionalProperties/$schema). `text` is Gemini's default, so nothing is sent.
 */
function responseFormat(raw: unknown): JsonObject {
  if (isAbsent(raw)) return {};
  const format = asRecord(raw);
  switch (format?.type) {
    case 'text':
      return {};
    case 'json_object':
      return { responseMimeType: 'application/json' };
    case 'json_schema': {
      const jsonSchema = asRecord(format.json_schema);
      if (!jsonSchema) {
        throw new TranslateError('response_format.json_schema must be an object', 'response_format.json_schema');
      }
      if (isAbsent(jsonSchema.schema)) return { responseMimeType: 'application/json' };
      if (!asRecord(jsonSchema.schema)) {
        throw new TranslateError('response_format.json_schema.schema must be an object', 'response_format.json_schema.schema');
      }
      return { responseMimeType: 'application/json', responseJsonSchema: jsonSchema.schema };
    }
    default:
      throw new TranslateError('response_format.type must be "text", "json_object" or "json_schema"', 'response_format.type');
  }
}
