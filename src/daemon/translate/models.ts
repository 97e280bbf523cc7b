/**
 * Gemini models.list / models.get -> OpenAI /v1/models. Every model is kept
 * (chat and embedding alike): clients pick by id, and filtering here would
 * hide models the proxy can still serve.
 */
import { asRecord, asString } from './shape.js';
import { TranslateError } from './translateError.js';

export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/**
 * Gemini publishes no creation time. A constant keeps the list stable between
 * calls (a timestamp of "now" would make every model look brand new); 0 says
 * plainly "unknown" rather than inventing a date.
 */
export const MODEL_CREATED = 0;

export function toOpenAIModel(geminiModel: unknown): OpenAIModel {
  const name = asString(asRecord(geminiModel)?.name);
  if (!name) throw new TranslateError('Gemini returned a model without a name', null, 502, 'upstream_invalid_response');
  return { id: name.replace(/^models\//, ''), object: 'model', created: MODEL_CREATED, owned_by: 'google' };
}

/** Pages are concatenated by the caller; nameless entries are skipped and ids de-duplicated. */
export function toOpenAIModelList(geminiModels: unknown[]): { object: 'list'; data: OpenAIModel[] } {
  const seen = new Set<string>();
  const data: OpenAIModel[] = [];
  for (const geminiModel of geminiModels) {
    if (!asString(asRecord(geminiModel)?.name)) continue;
    const model = toOpenAIModel(geminiModel);
    if (seen.has(model.id)) continue;
    seen.add(model.id);
    data.push(model);
  }
  return { object: 'list', data };
}
