import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { keyIdOf } from '../../src/daemon/secrets.js';
import { postJson, startHarness, userText, type Harness } from '../helpers/harness.js';

/**
 * The core promise: a client never sees one key's failure while a good key
 * remains. Real daemon, real sockets, the fake Gemini choosing faults by key.
 */
const GOOD = ['AIzaTEST-good-0001', 'AIzaTEST-good-0002', 'AIzaTEST-good-0003'];
const generate = (h: Harness, model = 'gemini-2.5-flash', body: unknown = userText('hello')) =>
  postJson(`${h.url}/v1beta/models/${model}:generateContent`, body);

const harnesses: Harness[] = [];
async function harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  harnesses.push(h);
  return h;
}
after(async () => {
  for (const h of harnesses) {
    const log = h.logText();
    // No full key ever reaches a log line.
    for (const request of h.fake.requests) if (request.key) assert.ok(!log.includes(request.key), `log leaked ${request.key.slice(0, 8)}`);
    await h.close();
  }
});

const keyUses = (h: Harness, secret: string) => h.fake.requests.filter((request) => request.key === secret).length;
const stateOf = (h: Harness, secret: string) => h.daemon.pool.snapshot().find((key) => key.id === keyIdOf(secret));

describe('rotation', () => {
  test('round-robin spreads requests over every key', async () => {
    const h = await harness({ keys: GOOD });
    for (let i = 0; i < 9; i += 1) assert.equal((await generate(h)).status, 200);
    assert.deepEqual(GOOD.map((key) => keyUses(h, key)), [3, 3, 3]);
  });

  test('the client key never goes upstream; the pool key goes in the header', async () => {
    const h = await harness({ keys: [GOOD[0]] });
    const response = await postJson(`${h.url}/v1beta/models/gemini-2.5-flash:generateContent?key=client-own-key-123456789`, userText('hi'), {
      'x-goog-api-key': 'client-own-key-abcdefghij',
      authorization: 'Bearer client-own-token-xyz',
    });
    assert.equal(response.status, 200);
    const [received] = h.fake.requests;
    assert.equal(received.key, GOOD[0]);
    assert.equal(received.keySource, 'header');
    assert.equal(received.query.key, undefined);
    assert.equal(received.headers.authorization, undefined);
    assert.match(response.json.candidates[0].content.parts[0].text, /Echo: hi/);
  });
});

describe('dead keys fail over and leave rotation', () => {
  for (const kind of ['invalid', 'expired', 'leaked', 'suspended', 'blocked']) {
    test(`${kind} key`, async () => {
      const bad = `AIzaTEST-${kind}-0001`;
      const h = await harness({ keys: [bad, GOOD[0]] });
      for (let i = 0; i < 4; i += 1) assert.equal((await generate(h)).status, 200);
      assert.equal(keyUses(h, bad), 1, 'tried once, then out of rotation');
      assert.equal(stateOf(h, bad)?.state, 'invalid');
      const health = await (await fetch(`${h.url}/health`)).json();
      assert.deepEqual(health, { status: 'ok', keys: { total: 2, available: 1, cooling: 0, invalid: 1 } });
    });
  }

  test('a suspended key echoed by Google is scrubbed from errors, state and logs', async () => {
    const secret = 'AIzaTEST-suspended-0002';
    const h = await harness({ keys: [secret] });
    const response = await generate(h);
    assert.equal(response.status, 503);
    assert.ok(!response.text.includes(secret));
    assert.ok(!JSON.stringify(h.daemon.pool.snapshot()).includes(secret));
    assert.match(stateOf(h, secret)?.lastError?.message ?? '', /AIza…0002/);
  });
});

