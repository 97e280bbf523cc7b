/**
 * Shapes a ReplyPlan into GenerateContentResponse objects: one unary body, or
 * the list of stream events. Key order is the wire order (candidates,
 * usageMetadata, modelVersion, responseId; inside a candidate content,
 * finishReason, index) because the SSE style is compared byte for byte.
 *
 * Stream semantics copied from the recordings (gemini-api.md section 4.1):
 * each event carries only its new text, usage is cumulative and on every
 * event, finishReason only on the last one (every one in legacy mode), a
 * function call comes whole in one event.
 */
import { tokensFor, type ReplyPlan } from './fakeContent.js';

type Obj = Record<string, unknown>;

/** The safetyRatings of a blocked prompt (response-prompt-blocked.json). */
const BLOCKED_RATINGS = [
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'HIGH' },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
];

/** proto3 JSON leaves zero counts out, so an event before any answer text has no candidatesTokenCount. */
export function usageMetadata(prompt: number, candidates: number, thoughts: number): Obj {
  const usage: Obj = { promptTokenCount: prompt };
  if (candidates > 0) usage.candidatesTokenCount = candidates;
  usage.totalTokenCount = prompt + candidates + thoughts;
  usage.promptTokensDetails = [{ modality: 'TEXT', tokenCount: prompt }];
  if (thoughts > 0) usage.thoughtsTokenCount = thoughts;
  return usage;
}

function envelope(plan: ReplyPlan, head: Obj, usage: Obj): Obj {
  return { ...head, usageMetadata: usage, modelVersion: plan.modelVersion, responseId: plan.responseId };
}

function candidate(parts: Obj[] | undefined, finishReason?: string, finishMessage?: string): Obj {
  const c: Obj = {};
  if (parts) c.content = { parts, role: 'model' };
  if (finishReason) {
    c.finishReason = finishReason;
    if (finishMessage) c.finishMessage = finishMessage;
  }
  c.index = 0;
  return c;
}

function callChars(calls: Obj[]): number {
  return calls.reduce((n, c) => n + JSON.stringify(c.functionCall).length, 0);
}

/** Bodies that are one object whether unary or streamed: blocked prompt, safety stop, empty (no candidates). */
function singleEvent(plan: ReplyPlan): Obj | undefined {
  const usage = usageMetadata(plan.promptTokens, 0, plan.thoughtsTokens);
  switch (plan.outcome) {
    case 'blocked':
      return envelope(plan, { promptFeedback: { blockReason: 'SAFETY', safetyRatings: BLOCKED_RATINGS } }, usage);
    case 'safety':
      return envelope(plan, { candidates: [{ finishReason: 'SAFETY', index: 0, safetyRatings: BLOCKED_RATINGS }] }, usage);
    case 'empty':
      return envelope(plan, {}, usage);
    default:
      return undefined;
  }
}

/** The unary :generateContent body. */
export function unaryResponse(plan: ReplyPlan): Obj {
  const single = singleEvent(plan);
  if (single) return single;
  if (plan.outcome === 'recitation') {
    return envelope(plan, { candidates: [candidate(undefined, 'RECITATION')] }, usageMetadata(plan.promptTokens, 0, plan.thoughtsTokens));
  }
  const parts: Obj[] = [];
  if (plan.thought) parts.push({ text: plan.thought, thought: true });
  let chars = 0;
  if (plan.calls) {
    parts.push(...plan.calls);
    chars = callChars(plan.calls);
  } else {
    parts.push({ text: plan.text ?? '' });
    chars = (plan.text ?? '').length;
  }
  return envelope(
    plan,
    { candidates: [candidate(parts, plan.finishReason, plan.finishMessage)] },
    usageMetadata(plan.promptTokens, tokensFor(chars), plan.thoughtsTokens),
  );
}

/**
 * Splits text into `n` non-empty pieces at word boundaries (whitespace stays
 * with the following word, as in real deltas), falling back to characters
 * when there are fewer words than pieces.
 */
export function splitText(text: string, n: number): string[] {
  if (n <= 1 || text.length <= 1) return [text];
  const words = text.match(/\s*\S+/g) ?? [];
  const joined = words.join('');
  if (words.length > 0 && joined.length < text.length) words[words.length - 1] += text.slice(joined.length);
  const units = words.length >= n ? words : Array.from(text);
  const count = Math.min(n, units.length);
  const base = Math.floor(units.length / count);
  const extra = units.length % count;
  const pieces: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const size = base + (i < extra ? 1 : 0);
    pieces.push(units.slice(at, at + size).join(''));
    at += size;
  }
  return pieces;
}

/** All events of a streamed reply, in order. `defaultChunks` applies when the prompt has no [[chunks:N]]. */
export function streamEvents(plan: ReplyPlan, defaultChunks: number): Obj[] {
  const single = singleEvent(plan);
  if (single) return [single];
  const { legacy, gemini3 } = plan.markers;
  const events: Obj[] = [];
  const p = plan.promptTokens;
  const t = plan.thoughtsTokens;
  if (plan.thought) {
    events.push(envelope(plan, { candidates: [candidate([{ text: plan.thought, thought: true }])] }, usageMetadata(p, 0, t)));
  }
  // Each group of parts is one event; gemini-3 sends parallel calls one per event.
  const groups: Obj[][] = plan.calls
    ? gemini3
      ? plan.calls.map((c) => [c])
      : [plan.calls]
    : splitText(plan.text ?? '', plan.markers.chunks ?? defaultChunks).map((piece) => [{ text: piece }]);
  const finalInline = !gemini3 && plan.outcome !== 'recitation';
  let chars = 0;
  groups.forEach((parts, i) => {
    chars += plan.calls ? callChars(parts) : String(parts[0].text).length;
    const isLast = i === groups.length - 1;
    const finish = (isLast && finalInline) || legacy ? plan.finishReason : undefined;
    const message = isLast && finalInline ? plan.finishMessage : undefined;
    events.push(envelope(plan, { candidates: [candidate(parts, finish, message)] }, usageMetadata(p, tokensFor(chars), t)));
  });
  if (plan.outcome === 'recitation') {
    // Exactly the captured last event: no usage, no model version (stream-sse-recitation.txt).
    events.push({ candidates: [{ finishReason: 'RECITATION', index: 0 }] });
  } else if (gemini3) {
    events.push(
      envelope(
        plan,
        { candidates: [candidate([{ text: '' }], plan.finishReason, plan.finishMessage)] },
        usageMetadata(p, tokensFor(chars), t),
      ),
    );
  }
  return events;
}
