/**
 * Gemini generateContent response -> OpenAI chat.completion.
 *
 * Decisions worth knowing:
 * - `finish_reason` is "tool_calls" whenever the choice has tool calls:
 *   Gemini says STOP for function calls, and agent loops branch on this.
 * - A blocked prompt (promptFeedback.blockReason, no candidates) becomes one
 *   choice with content null, finish_reason "content_filter", and a
 *   `refusal` text naming the block reason, so a human-facing client can say
 *   why instead of showing an empty answer.
 * - Thought text goes to the non-standard `message.reasoning_content`, only
 *   when there is some; strict clients ignore it.
 * - `logprobs` is always null (Gemini's logprobsResult is not translated).
 */
import { randomBytes } from 'node:crypto';
import { blockedRefusal, readResponse, toOpenAIToolCall, type CandidateView } from './geminiCandidate.js';
import { asNumber, asRecord } from './shape.js';
import type { OpenAIFinishReason, OpenAIToolCall, OpenAIUsage } from './types.js';

export interface ChatContext {
  /** "chatcmpl-..." */
  id: string;
  created: number;
  /** The model name the client asked for (not Gemini's modelVersion). */
  model: string;
}

/** `chatcmpl-<responseId>`: stable across stream chunks and traceable to Gemini's logs. */
export function chatIdFor(responseId: string | undefined): string {
  return `chatcmpl-${responseId || randomBytes(18).toString('base64url')}`;
}

const CONTENT_FILTER_REASONS = new Set([
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'OTHER',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  'IMAGE_OTHER',
  'NO_IMAGE',
]);

/** LiteLLM's table; unknown and tool-ish failures (MALFORMED_FUNCTION_CALL...) read as "stop". */
export function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): OpenAIFinishReason {
  if (hasToolCalls) return 'tool_calls';
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && CONTENT_FILTER_REASONS.has(reason)) return 'content_filter';
  return 'stop';
}

/**
 * OpenAI counts reasoning inside completion_tokens while Gemini's
 * candidatesTokenCount excludes thoughts, so thoughts are added back; tool-use
 * prompt tokens join the prompt so that prompt + completion = total.
 */
export function toUsage(usageMetadata: unknown): OpenAIUsage | undefined {
  const usage = asRecord(usageMetadata);
  if (!usage) return undefined;
  const count = (key: string): number => asNumber(usage[key]) ?? 0;
  const promptTokens = count('promptTokenCount') + count('toolUsePromptTokenCount');
  const thoughts = count('thoughtsTokenCount');
  const completionTokens = count('candidatesTokenCount') + thoughts;
  const result: OpenAIUsage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: asNumber(usage.totalTokenCount) ?? promptTokens + completionTokens,
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
  const cached = asNumber(usage.cachedContentTokenCount);
  if (cached !== undefined) result.prompt_tokens_details = { cached_tokens: cached };
  return result;
}

/** Usage when Gemini sent none: zeros rather than a missing field clients dereference. */
export function emptyUsage(): OpenAIUsage {
  return { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, completion_tokens_details: { reasoning_tokens: 0 } };
}

export function toChatCompletion(gemini: unknown, ctx: ChatContext): Record<string, unknown> {
  const view = readResponse(gemini);
  let choices: Array<Record<string, unknown>>;
  if (view.candidates.length > 0) {
    choices = view.candidates.map((candidate) => toChoice(candidate, ctx.id));
  } else if (view.blockReason) {
    choices = [emptyChoice('content_filter', blockedRefusal(view))];
  } else {
    // No candidates and no block reason: still one choice, since clients read choices[0].
    choices = [emptyChoice('stop', null)];
  }
  return {
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices,
    usage: toUsage(view.usageMetadata) ?? emptyUsage(),
    system_fingerprint: null,
  };
}

function toChoice(candidate: CandidateView, seed: string): Record<string, unknown> {
  let content = '';
  let reasoning = '';
  const toolCalls: OpenAIToolCall[] = [];
  for (const segment of candidate.segments) {
    if (segment.kind === 'text') content += segment.text;
    else if (segment.kind === 'thought') reasoning += segment.text;
    else toolCalls.push(toOpenAIToolCall(segment.call, seed, candidate.index, toolCalls.length));
  }
  const message: Record<string, unknown> = { role: 'assistant', content: content || null, refusal: null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning) message.reasoning_content = reasoning;
  return {
    index: candidate.index,
    message,
    logprobs: null,
    finish_reason: mapFinishReason(candidate.finishReason, toolCalls.length > 0),
  };
}

function emptyChoice(finishReason: OpenAIFinishReason, refusal: string | null): Record<string, unknown> {
  return {
    index: 0,
    message: { role: 'assistant', content: null, refusal },
    logprobs: null,
    finish_reason: finishReason,
  };
}
