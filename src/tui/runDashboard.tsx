import { createRequire } from 'node:module';
import type { ControlClient } from '../protocol/client.js';

/**
 * Entry point of `gemini-pool dashboard` (loaded with a dynamic import, so the
 * daemon never loads React). The caller creates and connects the client; this
 * renders until the user quits (q, Ctrl-C), then closes the client.
 * Resolves with the exit code: 0 after a quit, 1 when there is no terminal.
 */
export interface DashboardOptions {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
}

const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';
/** Signals that end the dashboard like `q` does (Ctrl-C itself arrives as a key, in raw mode). */
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export async function runDashboard(client: ControlClient, options: DashboardOptions = {}): Promise<number> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  if (!stdin.isTTY) {
    client.close();
    process.stderr.write('gemini-pool dashboard: needs an interactive terminal (stdin is not a TTY); try: gemini-pool status\n');
    return 1;
  }
  prepareEnvironment(stdout);
  // Loaded only now, after prepareEnvironment: React and Ink read the environment once, when first
  // imported. That is also why this file has no JSX: it would import react/jsx-runtime up front.
  const { mountDashboard } = await import('./mountDashboard.js');

  // Full screen like htop/k9s: the shell's screen comes back as it was on quit,
  // and on any other way out of the process (a signal handler calling exit).
  const fullScreen = stdout.isTTY === true;
  const leaveFullScreen = () => {
    if (fullScreen) stdout.write(LEAVE_ALTERNATE_SCREEN);
  };
  if (fullScreen) stdout.write(ENTER_ALTERNATE_SCREEN);
  process.once('exit', leaveFullScreen);
  const app = mountDashboard(client, stdin, stdout);
  const stop = () => app.unmount();
  for (const signal of SIGNALS) process.once(signal, stop);
  try {
    await app.waitUntilExit();
    return 0;
  } finally {
    for (const signal of SIGNALS) process.off(signal, stop);
    client.close();
    process.off('exit', leaveFullScreen);
    leaveFullScreen();
  }
}

/**
 * Two process-wide settings, chosen before React and Ink load: React's
 * production build unless NODE_ENV says otherwise (the development build is
 * slower and meant for developing React code), and, on a real terminal, no
 * "CI" flag: Ink prints nothing until exit when it believes it runs in CI,
 * which would leave an interactive user (a container or CI debug shell with
 * CI=true) with a blank screen. The process is the dashboard's (or, with
 * `start --dashboard`, shared with a daemon that reads neither).
 */
function prepareEnvironment(stdout: NodeJS.WriteStream): void {
  // Never after React is loaded: a development React with a production reconciler renders nothing.
  if (!reactLoaded()) process.env.NODE_ENV ??= 'production';
  if (stdout.isTTY) {
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
  }
}

/** Whether some module already loaded React (CommonJS, so it shows in the require cache even when imported). */
function reactLoaded(): boolean {
  const { cache } = createRequire(import.meta.url);
  return Object.keys(cache).some((path) => /[\\/]node_modules[\\/](react|react-reconciler)[\\/]/.test(path));
}
