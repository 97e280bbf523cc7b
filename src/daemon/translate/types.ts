/**
 * The small slices of the Gemini and OpenAI wire shapes this module reads and
 * writes. They describe what we build, not everything either API accepts;
 * inputs still arrive as `unknown` and are narrowed with `shape.ts`.
 */
import type { JsonObject } from './shape.js';

// ---- Gemini (v1beta, camelCase as the REST API documents it) ----

export interface GeminiInlineData {
  mimeType: string;
  /** base64 */
  data: string;
}

export interface GeminiFunctionCall {
  /** Only Gemini 3 sends ids; we echo them back when the call came from Gemini. */
  id?: string;
  name: string;
  args: JsonObject;
}

export interface GeminiFunctionResponse {
  id?: string;
  name: string;
  /** Must be a JSON object (protobuf Struct); a bare string is a 400 upstream. */
  response: JsonObject;
}

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: GeminiInlineData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
}

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** The client's JSON Schema, unchanged: this field accepts real JSON Schema. */
  parametersJsonSchema?: unknown;
}

export interface GeminiFunctionCallingConfig {
  mode: 'AUTO' | 'ANY' | 'NONE';
  allowedFunctionNames?: string[];
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  cachedContentTokenCount?: number;
  totalTokenCount?: number;
}

// ---- OpenAI (Chat Completions) ----

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}
