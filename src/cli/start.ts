import { loadKeys } from '../daemon/config/keysFile.js';
import { loadConfig, type ConfigOverrides } from '../daemon/config/loadConfig.js';
import { createLogger } from '../daemon/log.js';
import { startDaemon, type RunningDaemon } from '../daemon/run.js';
import { reportError } from './exit.js';

export type StartArgs = ConfigOverrides;

/** `gemini-pool start`: load config and keys, run until a signal. Resolves with the exit code. */
export async function runStart(args: StartArgs): Promise<number> {
  let loaded;
  let keys;
  try {
    loaded = loadConfig(args);
    keys = loadKeys(loaded.config.keys_file);
  } catch (error) {
    return reportError(error);
  }
  const { config, configPath } = loaded;
  const log = createLogger(config.log.level, config.log.format);
  for (const problem of keys.problems) log.warn({ source: problem.source }, problem.message);
  let daemon: RunningDaemon;
  try {
    daemon = await startDaemon({ config, keys: keys.keys, log, sources: { configPath, overrides: args, env: process.env, cwd: process.cwd() } });
  } catch (error) {
    log.flush();
    return reportError(error);
  }
  process.on('SIGHUP', () => {
    daemon.reloader?.reloadConfig();
    daemon.reloader?.reloadKeys();
  });
  log.info({ url: daemon.url, keys: keys.keys.length, config: configPath ?? '(defaults)', upstream: config.upstream.base_url }, 'gemini-pool listening');
  return waitForSignal(daemon, log);
}

/**
 * Runs until SIGINT/SIGTERM, then drains in-flight requests (up to
 * shutdown.grace_ms), saves state and resolves 0. A second signal exits at once.
 */
export function waitForSignal(daemon: RunningDaemon, log: { info: (o: object, m: string) => void; flush: () => void }): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.info({ signal }, 'second signal: exiting now');
        log.flush();
        process.exit(1);
      }
      stopping = true;
      log.info({ signal, graceMs: daemon.config().shutdown.grace_ms }, 'shutting down: finishing in-flight requests');
      void daemon.close().then(() => {
        log.info({}, 'stopped');
        log.flush();
        resolve(0);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
