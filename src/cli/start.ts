import { join } from 'node:path';
import { loadKeys } from '../daemon/config/keysFile.js';
import { loadConfig, type ConfigOverrides } from '../daemon/config/loadConfig.js';
import { createDaemonLogger } from '../daemon/log.js';
import { startDaemon, type RunningDaemon } from '../daemon/run.js';
import { SocketControlClient } from '../protocol/client.js';
import { reportError } from './exit.js';

export interface StartArgs extends ConfigOverrides {
  /** Run the dashboard in this terminal too; the log then goes to a file. */
  dashboard?: boolean;
}

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
  const logFile = config.log.file ?? (args.dashboard ? join(config.data_dir, 'gemini-pool.log') : null);
  const logging = await createDaemonLogger({ level: config.log.level, format: config.log.format, file: logFile, retainDays: config.log.retain_days, console: !args.dashboard });
  const { log } = logging;
  for (const problem of keys.problems) log.warn({ source: problem.source }, problem.message);
  let daemon: RunningDaemon;
  try {
    daemon = await startDaemon({ config, keys: keys.keys, log, sources: { configPath, overrides: args, env: process.env, cwd: process.cwd() } });
  } catch (error) {
    await logging.close();
    return reportError(error);
  }
  process.on('SIGHUP', () => {
    daemon.reloader?.reloadConfig();
    daemon.reloader?.reloadKeys();
  });
  // Signals are handled before "listening" is said: a supervisor may stop us right after it.
  const shutdown = onSignals(daemon, log);
  log.info({ url: daemon.url, keys: keys.keys.length, config: configPath ?? '(defaults)', upstream: config.upstream.base_url, logFile }, 'gemini-pool listening');
  const code = args.dashboard ? await runWithDashboard(daemon, shutdown) : await shutdown.stopped;
  await logging.close();
  return code;
}

/** Daemon and dashboard in one terminal: quitting the dashboard stops the daemon. */
async function runWithDashboard(daemon: RunningDaemon, shutdown: Shutdown): Promise<number> {
  const client = new SocketControlClient(daemon.socketPath, { reconnect: true });
  await client.connect();
  const { attachDashboard } = await import('./dashboard.js');
  await Promise.race([attachDashboard(client), shutdown.stopped]);
  // Quitting the dashboard stops the daemon as a signal would (a no-op when a signal already did).
  shutdown.stop('SIGTERM');
  return shutdown.stopped;
}

/**
 * Runs until SIGINT/SIGTERM, then drains in-flight requests (up to
 * shutdown.grace_ms), saves state and resolves 0. A second signal exits at once.
 */
export function waitForSignal(daemon: RunningDaemon, log: ShutdownLog): Promise<number> {
  return onSignals(daemon, log).stopped;
}

type ShutdownLog = { info: (o: object, m: string) => void; flush: () => void };

interface Shutdown {
  stopped: Promise<number>;
  stop: (signal: NodeJS.Signals) => void;
}

function onSignals(daemon: RunningDaemon, log: ShutdownLog): Shutdown {
  let stopping = false;
  let resolveStopped: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceMs: daemon.config().shutdown.grace_ms }, 'shutting down: finishing in-flight requests');
    void daemon.close().then(() => {
      log.info({}, 'stopped');
      log.flush();
      resolveStopped(0);
    });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.info({ signal }, 'second signal: exiting now');
      log.flush();
      process.exit(1);
    }
    stop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { stopped, stop };
}
