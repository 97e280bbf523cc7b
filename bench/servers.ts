import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ChildStats } from './childStats.js';
import { sleep } from './stats.js';

/**
 * The processes under test, each a child of the bench so that its CPU, RSS
 * and event loop are its own:
 *   - the fake Gemini upstream (forked, reports itself over IPC),
 *   - the naive proxy (forked, reports itself over IPC),
 *   - gemini-pool itself, run exactly as users run it: `node dist/cli/main.js
 *     start` (spawned; it cannot report, so its figures come from /proc).
 * Every child is tracked in `children` so a finally / SIGINT / exit handler
 * can end them all.
 */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const CLOCK_TICKS_PER_S = 100; // USER_HZ: 100 on every Linux the bench targets (getconf CLK_TCK)

const children = new Set<ChildProcess>();

/** Only loopback, never a proxy, no pool token or keys from the user's shell. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(GEMINI_|HTTPS?_PROXY$|ALL_PROXY$|NO_PROXY$)/i.test(name)) continue;
    env[name] = value;
  }
  return env;
}

export interface Target {
  /** Short name used in progress lines. */
  name: string;
  url: string;
  pid: number;
  /** CPU time (user + system) the process has used so far, microseconds. */
  cpuMicros(): Promise<number>;
}

export interface ForkedServer extends Target {
  stats(): Promise<ChildStats>;
  stop(): Promise<void>;
}

/**
 * The naive proxy must run as plain JavaScript: under tsx, its module hooks run
 * on an extra loader thread that would add tens of MB to the reference's RSS.
 * TypeScript (a dev dependency) strips the types into bench/.out/ (gitignored;
 * there, `undici` resolves from the project's node_modules).
 */