describe('quota', () => {
  test('a per-minute quota cools the key for that model only', async () => {
    const limited = 'AIzaTEST-limited-0001';
    const h = await harness({ keys: [limited, GOOD[0]] });
    h.fake.setFault(limited, { kind: 'quotaMinute', model: 'gemini-2.5-pro', retryDelaySec: 40 });
    for (let i = 0; i < 4; i += 1) assert.equal((await generate(h, 'gemini-2.5-pro')).status, 200);
    const proUses = h.fake.requests.filter((request) => request.key === limited && request.model === 'gemini-2.5-pro').length;
    assert.equal(proUses, 1);
    for (let i = 0; i < 4; i += 1) assert.equal((await generate(h, 'gemini-2.5-flash')).status, 200);
    const flashUses = h.fake.requests.filter((request) => request.key === limited && request.model === 'gemini-2.5-flash').length;
    assert.equal(flashUses, 2, 'still serves other models');
    const cooldowns = stateOf(h, limited)?.cooldowns ?? [];
    assert.deepEqual(cooldowns.map((cooldown) => [cooldown.model, cooldown.reason]), [['gemini-2.5-pro', 'quota-minute']]);
    assert.ok(Math.abs(cooldowns[0].until - Date.now() - 40_000) < 5_000);
  });

  test('keys of one project share the cooldown', async () => {
    const [a, b, other] = ['AIzaTEST-acme-a-0001', 'AIzaTEST-acme-b-0002', 'AIzaTEST-solo-0003'];
    const h = await harness({ keys: [{ secret: a, project: 'acme' }, { secret: b, project: 'acme' }, { secret: other }] });
    h.fake.setFault(a, { kind: 'quotaMinute', times: 1 });
    h.fake.setFault(b, { kind: 'quotaMinute', times: 1 });
    for (let i = 0; i < 6; i += 1) assert.equal((await generate(h)).status, 200);
    assert.equal(keyUses(h, a) + keyUses(h, b), 1, 'one quota hit cools the whole project');
    assert.equal(keyUses(h, other), 6);
  });

  test('a daily quota lasts until midnight in Los Angeles, whatever retryDelay says', async () => {
    const daily = 'AIzaTEST-quota-day-0001';
    const noon = Date.UTC(2026, 0, 15, 20, 0, 0); // 12:00 PST
    const h = await harness({ keys: [daily, GOOD[0]], fakeClock: noon });
    assert.equal((await generate(h)).status, 200);
    assert.equal(keyUses(h, daily), 1);
    const [cooldown] = stateOf(h, daily)?.cooldowns ?? [];
    assert.equal(cooldown.until, Date.UTC(2026, 0, 16, 8, 0, 0));
    assert.equal(cooldown.reason, 'quota-day');
    h.clock.now = Date.UTC(2026, 0, 16, 7, 59, 59);
    for (let i = 0; i < 3; i += 1) await generate(h);
    assert.equal(keyUses(h, daily), 1, 'still cooling one second before midnight');
    h.clock.now = Date.UTC(2026, 0, 16, 8, 0, 0);
    h.fake.setFault(daily, null);
    h.fake.reset();
    for (let i = 0; i < 2; i += 1) await generate(h);
    assert.equal(keyUses(h, daily), 1, 'back in rotation at midnight');
  });

  test('every key quota-cooled: an immediate 429 with Retry-After', async () => {
    const keys = ['AIzaTEST-quota-minute-0001', 'AIzaTEST-quota-minute-0002'];
    const h = await harness({ keys });
    const first = await generate(h);
    assert.equal(first.status, 429);
    assert.equal(first.json.error.status, 'RESOURCE_EXHAUSTED');
    const second = await generate(h);
    assert.equal(second.status, 429);
    assert.ok(Number(second.headers.get('retry-after')) > 0);
    assert.equal(h.fake.requests.length, 2, 'no upstream call while every key cools');
  });

  test('a cooling key that recovers within retry.max_wait_ms is waited for', async () => {
    const h = await harness({ keys: ['AIzaTEST-limited-0003'], configure: (config) => (config.retry.max_wait_ms = 5_000) });
    h.fake.setFault('AIzaTEST-limited-0003', { kind: 'quotaMinute', retryDelaySec: 1, times: 1 });
    const response = await generate(h);
    assert.equal(response.status, 200);
    assert.equal(h.fake.requests.length, 2);
  });
});

describe('transient failures', () => {
  for (const kind of ['quota-bare', 'overloaded', 'internal', 'deadline', 'reset', 'empty']) {
    test(`${kind}: retried on another key, the key stays in rotation`, async () => {
      const flaky = `AIzaTEST-${kind}-0001`;
      const h = await harness({ keys: [flaky, GOOD[0]] });
      const response = await generate(h);
      assert.equal(response.status, 200);
      assert.ok(response.json.candidates, 'a real answer');
      assert.equal(keyUses(h, flaky), 1);
      assert.notEqual(stateOf(h, flaky)?.state, 'invalid');
      assert.equal(stateOf(h, flaky)?.cooldowns.length, 0, 'one failure does not cool the key');
    });
  }

  test('max_failures in a row cool a key briefly', async () => {
    const flaky = 'AIzaTEST-overloaded-0002';
    const h = await harness({ keys: [flaky, GOOD[0]], configure: (config) => (config.pool.max_failures = 2) });
    for (let i = 0; i < 6; i += 1) assert.equal((await generate(h)).status, 200);
    assert.equal(keyUses(h, flaky), 2);
    assert.deepEqual(stateOf(h, flaky)?.cooldowns.map((cooldown) => cooldown.reason), ['backoff']);
  });

  test('a slow upstream hits the first-byte timeout and fails over', async () => {
    const h = await harness({ keys: ['AIzaTEST-slow-0001', GOOD[0]], configure: (config) => (config.upstream.first_byte_timeout_ms = 200) });
    const response = await generate(h);
    assert.equal(response.status, 200);
    assert.equal(keyUses(h, GOOD[0]), 1);
  });

  test('when every attempt fails transiently the last upstream error is returned', async () => {
    const h = await harness({ keys: ['AIzaTEST-overloaded-0003', 'AIzaTEST-overloaded-0004'] });
    const response = await generate(h);
    assert.equal(response.status, 503);
    assert.equal(response.json.error.message, 'The model is overloaded. Please try again later.');
  });

  test('every key dead: 503 in Gemini\'s error format', async () => {
    const h = await harness({ keys: ['AIzaTEST-invalid-0002', 'AIzaTEST-leaked-0002'] });
    const response = await generate(h);
    assert.equal(response.status, 503);
    assert.equal(response.json.error.status, 'UNAVAILABLE');
    assert.ok(!response.text.includes('API key not valid'), 'a pool key problem is not shown as the client\'s');
  });

  test('max_attempts bounds the keys tried per request', async () => {
    const keys = Array.from({ length: 6 }, (_, i) => `AIzaTEST-overloaded-01${i}`);
    const h = await harness({ keys, configure: (config) => (config.retry.max_attempts = 3) });
    assert.equal((await generate(h)).status, 503);
    assert.equal(h.fake.requests.length, 3);
  });
});

describe('client errors', () => {
  test('are returned as is, not retried, and do not penalise the key', async () => {
    const h = await harness({ keys: GOOD });
    const response = await generate(h, 'gemini-2.5-flash', { ...userText('x'), stream: true });
    assert.equal(response.status, 400);
    assert.match(response.json.error.message, /Unknown name "stream"/);
    assert.equal(h.fake.requests.length, 1);
    assert.equal(h.daemon.pool.totals().available, 3);
  });

  test('an unknown model answers 404 from upstream', async () => {
    const h = await harness({ keys: GOOD });
    const response = await generate(h, 'gemini-missing-model');
    assert.equal(response.status, 404);
    assert.equal(response.json.error.status, 'NOT_FOUND');
  });
});
