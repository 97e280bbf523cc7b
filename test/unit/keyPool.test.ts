import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeyPool, type Acquisition, type KeyInput, type Lease, type PoolOptions } from '../../src/daemon/pool/keyPool.js';
import { keyIdOf } from '../../src/daemon/secrets.js';

function makePool(keys: KeyInput[], overrides: Partial<PoolOptions> = {}) {
  const clock = { now: 1_700_000_000_000 };
  const pool = new KeyPool({ strategy: 'round-robin', maxFailures: 3, backoffMs: 5_000, backoffMaxMs: 60_000, clock: () => clock.now, ...overrides });
  pool.setKeys(keys);
  return { pool, clock };
}

const keys = (count: number, project?: string): KeyInput[] =>
  Array.from({ length: count }, (_, i) => ({ secret: `AIzaTEST-pool-${String(i).padStart(5, '0')}`, project }));

function lease(acquisition: Acquisition): Lease {
  assert.ok(acquisition.ok, `expected a key, got ${JSON.stringify(acquisition)}`);
  return acquisition.lease;
}

const none = new Set<string>();

describe('KeyPool', () => {
  test('round-robin spreads requests evenly over the keys', () => {
    const { pool } = makePool(keys(4));
    const uses = new Map<string, number>();
    for (let i = 0; i < 40; i += 1) {
      const held = lease(pool.acquire('gemini-2.5-flash', none));
      uses.set(held.keyId, (uses.get(held.keyId) ?? 0) + 1);
      pool.report(held, { kind: 'success' });
    }
    assert.deepEqual([...uses.values()], [10, 10, 10, 10]);
  });

  test('a request never gets a key it already tried', () => {
    const { pool } = makePool(keys(3));
    const tried = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const held = lease(pool.acquire('m', tried));
      assert.ok(!tried.has(held.keyId));
      tried.add(held.keyId);
    }
    assert.deepEqual(pool.acquire('m', tried), { ok: false, reason: 'exhausted' });
  });

  test('a dead key leaves rotation for every model until restored', () => {
    const { pool } = makePool(keys(2));
    const dead = lease(pool.acquire('a', none));
    pool.report(dead, { kind: 'deadKey', reason: 'API_KEY_INVALID', message: 'API key not valid.' });
    for (let i = 0; i < 5; i += 1) {
      for (const model of ['a', 'b']) {
        const held = lease(pool.acquire(model, none));
        assert.notEqual(held.keyId, dead.keyId);
        pool.report(held, { kind: 'success' });
      }
    }
    assert.equal(pool.totals().invalid, 1);
    assert.ok(pool.restore(dead.keyId, { clearCooldowns: true }));
    assert.equal(pool.totals().invalid, 0);
  });

  test('a quota cooldown applies to its model only, and ends on time', () => {
    const { pool, clock } = makePool(keys(2));
    const cooled = lease(pool.acquire('gemini-2.5-pro', none));
    pool.report(cooled, { kind: 'quota', until: clock.now + 30_000, daily: false, reason: 'quota-minute', message: 'quota' });
    for (let i = 0; i < 4; i += 1) {
      const pro = lease(pool.acquire('gemini-2.5-pro', none));
      assert.notEqual(pro.keyId, cooled.keyId);
      pool.report(pro, { kind: 'success' });
    }
    const flashIds = new Set<string>();
    for (let i = 0; i < 4; i += 1) {
      const flash = lease(pool.acquire('gemini-2.5-flash', none));
      flashIds.add(flash.keyId);
      pool.report(flash, { kind: 'success' });
    }
    assert.ok(flashIds.has(cooled.keyId), 'the cooled key still serves other models');
    const snapshot = pool.snapshot().find((key) => key.id === cooled.keyId);
    assert.equal(snapshot?.state, 'cooling');
    assert.deepEqual(snapshot?.cooldowns.map((c) => c.model), ['gemini-2.5-pro']);
    clock.now += 30_001;
    const proIds = new Set<string>();
    for (let i = 0; i < 4; i += 1) proIds.add(lease(pool.acquire('gemini-2.5-pro', none)).keyId);
    assert.ok(proIds.has(cooled.keyId), 'back in rotation after the cooldown');
  });

  test('keys of one project share their quota cooldowns', () => {
    const { pool, clock } = makePool([...keys(2, 'acme'), { secret: 'AIzaTEST-pool-other-project' }]);
    const first = lease(pool.acquire('m', none));
    pool.report(first, { kind: 'quota', until: clock.now + 60_000, daily: false, reason: 'quota-minute', message: 'quota' });
    const other = keyIdOf('AIzaTEST-pool-other-project');
    for (let i = 0; i < 5; i += 1) {
      const held = lease(pool.acquire('m', none));
      assert.equal(held.keyId, other, 'only the key outside the project serves m');
      pool.report(held, { kind: 'success' });
    }
  });

  test('every key quota-cooled: reason quota with the soonest recovery', () => {
    const { pool, clock } = makePool(keys(2));
    const a = lease(pool.acquire('m', none));
    const b = lease(pool.acquire('m', new Set([a.keyId])));
    pool.report(a, { kind: 'quota', until: clock.now + 40_000, daily: false, reason: 'quota-minute', message: 'q' });
    pool.report(b, { kind: 'quota', until: clock.now + 20_000, daily: false, reason: 'quota-minute', message: 'q' });
    assert.deepEqual(pool.acquire('m', none), { ok: false, reason: 'quota', retryAt: clock.now + 20_000 });
  });

  test('transient failures cool a key briefly only after max_failures in a row, with backoff', () => {
    const { pool, clock } = makePool(keys(1));
    for (let i = 0; i < 2; i += 1) {
      pool.report(lease(pool.acquire('m', none)), { kind: 'transient', reason: 'UNAVAILABLE', message: 'overloaded' });
    }
    const third = lease(pool.acquire('m', none));
    pool.report(third, { kind: 'transient', reason: 'UNAVAILABLE', message: 'overloaded' });
    assert.deepEqual(pool.acquire('m', none), { ok: false, reason: 'unavailable', retryAt: clock.now + 5_000 });
    clock.now += 5_000;
    const fourth = lease(pool.acquire('m', none));
    pool.report(fourth, { kind: 'transient', reason: 'UNAVAILABLE', message: 'overloaded' });
    assert.deepEqual(pool.acquire('m', none), { ok: false, reason: 'unavailable', retryAt: clock.now + 10_000 }, 'doubled');
    clock.now += 10_000;
    pool.report(lease(pool.acquire('m', none)), { kind: 'success' });
    assert.equal(pool.snapshot()[0].streak, 0);
  });

  test('least-inflight prefers the less busy key', () => {
    const { pool } = makePool(keys(2), { strategy: 'least-inflight' });
    const busy = lease(pool.acquire('m', none));
    for (let i = 0; i < 20; i += 1) {
      const held = lease(pool.acquire('m', none));
      assert.notEqual(held.keyId, busy.keyId);
      pool.report(held, { kind: 'success' });
    }
  });

  test('setKeys adds, removes and keeps state; a removed key keeps its history', () => {
    const { pool } = makePool(keys(2));
    const [a, b] = keys(2);
    const aId = keyIdOf(a.secret);
    const held = lease(pool.acquire('m', new Set([keyIdOf(b.secret)])));
    pool.report(held, { kind: 'success' });
    assert.deepEqual(pool.setKeys([a, { secret: 'AIzaTEST-pool-new-key' }]), { added: 1, removed: 1, kept: 1 });
    assert.equal(pool.snapshot().find((key) => key.id === aId)?.lifetime.successes, 1);
    assert.equal(pool.totals().total, 2);
    pool.setKeys([a, b]);
    assert.equal(pool.totals().total, 2);
  });

  test('an in-flight lease of a removed key can still be reported', () => {
    const { pool } = makePool(keys(1));
    const held = lease(pool.acquire('m', none));
    pool.setKeys([]);
    pool.report(held, { kind: 'success' });
    assert.deepEqual(pool.acquire('m', none), { ok: false, reason: 'unavailable', retryAt: undefined });
  });

  test('10,000 keys with all but one cooled for a model still find the one', () => {
    const many = keys(10_000);
    const { pool, clock } = makePool(many);
    const spared = keyIdOf(many[1234].secret);
    for (let i = 0; i < 3 * many.length; i += 1) {
      const held = lease(pool.acquire('m', none));
      if (held.keyId === spared) pool.report(held, { kind: 'success' });
      else pool.report(held, { kind: 'quota', until: clock.now + 60_000, daily: false, reason: 'quota-minute', message: 'q' });
    }
    for (let i = 0; i < 3; i += 1) assert.equal(lease(pool.acquire('m', none)).keyId, spared);
  });

  test('findKeyId accepts an id, a unique prefix or a masked form', () => {
    const { pool } = makePool(keys(2));
    const id = keyIdOf(keys(2)[0].secret);
    assert.equal(pool.findKeyId(id), id);
    assert.equal(pool.findKeyId(id.slice(0, 6)), id);
    assert.equal(pool.findKeyId('nope'), undefined);
  });
});

describe('Rotation', () => {
  test('keys coming back are scattered, not appended as one block', async () => {
    const { Rotation } = await import('../../src/daemon/pool/rotation.js');
    const rotation = new Rotation<number>();
    for (let i = 0; i < 1_000; i += 1) rotation.add(i);
    for (let i = 0; i < 200; i += 1) rotation.remove(i);
    for (let i = 0; i < 200; i += 1) rotation.addAnywhere(i);
    let longestRun = 0;
    let run = 0;
    for (const item of rotation.values()) {
      run = item < 200 ? run + 1 : 0;
      longestRun = Math.max(longestRun, run);
    }
    assert.equal(rotation.size, 1_000);
    assert.ok(longestRun < 10, `a run of ${longestRun} returned keys in a row`);
  });
});
