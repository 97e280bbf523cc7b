import { z } from 'zod';

/**
 * What the daemon shows of itself: one snapshot object, pushed to the
 * dashboard and printed by `gemini-pool status --json`. No key material:
 * keys appear by hash id and masked form only.
 */
export const cooldownSchema = z.object({
  /** The model it applies to, or '*' for a brief all-model backoff. */
  model: z.string(),
  until: z.number(),
  reason: z.string(),
});

export const keyViewSchema = z.object({
  id: z.string(),
  masked: z.string(),
  label: z.string().optional(),
  project: z.string().optional(),
  state: z.enum(['active', 'cooling', 'invalid']),
  cooldowns: z.array(cooldownSchema),
  invalidReason: z.string().optional(),
  inflight: z.number(),
  streak: z.number(),
  requests: z.number(),
  successes: z.number(),
  failures: z.record(z.string(), z.number()),
  tokens: z.object({ prompt: z.number(), completion: z.number(), thoughts: z.number() }),
  requestsToday: z.number(),
  lastUsedAt: z.number().optional(),
  lastError: z.object({ kind: z.string(), message: z.string(), at: z.number() }).optional(),
});

export const recentRequestSchema = z.object({
  at: z.number(),
  surface: z.string(),
  method: z.string(),
  path: z.string(),
  model: z.string().optional(),
  key: z.string().optional(),
  status: z.number(),
  attempts: z.number(),
  ms: z.number(),
  upstreamMs: z.number().optional(),
});

export const statsSchema = z.object({
  /** Over the last minute. */
  requestsPerS: z.number(),
  /** Share of the last minute's requests answered 2xx; null when there were none. */
  successRate: z.number().nullable(),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  inflight: z.number(),
  requestsTotal: z.number(),
});

const clientCountersSchema = z.object({ requests: z.number(), errors: z.number(), promptTokens: z.number(), completionTokens: z.number() });

/** Usage of one client token (by name; never the token). */
export const clientViewSchema = z.object({
  name: z.string(),
  lifetime: clientCountersSchema,
  today: clientCountersSchema,
  /** Requests admitted in the last minute (what `rpm` limits). */
  lastMinute: z.number(),
});

export const snapshotSchema = z.object({
  daemon: z.object({
    version: z.string(),
    pid: z.number(),
    startedAt: z.number(),
    url: z.string(),
  }),
  now: z.number(),
  totals: z.object({ total: z.number(), available: z.number(), cooling: z.number(), invalid: z.number() }),
  stats: statsSchema,
  keys: z.array(keyViewSchema),
  recent: z.array(recentRequestSchema),
  clients: z.array(clientViewSchema).optional(),
});

export type Cooldown = z.infer<typeof cooldownSchema>;
export type KeyView = z.infer<typeof keyViewSchema>;
export type RecentRequest = z.infer<typeof recentRequestSchema>;
export type Stats = z.infer<typeof statsSchema>;
export type ClientView = z.infer<typeof clientViewSchema>;
export type Snapshot = z.infer<typeof snapshotSchema>;
