import { createHash } from 'node:crypto';

/**
 * Everything that turns a key into something safe to show. A key is shown by
 * its masked form (`AIza…x9Qk`) and addressed by a hash-based id; the full key
 * only ever goes into the upstream request header.
 */

/** Stable, hash-based id of a key: 12 hex chars of its SHA-256 (48 bits: no collisions at pool sizes). */
export function keyIdOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}

/** `AIza…x9Qk`: first 4 and last 4 characters; short secrets show only their last 2. */
export function maskSecret(secret: string): string {
  if (secret.length < 12) return `…${secret.slice(-2)}`;
  return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}

// Google echoes the full key in some 403 messages ("Consumer 'api_key:AIza...'").
const KEY_SHAPED = /AIza[0-9A-Za-z_-]{4,}/g;
// Candidate tokens for keys that are not AIza-shaped; looked up, not guessed.
const LONG_TOKEN = /[A-Za-z0-9_.-]{20,}/g;

/**
 * Replaces anything shaped like a Gemini key, and any known pool secret, by
 * its masked form. Cost is linear in the text, whatever the pool size.
 */
export function scrubSecrets(text: string, knownSecrets?: ReadonlySet<string>): string {
  let scrubbed = text.replace(KEY_SHAPED, maskSecret);
  if (knownSecrets && knownSecrets.size > 0) {
    scrubbed = scrubbed.replace(LONG_TOKEN, (token) => (knownSecrets.has(token) ? maskSecret(token) : token));
  }
  return scrubbed;
}
