import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, describe, test } from 'node:test';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { startChildDaemon } from '../helpers/childDaemon.js';
import { postJson, runCli, startHarness, tempDir, userText, type Harness } from '../helpers/harness.js';

/** Client tokens, limits, input hardening and metrics, against the real daemon. */
const TEAM_TOKEN = 'team-token-0123456789abcdef';
const LIMITED_TOKEN = 'limited-token-0123456789ab';
const harnesses: Harness[] = [];
after(async () => {
  for (const h of harnesses) await h.close();
});

async function withTokens(extra: (config: Parameters<NonNullable<Parameters<typeof startHarness>[0]['configure']>>[0]) => void = () => undefined) {
  const h = await startHarness({
    keys: ['AIzaTEST-good-0001', 'AIzaTEST-good-0002'],
    configure: (config) => {
      config.auth.tokens = [
        { name: 'team', token: TEAM_TOKEN },
        { name: 'limited', token: LIMITED_TOKEN, rpm: 2, models: ['gemini-2.5-flash'] },
      ];
      extra(config);
    },
  });
  harnesses.push(h);
  return h;
}

const generateUrl = (h: Harness, model = 'gemini-2.5-flash') => `${h.url}/v1beta/models/${model}:generateContent`;

describe('client tokens', () => {
  test('accepted from Authorization: Bearer, x-goog-api-key and ?key=; missing or wrong -> 401 in each surface\'s format', async () => {
    const h = await withTokens();
    assert.equal((await postJson(generateUrl(h), userText('a'), { authorization: `Bearer ${TEAM_TOKEN}` })).status, 200);
    assert.equal((await postJson(generateUrl(h), userText('a'), { 'x-goog-api-key': TEAM_TOKEN })).status, 200);
    assert.equal((await postJson(`${generateUrl(h)}?key=${TEAM_TOKEN}`, userText('a'))).status, 200);
    const missing = await postJson(generateUrl(h), userText('a'));
    assert.equal(missing.status, 401);
    assert.equal(missing.json.error.status, 'UNAUTHENTICATED');
    const wrong = await postJson(`${h.url}/v1/chat/completions`, { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }, { authorization: 'Bearer wrong-token-0000000000000' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error.code, 'invalid_api_key');
    assert.ok(h.fake.requests.every((request) => !JSON.stringify(request.headers).includes(TEAM_TOKEN)), 'tokens never go upstream');
    assert.ok(h.fake.requests.every((request) => request.query.key === undefined));
  });

  test('the openai and @google/genai SDKs work unchanged with a token as their API key', async () => {
    const h = await withTokens();
    const openai = new OpenAI({ apiKey: TEAM_TOKEN, baseURL: `${h.url}/v1`, maxRetries: 0 });
    const completion = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(completion.choices[0].message.content, 'Echo: hi');
    const genai = new GoogleGenAI({ apiKey: TEAM_TOKEN, httpOptions: { baseUrl: h.url } });
    assert.equal((await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'yo' })).text, 'Echo: yo');
    await assert.rejects(new OpenAI({ apiKey: 'nope-nope-nope-nope', baseURL: `${h.url}/v1`, maxRetries: 0 }).models.list(), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 401);
  });

  test('rpm: a sliding window, 429 with Retry-After', async () => {
    const h = await withTokens();
    const headers = { authorization: `Bearer ${LIMITED_TOKEN}` };
    assert.equal((await postJson(generateUrl(h), userText('1'), headers)).status, 200);
    assert.equal((await postJson(generateUrl(h), userText('2'), headers)).status, 200);
    const third = await postJson(generateUrl(h), userText('3'), headers);
    assert.equal(third.status, 429);
    const retryAfter = Number(third.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 60, `retry-after ${retryAfter}`);
    assert.equal(h.fake.requests.length, 2, 'refused before any key was used');
    assert.equal((await postJson(generateUrl(h), userText('4'), { authorization: `Bearer ${TEAM_TOKEN}` })).status, 200, 'other clients are not affected');
  });

  test('daily request and token quotas: 429 until midnight', async () => {
    const h = await withTokens((config) => {
      config.auth.tokens.push({ name: 'daily', token: 'daily-token-0123456789abcd', daily_requests: 2 }, { name: 'tokens', token: 'tokens-token-0123456789abc', daily_tokens: 5 });
    });
    const daily = { authorization: 'Bearer daily-token-0123456789abcd' };
    await postJson(generateUrl(h), userText('1'), daily);
    await postJson(generateUrl(h), userText('2'), daily);
    const refused = await postJson(generateUrl(h), userText('3'), daily);
    assert.equal(refused.status, 429);
    assert.match(refused.json.error.message, /used its 2 requests for today/);
    assert.ok(Number(refused.headers.get('retry-after')) > 60);
    const tokens = { authorization: 'Bearer tokens-token-0123456789abc' };
    assert.equal((await postJson(generateUrl(h), userText('a long enough prompt to pass five tokens'), tokens)).status, 200);
    assert.equal((await postJson(generateUrl(h), userText('again'), tokens)).status, 429);
  });

  test('model allow lists: per token and pool-wide, for requests and /v1/models', async () => {
    const h = await withTokens((config) => (config.models.deny = ['gemini-2.5-pro']));
    const limited = { authorization: `Bearer ${LIMITED_TOKEN}` };
    const team = { authorization: `Bearer ${TEAM_TOKEN}` };
    const notForToken = await postJson(generateUrl(h, 'gemini-2.0-flash'), userText('x'), limited);
    assert.equal(notForToken.status, 403);
    const denied = await postJson(`${h.url}/v1/chat/completions`, { model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }] }, team);
    assert.equal(denied.status, 403);
    assert.equal(denied.json.error.type, 'permission_error');
    const listed = (await (await fetch(`${h.url}/v1/models`, { headers: team })).json()) as { data: Array<{ id: string }> };
    const ids = listed.data.map((model: { id: string }) => model.id);
    assert.ok(ids.includes('gemini-2.5-flash') && !ids.includes('gemini-2.5-pro'));
    const limitedList = (await (await fetch(`${h.url}/v1/models`, { headers: { authorization: `Bearer ${LIMITED_TOKEN}` } })).json()) as { data: Array<{ id: string }> };
    assert.deepEqual(limitedList.data.map((model: { id: string }) => model.id), ['gemini-2.5-flash']);
  });

  test('usage per client shows in status and is counted', async () => {
    const h = await withTokens();
    await postJson(generateUrl(h), userText('count me'), { authorization: `Bearer ${TEAM_TOKEN}` });
    const status = await runCli(['status', '--json', '--socket', h.daemon.socketPath]);
    const team = JSON.parse(status.stdout).clients.find((client: { name: string }) => client.name === 'team');
    assert.equal(team.today.requests, 1);
    assert.ok(team.today.promptTokens > 0 && team.today.completionTokens > 0);
    const table = await runCli(['status', '--socket', h.daemon.socketPath]);
    assert.match(table.stdout, /CLIENT/);
    assert.ok(!table.stdout.includes(TEAM_TOKEN));
  });
});

