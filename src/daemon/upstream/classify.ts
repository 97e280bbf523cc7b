import type { Outcome } from '../pool/outcome.js';
import { nextPacificMidnight } from '../pool/pacificTime.js';

/**
 * One classifier for everything Gemini answers (cf. gemini-cli's
 * googleQuotaErrors.ts). Real bodies: ../shared/gemini-wire/error-*.json.
 */
export interface ClassifyContext {
  now: number;
  /** A quota delay longer than this (seconds) is treated as a daily quota. */
  dailyThresholdS: number;
  /** Cooldown when a quota 429 gives no delay at all. */
  defaultQuotaCooldownMs: number;
}

export interface GoogleError {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<Record<string, unknown>>;
}

const DEAD_KEY_REASONS = new Set(['API_KEY_INVALID', 'CONSUMER_SUSPENDED', 'API_KEY_SERVICE_BLOCKED', 'API_KEY_EXPIRED']);
const DEAD_KEY_MESSAGES = /API key not valid|API key expired|API Key not found|reported as leaked|has been suspended|unregistered callers/i;
const TRANSIENT_STATUSES = new Set([408, 499, 500, 502, 503, 504]);

/** Reads `{"error": {...}}`, `[{"error": {...}}]` (array mode) or anything else (undefined). */
export function parseGoogleError(body: string): GoogleError | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (Array.isArray(parsed)) parsed = parsed[0];
  if (parsed && typeof parsed === 'object' && 'error' in parsed) {
    const error = (parsed as { error: unknown }).error;
    if (error && typeof error === 'object') return error as GoogleError;
  }
  return undefined;
}

/** Classifies a non-2xx upstream answer. */
export function classifyError(status: number, body: string, context: ClassifyContext): Outcome {
  const error = parseGoogleError(body);
  const message = error?.message ?? `upstream answered HTTP ${status}`;
  const reason = errorInfoReason(error);
  if (status === 401 || (reason && DEAD_KEY_REASONS.has(reason))) {
    return { kind: 'deadKey', reason: reason ?? 'UNAUTHENTICATED', message };
  }
  if ((status === 400 || status === 403) && DEAD_KEY_MESSAGES.test(message)) {
    return { kind: 'deadKey', reason: deadReasonFromMessage(message), message };
  }
  if (status === 429 || status === 402) return classifyQuota(status, error, message, context);
  if (TRANSIENT_STATUSES.has(status)) {
    return { kind: 'transient', reason: error?.status ?? `HTTP_${status}`, message };
  }
  // Any other 4xx is the client's own mistake (a generic 403 "caller does not
  // have permission" is usually a model the project cannot use: not the key's fault).
  return { kind: 'clientError', status };
}

/** Classifies a failure to get an answer at all (connect error, reset, timeout). */
export function classifyNetworkError(error: unknown): Outcome {
  const code = (error as { code?: string } | undefined)?.code ?? 'NETWORK_ERROR';
  const text = error instanceof Error ? error.message : String(error);
  return { kind: 'transient', reason: code, message: `upstream connection failed (${code}): ${text}` };
}

function classifyQuota(status: number, error: GoogleError | undefined, message: string, context: ClassifyContext): Outcome {
  const details = error?.details ?? [];
  const quotaFailure = details.find((detail) => typeOf(detail) === 'QuotaFailure');
  const retryInfo = details.find((detail) => typeOf(detail) === 'RetryInfo');
  const messageDelay = /Please retry in ([\d.]+)s/i.exec(message);
  if (status === 429 && !quotaFailure && !retryInfo && !messageDelay) {
    // A bare 429 is shared-capacity throttling, not this key's quota.
    return { kind: 'transient', reason: 'RESOURCE_EXHAUSTED_BARE', message };
  }
  const quotaIds = quotaViolations(quotaFailure).map((violation) => String(violation.quotaId ?? ''));
  const delayMs = retryInfo ? parseDuration(retryInfo.retryDelay) : messageDelay ? Number(messageDelay[1]) * 1000 : undefined;
  const perDay =
    status === 402 ||
    quotaIds.some((id) => /PerDay|Daily/i.test(id)) ||
    /limit: 0\b/.test(message) ||
    (delayMs !== undefined && delayMs > context.dailyThresholdS * 1000);
  if (perDay) {
    return { kind: 'quota', daily: true, until: nextPacificMidnight(context.now), reason: 'quota-day', message };
  }
  const cooldownMs = delayMs ?? context.defaultQuotaCooldownMs;
  return { kind: 'quota', daily: false, until: context.now + Math.max(cooldownMs, 1000), reason: 'quota-minute', message };
}

function typeOf(detail: Record<string, unknown>): string {
  const type = String(detail['@type'] ?? '');
  return type.slice(type.lastIndexOf('.') + 1);
}

function errorInfoReason(error: GoogleError | undefined): string | undefined {
  const info = error?.details?.find((detail) => typeOf(detail) === 'ErrorInfo');
  return typeof info?.reason === 'string' ? info.reason : undefined;
}

function quotaViolations(quotaFailure: Record<string, unknown> | undefined): Array<Record<string, unknown>> {
  const violations = quotaFailure?.violations;
  return Array.isArray(violations) ? (violations as Array<Record<string, unknown>>) : [];
}

/** "26s" / "1.5s" (protobuf Duration in JSON) -> ms. */
function parseDuration(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^([\d.]+)s$/.exec(value) : null;
  return match ? Number(match[1]) * 1000 : undefined;
}

function deadReasonFromMessage(message: string): string {
  if (/leaked/i.test(message)) return 'LEAKED';
  if (/suspended/i.test(message)) return 'CONSUMER_SUSPENDED';
  if (/unregistered callers/i.test(message)) return 'NO_KEY';
  if (/expired/i.test(message)) return 'API_KEY_EXPIRED';
  return 'API_KEY_INVALID';
}

/**
 * A 2xx answer with no candidates and no prompt block is empty. Checked on the
 * raw text so that pass-through bodies are never parsed for it.
 */
export function isEmptyAnswer(body: string | Buffer): boolean {
  return !body.includes('"candidates"') && !body.includes('"promptFeedback"');
}
