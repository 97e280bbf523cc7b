/**
 * Gemini SSE events -> OpenAI chat.completion.chunk SSE (openai-mapping.md C.3).
 *
 * - Text is forwarded as it arrives, one delta per upstream event; nothing is
 *   buffered beyond the event being translated.
 * - finish_reason is held back and emitted exactly once per choice at end():
 *   gemini-1.x put STOP on every chunk, and clients stop reading at the first
 *   non-null finish_reason.
 * - Tool-call `index` is a per-choice counter across the whole response, so
 *   parallel calls arriving in separate chunks do not merge their arguments.
 * - Every candidate index gets its own choice (n > 1 works); index 0 is
 *   announced with the first push even if it has nothing to say yet.
 * - Usage is cumulative in Gemini streams: only the last usageMetadata counts.
 */
import { emptyUsage, mapFinishReason, toUsage, type ChatContext } from './chatResponse.js';
import { blockedRefusal, readResponse, toOpenAIToolCall, type CandidateView } from './geminiCandidate.js';
import { asRecord, asNumber, asString } from './shape.js';
import type { SseItem } from '../upstream/sseParser.js';

interface ChoiceState {
  toolCalls: number;
  finishReason?: string;
}

type Delta = Record<string, unknown>;

export class ChatStreamTranslator {
  private readonly choices = new Map<number, ChoiceState>();
  private lastUsageMetadata: unknown;
  private blocked = false;
  private closed = false;

  constructor(
    private readonly ctx: ChatContext,
    private readonly options: { includeUsage: boolean },
  ) {}

  /** Feeds one parsed Gemini stream event; returns the OpenAI SSE frames it produces (maybe none). */
  push(event: unknown): string {
    if (this.closed) return '';
    const view = readResponse(event);
    let out = this.open(0);
    if (view.usageMetadata !== undefined) this.lastUsageMetadata = view.usageMetadata;
    if (view.blockReason && view.candidates.length === 0) {
      this.blocked = true;
      out += this.chunk(0, { refusal: blockedRefusal(view) });
    }
    for (const candidate of view.candidates) out += this.candidate(candidate);
    return out;
  }

  /** The upstream body ended normally: one finish chunk per choice, the usage chunk if asked, then [DONE]. */
  end(): string {
    if (this.closed) return '';
    let out = this.open(0);
    this.closed = true;
    for (const index of [...this.choices.keys()].sort((a, b) => a - b)) {
      const state = this.choices.get(index) ?? { toolCalls: 0 };
      const reason =
        index === 0 && this.blocked && state.toolCalls === 0 && state.finishReason === undefined
          ? 'content_filter'
          : mapFinishReason(state.finishReason, state.toolCalls > 0);
      out += this.chunk(index, {}, reason);
    }
    if (this.options.includeUsage) {
      out += frame({ ...this.header(), choices: [], usage: toUsage(this.lastUsageMetadata) ?? emptyUsage() });
    }
    return out + 'data: [DONE]\n\n';
  }

  /**
   * The upstream failed after streaming started. openai-node throws an
   * APIError for a data frame with an `error` key; no [DONE] follows, so
   * clients cannot mistake the cut-off answer for a complete one.
   */
  fail(message: string, code?: string): string {
    if (this.closed) return '';
    this.closed = true;
    return frame({ error: { message, type: 'server_error', code: code ?? null, param: null } });
  }

  private candidate(candidate: CandidateView): string {
    const index = candidate.index;
    let out = this.open(index);
    const state = this.choices.get(index) ?? { toolCalls: 0 };
    // Consecutive parts of one kind in one event become one delta.
    let runKind: 'text' | 'thought' | undefined;
    let runText = '';
    const flush = (): void => {
      if (runKind) out += this.chunk(index, runKind === 'text' ? { content: runText } : { reasoning_content: runText });
      runKind = undefined;
      runText = '';
    };
    for (const segment of candidate.segments) {
      if (segment.kind === 'call') {
        flush();
        const k = state.toolCalls++;
        const call = toOpenAIToolCall(segment.call, this.ctx.id, index, k);
        out += this.chunk(index, { tool_calls: [{ index: k, ...call }] });
        continue;
      }
      if (runKind !== segment.kind) flush();
      runKind = segment.kind;
      runText += segment.text;
    }
    flush();
    if (candidate.finishReason) state.finishReason = candidate.finishReason;
    return out;
  }

  /** The role-announcing first chunk of a choice, once. */
  private open(index: number): string {
    if (this.choices.has(index)) return '';
    this.choices.set(index, { toolCalls: 0 });
    return this.chunk(index, { role: 'assistant', content: '' });
  }

  private chunk(index: number, delta: Delta, finishReason: string | null = null): string {
    return frame({ ...this.header(), choices: [{ index, delta, logprobs: null, finish_reason: finishReason }] });
  }

  private header(): Record<string, unknown> {
    return {
      id: this.ctx.id,
      object: 'chat.completion.chunk',
      created: this.ctx.created,
      model: this.ctx.model,
      system_fingerprint: null,
    };
  }
}

/** OpenAI frames are LF-only `data: <compact JSON>\n\n` (Gemini's are CRLF; never pass bytes through). */
function frame(payload: Record<string, unknown>): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

export interface GeminiStreamError {
  code: number;
  message: string;
  status?: string;
}

/**
 * One SseParser item -> a Gemini event, or the error Google injected.
 * Google aborts a stream by writing a bare (often pretty-printed) error
 * object outside SSE framing, or `[{"error":...}]` in array mode; both come
 * out as errors here. Unparseable data is reported as a 502-class error:
 * the upstream broke the protocol, not the client.
 */
export function parseGeminiEvent(item: SseItem): { event?: unknown; error?: GeminiStreamError } {
  const text = item.kind === 'data' ? item.data : item.text;
  // Gemini sends no [DONE], but an OpenAI-style upstream in front of it might.
  if (item.kind === 'data' && text.trim() === '[DONE]') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: { code: 502, message: 'Gemini sent a stream event that is not valid JSON' } };
  }
  const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
  const googleError = asRecord(asRecord(first)?.error);
  if (googleError) return { error: readGoogleError(googleError) };
  if (item.kind === 'raw' || Array.isArray(parsed) || !asRecord(first)) {
    return { error: { code: 502, message: 'Gemini sent unexpected data outside an event' } };
  }
  return { event: first };
}

function readGoogleError(error: Record<string, unknown>): GeminiStreamError {
  const result: GeminiStreamError = {
    code: asNumber(error.code) ?? 500,
    message: asString(error.message) ?? 'Gemini reported an error mid-stream',
  };
  const status = asString(error.status);
  if (status) result.status = status;
  return result;
}
