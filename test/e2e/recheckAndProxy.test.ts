import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { keyIdOf } from '../../src/daemon/secrets.js';
import { postJson, startHarness, userText } from '../helpers/harness.js';

const generate = (url: string) => postJson(`${url}/v1beta/models/gemini-2.5-flash:generateContent`, userText('hi'));

describe('recheck', () => {
  test('a periodic recheck returns a key that works again to rotation', async () => {
    const flaky = 'AIzaTEST-flaky-0001';
    const h = await startHarness({ keys: [flaky, 'AIzaTEST-good-0001'], configure: (config) => (config.recheck.interval_ms = 150) });
    try {
      h.fake.setFault(flaky, { kind: 'invalid', times: 1 });
      assert.equal((await generate(h.url)).status, 200);
      assert.equal(h.daemon.pool.totals().invalid, 1);
      const deadline = Date.now() + 3_000;
      while (h.daemon.pool.totals().invalid > 0 && Date.now() < deadline) await sleep(50);
      assert.equal(h.daemon.pool.totals().invalid, 0, 'the probe found it good');
      const probe = h.fake.requests.find((request) => request.key === flaky && request.method === 'GET');
      assert.equal(probe?.path, '/v1beta/models/gemini-2.5-flash', 'probed with a call that spends no quota');
    } finally {
      await h.close();
    }
  });

  test('a recheck of a key that is still dead keeps it out', async () => {
    const dead = 'AIzaTEST-leaked-0001';
    const h = await startHarness({ keys: [dead, 'AIzaTEST-good-0001'] });
    try {
      await generate(h.url);
      const results = await h.daemon.rechecker.recheckDue();
      assert.deepEqual(results.map((result) => [result.keyId, result.result]), [[keyIdOf(dead), 'dead']]);
      assert.equal(h.daemon.pool.totals().invalid, 1);
    } finally {
      await h.close();
    }
  });
});

describe('outbound proxy', () => {
  test('upstream.proxy sends every upstream request through the proxy', async () => {
    let proxied = 0;
    // A minimal forward proxy for plain-http targets (absolute-form request lines).
    const proxy: Server = createServer((req, res) => {
      proxied += 1;
      const target = new URL(req.url ?? '/');
      const upstream = httpRequest({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    // HTTPS proxies tunnel with CONNECT, which undici's ProxyAgent uses by default.
    proxy.on('connect', (req, clientSocket, head) => {
      proxied += 1;
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(clientSocket);
        clientSocket.pipe(upstream);
      });
      upstream.on('error', () => clientSocket.destroy());
      clientSocket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const h = await startHarness({ keys: ['AIzaTEST-good-0001'], configure: (config) => (config.upstream.proxy = proxyUrl) });
    try {
      assert.equal((await generate(h.url)).status, 200);
      assert.equal(proxied, 1);
    } finally {
      await h.close();
      proxy.closeAllConnections();
      proxy.close();
    }
  });
});
