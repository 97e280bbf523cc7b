import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { afterEach, describe, test } from 'node:test';
import { createElement } from 'react';
import type { ControlClient } from '../../src/protocol/client.js';
import type { Method, MethodResults } from '../../src/protocol/messages.js';
import type { KeyView, Snapshot } from '../../src/protocol/snapshot.js';

// Ink renders nothing until exit when it believes it runs in CI (is-in-ci reads
// the environment once, at import): clear that before loading Ink.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
const { render } = await import('ink-testing-library');
const { Dashboard } = await import('../../src/tui/Dashboard.js');
const { runDashboard } = await import('../../src/tui/runDashboard.js');
const { ControlRequestError } = await import('../../src/protocol/client.js');

/** The dashboard against a fake control client: what it shows, what it sends. */
type Handler = (params: Record<string, unknown> | undefined) => unknown;

class FakeControlClient implements ControlClient {
  readonly target = '/tmp/gp-test/s.sock';
  readonly requests: Array<{ method: Method; params?: Record<string, unknown> }> = [];
  readonly handlers: Partial<Record<Method, Handler>> = {};
  closed = false;
  private connected = true;
  private current?: Snapshot;
  private readonly snapshotListeners = new Set<(snapshot: Snapshot) => void>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();

  constructor(snapshot?: Snapshot) {
    this.current = snapshot;
  }

  request<M extends Method>(method: M, params?: Record<string, unknown>): Promise<MethodResults[M]> {
    this.requests.push({ method, params });
    if (!this.connected) return Promise.reject(new ControlRequestError('UNAVAILABLE', 'not connected to the daemon'));
    if (method === 'status') {
      return this.current ? Promise.resolve(this.current as MethodResults[M]) : Promise.reject(new ControlRequestError('UNAVAILABLE', 'no snapshot'));
    }
    const handler = this.handlers[method];
    if (!handler) return Promise.reject(new ControlRequestError('UNKNOWN_METHOD', `no handler for ${method}`));
    return Promise.resolve().then(() => handler(params) as MethodResults[M]);
  }

  subscribe(onSnapshot: (snapshot: Snapshot) => void): () => void {
    this.snapshotListeners.add(onSnapshot);
    return () => this.snapshotListeners.delete(onSnapshot);
  }

  onConnection(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
  }

  push(snapshot: Snapshot): void {
    this.current = snapshot;
    for (const listener of this.snapshotListeners) listener(snapshot);
  }

  setConnected(connected: boolean): void {
    this.connected = connected;
    for (const listener of this.connectionListeners) listener(connected);
  }

  sent(method: Method) {
    return this.requests.filter((request) => request.method === method);
  }

  get listening(): number {
    return this.snapshotListeners.size;
  }
}

function keyView(n: number, overrides: Partial<KeyView> = {}): KeyView {
  return {
    id: `id-${String(n).padStart(4, '0')}`,
    masked: `AIza…${String(n).padStart(4, '0')}`,
    state: 'active',
    cooldowns: [],
    inflight: 0,
    streak: 0,
    requests: n,
    successes: n,
    failures: { quota: 0, transient: 0, deadKey: 0, empty: 0, clientError: 0 },
    tokens: { prompt: n * 100, completion: n * 10, thoughts: 0 },
    requestsToday: n,
    ...overrides,
  };
}

function snapshotOf(keys: KeyView[], now = Date.now()): Snapshot {
  const count = (state: KeyView['state']) => keys.filter((key) => key.state === state).length;
  return {
    daemon: { version: '0.1.0', pid: 4242, startedAt: now - 3_725_000, url: 'http://127.0.0.1:8080' },
    now,
    totals: { total: keys.length, available: count('active'), cooling: count('cooling'), invalid: count('invalid') },
    stats: { requestsPerS: 3.25, successRate: 0.985, latencyP50Ms: 120, latencyP95Ms: 890, inflight: 2, requestsTotal: 999 },
    keys,
    recent: [
      { at: now - 2_000, surface: 'openai', method: 'POST', path: '/v1/chat/completions', model: 'gemini-2.5-flash', key: 'AIza…0001', status: 200, attempts: 1, ms: 340 },
      { at: now - 1_000, surface: 'native', method: 'POST', path: '/v1beta/models/gemini-2.5-pro:generateContent', model: 'gemini-2.5-pro', key: 'AIza…0002', status: 429, attempts: 3, ms: 1_340 },
    ],
  };
}

