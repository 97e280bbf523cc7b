import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../src/daemon/config/schema.js';
import { createLogger } from '../../src/daemon/log.js';
import { startDaemon } from '../../src/daemon/run.js';
import { keyIdOf } from '../../src/daemon/secrets.js';
import { SocketControlClient } from '../../src/protocol/client.js';
import { HttpControlClient } from '../../src/protocol/httpClient.js';
import type { Snapshot } from '../../src/protocol/snapshot.js';
import { postJson, runCli, startHarness, tempDir, userText, type Harness } from '../helpers/harness.js';
import { PassThrough } from 'node:stream';

/** The HTTP admin API: one protocol, two transports. */
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const COOLING = 'AIzaTEST-quota-minute-0001';
const GOOD = 'AIzaTEST-good-0001';

describe('admin API', () => {
  let h: Harness;
  let socket: SocketControlClient;
  before(async () => {
    h = await startHarness({ keys: [COOLING, GOOD], configure: (config) => (config.admin.token = ADMIN_TOKEN) });
    socket = new SocketControlClient(h.daemon.socketPath);
    await socket.connect();
    await postJson(`${h.url}/v1beta/models/gemini-2.5-flash:generateContent`, userText('x'));
  });
  after(async () => {
    socket.close();
    await h.close();
  });

  const call = (token: string | undefined, body: unknown) =>
    fetch(`${h.url}/admin/call`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: JSON.stringify(body) });

  test('no token or a wrong token -> 401; a client token is not an admin token', async () => {
    assert.equal((await call(undefined, { id: 1, method: 'status' })).status, 401);
    assert.equal((await call('wrong-token-00000000000000', { id: 1, method: 'status' })).status, 401);
    assert.equal((await fetch(`${h.url}/admin/events`)).status, 401);
  });

  test('each method works and answers like the socket', async () => {
    const http = new HttpControlClient(h.url, ADMIN_TOKEN);
    await http.connect();
    const viaHttp = await http.request('status');
    const viaSocket = await socket.request('status');
    const stable = (snapshot: Snapshot) => ({ totals: snapshot.totals, keys: snapshot.keys.map((key) => [key.id, key.state, key.requests]) });
    assert.deepEqual(stable(viaHttp), stable(viaSocket));
    const reset = await http.request('keys.reset', { id: keyIdOf(COOLING) });
    assert.deepEqual(reset.reset.map((key) => key.id), [keyIdOf(COOLING)]);
    assert.equal((await socket.request('status')).totals.cooling, 0);
    const checked = await http.request('keys.check', { id: keyIdOf(GOOD) });
    assert.deepEqual(checked.results.map((result) => result.result), ['good']);
    await assert.rejects(http.request('keys.reload'), /nothing to reload/);
    await assert.rejects(socket.request('keys.reload'), /nothing to reload/);
    const garbage = await call(ADMIN_TOKEN, { nope: true });
    assert.equal(((await garbage.json()) as { error: { code: string } }).error.code, 'BAD_REQUEST');
    http.close();
  });

  test('the event stream delivers snapshots as things change', async () => {
    const http = new HttpControlClient(h.url, ADMIN_TOKEN, { reconnect: false });
    const snapshots: Snapshot[] = [];
    const unsubscribe = http.subscribe((snapshot) => snapshots.push(snapshot));
    const wait = async (condition: () => boolean) => {
      const deadline = Date.now() + 3_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error('no snapshot in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await wait(() => snapshots.length > 0);
    const before = snapshots.at(-1)!.stats.requestsTotal;
    await postJson(`${h.url}/v1beta/models/gemini-2.5-flash:generateContent`, userText('y'));
    await wait(() => snapshots.at(-1)!.stats.requestsTotal > before);
    unsubscribe();
    http.close();
  });

  test('the CLI talks to it with --url and --admin-token', async () => {
    const status = await runCli(['status', '--json', '--url', h.url, '--admin-token', ADMIN_TOKEN]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as Snapshot).totals.total, 2);
    const reset = await runCli(['keys', 'reset', '--all', '--url', h.url], { env: { GEMINI_POOL_ADMIN_TOKEN: ADMIN_TOKEN } });
    assert.equal(reset.code, 0, reset.stderr);
    const refused = await runCli(['status', '--url', h.url, '--admin-token', 'wrong-token-00000000000000']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refused the admin token/);
    assert.ok(!refused.stderr.includes('wrong-token'));
  });

  test('off without an admin token', async () => {
    const plain = await startHarness({ keys: [GOOD] });
    try {
      assert.equal((await fetch(`${plain.url}/admin/call`, { method: 'POST', body: '{}' })).status, 404);
    } finally {
      await plain.close();
    }
  });
});

