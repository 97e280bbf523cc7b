import type { TokenUsage } from '../pool/outcome.js';

/**
 * Token usage from the last `usageMetadata` object in a Gemini body or SSE
 * tail, without parsing the rest of the body (it passes through unchanged).
 * Stream usage is cumulative, so the last one is the total.
 */
export function extractUsage(body: string | Buffer): TokenUsage | undefined {
  const at = body.lastIndexOf('"usageMetadata"');
  if (at < 0) return undefined;
  // Only the usage object is decoded, never the (possibly large) answer before it.
  const text = typeof body === 'string' ? body.slice(at) : body.toString('utf8', at, Math.min(body.length, at + MAX_USAGE_BYTES));
  return usageAfter(text);
}

/** usageMetadata is a few hundred bytes; this bounds the decode on odd bodies. */
const MAX_USAGE_BYTES = 8_192;

/** The usage object that starts at the first `{` of `text`. */
function usageAfter(text: string): TokenUsage | undefined {
  const open = text.indexOf('{');
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (char === 123 /* { */) depth += 1;
    else if (char === 125 /* } */ && --depth === 0) return usageFrom(text.slice(open, i + 1));
  }
  return undefined;
}

function usageFrom(json: string): TokenUsage | undefined {
  try {
    const usage = JSON.parse(json) as Record<string, unknown>;
    return {
      prompt: numberOr0(usage.promptTokenCount) + numberOr0(usage.toolUsePromptTokenCount),
      completion: numberOr0(usage.candidatesTokenCount),
      thoughts: numberOr0(usage.thoughtsTokenCount),
    };
  } catch {
    return undefined;
  }
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
