import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startFakeGemini } from '../../src/fake/fakeGemini.js';
import { startChildDaemon } from '../helpers/childDaemon.js';
import { runCli, tempDir } from '../helpers/harness.js';

/**
 * A whole scenario with sentinel keys and tokens: successes, every failure
 * class, streams, both surfaces, status, the dashboard's snapshot, the log
 * file, the state file and /metrics. No full key or token may appear anywhere.
 */
const salt = Math.random().toString(36).slice(2, 10);
const KEYS = ['good', 'invalid', 'leaked', 'suspended', 'blocked', 'quota-minute', 'quota-day', 'quota-bare', 'overloaded', 'empty', 'reset', 'midstream'].map(
  (kind) => `AIzaSENTINEL-${kind}-${salt}`,
);
const TOKEN = `sentinel-token-${salt}-0123456789`;
const METRICS_TOKEN = `sentinel-metrics-${salt}-0123456789`;
const work = tempDir({
  'keys.txt': KEYS.map((key, i) => `${key} # key ${i}`).join('\n'),
  'pool.yaml': [
    'auth:',
    '  tokens:',
    '    - name: sentinel-client',
    '      token_env: SENTINEL_TOKEN',
    'retry:',
    '  max_attempts: 12',
    'recheck:',
    '  interval_ms: 0',
    'state:',
    '  flush_ms: 100',
    'log:',
    '  file: logs/gemini-pool.log',
    'metrics:',
    '  token_env: SENTINEL_METRICS_TOKEN',
  ].join('\n'),
});
after(() => work.cleanup());

test('no key or token appears in any response, log, state file, status, snapshot or metric', async () => {
  const fake = await startFakeGemini({ port: 0 });
  const daemon = await startChildDaemon(['--config', 'pool.yaml', '--upstream', fake.url], {
    cwd: work.dir,
    env: { SENTINEL_TOKEN: TOKEN, SENTINEL_METRICS_TOKEN: METRICS_TOKEN },
  });
  const seen: string[] = [];
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${daemon.url}${path}`, init);
    seen.push(`${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
    return response.status;
  };
  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const generate = JSON.stringify({ contents: [{ parts: [{ text: 'hello' }] }] });
  const chat = (stream: boolean) => JSON.stringify({ model: 'gemini-2.5-flash', stream, messages: [{ role: 'user', content: 'hi' }] });
  try {
    for (let i = 0; i < KEYS.length + 2; i += 1) {
      await call('/v1beta/models/gemini-2.5-flash:generateContent', { method: 'POST', headers: auth, body: generate });
      await call('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse', { method: 'POST', headers: auth, body: generate });
      await call('/v1/chat/completions', { method: 'POST', headers: auth, body: chat(i % 2 === 0) });
    }
    await call('/v1beta/models', { headers: auth });
    await call('/v1/models', { headers: auth });
    await call('/v1/embeddings', { method: 'POST', headers: auth, body: JSON.stringify({ model: 'gemini-embedding-001', input: 'x' }) });
    await call('/v1beta/models/gemini-2.5-flash:generateContent', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}x` }, body: generate });
    await call('/v1beta/models/gemini-2.5-flash:generateContent', { method: 'POST', headers: auth, body: '{"contents": [], "stream": true}' });
    await call('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    await call('/health');
    const status = await runCli(['status'], { cwd: work.dir });
    const statusJson = await runCli(['status', '--json'], { cwd: work.dir });
    const check = await runCli(['keys', 'check'], { cwd: work.dir });
    seen.push(status.stdout, status.stderr, statusJson.stdout, check.stdout, check.stderr);
    assert.ok(JSON.parse(statusJson.stdout).totals.invalid >= 4, 'the scenario did hit dead keys');
  } finally {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
    await fake.close();
  }
  seen.push(daemon.output());
  const logs = readdirSync(join(work.dir, 'logs'));
  assert.ok(logs.length >= 1, 'the log file was written');
  for (const file of logs) seen.push(readFileSync(join(work.dir, 'logs', file), 'utf8'));
  seen.push(readFileSync(join(work.dir, 'data', 'state.json'), 'utf8'));
  const everything = seen.join('\n');
  assert.match(everything, /AIza…/, 'keys do appear, masked');
  assert.match(everything, /gemini_pool_requests_total/);
  for (const secret of [...KEYS, TOKEN, METRICS_TOKEN]) {
    assert.ok(!everything.includes(secret), `found ${secret.slice(0, 14)}… in the output`);
  }
});
