import type { Config } from './config/schema.js';
import type { PoolOptions } from './pool/keyPool.js';
import type { FailoverSettings } from './proxy/failover.js';

/**
 * Settings that a config reload changes in place: each component gets an
 * object whose getters read the config currently in force, so a reload is one
 * assignment and no component needs an update method.
 */
export interface LiveConfig {
  current: Config;
}

export function poolOptions(live: LiveConfig, clock: () => number): PoolOptions {
  return {
    get strategy() {
      return live.current.pool.strategy;
    },
    get maxFailures() {
      return live.current.pool.max_failures;
    },
    get backoffMs() {
      return live.current.pool.backoff_ms;
    },
    get backoffMaxMs() {
      return live.current.pool.backoff_max_ms;
    },
    clock,
  };
}

export function failoverSettings(live: LiveConfig, clock: () => number): FailoverSettings {
  return {
    get maxAttempts() {
      return live.current.retry.max_attempts;
    },
    get maxWaitMs() {
      return live.current.retry.max_wait_ms;
    },
    get retryEmptyResponses() {
      return live.current.retry.empty_responses;
    },
    get dailyThresholdS() {
      return live.current.pool.daily_quota_threshold_s;
    },
    get defaultQuotaCooldownMs() {
      return live.current.pool.quota_cooldown_ms;
    },
    clock,
  };
}

export function openaiSettings(live: LiveConfig) {
  return {
    get aliases() {
      return live.current.openai.aliases;
    },
    get ttlMs() {
      return live.current.openai.models_cache_ms;
    },
    get maxBytes() {
      return live.current.openai.image_max_bytes;
    },
    get timeoutMs() {
      return live.current.openai.image_timeout_ms;
    },
  };
}

export function recheckSettings(live: LiveConfig, clock: () => number) {
  return {
    get intervalMs() {
      return live.current.recheck.interval_ms;
    },
    get model() {
      return live.current.recheck.model;
    },
    clock,
  };
}

export function serverSettings(live: LiveConfig) {
  // Timeouts are read when the server is created (a change needs a restart); the body limit live.
  const { header_timeout_ms: headerTimeoutMs, body_timeout_ms: bodyTimeoutMs } = live.current.limits;
  return {
    get maxBodyBytes() {
      return live.current.limits.max_body_bytes;
    },
    headerTimeoutMs,
    bodyTimeoutMs,
  };
}
