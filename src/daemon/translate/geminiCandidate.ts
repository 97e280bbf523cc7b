/**
 * Reads a Gemini GenerateContentResponse (unary, or one stream chunk) into a
 * small typed view shared by the unary and the streaming translators, so
 * both treat parts, thoughts, calls and ids identically.
 */
import { asArray, asNumber, asRecord, asString, type JsonObject } from './shape.js';
import { encodeToolCallId, syntheticToolCallId } from './toolCallId.js';
import type { OpenAIToolCall } from './types.js';

export interface GeminiCallView {
  id?: string;
  name: string;
  args: JsonObject;
  thoughtSignature?: string;
}

/** Parts in wire order; empty text and parts OpenAI has no place for are left out. */
export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'thought'; text: string }
  | { kind: 'call'; call: GeminiCallView };

export interface CandidateView {
  index: number;
  segments: Segment[];
  finishReason?: string;
}

export interface ResponseView {
  candidates: CandidateView[];
  responseId?: string;
  usageMetadata?: unknown;
  /** promptFeedback.blockReason: the prompt was refused and there are no candidates. */
  blockReason?: string;
  blockReasonMessage?: string;
}

export function readResponse(response: unknown): ResponseView {
  const root = asRecord(response) ?? {};
  const feedback = asRecord(root.promptFeedback);
  const view: ResponseView = {
    // gemini-2.0-flash leaves out candidate.index; fall back to the position.
    candidates: asArray(root.candidates).map((candidate, i) => readCandidate(asRecord(candidate) ?? {}, i)),
  };
  const responseId = asString(root.responseId);
  if (responseId) view.responseId = responseId;
  if (root.usageMetadata !== undefined) view.usageMetadata = root.usageMetadata;
  const blockReason = asString(feedback?.blockReason);
  if (blockReason) view.blockReason = blockReason;
  const blockReasonMessage = asString(feedback?.blockReasonMessage);
  if (blockReasonMessage) view.blockReasonMessage = blockReasonMessage;
  return view;
}

function readCandidate(candidate: JsonObject, position: number): CandidateView {
  const segments: Segment[] = [];
  for (const raw of asArray(asRecord(candidate.content)?.parts)) {
    const part = asRecord(raw);
    if (!part) continue;
    const call = asRecord(part.functionCall);
    const name = asString(call?.name);
    if (call && name) {
      const view: GeminiCallView = { name, args: asRecord(call.args) ?? {} };
      const id = asString(call.id);
      if (id) view.id = id;
      const signature = asString(part.thoughtSignature);
      if (signature) view.thoughtSignature = signature;
      segments.push({ kind: 'call', call: view });
      continue;
    }
    // Gemini 3 ends with {"text": ""} (often carrying only a signature): nothing to show.
    const text = asString(part.text);
    if (text) segments.push({ kind: part.thought === true ? 'thought' : 'text', text });
  }
  const view: CandidateView = { index: asNumber(candidate.index) ?? position, segments };
  const finishReason = asString(candidate.finishReason);
  if (finishReason) view.finishReason = finishReason;
  return view;
}

/**
 * One Gemini function call as an OpenAI tool call. `callIndex` counts calls
 * per candidate across the whole response (not per chunk), which keeps
 * synthetic ids stable and distinct between the unary and streaming paths.
 */
export function toOpenAIToolCall(call: GeminiCallView, seed: string, candidateIndex: number, callIndex: number): OpenAIToolCall {
  const callId = call.id ?? syntheticToolCallId(seed, candidateIndex, callIndex);
  return {
    id: encodeToolCallId(callId, call.thoughtSignature),
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args) },
  };
}

export function blockedRefusal(view: ResponseView): string {
  const detail = view.blockReasonMessage ? ` ${view.blockReasonMessage}` : '';
  return `The prompt was blocked by Gemini (blockReason: ${view.blockReason ?? 'unspecified'}).${detail}`;
}
