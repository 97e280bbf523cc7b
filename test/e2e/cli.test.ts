import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startFakeGemini, type FakeGemini } from '../../src/fake/fakeGemini.js';
import { runCli, tempDir } from '../helpers/harness.js';

/** The built CLI as users run it: exit codes, and one clear line instead of a stack trace. */
const noStackTrace = (text: string) => assert.ok(!/\n\s+at .+:\d+:\d+/.test(text), `stack trace in:\n${text}`);

describe('gemini-pool CLI', () => {
  test('the built entry is executable, so npx gemini-pool runs it', () => {
    assert.ok((statSync(join(process.cwd(), 'dist/cli/main.js')).mode & 0o111) !== 0);
  });

  test('--help lists the commands and exits 0', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /start/);
    assert.match(result.stdout, /demo/);
  });

  test('an unknown command is a usage error (exit 2)', async () => {
    const result = await runCli(['frobnicate']);
    assert.equal(result.code, 2);
    noStackTrace(result.stderr);
  });

  test('start with no keys.txt says how to create one and exits 1', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const result = await runCli(['start'], { cwd: dir });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /keys\.txt/);
      assert.match(result.stderr, /cp keys\.txt\.example keys\.txt/);
      noStackTrace(result.stderr);
    } finally {
      cleanup();
    }
  });

  test('a bad config names the file and option and exits 1', async () => {
    const { dir, cleanup } = tempDir({ 'bad.yaml': 'pool:\n  strategy: random\nretry:\n  max_attempts: 0\n', 'keys.txt': 'AIzaTEST-good-cli-0001\n' });
    try {
      const result = await runCli(['start', '--config', 'bad.yaml'], { cwd: dir });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /bad\.yaml: pool\.strategy: expected one of/);
      assert.match(result.stderr, /bad\.yaml: retry\.max_attempts: expected an integer/);
      noStackTrace(result.stderr);
    } finally {
      cleanup();
    }
  });

  test('a bad --port is refused with exit 1', async () => {
    const result = await runCli(['start', '--port', 'eighty']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--port/);
  });
});

describe('gemini-pool start', () => {
  let fake: FakeGemini;
  const { dir, cleanup } = tempDir({
    'keys.txt': ['# my keys', 'AIzaTEST-good-cli-0001 # laptop', 'AIza broken line', 'AIzaTEST-good-cli-0001', 'AIzaTEST-good-cli-0002 # team project=acme', ''].join('\n'),
  });
  after(async () => {
    cleanup();
    await fake?.close();
  });

  test('skips malformed and duplicate lines with their line numbers, serves, and stops on SIGTERM', async () => {
    fake = await startFakeGemini({ port: 0 });
    const child = spawn(process.execPath, [join(process.cwd(), 'dist/cli/main.js'), 'start', '--port', '0', '--upstream', fake.url], {
      cwd: dir,
      env: { ...process.env, GEMINI_API_KEYS: '' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in:\n${stdout}`)), 10_000);
      child.stdout.on('data', () => {
        const match = /"url":"(http:[^"]+)"/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    const response = await fetch(`${url}/v1beta/models/gemini-2.5-flash:generateContent`, { method: 'POST', body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }) });
    assert.equal(response.status, 200);
    const exitCode = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.kill('SIGTERM');
    });
    assert.equal(exitCode, 0);
    assert.match(stdout, /keys\.txt:3: not a key/);
    assert.match(stdout, /keys\.txt:4: duplicate of the key on line 2/);
    assert.match(stdout, /"keys":2/);
    assert.ok(!stdout.includes('AIzaTEST-good-cli-0001'), 'no full key in the log');
  });
});
