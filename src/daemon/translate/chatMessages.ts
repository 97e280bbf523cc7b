/**
 * OpenAI `messages` -> Gemini `systemInstruction` + `contents`.
 *
 * - system and developer messages, wherever they sit, become systemInstruction
 *   parts in order (Gemini has no system turns).
 * - user/assistant become user/model turns; consecutive same-role turns are
 *   merged because older models demand strict alternation.
 * - tool results carry no function name in OpenAI, so the name is looked up
 *   by tool_call_id over the whole history; all results that follow one call
 *   turn go into ONE user Content, in the order of the calls (Gemini wants as
 *   many functionResponse parts as there were functionCall parts).
 */
import { contentAsText, textContentToParts, userContentToParts, type ImageFetcher } from './contentParts.js';
import { asArray, asRecord, asString, isAbsent, isRecord, type JsonObject } from './shape.js';
import { decodeToolCallId, geminiCallId, SKIP_THOUGHT_SIGNATURE } from './toolCallId.js';
import { TranslateError } from './translateError.js';
import type { GeminiContent, GeminiPart } from './types.js';

export interface MessageOptions {
  fetchImage: ImageFetcher;
  /** Gemini 3 rejects a function-call turn without a thought signature. */
  requiresThoughtSignatures: boolean;
}

export interface ConvertedMessages {
  systemInstruction?: { parts: GeminiPart[] };
  contents: GeminiContent[];
}

interface KnownCall {
  name: string;
  /** The call id with any encoded signature removed. */
  callId: string;
  /** Position among all calls of the conversation; orders tool results. */
  ordinal: number;
}

/** A tool/function result waiting to be grouped with its neighbours. */
interface PendingResult {
  part: GeminiPart;
  ordinal?: number;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

export async function convertMessages(messages: unknown[], options: MessageOptions): Promise<ConvertedMessages> {
  const calls = indexToolCalls(messages);
  const systemParts: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  let pending: PendingResult[] = [];

  const append = (role: GeminiContent['role'], parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts: [...parts] });
  };
  const flushResults = (): void => {
    if (pending.length === 0) return;
    append('user', orderResults(pending));
    pending = [];
  };

  for (let i = 0; i < messages.length; i++) {
    const param = `messages[${i}]`;
    const message = asRecord(messages[i]);
    if (!message) throw new TranslateError(`${param} must be an object`, param);
    const role = asString(message.role);
    if (!role || !ROLES.has(role)) {
      throw new TranslateError(
        `${param}.role must be one of system, developer, user, assistant, tool, function`,
        `${param}.role`,
      );
    }
    if (role === 'tool' || role === 'function') {
      pending.push(role === 'tool' ? toolResult(message, param, calls) : functionResult(message, param));
      continue;
    }
    if (role === 'system' || role === 'developer') {
      // A system message between tool results does not end the result group.
      systemParts.push(...textContentToParts(message.content, `${param}.content`, false));
      continue;
    }
    flushResults();
    if (role === 'user') append('user', await userContentToParts(message.content, `${param}.content`, options.fetchImage));
    else append('model', assistantParts(message, param, options.requiresThoughtSignatures));
  }
  flushResults();

  if (contents.length === 0) {
    throw new TranslateError(
      'messages needs at least one user message with content; Gemini cannot answer a system-only conversation',
      'messages',
    );
  }
  return systemParts.length > 0 ? { systemInstruction: { parts: systemParts }, contents } : { contents };
}

/** Every assistant tool_call in the conversation, by the exact id the client echoes. */
function indexToolCalls(messages: unknown[]): Map<string, KnownCall> {
  const calls = new Map<string, KnownCall>();
  let ordinal = 0;
  for (const raw of messages) {
    const message = asRecord(raw);
    if (message?.role !== 'assistant') continue;
    for (const rawCall of asArray(message.tool_calls)) {
      const call = asRecord(rawCall);
      const id = asString(call?.id);
      const name = asString(asRecord(call?.function)?.name);
      if (id && name && !calls.has(id)) calls.set(id, { name, callId: decodeToolCallId(id).callId, ordinal: ordinal++ });
    }
  }
  return calls;
}

function findCall(calls: Map<string, KnownCall>, toolCallId: string): KnownCall | undefined {
  const exact = calls.get(toolCallId);
  if (exact) return exact;
  // A client may echo the id with or without the encoded signature; match on the bare call id too.
  const { callId } = decodeToolCallId(toolCallId);
  for (const call of calls.values()) if (call.callId === callId) return call;
  return undefined;
}

