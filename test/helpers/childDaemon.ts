import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

/**
 * The built CLI's `start` as a child process (what users and Docker run), for
 * the tests that need signals: kill -9, SIGTERM, SIGHUP.
 */
export interface ChildDaemon {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export async function startChildDaemon(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ChildDaemon> {
  const child = spawn(process.execPath, [join(process.cwd(), 'dist/cli/main.js'), 'start', '--port', '0', ...args], {
    cwd: options.cwd,
    env: { ...process.env, GEMINI_API_KEYS: '', ...options.env },
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const waitForLog = (pattern: RegExp, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(output)) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no log line matching ${pattern} in:\n${output}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  await Promise.race([
    waitForLog(/gemini-pool listening/),
    exited.then((code) => {
      throw new Error(`the daemon exited (${code}) before listening:\n${output}`);
    }),
  ]);
  const url = /"url":"(http:[^"]+)"/.exec(output)?.[1];
  if (!url) throw new Error(`no url in:\n${output}`);
  return { child, url, output: () => output, exited, waitForLog };
}
