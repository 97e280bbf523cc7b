/**
 * Per-key faults: which key misbehaves how, and the exact bodies the real API
 * sends for each failure (gemini-wire error-*.json, copied in as constants).
 *
 * A key's own text selects its fault (`AIzaDEMO-quota-day-01` is out of daily
 * quota) so tests and the demo need no setup; `setFault` overrides that per key.
 */
import {
  errorInfo,
  googleError,
  helpLink,
  localizedMessage,
  retryInfo,
  SERVICE,
  type GoogleErrorDetail,
  type HttpError,
} from './googleErrors.js';

export type FaultKind =
  | 'invalid'
  | 'expired'
  | 'leaked'
  | 'suspended'
  | 'blocked'
  | 'quotaMinute'
  | 'quotaDay'
  | 'quotaBare'
  | 'quotaLimitZero'
  | 'internal'
  | 'overloaded'
  | 'deadline'
  | 'empty'
  | 'reset'
  | 'slow'
  | 'hang'
  | 'midstream';

export interface FaultRule {
  kind: FaultKind;
  /** Only for this model id, e.g. 'gemini-2.5-pro'. */
  model?: string;
  /** Fire this many times, then the key behaves well again. */
  times?: number;
  /** quotaMinute / quotaDay / quotaLimitZero: the RetryInfo delay in seconds. */
  retryDelaySec?: number;
}

/** Marker words in a key, checked in this order (case-sensitive). */
export const KEY_MARKERS: ReadonlyArray<readonly [marker: string, kind: FaultKind]> = [
  ['invalid', 'invalid'],
  ['expired', 'expired'],
  ['leaked', 'leaked'],
  ['suspended', 'suspended'],
  ['blocked', 'blocked'],
  ['quota-minute', 'quotaMinute'],
  ['quota-day', 'quotaDay'],
  ['quota-bare', 'quotaBare'],
  ['quota-zero', 'quotaLimitZero'],
  ['internal', 'internal'],
  ['overloaded', 'overloaded'],
  ['deadline', 'deadline'],
  ['empty', 'empty'],
  ['reset', 'reset'],
  ['slow', 'slow'],
  ['hang', 'hang'],
  ['midstream', 'midstream'],
];

export function faultFromKeyName(key: string): FaultKind | undefined {
  for (const [marker, kind] of KEY_MARKERS) if (key.includes(marker)) return kind;
  return undefined;
}

/** The real API rejects a dead key on every method, models.list included. */
export const DEAD_KEY_KINDS: ReadonlySet<FaultKind> = new Set(['invalid', 'expired', 'leaked', 'suspended', 'blocked']);

export interface DemoKey {
  key: string;
  /** Same as `key`: lets the list be handed to the daemon's KeyPool as KeyInput ({secret, label}). */
  secret: string;
  label: string;
}

function demoKey(key: string, label: string): DemoKey {
  return { key, secret: key, label };
}

/**
 * Keys for `gemini-pool demo`. Deliberately short and dashed so no secret
 * scanner mistakes them for real keys (those are AIza + 35 [0-9A-Za-z_-]).
 */
export const DEMO_KEYS: readonly DemoKey[] = [
  demoKey('AIzaDEMO-good-0001', 'good #1'),
  demoKey('AIzaDEMO-good-0002', 'good #2'),
  demoKey('AIzaDEMO-good-0003', 'good #3'),
  demoKey('AIzaDEMO-good-0004', 'good #4'),
  demoKey('AIzaDEMO-invalid-01', 'invalid key (400 API_KEY_INVALID)'),
  demoKey('AIzaDEMO-leaked-01', 'leaked key (403)'),
  demoKey('AIzaDEMO-quota-day-01', 'daily quota exhausted (429)'),
  demoKey('AIzaDEMO-quota-minute-01', 'per-minute quota exhausted (429, retry in 26s)'),
  demoKey('AIzaDEMO-overloaded-01', 'model overloaded (503)'),
];

/** What the failing request was, for the parts of an error body that echo it. */
export interface FaultContext {
  key: string;
  apiVersion: string;
  /** RPC name as in the ErrorInfo methodName: GenerateContent, StreamGenerateContent, ListModels... */
  rpc: string;
  /** Model id without `models/`, when the route has one. */
  model?: string;
}

const MODEL_SERVICE_RPCS: ReadonlySet<string> = new Set(['ListModels', 'GetModel']);

/** A stand-in project number; the real one appears in ErrorInfo.metadata.consumer. */
const CONSUMER = 'projects/123456789012';

const QUOTA_PREAMBLE =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. ';

const FREE_REQUESTS_METRIC = 'generativelanguage.googleapis.com/generate_content_free_tier_requests';

interface QuotaViolation {
  quotaId: string;
  limit: number;
}

/**
 * Late-2025 429 (error-429-quota-2025-11.tail-RECONSTRUCTED.json): the message
 * lists each exceeded metric and a float delay, details are Help, QuotaFailure,
 * RetryInfo with the delay truncated to whole seconds.
 */
function quotaError(model: string, violations: QuotaViolation[], delaySec: number): HttpError {
  const lines = violations.map((v) => `* Quota exceeded for metric: ${FREE_REQUESTS_METRIC}, limit: ${v.limit}, model: ${model}`);
  const message = `${QUOTA_PREAMBLE}\n${lines.join('\n')}\nPlease retry in ${delaySec}.434392449s.`;
  const quotaFailure: GoogleErrorDetail = {
    '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
    violations: violations.map((v) => {
      const violation: Record<string, unknown> = {
        quotaMetric: FREE_REQUESTS_METRIC,
        quotaId: v.quotaId,
        quotaDimensions: { location: 'global', model },
      };
      // proto3 JSON leaves out zero values, so a `limit: 0` violation has no quotaValue.
      if (v.limit !== 0) violation.quotaValue = String(v.limit);
      return violation;
    }),
  };
  return googleError(429, 'RESOURCE_EXHAUSTED', message, [helpLink(), quotaFailure, retryInfo(delaySec)]);
}

