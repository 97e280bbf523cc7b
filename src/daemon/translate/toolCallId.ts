/**
 * OpenAI tool_call ids <-> Gemini function calls.
 *
 * Gemini 2.x sends no call ids, so we invent stable ones; Gemini 3 sends ids
 * and also a `thoughtSignature` on function-call parts that must come back on
 * the next request or it answers 400. Clients only reliably echo the id, so
 * (like LiteLLM, PR #16895) the signature rides inside it:
 * `<callId>__thought__<signature>`. Nothing is cached server-side, so this
 * survives restarts and works across pool instances.
 */
import { createHash } from 'node:crypto';

const THOUGHT_SEPARATOR = '__thought__';

/**
 * Ids we invent carry this prefix so a later request can tell them apart from
 * ids Gemini issued: only Gemini's own ids are sent back as functionCall.id /
 * functionResponse.id.
 */
const SYNTHETIC_PREFIX = 'call_gp';
const SYNTHETIC_ID = /^call_gp[0-9a-f]{24}$/;

/**
 * Google's documented sentinel for a Gemini 3 function call whose real
 * signature is unknown (history from another model, or a client that rebuilt
 * the id). See ai.google.dev/gemini-api/docs/thought-signatures.
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

/**
 * A deterministic id for a call Gemini gave no id: the same response always
 * yields the same ids, in the unary and the streaming path alike.
 */
export function syntheticToolCallId(seed: string, candidateIndex: number, callIndex: number): string {
  const digest = createHash('sha256').update(`${seed}\u0000${candidateIndex}\u0000${callIndex}`).digest('hex');
  return SYNTHETIC_PREFIX + digest.slice(0, 24);
}

export function isSyntheticToolCallId(callId: string): boolean {
  return SYNTHETIC_ID.test(callId);
}

export function encodeToolCallId(callId: string, thoughtSignature: string | undefined): string {
  return thoughtSignature ? `${callId}${THOUGHT_SEPARATOR}${thoughtSignature}` : callId;
}

export function decodeToolCallId(openAIId: string): { callId: string; thoughtSignature?: string } {
  const at = openAIId.indexOf(THOUGHT_SEPARATOR);
  if (at < 0) return { callId: openAIId };
  const thoughtSignature = openAIId.slice(at + THOUGHT_SEPARATOR.length);
  const callId = openAIId.slice(0, at);
  return thoughtSignature ? { callId, thoughtSignature } : { callId };
}

/** The id to send to Gemini as functionCall.id / functionResponse.id, if any. */
export function geminiCallId(callId: string): string | undefined {
  return callId !== '' && !isSyntheticToolCallId(callId) ? callId : undefined;
}