describe('admin API exposure', () => {
  const data = tempDir();
  after(() => data.cleanup());
  const start = (configure: (config: ReturnType<typeof defaultConfig>) => void) => {
    const config = defaultConfig();
    Object.assign(config, { port: 0, data_dir: data.dir });
    config.recheck.interval_ms = 0;
    config.admin.token = ADMIN_TOKEN;
    config.auth.tokens = [{ name: 'c', token: 'client-token-0123456789ab' }];
    configure(config);
    return startDaemon({ config, keys: [{ secret: GOOD }], log: createLogger('silent', 'json', new PassThrough()) });
  };

  test('a non-loopback host without TLS is refused, unless TLS is terminated in front', async () => {
    await assert.rejects(start((config) => (config.host = '0.0.0.0')), /refusing to serve the admin API on 0\.0\.0\.0 without TLS/);
    const daemon = await start((config) => {
      config.host = '0.0.0.0';
      config.admin.behind_tls_proxy = true;
    });
    try {
      const answer = await fetch(`http://127.0.0.1:${daemon.port}/admin/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal(answer.status, 200);
    } finally {
      await daemon.close(0);
    }
  });

  test('with a certificate and key the daemon serves HTTPS, and the remote CLI trusts it with NODE_EXTRA_CA_CERTS', async (t) => {
    const cert = join(data.dir, 'cert.pem');
    const key = join(data.dir, 'key.pem');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    } catch {
      t.skip('openssl is not installed');
      return;
    }
    const daemon = await start((config) => {
      config.host = '0.0.0.0';
      config.admin.tls_cert = cert;
      config.admin.tls_key = key;
    });
    try {
      assert.match(daemon.url, /^https:/);
      const status = await runCli(['status', '--url', `https://127.0.0.1:${daemon.port}`, '--admin-token', ADMIN_TOKEN], { env: { NODE_EXTRA_CA_CERTS: cert } });
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /keys: 1 available/);
    } finally {
      await daemon.close(0);
    }
  });
});

describe('remote client reconnects', () => {
  test('the event stream comes back after the daemon restarts on the same address', async () => {
    const first = await startHarness({ keys: [GOOD], configure: (config) => (config.admin.token = ADMIN_TOKEN) });
    const port = first.daemon.port;
    const http = new HttpControlClient(first.url, ADMIN_TOKEN, { reconnect: true, reconnectDelayMs: 100 });
    const changes: boolean[] = [];
    const snapshots: Snapshot[] = [];
    http.onConnection((connected) => changes.push(connected));
    http.subscribe((snapshot) => snapshots.push(snapshot));
    const wait = async (condition: () => boolean) => {
      const deadline = Date.now() + 5_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`not in time: ${JSON.stringify(changes)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await wait(() => snapshots.length > 0);
    const firstPid = snapshots[0].daemon.startedAt;
    await first.close();
    await wait(() => changes.includes(false));
    const second = await startHarness({ keys: [GOOD], configure: (config) => Object.assign(config, { port }, { admin: { ...config.admin, token: ADMIN_TOKEN } }) });
    try {
      await wait(() => snapshots.at(-1)!.daemon.startedAt !== firstPid);
      assert.deepEqual(changes.slice(-1), [true]);
    } finally {
      http.close();
      await second.close();
    }
  });
});
