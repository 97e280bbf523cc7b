import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SocketControlClient } from '../../src/protocol/client.js';
import type { Snapshot } from '../../src/protocol/snapshot.js';
import { keyIdOf } from '../../src/daemon/secrets.js';
import { startFakeGemini, type FakeGemini } from '../../src/fake/fakeGemini.js';
import { startChildDaemon, type ChildDaemon } from '../helpers/childDaemon.js';
import { postJson, runCli, startHarness, tempDir, userText, type Harness } from '../helpers/harness.js';

/** The control socket against a real daemon: protocol, garbage, one daemon per data dir, CLI commands. */
const COOLING = 'AIzaTEST-quota-minute-0001';
const GOOD = 'AIzaTEST-good-0001';

/** Sends raw text on the socket and collects the reply lines. */
function rawExchange(socketPath: string, text: string | Buffer, expectLines: number): Promise<Array<Record<string, any>>> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`only got: ${received}`));
    }, 3_000);
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      const lines = received.split('\n').filter(Boolean);
      if (lines.length >= expectLines) {
        clearTimeout(timer);
        socket.destroy();
        resolve(lines.map((line) => JSON.parse(line)));
      }
    });
    socket.on('connect', () => socket.write(text));
  });
}

describe('control socket protocol', () => {
  let h: Harness;
  let client: SocketControlClient;
  before(async () => {
    h = await startHarness({ keys: [COOLING, GOOD] });
    client = new SocketControlClient(h.daemon.socketPath);
    await client.connect();
  });
  after(async () => {
    client.close();
    await h.close();
  });

  test('the socket is a 0600 file in the data dir', () => {
    assert.equal(statSync(h.daemon.socketPath).mode & 0o777, 0o600);
  });

  test('status gives the snapshot, with no key material', async () => {
    await postJson(`${h.url}/v1beta/models/gemini-2.5-flash:generateContent`, userText('x'));
    const snapshot = await client.request('status');
    assert.equal(snapshot.totals.total, 2);
    assert.equal(snapshot.keys.find((key) => key.id === keyIdOf(COOLING))?.state, 'cooling');
    assert.ok(snapshot.recent.length >= 1);
    assert.equal(snapshot.recent[0].status, 200);
    const text = JSON.stringify(snapshot);
    assert.ok(!text.includes(COOLING) && !text.includes(GOOD));
  });

  test('subscribe pushes a snapshot at once and again after a change', async () => {
    const snapshots: Snapshot[] = [];
    const unsubscribe = client.subscribe((snapshot) => snapshots.push(snapshot));
    const deadline = Date.now() + 3_000;
    while (snapshots.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const before = snapshots.at(-1)!.stats.requestsTotal;
    await postJson(`${h.url}/v1beta/models/gemini-2.5-flash:generateContent`, userText('y'));
    while (snapshots.at(-1)!.stats.requestsTotal === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    unsubscribe();
    assert.equal(snapshots.at(-1)!.stats.requestsTotal, before + 1);
  });

  test('keys.reset brings a cooling key back; an unknown id is NOT_FOUND', async () => {
    const id = keyIdOf(COOLING);
    const { reset } = await client.request('keys.reset', { id: id.slice(0, 6) });
    assert.deepEqual(reset.map((key) => key.id), [id]);
    const snapshot = await client.request('status');
    assert.equal(snapshot.keys.find((key) => key.id === id)?.state, 'active');
    await assert.rejects(client.request('keys.reset', { id: 'zzzzzz' }), /no key matches/);
    await assert.rejects(client.request('keys.reset', { id: 'AIzaTEST-unknown-full-key-1234' }), (error: Error) => !error.message.includes('AIzaTEST-unknown-full-key-1234'));
  });

  test('keys.check probes keys; keys.reload without files says so', async () => {
    const { results } = await client.request('keys.check', { id: keyIdOf(GOOD) });
    assert.deepEqual(results.map((result) => result.result), ['good']);
    await assert.rejects(client.request('keys.reload'), /nothing to reload/);
  });

  test('garbage, unknown methods and oversized messages get error replies; the daemon stays up', async () => {
    const replies = await rawExchange(h.daemon.socketPath, 'this is not json\n{"id": 7, "method": "nope"}\n{"id": 8}\n', 3);
    assert.deepEqual(replies.map((reply) => reply.error.code).sort(), ['BAD_REQUEST', 'BAD_REQUEST', 'UNKNOWN_METHOD']);
    const huge = await rawExchange(h.daemon.socketPath, `${'x'.repeat(200_000)}\n{"id": 9, "method": "status"}\n`, 2);
    assert.equal(huge[0].error.code, 'TOO_LARGE');
    assert.equal(huge[1].id, 9);
    await rawExchange(h.daemon.socketPath, Buffer.from([0xff, 0x00, 0xfe, 0x0a]), 1);
    assert.equal((await client.request('status')).totals.total, 2);
  });
});

describe('one daemon per data dir, and the CLI', () => {
  let fake: FakeGemini;
  let daemon: ChildDaemon;
  const work = tempDir({ 'keys.txt': 'AIzaTEST-good-key-0001 # first\nAIzaTEST-quota-minute-key-01\n', 'pool.yaml': 'recheck:\n  interval_ms: 0\n' });
  before(async () => {
    fake = await startFakeGemini({ port: 0 });
    daemon = await startChildDaemon(['--config', 'pool.yaml', '--upstream', fake.url], { cwd: work.dir });
    await postJson(`${daemon.url}/v1beta/models/gemini-2.5-flash:generateContent`, userText('x'));
    await postJson(`${daemon.url}/v1beta/models/gemini-2.5-flash:generateContent`, userText('x'));
  });
  after(async () => {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
    await fake.close();
    work.cleanup();
  });

  test('a second daemon on the same data dir is refused with exit 1', async () => {
    const second = await runCli(['start', '--config', 'pool.yaml', '--port', '0', '--upstream', fake.url], { cwd: work.dir });
    assert.equal(second.code, 1);
    assert.match(second.stderr, /another gemini-pool daemon is running/);
  });

  test('status prints a table, and --json the same facts', async () => {
    const table = await runCli(['status'], { cwd: work.dir });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /keys: 1 available, 1 cooling, 0 invalid, 2 total/);
    assert.match(table.stdout, /first/);
    assert.ok(!table.stdout.includes('AIzaTEST-good-key-0001'));
    const json = await runCli(['status', '--json'], { cwd: work.dir });
    const snapshot = JSON.parse(json.stdout) as Snapshot;
    assert.equal(snapshot.totals.cooling, 1);
    assert.equal(snapshot.keys.length, 2);
  });

  test('keys reset <id> makes the cooling key active; keys reload and config reload work', async () => {
    const id = keyIdOf('AIzaTEST-quota-minute-key-01');
    const reset = await runCli(['keys', 'reset', id], { cwd: work.dir });
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /active again/);
    const json = JSON.parse((await runCli(['status', '--json'], { cwd: work.dir })).stdout) as Snapshot;
    assert.equal(json.totals.cooling, 0);
    assert.equal((await runCli(['keys', 'reload'], { cwd: work.dir })).code, 0);
    assert.equal((await runCli(['config', 'reload'], { cwd: work.dir })).code, 0);
    const unknown = await runCli(['keys', 'reset', 'nothing-like-it'], { cwd: work.dir });
    assert.equal(unknown.code, 1);
  });

  test('with no daemon: one clear line, exit 1', async () => {
    const empty = tempDir();
    try {
      const result = await runCli(['status'], { cwd: empty.dir });
      assert.equal(result.code, 1);
      assert.equal(result.stderr.trim().split('\n').length, 1);
      assert.match(result.stderr, /no gemini-pool daemon answers .* Start one with: gemini-pool start/);
    } finally {
      empty.cleanup();
    }
  });
});

