import { z } from 'zod';

/**
 * The configuration schema: the single source of truth for option names,
 * types, ranges and defaults. `Config` is inferred from it, the shipped
 * config/gemini-pool.yaml mirrors it (a test keeps them in step), and every
 * source (file, env, flags) is validated by it.
 *
 * Every option is optional. Objects are `.strict()` so a typo is reported as
 * "unknown option" instead of being silently ignored.
 *
 * Messages we set here all start with "expected ..."; formatIssues.ts appends
 * ", got <value>" and translates zod's own messages into the same shape.
 */

/** An integer option with inclusive bounds; one message for every way it can be wrong. */
function intOption(min: number, max?: number) {
  const error = max === undefined ? `expected an integer >= ${min}` : `expected an integer ${min}..${max}`;
  const base = z.int({ error }).min(min, { error });
  return max === undefined ? base : base.max(max, { error });
}

/** Durations, sizes and counts that must be strictly positive. */
const positiveInt = () => intOption(1);

const httpUrl = (error: string) => z.url({ protocol: /^https?$/, error });

/** A string that must not be empty; `what` names it in the message. */
function nonEmptyString(what: string) {
  const error = `expected ${what}`;
  return z.string({ error }).min(1, { error });
}

/**
 * A whole section: absent -> every field defaulted; present -> field-wise
 * defaults. A bare `upstream:` line with everything under it commented out
 * parses as null in YAML; treat it like an absent section rather than an error,
 * because that is exactly what editing the shipped file produces.
 */
function section<Shape extends z.ZodRawShape>(shape: Shape) {
  const strictObject = z.object(shape).strict();
  // Every field has a default, so {} is a valid input; TS cannot see that through the generic.
  const allDefaults = {} as z.input<typeof strictObject>;
  return z.preprocess((value) => (value === null ? undefined : value), strictObject.prefault(allDefaults));
}

const upstreamSchema = section({
  // Without a trailing slash so callers can append "/v1beta/..." blindly.
  base_url: httpUrl('expected an http(s) URL')
    .transform((url) => url.replace(/\/+$/, ''))
    .default('https://generativelanguage.googleapis.com'),
  // null = fall back to HTTPS_PROXY / HTTP_PROXY (see loadConfig.ts).
  proxy: httpUrl('expected an http(s) URL or null').nullable().default(null),
  connect_timeout_ms: positiveInt().default(10_000),
  first_byte_timeout_ms: positiveInt().default(120_000),
  stream_idle_timeout_ms: positiveInt().default(60_000),
  connections: positiveInt().default(1024),
});

const poolSchema = section({
  strategy: z.enum(['round-robin', 'least-inflight']).default('round-robin'),
  max_failures: intOption(1).default(3),
  backoff_ms: positiveInt().default(5_000),
  backoff_max_ms: positiveInt().default(300_000),
  quota_cooldown_ms: positiveInt().default(60_000),
  daily_quota_threshold_s: positiveInt().default(300),
});

const retrySchema = section({
  max_attempts: intOption(1, 100).default(5),
  max_wait_ms: intOption(0).default(3_000),
  empty_responses: z.boolean().default(true),
});

const recheckSchema = section({
  interval_ms: intOption(0).default(300_000),
  model: nonEmptyString('a model name').default('gemini-2.5-flash'),
});

const openaiSchema = section({
  // null (a bare `aliases:` line) means "none", like an absent section.
  aliases: z
    .preprocess(
      (value) => (value === null ? undefined : value),
      z.record(z.string(), z.string({ error: 'expected a Gemini model name' })).default({}),
    ),
  models_cache_ms: intOption(0).default(300_000),
  image_max_bytes: positiveInt().default(20 * 1024 * 1024),
  image_timeout_ms: positiveInt().default(10_000),
});

const logSchema = section({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  format: z.enum(['auto', 'pretty', 'json']).default('auto'),
  // Also write the log (JSON lines) to this file, rotated daily; null = no file.
  file: nonEmptyString('a file path').nullable().default(null),
  retain_days: positiveInt().default(7),
});

