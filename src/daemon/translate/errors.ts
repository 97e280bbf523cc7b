/**
 * OpenAI error bodies, and Google's error bodies translated into them
 * (openai-mapping.md C.4). openai-node picks its error class from the HTTP
 * status and reads `error.{message,type,param,code}`, so the status is kept
 * and `type`/`code` use OpenAI's vocabulary. Google's array form
 * `[{"error":...}]` is unwrapped: returning it as-is loses the typed error.
 * The message is Google's; the caller scrubs key material before this runs.
 */
import { asNumber, asRecord, asString } from './shape.js';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function openAIError(
  status: number,
  message: string,
  options: { type?: string; code?: string | null; param?: string | null } = {},
): { status: number; body: OpenAIErrorBody } {
  return {
    status,
    body: {
      error: {
        message,
        type: options.type ?? defaultType(status),
        param: options.param ?? null,
        code: options.code ?? null,
      },
    },
  };
}

function defaultType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** OpenAI's code for an over-long prompt; LangChain and others branch on it. */
const CONTEXT_LENGTH = /input token count .* exceeds the maximum/i;

/** Resources other than models that a Gemini call can reference. */
const OTHER_RESOURCE = /\b(cachedContents|files|corpora|operations)\//;

export function fromGeminiError(status: number, googleError: unknown): { status: number; body: OpenAIErrorBody } {
  const wrapper = Array.isArray(googleError) ? googleError[0] : googleError;
  const error = asRecord(asRecord(wrapper)?.error);
  // A mid-stream error arrives under HTTP 200: the body's own code is the real status.
  const effective = status >= 400 ? status : (asNumber(error?.code) ?? 502);
  const message = asString(error?.message) || `Gemini request failed with HTTP ${effective}`;
  switch (effective) {
    case 400:
      return openAIError(400, message, { code: CONTEXT_LENGTH.test(message) ? 'context_length_exceeded' : null });
    case 402:
      // Prepaid credits exhausted: OpenAI reports billing trouble as insufficient_quota.
      return openAIError(402, message, { type: 'insufficient_quota', code: 'insufficient_quota' });
    case 404:
      // Gemini's 404s are "models/X is not found"; a missing cache or file is not a model problem.
      return openAIError(404, message, { code: OTHER_RESOURCE.test(message) ? null : 'model_not_found' });
    case 429:
      return openAIError(429, message, { code: 'rate_limit_exceeded' });
    default:
      return openAIError(effective, message);
  }
}
