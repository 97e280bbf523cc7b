/**
 * Gemini-only options carried by an OpenAI request, accepted the way Gemini's
 * own OpenAI layer accepts them: `extra_body: {google: {thinking_config,
 * safety_settings, cached_content}}`.
 *
 * The openai SDKs merge `extra_body` into the top level of the JSON they send,
 * while hand-written requests often keep a literal `extra_body` key, so we
 * look in four places, later ones winning:
 *   body, body.google, body.extra_body, body.extra_body.google
 * and accept snake_case and camelCase keys in each. Only the fields below are
 * forwarded, renamed to Gemini's camelCase; nothing else from these objects is.
 */
import { asRecord, asString, isAbsent, type JsonObject } from './shape.js';
import { TranslateError } from './translateError.js';

export interface GoogleOptions {
  thinkingConfig?: JsonObject;
  safetySettings?: Array<{ category: string; threshold: string }>;
  cachedContent?: string;
}

interface Source {
  object: JsonObject;
  param: string;
}

export function readGoogleOptions(body: JsonObject): GoogleOptions {
  const extra = asRecord(body.extra_body);
  const sources: Source[] = [{ object: body, param: '' }];
  const google = asRecord(body.google);
  if (google) sources.push({ object: google, param: 'google.' });
  if (extra) sources.push({ object: extra, param: 'extra_body.' });
  const extraGoogle = asRecord(extra?.google);
  if (extraGoogle) sources.push({ object: extraGoogle, param: 'extra_body.google.' });

  const options: GoogleOptions = {};
  for (const { object, param } of sources) {
    const thinking = pick(object, 'thinking_config', 'thinkingConfig');
    if (thinking) options.thinkingConfig = thinkingConfig(thinking.value, param + thinking.key);
    const safety = pick(object, 'safety_settings', 'safetySettings');
    if (safety) options.safetySettings = safetySettings(safety.value, param + safety.key);
    const cached = pick(object, 'cached_content', 'cachedContent');
    if (cached) options.cachedContent = cachedContent(cached.value, param + cached.key);
  }
  return options;
}

function pick(object: JsonObject, snake: string, camel: string): { key: string; value: unknown } | undefined {
  if (!isAbsent(object[snake])) return { key: snake, value: object[snake] };
  if (!isAbsent(object[camel])) return { key: camel, value: object[camel] };
  return undefined;
}

/**
 * Known keys only. An unknown key is an error rather than silently dropped:
 * whoever writes a Gemini-native option expects it to take effect, and a
 * typo ("thinking_buget") would otherwise leave thinking at its default.
 */
function thinkingConfig(raw: unknown, param: string): JsonObject {
  const input = asRecord(raw);
  if (!input) throw new TranslateError(`${param} must be an object`, param);
  const config: JsonObject = {};
  for (const [key, value] of Object.entries(input)) {
    if (isAbsent(value)) continue;
    if (key === 'thinking_budget' || key === 'thinkingBudget') {
      if (!Number.isInteger(value)) throw new TranslateError(`${param}.${key} must be an integer`, `${param}.${key}`);
      config.thinkingBudget = value;
    } else if (key === 'include_thoughts' || key === 'includeThoughts') {
      if (typeof value !== 'boolean') throw new TranslateError(`${param}.${key} must be a boolean`, `${param}.${key}`);
      config.includeThoughts = value;
    } else if (key === 'thinking_level' || key === 'thinkingLevel') {
      const level = asString(value);
      if (!level) throw new TranslateError(`${param}.${key} must be a string`, `${param}.${key}`);
      // Gemini's enum is upper case; the OpenAI-side habit is lower case ("low").
      config.thinkingLevel = level.toUpperCase();
    } else {
      throw new TranslateError(
        `${param}.${key} is not supported (use thinking_budget, include_thoughts or thinking_level)`,
        `${param}.${key}`,
      );
    }
  }
  return config;
}

function safetySettings(raw: unknown, param: string): Array<{ category: string; threshold: string }> {
  if (!Array.isArray(raw)) throw new TranslateError(`${param} must be an array`, param);
  return raw.map((item, i) => {
    const setting = asRecord(item);
    const category = asString(setting?.category);
    const threshold = asString(setting?.threshold);
    if (!category || !threshold) {
      throw new TranslateError(`${param}[${i}] must be {category, threshold}`, `${param}[${i}]`);
    }
    return { category, threshold };
  });
}

/** Accepts the bare id as well as the resource name Gemini wants. */
function cachedContent(raw: unknown, param: string): string {
  const name = asString(raw);
  if (!name) throw new TranslateError(`${param} must be a non-empty string`, param);
  return name.startsWith('cachedContents/') ? name : `cachedContents/${name}`;
}
