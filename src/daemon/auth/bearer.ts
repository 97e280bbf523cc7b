import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * A check for "Authorization: Bearer <token>" against one secret (metrics,
 * admin), comparing hashes in constant time. Without a token it lets all in.
 */
export function bearerAuthorizer(token: string | undefined): (req: IncomingMessage) => boolean {
  if (!token) return () => true;
  const expected = createHash('sha256').update(token).digest();
  return (req) => {
    const header = req.headers.authorization;
    const presented = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : '';
    return timingSafeEqual(createHash('sha256').update(presented).digest(), expected);
  };
}

/** The secret of an option that is given inline or through an environment variable. */
export function secretFrom(inline: string | null, envName: string | null, env: NodeJS.ProcessEnv): string | undefined {
  return inline ?? (envName ? env[envName]?.trim() || undefined : undefined);
}