const PER_MINUTE = 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier';
const PER_DAY = 'GenerateRequestsPerDayPerProjectPerModel-FreeTier';

export const INTERNAL_MESSAGE =
  'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';

export function internalError(): HttpError {
  return googleError(500, 'INTERNAL', INTERNAL_MESSAGE);
}

function keyInvalid(message: string): HttpError {
  return googleError(400, 'INVALID_ARGUMENT', message, [
    errorInfo('API_KEY_INVALID', { service: SERVICE }),
    localizedMessage(message),
  ]);
}

/**
 * The error a fault kind answers with, or undefined for the kinds that are
 * behaviours rather than error bodies (empty, reset, slow, hang, midstream).
 */
export function faultError(kind: FaultKind, ctx: FaultContext, rule?: FaultRule): HttpError | undefined {
  const model = ctx.model ?? 'gemini-2.5-flash';
  switch (kind) {
    case 'invalid':
      return keyInvalid('API key not valid. Please pass a valid API key.');
    case 'expired':
      return keyInvalid('API key expired. Please renew the API key.');
    case 'leaked':
      return googleError(403, 'PERMISSION_DENIED', 'Your API key was reported as leaked. Please use another API key.');
    case 'suspended': {
      // Real behaviour: the FULL key is echoed in message and containerInfo. The daemon must scrub it.
      const message = `Permission denied: Consumer 'api_key:${ctx.key}' has been suspended.`;
      return googleError(403, 'PERMISSION_DENIED', message, [
        errorInfo('CONSUMER_SUSPENDED', { consumer: CONSUMER, service: SERVICE, containerInfo: `api_key:${ctx.key}` }),
        localizedMessage(message),
      ]);
    }
    case 'blocked': {
      const methodName = `google.ai.generativelanguage.${ctx.apiVersion}.${MODEL_SERVICE_RPCS.has(ctx.rpc) ? 'ModelService' : 'GenerativeService'}.${ctx.rpc}`;
      const message = `Requests to this API ${SERVICE} method ${methodName} are blocked.`;
      return googleError(403, 'PERMISSION_DENIED', message, [
        errorInfo('API_KEY_SERVICE_BLOCKED', { consumer: CONSUMER, service: SERVICE, apiName: SERVICE, methodName }),
        localizedMessage(message),
      ]);
    }
    case 'quotaMinute':
      return quotaError(model, [{ quotaId: PER_MINUTE, limit: 10 }], rule?.retryDelaySec ?? 26);
    case 'quotaDay':
      // The real API gives short RetryInfo delays even for daily limits; a pool must not trust them.
      return quotaError(model, [{ quotaId: PER_DAY, limit: 20 }], rule?.retryDelaySec ?? 13);
    case 'quotaLimitZero':
      // limit 0: this project has no free quota for the model at all.
      return quotaError(
        model,
        [
          { quotaId: PER_DAY, limit: 0 },
          { quotaId: PER_MINUTE, limit: 0 },
        ],
        rule?.retryDelaySec ?? 19,
      );
    case 'quotaBare':
      return googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).');
    case 'internal':
      return internalError();
    case 'overloaded':
      return googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
    case 'deadline':
      // Body UNCONFIRMED: the message is the docs' description of 504.
      return googleError(504, 'DEADLINE_EXCEEDED', 'The service is unable to finish processing within the deadline.');
    default:
      return undefined;
  }
}

/**
 * Per-key fault state: programmatic rules (with their remaining `times`) over
 * the key-name markers. A rule whose `times` ran out leaves the key good, even
 * if its name carries a marker, until setFault(key, null) clears it.
 */
export class FaultBook {
  private readonly overrides = new Map<string, { rule: FaultRule; left: number } | 'good'>();

  set(key: string, rule: FaultRule | null): void {
    if (rule === null) this.overrides.delete(key);
    else if (rule.times !== undefined && rule.times <= 0) this.overrides.set(key, 'good');
    else this.overrides.set(key, { rule: { ...rule }, left: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.overrides.clear();
  }

  /**
   * The fault that applies to this request, without using it up: the server
   * peeks before routing and validation and calls `consume` only when the
   * fault actually fires. `modelAction` is false for models.list/get, where
   * only dead-key kinds apply.
   */
  peek(key: string, model: string | undefined, modelAction: boolean): FaultRule | undefined {
    const override = this.overrides.get(key);
    if (override === 'good') return undefined;
    let rule: FaultRule | undefined;
    if (override) rule = override.rule;
    else {
      const kind = faultFromKeyName(key);
      rule = kind ? { kind } : undefined;
    }
    if (!rule) return undefined;
    if (!modelAction && !DEAD_KEY_KINDS.has(rule.kind)) return undefined;
    if (rule.model !== undefined && rule.model !== model) return undefined;
    return rule;
  }

  /** Counts one firing of the key's programmatic rule (no-op for name markers). */
  consume(key: string): void {
    const override = this.overrides.get(key);
    if (!override || override === 'good') return;
    override.left -= 1;
    if (override.left <= 0) this.overrides.set(key, 'good');
  }
}
