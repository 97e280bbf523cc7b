import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { defaultConfig, type Config } from '../../src/daemon/config/schema.js';
import { createLogger } from '../../src/daemon/log.js';
import type { KeyInput } from '../../src/daemon/pool/keyPool.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/run.js';
import { startFakeGemini, type FakeGemini } from '../../src/fake/fakeGemini.js';

/**
 * Starts the fake Gemini and the real daemon on real loopback sockets (port 0),
 * in-process so a test can inject the clock and read the daemon's log lines.
 */
export interface Harness {
  fake: FakeGemini;
  daemon: RunningDaemon;
  url: string;
  /** Every log line the daemon wrote, as text. */
  logText(): string;
  clock: { now: number; real: boolean };
  close(): Promise<void>;
}

export interface HarnessOptions {
  keys: Array<string | KeyInput>;
  configure?: (config: Config) => void;
  fakeClock?: number;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const fake = await startFakeGemini({ port: 0, slowMs: 1_000 });
  const config = defaultConfig();
  config.port = 0;
  config.upstream.base_url = fake.url;
  config.recheck.interval_ms = 0;
  config.retry.max_wait_ms = 0;
  config.log.level = 'info';
  config.shutdown.grace_ms = 2_000;
  const dataDir = tempDir();
  config.data_dir = dataDir.dir;
  options.configure?.(config);
  const logStream = new PassThrough();
  const lines: string[] = [];
  logStream.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
  const clock = { now: options.fakeClock ?? 0, real: options.fakeClock === undefined };
  const daemon = await startDaemon({
    config,
    keys: options.keys.map((key) => (typeof key === 'string' ? { secret: key } : key)),
    log: createLogger(config.log.level, 'json', logStream),
    clock: () => (clock.real ? Date.now() : clock.now),
  });
  return {
    fake,
    daemon,
    url: daemon.url,
    logText: () => lines.join(''),
    clock,
    close: async () => {
      await daemon.close();
      await fake.close();
      dataDir.cleanup();
    },
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: any; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

export const userText = (text: string) => ({ contents: [{ role: 'user', parts: [{ text }] }] });

/** Runs the built CLI (dist/, as users run it) and collects its output. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(process.cwd(), 'dist/cli/main.js'), ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, GEMINI_API_KEYS: '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function tempDir(files: Record<string, string> = {}): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gemini-pool-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