describe('socket files', () => {
  test('a stale socket file is replaced; an over-long socket path is refused clearly', async () => {
    const work = tempDir({ 'keys.txt': 'AIzaTEST-good-key-0001\n' });
    try {
      writeFileSync(join(work.dir, 'stale.sock'), '');
      const fake = await startFakeGemini({ port: 0 });
      const daemon = await startChildDaemon(['--socket', 'stale.sock', '--upstream', fake.url], { cwd: work.dir });
      assert.equal((await runCli(['status', '--socket', 'stale.sock'], { cwd: work.dir })).code, 0);
      daemon.child.kill('SIGTERM');
      await daemon.exited;
      await fake.close();
      const long = await runCli(['start', '--port', '0', '--socket', `/tmp/${'x'.repeat(120)}.sock`], { cwd: work.dir });
      assert.equal(long.code, 1);
      assert.match(long.stderr, /Unix sockets allow at most 103/);
    } finally {
      work.cleanup();
    }
  });
});

test('config check lists every problem with its line, without a daemon', async () => {
  const work = tempDir({ 'pool.yaml': 'port: 8080\npool:\n  strategy: random\n', 'keys.txt': '# keys\nAIzaTEST-good-key-0001\nnot a key\nAIzaTEST-good-key-0001\n' });
  try {
    const result = await runCli(['config', 'check', '--config', 'pool.yaml'], { cwd: work.dir });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /pool\.yaml: pool\.strategy: expected one of .* \(line 3\)/);
    const keysOnly = await runCli(['config', 'check', '--keys', 'keys.txt'], { cwd: work.dir });
    assert.equal(keysOnly.code, 1);
    assert.match(keysOnly.stderr, /keys\.txt:3: not a key/);
    assert.match(keysOnly.stdout, /keys\.txt:4: duplicate of the key on line 2/);
    assert.match(keysOnly.stdout, /keys: 1 usable, 1 malformed, 1 duplicate/);
  } finally {
    work.cleanup();
  }
});
