import { loadKeys } from '../daemon/config/keysFile.js';
import { loadConfig, type ConfigOverrides } from '../daemon/config/loadConfig.js';
import type { Config } from '../daemon/config/schema.js';
import { createLogger } from '../daemon/log.js';
import { startDaemon, type RunningDaemon } from '../daemon/run.js';
import { reportError } from './exit.js';

export type StartArgs = ConfigOverrides;

/** `gemini-pool start`: load config and keys, run until a signal. Resolves with the exit code. */
export async function runStart(args: StartArgs): Promise<number> {
  let config: Config;
  let configPath: string | null;
  let keys;
  try {
    ({ config, configPath } = loadConfig(args));
    keys = loadKeys(config.keys_file);
  } catch (error) {
    return reportError(error);
  }
  const log = createLogger(config.log.level, config.log.format);
  for (const problem of keys.problems) log.warn({ source: problem.source }, problem.message);
  let daemon: RunningDaemon;
  try {
    daemon = await startDaemon({ config, keys: keys.keys, log });
  } catch (error) {
    return reportError(error);
  }
  log.info({ url: daemon.url, keys: keys.keys.length, config: configPath ?? '(defaults)', upstream: config.upstream.base_url }, 'gemini-pool listening');
  return waitForSignal(daemon, log);
}

/** Runs until SIGINT/SIGTERM; a second signal exits at once. */
export function waitForSignal(daemon: RunningDaemon, log: { info: (o: object, m: string) => void }): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(1);
      stopping = true;
      log.info({ signal }, 'shutting down');
      void daemon.close().then(() => resolve(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
