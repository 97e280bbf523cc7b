import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';

/**
 * Who may use the pool. Tokens come from the config (inline or through an env
 * var) and GEMINI_POOL_TOKEN. A presented token is hashed and compared with
 * every known hash in constant time, so timing says nothing about how close a
 * guess was. Only hashes are kept.
 */
export interface ClientPolicy {
  name: string;
  rpm?: number;
  dailyRequests?: number;
  dailyTokens?: number;
  /** Only these models (resolved Gemini ids); undefined = any. */
  models?: ReadonlySet<string>;
}

interface KnownToken {
  hash: Buffer;
  policy: ClientPolicy;
}

export const DEFAULT_TOKEN_ENV = 'GEMINI_POOL_TOKEN';

/** Reads the tokens the config names; throws ConfigError when one cannot be resolved. */
export function resolveTokens(config: Config, env: NodeJS.ProcessEnv): ClientTokens {
  const known: KnownToken[] = [];
  const problems: string[] = [];
  const names = new Set<string>();
  config.auth.tokens.forEach((entry, index) => {
    const where = `auth.tokens[${index}] (${entry.name})`;
    const secret = entry.token ?? env[entry.token_env ?? '']?.trim();
    if (!secret) problems.push(`${where}: the environment variable ${entry.token_env} is not set`);
    else if (secret.length < 16) problems.push(`${where}: the token in ${entry.token_env} is shorter than 16 characters`);
    if (names.has(entry.name)) problems.push(`${where}: the name ${entry.name} is used twice`);
    names.add(entry.name);
    if (secret && secret.length >= 16) {
      const policy = { name: entry.name, rpm: entry.rpm, dailyRequests: entry.daily_requests, dailyTokens: entry.daily_tokens, models: entry.models && new Set(entry.models) };
      known.push({ hash: hashToken(secret), policy });
    }
  });
  const fromEnv = env[DEFAULT_TOKEN_ENV]?.trim();
  if (fromEnv && !names.has('default')) known.push({ hash: hashToken(fromEnv), policy: { name: 'default' } });
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return new ClientTokens(known);
}

export class ClientTokens {
  constructor(private readonly known: readonly KnownToken[]) {}

  /** No tokens at all: the pool is open (on loopback, or when the config allows it). */
  get open(): boolean {
    return this.known.length === 0;
  }

  get policies(): ClientPolicy[] {
    return this.known.map((token) => token.policy);
  }

  /** The client a request authenticates as; undefined when its token is missing or wrong. */
  identify(req: IncomingMessage, query: URLSearchParams): ClientPolicy | undefined {
    const presented = presentedToken(req, query);
    if (presented === undefined) return undefined;
    const hash = hashToken(presented);
    let match: ClientPolicy | undefined;
    // Every known token is compared, match or not: constant work per request.
    for (const token of this.known) {
      if (timingSafeEqual(hash, token.hash)) match = token.policy;
    }
    return match;
  }
}

/** Authorization: Bearer, x-goog-api-key, or ?key= (what the OpenAI and Gemini SDKs send). */
function presentedToken(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string' && /^Bearer /i.test(authorization)) return authorization.slice(7).trim();
  const header = req.headers['x-goog-api-key'];
  if (typeof header === 'string' && header !== '') return header.trim();
  return query.get('key') ?? undefined;
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