function plainJs(script: string, imports: string[]): string {
  const out = join(ROOT, 'bench/.out');
  mkdirSync(out, { recursive: true });
  for (const file of [script, ...imports]) {
    const source = readFileSync(join(ROOT, 'bench', file), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
  return join(out, script.replace(/\.ts$/, '.js'));
}

async function forkServer(name: string, modulePath: string, args: string[], execArgv: string[]): Promise<ForkedServer> {
  const child = fork(modulePath, args, {
    cwd: ROOT,
    env: cleanEnv(),
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 20 s`)), 20_000);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
    child.on('message', (message: ChildMessage) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message.port);
    });
  });
  let nextId = 1;
  const stats = () =>
    new Promise<ChildStats>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`${name} did not answer a stats request`)), 5_000);
      const onMessage = (message: ChildMessage) => {
        if (message.type !== 'stats' || message.id !== id) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message.stats);
      };
      child.on('message', onMessage);
      child.send({ type: 'stats', id });
    });
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    stats,
    cpuMicros: async () => (await stats()).cpuMicros,
    stop: () => stopChild(child),
  };
}

/** The fake imports the project's TypeScript sources, so it runs under tsx (it is the floor, not a reference). */
export function startFake(): Promise<ForkedServer> {
  return forkServer('fake', join(ROOT, 'bench/fakeServer.ts'), [], ['--import', 'tsx']);
}

export function startNaiveProxy(upstream: string, key: string): Promise<ForkedServer> {
  return forkServer('naive', plainJs('naiveProxy.ts', ['childStats.ts']), [upstream, key], []);
}

/** utime + stime of any process, from /proc/<pid>/stat (Linux), microseconds. */
export function procCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, utime 14, stime 15 (man 5 proc).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / CLOCK_TICKS_PER_S;
}

/** VmRSS / VmHWM (peak) of a process, bytes. */
export function procMemory(pid: number): { rssBytes: number; peakBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssBytes: kb('VmRSS') * 1024, peakBytes: kb('VmHWM') * 1024 };
}

/**
 * TcpExt ListenOverflows (system-wide): a listen queue that overflowed drops the
 * SYN and the client retries after 1 s, which shows as a 1 s outlier.
 */
export function listenOverflows(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const at = lines.findIndex((line) => line.startsWith('TcpExt:'));
    const names = lines[at].split(' ');
    const values = lines[at + 1].split(' ');
    return Number(values[names.indexOf('ListenOverflows')]);
  } catch {
    return Number.NaN;
  }
}

/** A free loopback port, so the daemon's URL is known before it starts and /health can be polled from t=0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** One GET, status code or undefined when nothing listens yet. */
export function httpGet(url: string, timeoutMs = 2_000): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

export interface DaemonOptions {
  name: string;
  dir: string;
  upstream: string;
  keys: string[];
  logLevel: 'info' | 'warn';
}

export interface Daemon extends Target {
  dataDir: string;
  /** ms from spawn to the first 200 on /health. */
  startupMs: number;
  stop(): Promise<void>;
}

/**
 * `gemini-pool start` from the build, on a port chosen beforehand. Its log (JSON
 * lines: stdout is not a terminal) goes to a file, as under a service manager,
 * so the bench process does not spend CPU reading it.
 */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  // Each daemon gets its own directory for keys, config and data, and its log goes
  // elsewhere: the daemon watches the directory of keys.txt / the config, and a
  // busy file next to them (a log, another daemon's state) makes the watcher
  // rescan that directory on every write, which would be measured as request cost.
  const home = join(options.dir, options.name);
  const logDir = join(options.dir, 'logs');
  mkdirSync(home, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const { name } = options;
  const keysFile = join(home, 'keys.txt');
  const configFile = join(home, 'gemini-pool.yaml');
  const dataDir = join(home, 'data');
  const logFile = join(logDir, `${name}.log`);
  writeFileSync(keysFile, options.keys.join('\n') + '\n');
  writeFileSync(
    configFile,
    [
      `log:`,
      `  level: ${options.logLevel}`,
      // The default (256 sockets per origin) would queue streams 257..1000 of the
      // open-streams scenario upstream; the naive proxy gets the same 1024.
      `upstream:`,
      `  connections: 1024`,
      // Only bounds the teardown; nothing is in flight when the bench stops a daemon.
      `shutdown:`,
      `  grace_ms: 2000`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFd = openSync(logFile, 'a');
  const startedAt = performance.now();
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--port', String(port), '--upstream', options.upstream, '--config', configFile, '--keys', keysFile, '--data-dir', dataDir],
    { cwd: home, env: cleanEnv(), stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  children.add(child);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    children.delete(child);
  });
  const pid = child.pid ?? 0;
  for (;;) {
    if (exited) throw new Error(`${name} exited before serving /health; see ${logFile}`);
    if (performance.now() - startedAt > 30_000) {
      await stopChild(child);
      throw new Error(`${name} did not answer /health within 30 s`);
    }
    const answer = await httpGet(`${url}/health`, 1_000);
    if (answer?.status === 200) break;
    await sleep(2);
  }
  const startupMs = performance.now() - startedAt;
  return { name, url, pid, dataDir, startupMs, cpuMicros: async () => procCpuMicros(pid), stop: () => stopChild(child) };
}

/** Wall time of `gemini-pool status --data-dir <dir>` against a running daemon, ms. */
export async function timeStatusCommand(dataDir: string, cwd: string): Promise<number> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [CLI, 'status', '--data-dir', dataDir], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  // Read and dropped: the table is printed to a pipe, as when a script captures it.
  child.stdout.resume();
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  children.delete(child);
  if (code !== 0) throw new Error(`gemini-pool status exited ${code}: ${output.slice(0, 500)}`);
  return performance.now() - startedAt;
}

/** Wall time of a bare `node -e 0`: the floor under any Node CLI on this machine, ms. */
export async function timeBareNode(): Promise<number> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  children.add(child);
  await new Promise((resolve) => child.once('exit', resolve));
  children.delete(child);
  return performance.now() - startedAt;
}

/** `gemini-pool keys reset --all`: puts the bad keys found by a run back in rotation. */
export async function resetAllKeys(dataDir: string, cwd: string): Promise<void> {
  const child = spawn(process.execPath, [CLI, 'keys', 'reset', '--all', '--data-dir', dataDir], { cwd, env: cleanEnv(), stdio: 'ignore' });
  children.add(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  children.delete(child);
  if (code !== 0) throw new Error(`gemini-pool keys reset --all exited ${code}`);
}

/** SIGTERM (the daemon drains and saves), SIGKILL after 5 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Ends every child still running (finally / SIGINT). */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => stopChild(child)));
}

/** Last resort on process exit: synchronous, so it also runs after an uncaught error. */
export function killAllNow(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