function threeKeys(now = Date.now()): Snapshot {
  return snapshotOf(
    [
      keyView(1, { label: 'team-a', project: 'acme-prod', requests: 40 }),
      keyView(2, {
        state: 'cooling',
        cooldowns: [
          { model: 'gemini-2.5-pro', until: now + 252_400, reason: 'quota-minute' },
          { model: 'gemini-2.5-flash', until: now + 20_400, reason: 'quota-minute' },
        ],
        failures: { quota: 3, transient: 1, deadKey: 0, empty: 0, clientError: 0 },
        lastError: { kind: 'quota', message: 'Quota exceeded for metric requests per minute', at: now },
      }),
      keyView(3, { state: 'invalid', invalidReason: 'API_KEY_INVALID', lastError: { kind: 'deadKey', message: 'API key not valid', at: now } }),
    ],
    now,
  );
}

const manyKeys = (count: number) => snapshotOf(Array.from({ length: count }, (_, index) => keyView(index + 1)));

type App = ReturnType<typeof render>;
const mounted: App[] = [];
afterEach(() => {
  for (const app of mounted.splice(0)) app.unmount();
});

function mount(client: FakeControlClient, size?: { columns: number; rows: number }): App {
  // createElement, not JSX: tsx compiles files outside tsconfig.json's include with the classic JSX runtime.
  const app = render(createElement(Dashboard, { client }));
  mounted.push(app);
  if (size) resize(app, size);
  return app;
}

function resize(app: App, size: { columns: number; rows: number }): void {
  Object.defineProperty(app.stdout, 'columns', { value: size.columns, configurable: true });
  Object.defineProperty(app.stdout, 'rows', { value: size.rows, configurable: true });
  app.stdout.emit('resize');
}

