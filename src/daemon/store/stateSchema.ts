import { z } from 'zod';
import type { PersistedClient } from '../auth/clientUsage.js';
import type { PersistedKey } from '../pool/poolKey.js';

/**
 * The shape of <data_dir>/state.json, checked on load: a file that does not
 * match is treated like a corrupt one (moved aside, never overwritten).
 */
const counters = z.object({
  requests: z.number(),
  successes: z.number(),
  failures: z.record(z.string(), z.number()),
  promptTokens: z.number(),
  completionTokens: z.number(),
  thoughtTokens: z.number(),
});

const persistedKey = z.object({
  id: z.string().regex(/^[0-9a-f]{12}$/),
  masked: z.string(),
  label: z.string().optional(),
  project: z.string().optional(),
  invalid: z.object({ reason: z.string(), since: z.number() }).optional(),
  cooldowns: z.array(z.object({ model: z.string(), until: z.number(), reason: z.string() })),
  streak: z.number(),
  lastUsedAt: z.number().optional(),
  lastError: z.object({ kind: z.string(), message: z.string(), at: z.number() }).optional(),
  lifetime: counters,
  today: z.object({ date: z.string(), counters }),
  removedAt: z.number().optional(),
});

const clientCounters = z.object({ requests: z.number(), errors: z.number(), promptTokens: z.number(), completionTokens: z.number() });

const persistedClient = z.object({
  name: z.string(),
  lifetime: clientCounters,
  today: z.object({ date: z.string(), counters: clientCounters }),
});

export const STATE_VERSION = 1;

export const stateFileSchema = z.object({
  version: z.literal(STATE_VERSION),
  savedAt: z.number(),
  keys: z.array(persistedKey),
  /** Usage per client token (by name); absent in files written before client tokens existed. */
  clients: z.array(persistedClient).default([]),
});

export type StateFile = z.infer<typeof stateFileSchema>;

// The schema and the pool's type must describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const persistedKeysMatch: Same<z.infer<typeof persistedKey>, PersistedKey> = true;
const persistedClientsMatch: Same<z.infer<typeof persistedClient>, PersistedClient> = true;
void persistedKeysMatch;
void persistedClientsMatch;
