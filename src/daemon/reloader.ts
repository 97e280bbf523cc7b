import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Logger } from 'pino';
import { loadKeys } from './config/keysFile.js';
import { applyOverrides, parseConfigText, type ConfigOverrides } from './config/loadConfig.js';
import type { Config } from './config/schema.js';
import { PoolError } from './errors.js';
import type { KeyPool } from './pool/keyPool.js';

/**
 * Re-reads keys.txt and the config file (on a file event, SIGHUP, or a
 * control-socket call). A bad edit never takes effect: a config that does not
 * validate is rejected with one log line and the previous one stays; a keys
 * file that is briefly empty or missing keeps the last good set of keys.
 */
export interface ConfigSources {
  configPath: string | null;
  overrides: ConfigOverrides;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type ReloadResult = { ok: true; message: string } | { ok: false; message: string };

export interface ReloaderDeps {
  sources: ConfigSources;
  pool: KeyPool;
  currentConfig: () => Config;
  /** Puts a validated config in force; returns notes on settings that need a restart. */
  applyConfig: (config: Config) => string[];
  log: Logger;
}

export class Reloader {
  constructor(private readonly deps: ReloaderDeps) {}

  reloadKeys(): ReloadResult {
    const { pool, log } = this.deps;
    const keysFile = this.deps.currentConfig().keys_file;
    let parsed;
    try {
      parsed = loadKeys(keysFile, this.deps.sources.env);
    } catch (error) {
      const reason = error instanceof PoolError ? error.code : 'unreadable';
      const message = `keys file ${reason === 'KEYS_MISSING' ? 'is missing' : reason === 'KEYS_EMPTY' ? 'has no keys' : 'cannot be read'}: keeping the last good set of ${pool.totals().total} keys`;
      log.warn({ file: keysFile }, message);
      return { ok: false, message };
    }
    for (const problem of parsed.problems) log.warn({ source: problem.source }, problem.message);
    const change = pool.setKeys(parsed.keys);
    const message = `keys reloaded: ${change.added} added, ${change.removed} removed, ${change.kept} kept`;
    log.info(change, message);
    return { ok: true, message };
  }

  reloadConfig(): ReloadResult {
    const { sources, log } = this.deps;
    if (!sources.configPath) return { ok: false, message: 'no config file in use: nothing to reload' };
    const name = relative(sources.cwd, sources.configPath) || sources.configPath;
    let config: Config;
    try {
      const text = readFileSync(sources.configPath, 'utf8');
      config = applyOverrides(parseConfigText(text, name), sources.overrides, sources.env, sources.cwd);
    } catch (error) {
      const problem = error instanceof PoolError ? error.message : `${name}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
      log.error({ problem }, 'config reload rejected; the previous config stays in force');
      return { ok: false, message: problem };
    }
    let notes: string[];
    try {
      notes = this.deps.applyConfig(config);
    } catch (error) {
      if (!(error instanceof PoolError)) throw error;
      log.error({ problem: error.message }, 'config reload rejected; the previous config stays in force');
      return { ok: false, message: error.message };
    }
    for (const note of notes) log.warn(note);
    log.info({ file: name }, 'config reloaded');
    return { ok: true, message: notes.length > 0 ? `config reloaded; ${notes.join('; ')}` : 'config reloaded' };
  }
}

/** Options that are read once at start-up: a change is noted, not applied. */
export function restartOnlyChanges(before: Config, after: Config): string[] {
  const fields: Array<[string, (config: Config) => unknown]> = [
    ['host', (config) => config.host],
    ['port', (config) => config.port],
    ['keys_file', (config) => config.keys_file],
    ['data_dir', (config) => config.data_dir],
    ['upstream', (config) => JSON.stringify(config.upstream)],
    ['watch', (config) => JSON.stringify(config.watch)],
    ['state.flush_ms', (config) => config.state.flush_ms],
    ['limits timeouts', (config) => `${config.limits.header_timeout_ms}/${config.limits.body_timeout_ms}`],
    ['metrics', (config) => JSON.stringify(config.metrics)],
    ['admin', (config) => JSON.stringify(config.admin)],
  ];
  return fields
    .filter(([, read]) => read(before) !== read(after))
    .map(([name]) => `${name} changed: takes effect after a restart`);
}