describe('safe default', () => {
  test('no tokens on a non-loopback host: refused with a clear message, unless allow_anonymous', async () => {
    const work = tempDir({ 'keys.txt': 'AIzaTEST-good-key-0001\n', 'open.yaml': 'auth:\n  allow_anonymous: true\n' });
    try {
      const refused = await runCli(['start', '--host', '0.0.0.0', '--port', '0'], { cwd: work.dir });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /refusing to listen on 0\.0\.0\.0 without client tokens/);
      const allowed = await startChildDaemon(['--host', '0.0.0.0', '--config', 'open.yaml'], { cwd: work.dir });
      assert.match(allowed.output(), /the pool is open to anyone/);
      allowed.child.kill('SIGTERM');
      assert.equal(await allowed.exited, 0);
    } finally {
      work.cleanup();
    }
  });
});

describe('input hardening', () => {
  test('a body over the limit is refused with 413 without reading the rest', async () => {
    const h = await withTokens((config) => (config.limits.max_body_bytes = 1_000));
    const big = await postJson(generateUrl(h), userText('x'.repeat(5_000)), { authorization: `Bearer ${TEAM_TOKEN}` });
    assert.equal(big.status, 413);
    assert.equal(big.json.error.code, 413);
    const openaiBig = await postJson(`${h.url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(5_000) }] }, { authorization: `Bearer ${TEAM_TOKEN}` });
    assert.equal(openaiBig.status, 413);
    assert.equal(openaiBig.json.error.code, 'request_too_large');
    assert.equal(h.fake.requests.length, 0);
  });

  test('malformed JSON, unknown routes and wrong methods get clear errors', async () => {
    const h = await withTokens();
    const auth = { authorization: `Bearer ${TEAM_TOKEN}`, 'content-type': 'application/json' };
    const native = await fetch(generateUrl(h), { method: 'POST', headers: auth, body: 'not json at all' });
    assert.equal(native.status, 400);
    assert.equal(((await native.json()) as { error: { status: string } }).error.status, 'INVALID_ARGUMENT');
    const openai = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: auth, body: '{"model": ' });
    assert.equal(openai.status, 400);
    assert.equal(((await openai.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
    assert.equal((await fetch(`${h.url}/v1beta/nothing/here`, { headers: auth })).status, 404);
    assert.equal((await fetch(`${h.url}/v1/chat/completions`, { headers: auth })).status, 405);
    assert.equal((await fetch(generateUrl(h), { headers: auth })).status, 405);
    assert.equal(h.fake.requests.length, 0);
  });

  test('query strings and headers that try to smuggle a key upstream are dropped', async () => {
    const h = await withTokens();
    await postJson(`${generateUrl(h)}?key=${TEAM_TOKEN}&access_token=ya29.smuggled&$key=other&alt=json`, userText('x'), { 'x-goog-user-project': 'p', 'x-goog-api-key': TEAM_TOKEN, cookie: 'sid=1' });
    const [received] = h.fake.requests;
    assert.deepEqual(Object.keys(received.query).sort(), ['alt']);
    assert.equal(received.key, 'AIzaTEST-good-0001');
    assert.equal(received.headers.cookie, undefined);
    assert.equal(received.headers['x-goog-user-project'], undefined);
  });

  test('a slow-loris client is cut off by the header timeout', async () => {
    const h = await withTokens((config) => (config.limits.header_timeout_ms = 300));
    const { port } = new URL(h.url);
    let answer = '';
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n'));
      socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => undefined);
      setTimeout(() => reject(new Error('not cut off')), 5_000).unref();
    });
    assert.ok(closedAfter < 5_000);
    assert.match(answer, /^HTTP\/1\.1 408/);
  });
});

describe('metrics', () => {
  test('GET /metrics in Prometheus format; off, or behind a token, when configured', async () => {
    const h = await withTokens();
    await postJson(generateUrl(h), userText('m'), { authorization: `Bearer ${TEAM_TOKEN}` });
    const text = await (await fetch(`${h.url}/metrics`)).text();
    assert.match(text, /gemini_pool_requests_total\{surface="native",model="gemini-2.5-flash",status="200"\} 1/);
    assert.match(text, /gemini_pool_keys\{state="available"\} 2/);
    assert.match(text, /gemini_pool_upstream_latency_seconds_bucket/);
    assert.match(text, /gemini_pool_client_tokens_total\{client="team",kind="prompt"\}/);
    assert.match(text, /gemini_pool_request_attempts_bucket/);
    const off = await withTokens((config) => (config.metrics.enabled = false));
    assert.equal((await fetch(`${off.url}/metrics`)).status, 404);
    const guarded = await withTokens((config) => (config.metrics.token = 'metrics-token-0123456789'));
    assert.equal((await fetch(`${guarded.url}/metrics`)).status, 401);
    assert.equal((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).status, 200);
  });
});