/** A client token: exactly one of `token` (the secret itself) or `token_env` (the env var holding it). */
const clientTokenSchema = z
  .object({
    name: z.string({ error: 'expected a name' }).regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'expected a name of letters, digits, . _ - (at most 64)' }),
    token: z.string({ error: 'expected the token text' }).min(16, { error: 'expected a token of at least 16 characters' }).optional(),
    token_env: z.string({ error: 'expected an environment variable name' }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' }).optional(),
    rpm: positiveInt().optional(),
    daily_requests: positiveInt().optional(),
    daily_tokens: positiveInt().optional(),
    models: z.array(z.string({ error: 'expected a model name' })).optional(),
  })
  .strict()
  .refine((entry) => (entry.token === undefined) !== (entry.token_env === undefined), { error: 'expected exactly one of token or token_env' });

const authSchema = section({
  tokens: z.preprocess((value) => (value === null ? undefined : value), z.array(clientTokenSchema).default([])),
  // Without tokens, a non-loopback host refuses to start unless this is true.
  allow_anonymous: z.boolean().default(false),
});

const modelsSchema = section({
  // Pool-wide: when non-empty, only these models may be used (and listed).
  allow: z.preprocess((value) => (value === null ? undefined : value), z.array(z.string()).default([])),
  // Pool-wide: these models may never be used (and are not listed).
  deny: z.preprocess((value) => (value === null ? undefined : value), z.array(z.string()).default([])),
});

const limitsSchema = section({
  max_body_bytes: positiveInt().default(20 * 1024 * 1024),
  // Slow clients are cut off: all request headers within this time...
  header_timeout_ms: positiveInt().default(10_000),
  // ...and the whole request (headers and body) within this time.
  body_timeout_ms: positiveInt().default(60_000),
});

const metricsSchema = section({
  enabled: z.boolean().default(true),
  // When set, GET /metrics needs "Authorization: Bearer <token>".
  token: z.string().min(16, { error: 'expected a token of at least 16 characters' }).nullable().default(null),
  token_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' }).nullable().default(null),
});

const stateSchema = section({
  // At most one state-file write per this many milliseconds (writes are coalesced).
  flush_ms: positiveInt().default(1_000),
  // History of keys gone from keys.txt for longer than this is pruned.
  forget_after_days: positiveInt().default(30),
});

const watchSchema = section({
  enabled: z.boolean().default(true),
  // Polling, for bind mounts and network filesystems where file events do not arrive.
  poll: z.boolean().default(false),
  poll_interval_ms: positiveInt().default(1_000),
});

const shutdownSchema = section({
  // How long in-flight requests and streams may run after SIGTERM / SIGINT.
  grace_ms: intOption(0).default(30_000),
});

const adminSchema = section({
  // The HTTP admin API (/admin/...) is on only when a token is set (inline or through an env var).
  token: z.string().min(16, { error: 'expected a token of at least 16 characters' }).nullable().default(null),
  token_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' }).nullable().default(null),
  // Serve everything over TLS with this certificate and key (PEM files).
  tls_cert: nonEmptyString('a file path').nullable().default(null),
  tls_key: nonEmptyString('a file path').nullable().default(null),
  // TLS is terminated in front of the daemon (a container platform's HTTPS ingress).
  behind_tls_proxy: z.boolean().default(false),
});

export const configSchema = z
  .object({
    host: nonEmptyString('a host name or IP address').default('127.0.0.1'),
    port: intOption(0, 65535).default(8080),
    keys_file: nonEmptyString('a file path').default('./keys.txt'),
    data_dir: nonEmptyString('a directory path').default('./data'),
    // null = <data_dir>/gemini-pool.sock
    control_socket: nonEmptyString('a socket path').nullable().default(null),
    upstream: upstreamSchema,
    pool: poolSchema,
    retry: retrySchema,
    recheck: recheckSchema,
    openai: openaiSchema,
    log: logSchema,
    state: stateSchema,
    watch: watchSchema,
    shutdown: shutdownSchema,
    auth: authSchema,
    models: modelsSchema,
    limits: limitsSchema,
    metrics: metricsSchema,
    admin: adminSchema,
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

/** A fully defaulted Config; a fresh object each call so callers may mutate it. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
