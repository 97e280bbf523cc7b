import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { configSchema, defaultConfig, type Config } from './schema.js';
import { describeIssues, formatPath } from './formatIssues.js';
import { checkConfigText, type ConfigCheck } from './parseConfigText.js';

export { parseConfigText } from './parseConfigText.js';
export { formatZodIssues } from './formatIssues.js';

/**
 * Where the configuration comes from, strongest first:
 *   CLI flag > GEMINI_POOL_* env var > config file > schema default.
 * Only the common knobs have flags and env vars; everything else is file-only.
 */

/** What the CLI passes in. `port` may be the raw flag text so "--port abc" can be reported as such. */
export interface ConfigOverrides {
  configPath?: string;
  keysFile?: string;
  host?: string;
  port?: number | string;
  upstream?: string;
  dataDir?: string;
  socket?: string;
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read, null when none (all defaults). */
  configPath: string | null;
}

export const DEFAULT_CONFIG_FILE = path.join('config', 'gemini-pool.yaml');

/** Reads, validates and merges all sources; throws ConfigError listing every problem. */
export function loadConfig(
  overrides: ConfigOverrides,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): LoadedConfig {
  const file = readConfigFile(overrides, env, cwd);
  const checked: ConfigCheck = file ? checkConfigText(file.text, displayName(file.path, cwd)) : { ok: true, config: defaultConfig() };
  // Validate the overrides even when the file is broken, so one run shows every problem.
  const merged = mergeOverrides(checked.ok ? checked.config : defaultConfig(), overrides, env, cwd);
  const problems = [...(checked.ok ? [] : checked.problems), ...(merged.ok ? [] : merged.problems)];
  if (!checked.ok || !merged.ok) throw new ConfigError(problems.join('\n'));
  return { config: merged.config, configPath: file ? file.path : null };
}

/**
 * Applies flags, env vars and the proxy env fallback to an already parsed
 * file Config and resolves relative paths against `cwd`. Exported for hot
 * reload: parseConfigText + applyOverrides gives what loadConfig gives.
 */
export function applyOverrides(
  fileConfig: Config,
  overrides: ConfigOverrides,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Config {
  const merged = mergeOverrides(fileConfig, overrides, env, cwd);
  if (!merged.ok) throw new ConfigError(merged.problems.join('\n'));
  return merged.config;
}

interface Knob {
  path: readonly [string] | readonly [string, string];
  flag: string;
  envVar: string;
  pick: (overrides: ConfigOverrides) => unknown;
  numeric?: boolean;
}

// Flag names are what the CLI is expected to expose; they only label errors here.
const KNOBS: readonly Knob[] = [
  { path: ['keys_file'], flag: '--keys', envVar: 'GEMINI_POOL_KEYS', pick: (o) => o.keysFile },
  { path: ['host'], flag: '--host', envVar: 'GEMINI_POOL_HOST', pick: (o) => o.host },
  { path: ['port'], flag: '--port', envVar: 'GEMINI_POOL_PORT', pick: (o) => o.port, numeric: true },
  { path: ['upstream', 'base_url'], flag: '--upstream', envVar: 'GEMINI_POOL_UPSTREAM', pick: (o) => o.upstream },
  { path: ['data_dir'], flag: '--data-dir', envVar: 'GEMINI_POOL_DATA_DIR', pick: (o) => o.dataDir },
  { path: ['control_socket'], flag: '--socket', envVar: 'GEMINI_POOL_SOCKET', pick: (o) => o.socket },
];

// The conventional order: HTTPS first because the upstream is HTTPS.
const PROXY_ENV_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;

type Merged = { ok: true; config: Config } | { ok: false; problems: string[] };

function mergeOverrides(base: Config, overrides: ConfigOverrides, env: NodeJS.ProcessEnv, cwd: string): Merged {
  const draft = structuredClone(base) as unknown as Record<string, Record<string, unknown>>;
  const sourceOf = new Map<string, string>();
  const set = (optionPath: readonly string[], value: unknown, source: string) => {
    const target = optionPath.length === 1 ? (draft as Record<string, unknown>) : draft[optionPath[0]];
    target[optionPath[optionPath.length - 1]] = value;
    sourceOf.set(optionPath.join('.'), source);
  };

  for (const knob of KNOBS) {
    const flagValue = knob.pick(overrides);
    const envValue = nonEmpty(env[knob.envVar]);
    const typed = (value: unknown) => (knob.numeric && typeof value === 'string' ? integerOrText(value.trim()) : value);
    if (flagValue !== undefined) set(knob.path, typed(flagValue), knob.flag);
    else if (envValue !== undefined) set(knob.path, typed(envValue), knob.envVar);
  }

  if (base.upstream.proxy === null) {
    const name = PROXY_ENV_VARS.find((candidate) => nonEmpty(env[candidate]) !== undefined);
    // curl and friends accept "proxy.corp:3128" without a scheme; so do we.
    if (name) set(['upstream', 'proxy'], withScheme(nonEmpty(env[name])!), name);
  }

  const result = configSchema.safeParse(draft, { reportInput: true });
  if (!result.success) {
    const problems = describeIssues(result.error).map(
      (issue) => `${sourceOf.get(issue.path.join('.')) ?? formatPath(issue.path)}: ${issue.text}`,
    );
    return { ok: false, problems: [...new Set(problems)] };
  }
  const config = result.data;
  // Relative to where the daemon was started, as documented in gemini-pool.yaml.
  config.keys_file = resolvePath(config.keys_file, cwd);
  config.data_dir = resolvePath(config.data_dir, cwd);
  if (config.control_socket) config.control_socket = resolvePath(config.control_socket, cwd);
  return { ok: true, config };
}

interface ConfigFile {
  path: string;
  text: string;
}

/** --config, else GEMINI_POOL_CONFIG, else config/gemini-pool.yaml if present, else none. */
function readConfigFile(overrides: ConfigOverrides, env: NodeJS.ProcessEnv, cwd: string): ConfigFile | null {
  const envPath = nonEmpty(env.GEMINI_POOL_CONFIG);
  let named: { given: string; source: string } | null = null;
  if (overrides.configPath !== undefined) named = { given: overrides.configPath, source: '--config' };
  else if (envPath !== undefined) named = { given: envPath, source: 'GEMINI_POOL_CONFIG' };
  const filePath = resolvePath(named ? named.given : DEFAULT_CONFIG_FILE, cwd);
  try {
    return { path: filePath, text: readFileSync(filePath, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No file at the default location simply means "all defaults".
    if (code === 'ENOENT' && !named) return null;
    if (code === 'ENOENT') throw new ConfigError(`config file not found: ${filePath} (named by ${named!.source})`);
    const why =
      code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : String(code ?? error);
    throw new ConfigError(`cannot read config file ${filePath}: ${why}`);
  }
}

/** Relative to cwd; "~/" means the home directory, as it would in a shell. */
function resolvePath(given: string, cwd: string): string {
  if (given === '~' || given.startsWith('~/')) return path.join(homedir(), given.slice(1));
  return path.resolve(cwd, given);
}

/** How a file is named in messages: relative when under cwd, which is shorter and what the user typed. */
function displayName(filePath: string, cwd: string): string {
  const relative = path.relative(cwd, filePath);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : filePath;
}

/** Empty env vars count as unset (docker-compose and shells produce them easily). */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** "8080" -> 8080; anything else stays text so the error can quote it. */
function integerOrText(value: string): number | string {
  return /^[+-]?\d+$/.test(value) ? Number(value) : value;
}

function withScheme(proxy: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}
