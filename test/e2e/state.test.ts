import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultConfig } from '../../src/daemon/config/schema.js';
import { createLogger } from '../../src/daemon/log.js';
import { startDaemon } from '../../src/daemon/run.js';
import { keyIdOf } from '../../src/daemon/secrets.js';
import { startFakeGemini, type FakeGemini } from '../../src/fake/fakeGemini.js';
import { startChildDaemon } from '../helpers/childDaemon.js';
import { postJson, tempDir, userText } from '../helpers/harness.js';
import { PassThrough } from 'node:stream';

/** Durable state: restart resumes it, kill -9 cannot break it, a bad file is moved aside. */
const GOOD = 'AIzaTEST-good-0001';
const DAILY = 'AIzaTEST-quota-day-0001';
const DEAD = 'AIzaTEST-invalid-0001';
const fakes: FakeGemini[] = [];
const dirs: Array<{ cleanup: () => void }> = [];
after(async () => {
  for (const fake of fakes) await fake.close();
  for (const dir of dirs) dir.cleanup();
});

async function fakeUpstream(): Promise<FakeGemini> {
  const fake = await startFakeGemini({ port: 0 });
  fakes.push(fake);
  return fake;
}

async function daemonIn(dataDir: string, upstream: string, keys: string[]) {
  const config = defaultConfig();
  Object.assign(config, { port: 0, data_dir: dataDir });
  config.upstream.base_url = upstream;
  config.recheck.interval_ms = 0;
  config.state.flush_ms = 50;
  const logLines = new PassThrough();
  let log = '';
  logLines.on('data', (chunk) => (log += chunk));
  const daemon = await startDaemon({ config, keys: keys.map((secret) => ({ secret })), log: createLogger('info', 'json', logLines) });
  return { daemon, log: () => log };
}

const generate = (url: string) => postJson(`${url}/v1beta/models/gemini-2.5-flash:generateContent`, userText('hi'));

