import assert from 'node:assert/strict';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { loadKeys } from '../../src/daemon/config/keysFile.js';
import { loadConfig } from '../../src/daemon/config/loadConfig.js';
import { createLogger } from '../../src/daemon/log.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/run.js';
import { startFakeGemini } from '../../src/fake/fakeGemini.js';
import { startChildDaemon } from '../helpers/childDaemon.js';
import { postJson, tempDir, userText } from '../helpers/harness.js';

/** keys.txt and the config are edited while the daemon runs, as people do. */
const KEY = (n: number) => `AIzaTEST-good-key-${String(n).padStart(4, '0')}`;
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function watchedDaemon(files: { keys: string; config?: string }, env: NodeJS.ProcessEnv = {}) {
  const fake = await startFakeGemini({ port: 0 });
  const work = tempDir({ 'keys.txt': files.keys, 'pool.yaml': files.config ?? '' });
  const { config, configPath } = loadConfig({ configPath: 'pool.yaml', upstream: fake.url, port: 0 }, env, work.dir);
  config.recheck.interval_ms = 0;
  const lines = new PassThrough();
  let log = '';
  lines.on('data', (chunk) => (log += chunk));
  const daemon = await startDaemon({
    config,
    keys: loadKeys(config.keys_file, env).keys,
    log: createLogger('info', 'json', lines),
    sources: { configPath, overrides: { configPath: 'pool.yaml', upstream: fake.url, port: 0 }, env, cwd: work.dir },
  });
  cleanups.push(async () => {
    await daemon.close(500);
    await fake.close();
    work.cleanup();
  });
  return { daemon, fake, dir: work.dir, log: () => log };
}

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/** Sends requests back to back until stopped (bounded in count and time); every one must succeed. */
function steadyTraffic(daemon: RunningDaemon) {
  let stop = false;
  const statuses: number[] = [];
  const done = (async () => {
    const deadline = Date.now() + 8_000;
    while (!stop && statuses.length < 2_000 && Date.now() < deadline) {
      statuses.push((await postJson(`${daemon.url}/v1beta/models/gemini-2.5-flash:generateContent`, userText('x'))).status);
    }
  })();
  return {
    stop: async () => {
      stop = true;
      await done;
      return statuses;
    },
  };
}

describe('hot reload of keys.txt', () => {
  test('added keys serve, removed keys stop, kept keys keep their state, and no request fails', async () => {
    const { daemon, fake, dir } = await watchedDaemon({ keys: `${KEY(1)}\n${KEY(2)}\n` });
    const traffic = steadyTraffic(daemon);
    await sleep(150);
    writeFileSync(join(dir, 'keys.txt'), `${KEY(2)}\n${KEY(3)} # new one\n`);
    await until(() => fake.requests.some((request) => request.key === KEY(3)), 1_000);
    const seenAfterEdit = fake.requests.length;
    await sleep(200);
    const statuses = await traffic.stop();
    assert.ok(statuses.length > 5);
    assert.deepEqual([...new Set(statuses)], [200], 'no request failed because of the reload');
    assert.ok(!fake.requests.slice(seenAfterEdit + 2).some((request) => request.key === KEY(1)), 'the removed key takes no new requests');
    const kept = daemon.pool.snapshot().find((key) => key.masked.endsWith('0002'));
    assert.ok((kept?.lifetime.requests ?? 0) > 1, 'the kept key kept its counters');
    assert.equal(daemon.pool.totals().total, 2);
  });

  test('a keys file that is briefly empty or missing keeps the last good set', async () => {
    const { daemon, dir, log } = await watchedDaemon({ keys: `${KEY(1)}\n${KEY(2)}\n` });
    writeFileSync(join(dir, 'keys.txt'), '');
    await until(() => /keeping the last good set of 2 keys/.test(log()));
    assert.equal(daemon.pool.totals().total, 2);
    unlinkSync(join(dir, 'keys.txt'));
    await until(() => (log().match(/keeping the last good set/g) ?? []).length >= 2);
    assert.equal(daemon.pool.totals().total, 2);
    // An editor that saves by writing a temp file and renaming it over keys.txt.
    writeFileSync(join(dir, 'keys.txt.tmp'), `${KEY(1)}\n`);
    renameSync(join(dir, 'keys.txt.tmp'), join(dir, 'keys.txt'));
    await until(() => daemon.pool.totals().total === 1);
  });

  test('polling mode picks up edits where file events do not arrive', async () => {
    const { daemon, dir } = await watchedDaemon({ keys: `${KEY(1)}\n`, config: 'watch:\n  poll: true\n  poll_interval_ms: 100\n' });
    writeFileSync(join(dir, 'keys.txt'), `${KEY(1)}\n${KEY(2)}\n`);
    await until(() => daemon.pool.totals().total === 2);
  });
});

describe('hot reload of the config', () => {
  test('a valid edit takes effect; an invalid one is rejected with one log line and the old config stays', async () => {
    const { daemon, dir, log } = await watchedDaemon({ keys: `${KEY(1)}\n`, config: 'retry:\n  max_attempts: 4\n' });
    assert.equal(daemon.config().retry.max_attempts, 4);
    writeFileSync(join(dir, 'pool.yaml'), 'retry:\n  max_attempts: 2\n');
    await until(() => daemon.config().retry.max_attempts === 2);
    writeFileSync(join(dir, 'pool.yaml'), 'retry:\n  max_attempts: zero\n');
    await until(() => /config reload rejected/.test(log()));
    assert.equal((log().match(/config reload rejected/g) ?? []).length, 1);
    assert.match(log(), /pool\.yaml: retry\.max_attempts: expected an integer/);
    assert.equal(daemon.config().retry.max_attempts, 2);
  });

  test('options read at start-up are noted as needing a restart', async () => {
    const { daemon, dir, log } = await watchedDaemon({ keys: `${KEY(1)}\n` });
    const port = daemon.config().port;
    writeFileSync(join(dir, 'pool.yaml'), 'host: 0.0.0.0\n');
    await until(() => /host changed: takes effect after a restart/.test(log()));
    assert.equal(daemon.config().port, port);
  });
});

describe('signals', () => {
  test('SIGHUP reloads; SIGTERM lets an open stream finish, saves state and exits 0', async () => {
    const fake = await startFakeGemini({ port: 0 });
    const work = tempDir({ 'keys.txt': `${KEY(1)}\n`, 'pool.yaml': 'watch:\n  enabled: false\n' });
    cleanups.push(async () => {
      await fake.close();
      work.cleanup();
    });
    const daemon = await startChildDaemon(['--config', 'pool.yaml', '--upstream', fake.url], { cwd: work.dir });
    writeFileSync(join(work.dir, 'keys.txt'), `${KEY(1)}\n${KEY(2)}\n`);
    daemon.child.kill('SIGHUP');
    await daemon.waitForLog(/keys reloaded: 1 added/);

    const response = await fetch(`${daemon.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, { method: 'POST', body: JSON.stringify(userText('[[gate]] long story')) });
    const reader = response.body!.getReader();
    await reader.read();
    daemon.child.kill('SIGTERM');
    await daemon.waitForLog(/shutting down/);
    fake.releaseGate();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    assert.match(rest, /"finishReason": "STOP"/, 'the stream ran to its end');
    assert.equal(await daemon.exited, 0);
    assert.match(daemon.output(), /"msg":"stopped"/);
  });
});
