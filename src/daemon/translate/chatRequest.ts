/**
 * OpenAI Chat Completions request -> one Gemini generateContent call.
 * Pure apart from image downloads, which go through the injected fetcher.
 * The body is built from an allow-list: `stream`, `user`, `metadata`,
 * `store`, `logit_bias`, `parallel_tool_calls`, `stream_options`, ... are
 * never forwarded, since Gemini answers 400 to any unknown field.
 */
import { translateGenerationConfig } from './chatGenerationConfig.js';
import { convertMessages } from './chatMessages.js';
import { translateTools } from './chatTools.js';
import { prefetchImages, type ImageFetcher } from './contentParts.js';
import { readGoogleOptions } from './googleOptions.js';
import { isGemini3Model } from './reasoningEffort.js';
import { asRecord, isAbsent } from './shape.js';
import { TranslateError } from './translateError.js';

export type { ImageFetcher } from './contentParts.js';

export interface ChatRequestOptions {
  /** Alias lookup, done by the caller; may return "models/<id>" or "<id>". */
  resolveModel(requested: string): string;
  fetchImage: ImageFetcher;
}

export interface GeminiChatCall {
  /** Gemini model id without the "models/" prefix. */
  model: string;
  /** The model name the client asked for; echoed in responses. */
  requestedModel: string;
  stream: boolean;
  includeUsage: boolean;
  /** A Gemini generateContent body. */
  body: Record<string, unknown>;
}

export async function translateChatRequest(input: unknown, options: ChatRequestOptions): Promise<GeminiChatCall> {
  const request = asRecord(input);
  if (!request) throw new TranslateError('the request body must be a JSON object');
  const requestedModel = request.model;
  if (typeof requestedModel !== 'string' || requestedModel.trim() === '') {
    throw new TranslateError('model must be a non-empty string', 'model');
  }
  const messages = request.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new TranslateError('messages must be a non-empty array', 'messages');
  }
  if (!isAbsent(request.stream) && typeof request.stream !== 'boolean') {
    throw new TranslateError('stream must be a boolean', 'stream');
  }
  const stream = request.stream === true;
  const includeUsage = stream && asRecord(request.stream_options)?.include_usage === true;
  const model = options.resolveModel(requestedModel).replace(/^models\//, '');

  const { systemInstruction, contents } = await convertMessages(messages, {
    fetchImage: prefetchImages(messages, options.fetchImage),
    requiresThoughtSignatures: isGemini3Model(model),
  });
  const body: Record<string, unknown> = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;
  Object.assign(body, translateTools(request));

  const generationConfig = translateGenerationConfig(request, model);
  const google = readGoogleOptions(request);
  // A native thinking_config is more specific than reasoning_effort, so it replaces it.
  if (google.thinkingConfig) generationConfig.thinkingConfig = google.thinkingConfig;
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  if (google.safetySettings) body.safetySettings = google.safetySettings;
  if (google.cachedContent) body.cachedContent = google.cachedContent;

  return { model, requestedModel, stream, includeUsage, body };
}
