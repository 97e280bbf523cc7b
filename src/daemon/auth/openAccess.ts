import { isIP } from 'node:net';
import type { Config } from '../config/schema.js';
import { PoolError } from '../errors.js';
import type { ClientTokens } from './clientTokens.js';

/**
 * The safe default: with no client tokens the pool is open only on a
 * loopback address (with a warning), unless the config says anonymous use
 * is intended. Returns the warning to log, or throws when it must not start.
 */
export function openAccessWarning(config: Config, tokens: ClientTokens): string | undefined {
  if (!tokens.open) return undefined;
  if (isLoopbackHost(config.host)) {
    return 'no client tokens configured: anyone who can reach this machine\'s loopback address can use the pool (set auth.tokens or GEMINI_POOL_TOKEN)';
  }
  if (config.auth.allow_anonymous) return `no client tokens and listening on ${config.host}: the pool is open to anyone who can reach it (auth.allow_anonymous: true)`;
  throw new PoolError(
    'AUTH_REQUIRED',
    `refusing to listen on ${config.host} without client tokens: anyone who reaches it could spend your keys. Add auth.tokens to the config (or set GEMINI_POOL_TOKEN), listen on 127.0.0.1, or set auth.allow_anonymous: true if that is what you want`,
  );
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