describe('state file', () => {
  test('a restart resumes cooldowns, invalid marks and counters', async () => {
    const fake = await fakeUpstream();
    const data = tempDir();
    dirs.push(data);
    const first = await daemonIn(data.dir, fake.url, [GOOD, DAILY, DEAD]);
    for (let i = 0; i < 4; i += 1) assert.equal((await generate(first.daemon.url)).status, 200);
    const before = first.daemon.pool.snapshot();
    await first.daemon.close();
    const saved = readFileSync(join(data.dir, 'state.json'), 'utf8');
    for (const secret of [GOOD, DAILY, DEAD]) assert.ok(!saved.includes(secret), 'no key in the state file');

    fake.reset();
    const second = await daemonIn(data.dir, fake.url, [GOOD, DAILY, DEAD]);
    try {
      const after = second.daemon.pool.snapshot();
      const find = (snapshots: typeof after, secret: string) => snapshots.find((key) => key.id === keyIdOf(secret));
      assert.equal(find(after, DEAD)?.state, 'invalid');
      assert.deepEqual(find(after, DAILY)?.cooldowns, find(before, DAILY)?.cooldowns);
      assert.equal(find(after, DAILY)?.state, 'cooling');
      assert.deepEqual(find(after, GOOD)?.lifetime, find(before, GOOD)?.lifetime);
      assert.equal(find(after, GOOD)?.lifetime.successes, 4);
      for (let i = 0; i < 3; i += 1) assert.equal((await generate(second.daemon.url)).status, 200);
      assert.deepEqual([...new Set(fake.requests.map((request) => request.key))], [GOOD], 'cooled and dead keys stay out after the restart');
    } finally {
      await second.daemon.close();
    }
  });

  test('a removed key keeps its history and resumes it when added back', async () => {
    const fake = await fakeUpstream();
    const data = tempDir();
    dirs.push(data);
    const first = await daemonIn(data.dir, fake.url, [GOOD, 'AIzaTEST-good-0002']);
    for (let i = 0; i < 4; i += 1) await generate(first.daemon.url);
    first.daemon.pool.setKeys([{ secret: 'AIzaTEST-good-0002' }]);
    await first.daemon.close();
    const second = await daemonIn(data.dir, fake.url, ['AIzaTEST-good-0002']);
    second.daemon.pool.setKeys([{ secret: GOOD }, { secret: 'AIzaTEST-good-0002' }]);
    try {
      assert.equal(second.daemon.pool.snapshot().find((key) => key.id === keyIdOf(GOOD))?.lifetime.successes, 2);
    } finally {
      await second.daemon.close();
    }
  });

  for (const [name, content] of [
    ['not JSON', '{"version": 1, "keys": [ truncated'],
    ['empty', ''],
    ['the wrong shape', '{"version": 1, "savedAt": 1, "keys": [{"id": "nope"}]}'],
  ] as const) {
    test(`a state file that is ${name} is moved aside, kept, and the daemon starts`, async () => {
      const fake = await fakeUpstream();
      const data = tempDir({ 'state.json': content });
      dirs.push(data);
      const run = await daemonIn(data.dir, fake.url, [GOOD]);
      try {
        assert.equal((await generate(run.daemon.url)).status, 200);
        const aside = readdirSync(data.dir).filter((name) => name.startsWith('state.json.corrupt-'));
        assert.equal(aside.length, 1);
        assert.equal(readFileSync(join(data.dir, aside[0]), 'utf8'), content, 'the bad file is kept as it was');
        assert.match(run.log(), /moved aside/);
      } finally {
        await run.daemon.close();
      }
      assert.doesNotThrow(() => JSON.parse(readFileSync(join(data.dir, 'state.json'), 'utf8')));
    });
  }

  test('kill -9 during a burst leaves a state file that parses and is within one flush window of the truth', async () => {
    const fake = await fakeUpstream();
    const work = tempDir({ 'keys.txt': 'AIzaTEST-good-key-0001\nAIzaTEST-good-key-0002\n', 'pool.yaml': 'state:\n  flush_ms: 200\nrecheck:\n  interval_ms: 0\n' });
    dirs.push(work);
    const daemon = await startChildDaemon(['--config', 'pool.yaml', '--upstream', fake.url], { cwd: work.dir });
    const completedAt: number[] = [];
    const deadline = Date.now() + 1_500;
    for (let i = 0; i < 400 && Date.now() < deadline; i += 1) {
      const response = await generate(daemon.url);
      assert.equal(response.status, 200);
      completedAt.push(Date.now());
    }
    const killedAt = Date.now();
    daemon.child.kill('SIGKILL');
    await daemon.exited;
    const state = JSON.parse(readFileSync(join(work.dir, 'data', 'state.json'), 'utf8')) as { keys: Array<{ lifetime: { successes: number } }> };
    const saved = state.keys.reduce((sum, key) => sum + key.lifetime.successes, 0);
    const surelySaved = completedAt.filter((at) => at < killedAt - 2 * 200 - 100).length;
    assert.ok(saved <= completedAt.length, `saved ${saved} > ${completedAt.length} done`);
    assert.ok(saved >= surelySaved, `saved ${saved} < ${surelySaved} done more than a flush window before the kill`);
    assert.ok(!existsSync(join(work.dir, 'data', 'state.json.corrupt')), 'nothing moved aside');
  });
});

test('an unreadable state file path that cannot be fixed never gets overwritten', async () => {
  const fake = await fakeUpstream();
  const data = tempDir();
  dirs.push(data);
  writeFileSync(join(data.dir, 'state.json'), 'garbage');
  const run = await daemonIn(data.dir, fake.url, [GOOD]);
  await run.daemon.close();
  const aside = readdirSync(data.dir).filter((name) => name.startsWith('state.json.corrupt-'));
  assert.equal(readFileSync(join(data.dir, aside[0]), 'utf8'), 'garbage');
});
