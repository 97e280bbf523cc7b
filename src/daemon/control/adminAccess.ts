import { readFileSync } from 'node:fs';
import { isLoopbackHost } from '../auth/openAccess.js';
import { secretFrom } from '../auth/bearer.js';
import type { Config } from '../config/schema.js';
import { ConfigError, PoolError } from '../errors.js';

/**
 * How the HTTP admin API is exposed: off (no token), on a loopback host, over
 * the daemon's own TLS, or behind TLS terminated in front of it. On any other
 * host without TLS it refuses to start: the admin token would cross the
 * network in clear text.
 */
export interface AdminSetup {
  token?: string;
  tls?: { cert: Buffer; key: Buffer };
  /** For the start-up log line. */
  description: string;
}

export function adminSetup(config: Config, env: NodeJS.ProcessEnv): AdminSetup {
  const { admin } = config;
  const tls = readTls(admin.tls_cert, admin.tls_key);
  const token = secretFrom(admin.token, admin.token_env, env);
  if (admin.token_env && !token) throw new ConfigError(`admin.token_env: the environment variable ${admin.token_env} is not set`);
  if (!token) return { tls, description: 'admin API off (no admin.token)' };
  if (tls) return { token, tls, description: 'admin API on, over this daemon\'s TLS' };
  if (admin.behind_tls_proxy) return { token, description: 'admin API on, behind TLS terminated in front of the daemon (admin.behind_tls_proxy)' };
  if (isLoopbackHost(config.host)) return { token, description: 'admin API on, loopback only (plain HTTP)' };
  throw new PoolError(
    'ADMIN_NEEDS_TLS',
    `refusing to serve the admin API on ${config.host} without TLS: set admin.tls_cert and admin.tls_key, or admin.behind_tls_proxy: true when an HTTPS ingress terminates TLS in front of the daemon`,
  );
}

function readTls(certPath: string | null, keyPath: string | null): AdminSetup['tls'] {
  if (!certPath && !keyPath) return undefined;
  if (!certPath || !keyPath) throw new ConfigError('admin.tls_cert and admin.tls_key go together: set both, or neither');
  try {
    return { cert: readFileSync(certPath), key: readFileSync(keyPath) };
  } catch (error) {
    throw new ConfigError(`cannot read the TLS certificate or key (${(error as NodeJS.ErrnoException).code}): ${certPath}, ${keyPath}`);
  }
}