function assistantParts(message: JsonObject, param: string, requiresSignatures: boolean): GeminiPart[] {
  const parts = textContentToParts(message.content, `${param}.content`, true);
  const callParts: GeminiPart[] = [];
  const toolCalls = message.tool_calls;
  if (!isAbsent(toolCalls)) {
    if (!Array.isArray(toolCalls)) throw new TranslateError(`${param}.tool_calls must be an array`, `${param}.tool_calls`);
    toolCalls.forEach((raw, j) => callParts.push(toolCallPart(raw, `${param}.tool_calls[${j}]`)));
  }
  const legacyCall = asRecord(message.function_call);
  if (legacyCall) callParts.push(functionCallPart(legacyCall, `${param}.function_call`, undefined));
  // Gemini 3 validates the first call of each step; history from another model
  // (or a client that rebuilt ids) has no signature, so use Google's sentinel.
  const first = callParts[0];
  if (requiresSignatures && first && !callParts.some((part) => part.thoughtSignature)) {
    first.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
  }
  return [...parts, ...callParts];
}

function toolCallPart(raw: unknown, param: string): GeminiPart {
  const call = asRecord(raw);
  if (!call) throw new TranslateError(`${param} must be an object`, param);
  if (!isAbsent(call.type) && call.type !== 'function') {
    throw new TranslateError(`${param}.type must be "function"`, `${param}.type`);
  }
  const id = asString(call.id);
  if (!id) throw new TranslateError(`${param}.id must be a non-empty string`, `${param}.id`);
  const fn = asRecord(call.function);
  if (!fn) throw new TranslateError(`${param}.function must be an object`, `${param}.function`);
  return functionCallPart(fn, `${param}.function`, id);
}

function functionCallPart(fn: JsonObject, param: string, openAIId: string | undefined): GeminiPart {
  const name = asString(fn.name);
  if (!name) throw new TranslateError(`${param}.name must be a non-empty string`, `${param}.name`);
  const args = parseArguments(fn.arguments, `${param}.arguments`);
  if (openAIId === undefined) return { functionCall: { name, args } };
  const { callId, thoughtSignature } = decodeToolCallId(openAIId);
  const id = geminiCallId(callId);
  const part: GeminiPart = { functionCall: id ? { id, name, args } : { name, args } };
  if (thoughtSignature) part.thoughtSignature = thoughtSignature;
  return part;
}

/** Gemini wants args as an object (a protobuf Struct); OpenAI sends a JSON string. */
function parseArguments(raw: unknown, param: string): JsonObject {
  if (isAbsent(raw) || raw === '') return {};
  if (typeof raw !== 'string') throw new TranslateError(`${param} must be a JSON string`, param);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new TranslateError(`${param} is not valid JSON`, param);
  }
  if (!isRecord(parsed)) throw new TranslateError(`${param} must encode a JSON object`, param);
  return parsed;
}

function toolResult(message: JsonObject, param: string, calls: Map<string, KnownCall>): PendingResult {
  const toolCallId = asString(message.tool_call_id);
  if (!toolCallId) throw new TranslateError(`${param}.tool_call_id must be a non-empty string`, `${param}.tool_call_id`);
  const call = findCall(calls, toolCallId);
  if (!call) {
    throw new TranslateError(
      `${param}.tool_call_id does not match any tool_calls id of an assistant message`,
      `${param}.tool_call_id`,
    );
  }
  const response = resultObject(contentAsText(message.content, `${param}.content`));
  const id = geminiCallId(call.callId);
  return {
    part: { functionResponse: id ? { id, name: call.name, response } : { name: call.name, response } },
    ordinal: call.ordinal,
  };
}

function functionResult(message: JsonObject, param: string): PendingResult {
  const name = asString(message.name);
  if (!name) throw new TranslateError(`${param}.name must be a non-empty string`, `${param}.name`);
  const response = resultObject(contentAsText(message.content, `${param}.content`));
  return { part: { functionResponse: { name, response } } };
}

/** functionResponse.response must be an object: use a JSON object as-is, wrap anything else. */
function resultObject(text: string): JsonObject {
  if (text.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) return parsed;
    } catch {
      // Not JSON after all: wrap the text below.
    }
  }
  return { output: text };
}

/** Call order when every result is matched to a call; arrival order otherwise (legacy function role). */
function orderResults(results: PendingResult[]): GeminiPart[] {
  const ordered = results.every((result) => result.ordinal !== undefined)
    ? [...results].sort((a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0))
    : results;
  return ordered.map((result) => result.part);
}