const frame = (app: App) => app.lastFrame() ?? '';
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(app: App, check: (screen: string) => boolean, what: string, timeoutMs = 2_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = frame(app);
    if (check(screen)) return screen;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; the screen was:\n${screen}`);
    await delay(10);
  }
}

const waitForText = (app: App, text: string) => waitFor(app, (screen) => screen.includes(text), JSON.stringify(text));

/** Keys go in one at a time with a tick between, as a person types. */
async function press(app: App, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    app.stdin.write(key);
    await delay(20);
  }
}

/** The masked ids in the keys table (the recent panel's rows start with a time). */
const tableKeys = (screen: string) => screen.split('\n').flatMap((line) => /^[▸ ] (AIza…\d{4}) /.exec(line)?.[1] ?? []);
const selectedLine = (screen: string) => screen.split('\n').find((line) => line.startsWith('▸')) ?? '';
const DOWN = '\u001B[B';
const ESC = '\u001B';
const ENTER = '\r';

describe('dashboard', () => {
  test('header facts, keys with their state, cooldowns and errors, recent requests', async () => {
    const client = new FakeControlClient(threeKeys());
    const app = mount(client, { columns: 120, rows: 30 });
    const screen = await waitForText(app, 'AIza…0003');
    for (const text of ['gemini-pool', '/tmp/gp-test/s.sock', 'connected', 'up 1h02m', 'req/s 3.3', 'ok 98.5%', 'p50 120ms', 'p95 890ms']) {
      assert.ok(screen.includes(text), `header shows ${text}`);
    }
    assert.match(screen, /keys 1 avail {2}1 cooling {2}1 invalid {2}3 total/);
    assert.match(screen, /AIza…0002 .*cooling .*pro 4m1\ds, flash (19|20)s .*q3 t1 .*Quota exceeded/);
    assert.match(screen, /AIza…0003 .*invalid .*API key not valid/);
    assert.match(screen, /AIza…0001 +team-a +acme-prod +active/);
    assert.match(screen, /429 native +pro +AIza…0002 +3 +1\.34s/);
    assert.match(screen, /200 openai +flash +AIza…0001 +1 +340ms/);
    assert.deepEqual(tableKeys(screen), ['AIza…0003', 'AIza…0002', 'AIza…0001'], 'invalid, then cooling, then active');
    assert.equal(client.listening, 1, 'subscribed');
  });

  test('j/k and the arrows move the selection', async () => {
    const client = new FakeControlClient(threeKeys());
    const app = mount(client);
    await waitForText(app, 'AIza…0003');
    assert.match(selectedLine(frame(app)), /AIza…0003/);
    await press(app, 'j');
    assert.match(selectedLine(frame(app)), /AIza…0002/);
    await press(app, DOWN);
    assert.match(selectedLine(frame(app)), /AIza…0001/);
    await press(app, 'j');
    assert.match(selectedLine(frame(app)), /AIza…0001/, 'stops at the bottom');
    await press(app, 'k', 'k');
    assert.match(selectedLine(frame(app)), /AIza…0003/);
    await press(app, 'jj');
    assert.match(selectedLine(frame(app)), /AIza…0001/, 'a burst of keys in one chunk moves once per key');
  });

  test('s cycles the sort; the selection stays on its key', async () => {
    const client = new FakeControlClient(threeKeys());
    const app = mount(client);
    await waitForText(app, 'AIza…0003');
    await press(app, 'j');
    assert.match(selectedLine(frame(app)), /AIza…0002/);
    await press(app, 's');
    const screen = await waitForText(app, 'sort: requests (most first)');
    assert.deepEqual(tableKeys(screen), ['AIza…0001', 'AIza…0003', 'AIza…0002']);
    assert.match(selectedLine(screen), /AIza…0002/);
    assert.match(screen, /3\/3 · sort requests/);
  });

  test('r resets the selected key and says so', async () => {
    const client = new FakeControlClient(threeKeys());
    client.handlers['keys.reset'] = (params) => ({ reset: [{ id: params?.id, masked: 'AIza…0002' }] });
    const app = mount(client);
    await waitForText(app, 'AIza…0002');
    await press(app, 'j', 'r');
    assert.deepEqual(client.sent('keys.reset'), [{ method: 'keys.reset', params: { id: 'id-0002' } }]);
    await waitForText(app, 'reset AIza…0002');
  });

  test('an action that fails shows the error', async () => {
    const client = new FakeControlClient(threeKeys());
    client.handlers['keys.reset'] = () => {
      throw new ControlRequestError('NOT_FOUND', 'no key with id id-0003');
    };
    const app = mount(client);
    await waitForText(app, 'AIza…0003');
    await press(app, 'r');
    await waitForText(app, 'reset AIza…0003 failed: no key with id id-0003');
  });

  test('R asks first; n cancels, y resets all', async () => {
    const client = new FakeControlClient(threeKeys());
    client.handlers['keys.reset'] = () => ({ reset: [1, 2, 3].map((n) => ({ id: `id-000${n}`, masked: `AIza…000${n}` })) });
    const app = mount(client);
    await waitForText(app, 'AIza…0003');
    await press(app, 'R');
    await waitForText(app, 'Reset all 3 keys');
    await press(app, 'n');
    await waitForText(app, 'reset all: cancelled');
    assert.equal(client.sent('keys.reset').length, 0);
    await press(app, 'R');
    await waitForText(app, 'Reset all 3 keys');
    assert.equal(client.sent('keys.reset').length, 0, 'nothing sent before the answer');
    await press(app, 'y');
    assert.deepEqual(client.sent('keys.reset'), [{ method: 'keys.reset', params: { all: true } }]);
    await waitForText(app, 'reset all: 3 keys back in rotation');
  });

  test('c checks the selected key; l reloads keys', async () => {
    const client = new FakeControlClient(threeKeys());
    client.handlers['keys.check'] = (params) => ({ results: [{ id: params?.id, masked: 'AIza…0003', result: 'dead', message: 'API_KEY_INVALID' }] });
    client.handlers['keys.reload'] = () => ({ ok: true, message: 'keys reloaded: 1 added, 0 removed' });
    const app = mount(client);
    await waitForText(app, 'AIza…0003');
    await press(app, 'c');
    assert.deepEqual(client.sent('keys.check'), [{ method: 'keys.check', params: { id: 'id-0003' } }]);
    await waitForText(app, 'check AIza…0003: dead — API_KEY_INVALID');
    await press(app, 'l');
    assert.equal(client.sent('keys.reload').length, 1);
    await waitForText(app, 'reload: keys reloaded: 1 added, 0 removed');
  });

  test('/ filters the rows live; Enter keeps the filter, Esc clears it', async () => {
    const client = new FakeControlClient(threeKeys());
    const app = mount(client);
    await waitForText(app, 'AIza…0003');
    await press(app, '/', 'c', 'o', 'o', 'l');
    let screen = await waitForText(app, '1 of 3 keys');
    assert.deepEqual(tableKeys(screen), ['AIza…0002']);
    await press(app, ENTER);
    screen = await waitForText(app, '/ edits');
    assert.ok(screen.includes('/cool'));
    await press(app, ESC);
    screen = await waitFor(app, (text) => !text.includes('/cool'), 'the filter to clear');
    assert.deepEqual(tableKeys(screen), ['AIza…0003', 'AIza…0002', 'AIza…0001']);
    await press(app, '/team\r');
    screen = await waitForText(app, '/ edits');
    assert.match(screen, /\/team/);
    assert.deepEqual(tableKeys(screen), ['AIza…0001'], 'label match');
    await press(app, ESC, '/', 'acme', ENTER);
    screen = await waitForText(app, '/acme');
    assert.deepEqual(tableKeys(screen), ['AIza…0001'], 'project match');
  });

  test('? shows the key map; ? again closes it', async () => {
    const client = new FakeControlClient(threeKeys());
    const app = mount(client);
    await waitForText(app, 'AIza…0003');
    await press(app, '?');
    const screen = await waitForText(app, 'press ? or Esc to close');
    assert.match(screen, /reset all keys \(asks first\)/);
    await press(app, '?');
    await waitFor(app, (text) => !text.includes('press ? or Esc') && text.includes('AIza…0003'), 'help to close');
  });

  test('a lost daemon shows "disconnected", keeps the last data, and picks up again', async () => {
    const client = new FakeControlClient(threeKeys());
    const app = mount(client);
    await waitForText(app, 'AIza…0003');
    client.setConnected(false);
    let screen = await waitForText(app, 'disconnected — reconnecting…');
    assert.ok(screen.includes('AIza…0003'), 'the last snapshot stays on screen');
    assert.match(screen, /data \ds old/);
    await press(app, 'r');
    await waitForText(app, 'failed: not connected to the daemon');
    const later = snapshotOf([keyView(9)]);
    client.setConnected(true);
    client.push(later);
    screen = await waitFor(app, (text) => text.includes('AIza…0009') && !text.includes('disconnected'), 'the new snapshot');
    assert.match(screen, / connected /);
  });

  test('no daemon at start: says so, then shows the data when it comes', async () => {
    const client = new FakeControlClient(undefined);
    client.setConnected(false);
    const app = mount(client);
    await waitForText(app, 'disconnected — reconnecting…');
    client.setConnected(true);
    client.push(threeKeys());
    await waitForText(app, 'AIza…0003');
  });

  test('client usage shows under the keys, by name', async () => {
    const snapshot = threeKeys();
    snapshot.clients = [
      { name: 'team-a', lastMinute: 3, today: { requests: 42, errors: 1, promptTokens: 1_000, completionTokens: 234 }, lifetime: { requests: 900, errors: 5, promptTokens: 0, completionTokens: 0 } },
      { name: 'ci-bot', lastMinute: 0, today: { requests: 7, errors: 0, promptTokens: 10, completionTokens: 5 }, lifetime: { requests: 7, errors: 0, promptTokens: 10, completionTokens: 5 } },
    ];
    const app = mount(new FakeControlClient(snapshot), { columns: 100, rows: 30 });
    const screen = await waitForText(app, 'team-a');
    const teamLine = screen.split('\n').find((line) => line.startsWith('team-a')) ?? '';
    assert.match(teamLine, /team-a\s+3\s+42\s+1(\.2k|,?234)/);
    assert.ok(screen.indexOf('team-a') < screen.indexOf('ci-bot'), 'the busiest client first');
  });

  test('cooldowns count down every second between snapshots', async () => {
    const now = Date.now();
    const snapshot = snapshotOf([keyView(1, { state: 'cooling', cooldowns: [{ model: 'gemini-2.5-flash', until: now + 10_500, reason: 'quota-minute' }] })], now);
    const client = new FakeControlClient(snapshot);
    const app = mount(client);
    await waitForText(app, 'flash 10s');
    await waitForText(app, 'flash 9s');
  });

  test('500 keys: only a screenful of rows; paging and g/G move through them', async () => {
    const client = new FakeControlClient(manyKeys(500));
    const app = mount(client, { columns: 100, rows: 24 });
    let screen = await waitForText(app, 'AIza…0001');
    const lines = screen.split('\n');
    assert.ok(lines.length <= 24, `${lines.length} lines`);
    assert.equal(tableKeys(screen).length, 14, `the rows that fit in 24 lines beside the header, recent panel and status line:\n${screen}`);
    assert.ok(!screen.includes('AIza…0500'));
    assert.match(screen, /1\/500 · sort state/);
    await press(app, '\u001B[6~');
    screen = await waitForText(app, '15/500');
    assert.match(selectedLine(screen), /AIza…0015/);
    await press(app, 'G');
    screen = await waitForText(app, '500/500');
    assert.match(selectedLine(screen), /AIza…0500/);
    assert.ok(!tableKeys(screen).includes('AIza…0001'));
    assert.equal(tableKeys(screen).at(-1), 'AIza…0500');
    await press(app, 'g');
    screen = await waitForText(app, '1/500');
    assert.match(selectedLine(screen), /AIza…0001/);
  });

  test('80 columns: columns are dropped, no line is wider; a wider terminal shows them again', async () => {
    const client = new FakeControlClient(threeKeys());
    const app = mount(client, { columns: 80, rows: 24 });
    let screen = await waitForText(app, 'AIza…0003');
    for (const line of screen.split('\n')) assert.ok(line.length <= 80, `too wide (${line.length}): ${line}`);
    assert.ok(!/\btokens\b/.test(screen), 'tokens dropped at 80 columns');
    assert.match(screen, /key +label +state +cooldown/);
    resize(app, { columns: 160, rows: 40 });
    screen = await waitFor(app, (text) => /\btokens\b/.test(text), 'the tokens column');
    assert.match(screen, /project/);
    resize(app, { columns: 60, rows: 16 });
    screen = await waitFor(app, (text) => !text.includes('recent'), 'the recent panel to go');
    for (const line of screen.split('\n')) assert.ok(line.length <= 60, `too wide (${line.length}): ${line}`);
  });
});

class FakeTty extends EventEmitter {
  isTTY = true;
  columns = 100;
  rows = 30;
  output = '';
  private pending: string[] = [];
  write = (data: string) => {
    this.output += data;
    return true;
  };
  type(data: string) {
    this.pending.push(data);
    this.emit('readable');
  }
  read = () => this.pending.shift() ?? null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

describe('runDashboard', () => {
  for (const [name, key] of [
    ['q', 'q'],
    ['Ctrl-C', '\u0003'],
  ] as const) {
    test(`${name} quits with 0 and closes the client`, async () => {
      const client = new FakeControlClient(threeKeys());
      const tty = new FakeTty();
      const done = runDashboard(client, { stdin: tty as unknown as NodeJS.ReadStream, stdout: tty as unknown as NodeJS.WriteStream });
      const deadline = Date.now() + 2_000;
      while (!tty.output.includes('AIza…0003') && Date.now() < deadline) await delay(10);
      assert.ok(tty.output.includes('AIza…0003'), 'rendered');
      assert.ok(tty.output.startsWith('\u001B[?1049h'), 'full screen');
      tty.type(key);
      assert.equal(await done, 0);
      assert.ok(client.closed);
      assert.ok(tty.output.endsWith('\u001B[?1049l'), 'the screen is given back');
      assert.equal(client.listening, 0, 'unsubscribed');
    });
  }
});
