import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KeyView } from '../../src/protocol/snapshot.js';
import { columnsForWidth, rowWidth, type ColumnSpec } from '../../src/tui/columns.js';
import {
  fitCell,
  fitSegments,
  formatCooldowns,
  formatCount,
  formatDuration,
  formatFailures,
  formatLatency,
  formatPercent,
  shortModel,
  truncate,
  truncateStart,
} from '../../src/tui/format.js';
import { keyCells, keyColumnsForWidth, ROW_MARKER_WIDTH } from '../../src/tui/keyColumns.js';
import { keyMatches, orderKeys } from '../../src/tui/keyOrder.js';
import { planLayout } from '../../src/tui/layout.js';
import { latestRequests, recentColumnsForWidth } from '../../src/tui/recentColumns.js';
import { indexOfKey, moveIndex, scrollWindow } from '../../src/tui/selection.js';
import { activeFilter, initialUiState, uiReducer } from '../../src/tui/uiState.js';

/** The dashboard's pure parts: formatting, column fitting, ordering, selection, UI state. */
function key(n: number, overrides: Partial<KeyView> = {}): KeyView {
  return {
    id: `id-${n}`,
    masked: `AIza…${String(n).padStart(4, '0')}`,
    state: 'active',
    cooldowns: [],
    inflight: 0,
    streak: 0,
    requests: 0,
    successes: 0,
    failures: {},
    tokens: { prompt: 0, completion: 0, thoughts: 0 },
    requestsToday: 0,
    ...overrides,
  };
}

describe('format', () => {
  test('durations are compact and never negative', () => {
    assert.equal(formatDuration(-5_000), '0s');
    assert.equal(formatDuration(999), '0s');
    assert.equal(formatDuration(20_000), '20s');
    assert.equal(formatDuration(59_999), '59s');
    assert.equal(formatDuration(60_000), '1m00s');
    assert.equal(formatDuration(252_000), '4m12s');
    assert.equal(formatDuration(3_600_000 + 3 * 60_000), '1h03m');
    assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), '3d04h');
  });

  test('counts (tokens, requests) are compact', () => {
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(1_234), '1.2k');
    assert.equal(formatCount(12_345), '12.3k');
    assert.equal(formatCount(123_456), '123k');
    assert.equal(formatCount(999_960), '1.0M');
    assert.equal(formatCount(4_500_000), '4.5M');
    assert.equal(formatCount(7_000_000_000), '7.0G');
  });

  test('rates, latencies and shares', () => {
    assert.equal(formatPercent(null), '—');
    assert.equal(formatPercent(0.985), '98.5%');
    assert.equal(formatPercent(1), '100%');
    assert.equal(formatLatency(null), '—');
    assert.equal(formatLatency(120.4), '120ms');
    assert.equal(formatLatency(1_340), '1.34s');
    assert.equal(formatLatency(12_000), '12.0s');
  });

  test('model names are shortened', () => {
    assert.equal(shortModel('gemini-2.5-flash'), 'flash');
    assert.equal(shortModel('models/gemini-2.5-pro'), 'pro');
    assert.equal(shortModel('gemini-2.0-flash-lite'), 'flash-lite');
    assert.equal(shortModel('*'), 'all');
    assert.equal(shortModel('text-embedding-004'), 'text-embedding-004');
  });

  test('cooldowns: one countdown, per model where they differ, daily ones until midnight PT', () => {
    const now = 1_000_000;
    const minute = (model: string, inMs: number) => ({ model, until: now + inMs, reason: 'quota-minute' });
    assert.equal(formatCooldowns([], now), '');
    assert.equal(formatCooldowns([minute('gemini-2.5-flash', 26_000)], now), 'flash 26s');
    assert.equal(formatCooldowns([minute('gemini-2.5-pro', 252_000), minute('gemini-2.5-flash', 20_000)], now), 'pro 4m12s, flash 20s');
    assert.equal(formatCooldowns([minute('gemini-2.5-pro', 20_000), minute('gemini-2.5-flash', 20_400)], now), 'flash+pro 20s');
    assert.equal(formatCooldowns([{ model: 'gemini-2.5-pro', until: now + 5 * 3_600_000, reason: 'quota-day' }], now), 'pro until midnight PT');
    assert.equal(formatCooldowns([{ model: '*', until: now + 3_000, reason: 'backoff' }], now), 'all 3s');
    assert.equal(formatCooldowns([minute('gemini-2.5-flash', -1)], now), '', 'expired ones are left out');
  });

  test('failure classes: non-zero, biggest first, at most three', () => {
    assert.equal(formatFailures({}), '-');
    assert.equal(formatFailures({ quota: 0, transient: 0 }), '-');
    assert.equal(formatFailures({ quota: 3, transient: 1, deadKey: 0 }), 'q3 t1');
    assert.equal(formatFailures({ transient: 1, quota: 3, deadKey: 2, empty: 1, clientError: 5 }), 'c5 q3 d2');
    assert.equal(formatFailures({ quota: 12_345 }), 'q12.3k');
  });

  test('truncation and cells', () => {
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('abc', 4), 'abc');
    assert.equal(truncate('abc', 0), '');
    assert.equal(truncateStart('/a/long/path/s.sock', 10), '…th/s.sock');
    assert.equal(fitCell('12', 5, 'right'), '   12');
    assert.equal(fitCell('hello\nworld', 20), 'hello world'.padEnd(20), 'no line breaks in a cell');
    assert.equal(fitCell('a long message', 6), 'a lon…');
  });

  test('segments drop by priority and keep their order', () => {
    const segments = [
      { text: 'aaaa', priority: 0 },
      { text: 'bbbb', priority: 2 },
      { text: 'cccc', priority: 1 },
    ];
    assert.deepEqual(fitSegments(segments, 100).map((segment) => segment.text), ['aaaa', 'bbbb', 'cccc']);
    assert.deepEqual(fitSegments(segments, 10).map((segment) => segment.text), ['aaaa', 'cccc']);
    assert.deepEqual(fitSegments(segments, 3).map((segment) => segment.text), ['aaaa']);
  });
});

describe('columns by width', () => {
  const specs: ColumnSpec[] = [
    { id: 'a', title: 'a', min: 5, priority: 0 },
    { id: 'b', title: 'b', min: 5, priority: 2 },
    { id: 'c', title: 'c', min: 5, max: 9, priority: 1 },
    { id: 'd', title: 'd', min: 5, max: Infinity, priority: 3 },
  ];

  test('drops the least important columns first and keeps the display order', () => {
    assert.deepEqual(columnsForWidth(specs, 11).map((column) => column.id), ['a', 'c']);
    assert.deepEqual(columnsForWidth(specs, 17).map((column) => column.id), ['a', 'b', 'c']);
    assert.deepEqual(columnsForWidth(specs, 4), []);
  });

  test('spare room widens the growable columns, most important first', () => {
    const placed = columnsForWidth(specs, 40);
    assert.deepEqual(
      placed.map((column) => [column.id, column.width]),
      [
        ['a', 5],
        ['b', 5],
        ['c', 9],
        ['d', 18],
      ],
    );
    assert.equal(rowWidth(placed), 40);
  });

  test('the keys table fits 80 columns by dropping columns, and shows them all when wide', () => {
    const narrow = keyColumnsForWidth(80).map((column) => column.id);
    assert.ok(rowWidth(keyColumnsForWidth(80)) + ROW_MARKER_WIDTH <= 80);
    for (const id of ['key', 'state', 'cooldown', 'lastError', 'requests', 'errors', 'label'] as const) assert.ok(narrow.includes(id), `${id} kept at 80`);
    for (const id of ['tokens', 'project', 'inflight'] as const) assert.ok(!narrow.includes(id), `${id} dropped at 80`);
    assert.equal(keyColumnsForWidth(160).length, 10);
    assert.deepEqual(
      keyColumnsForWidth(40).map((column) => column.id),
      ['key', 'state', 'cooldown'],
    );
    for (let width = 30; width <= 200; width += 1) {
      assert.ok(rowWidth(keyColumnsForWidth(width)) + ROW_MARKER_WIDTH <= width, `keys at ${width}`);
      assert.ok(rowWidth(recentColumnsForWidth(width)) <= width, `recent at ${width}`);
    }
  });

  test('cells are fitted to their columns', () => {
    const columns = keyColumnsForWidth(80);
    const cooling = key(7, {
      state: 'cooling',
      label: 'a very long label indeed',
      cooldowns: [{ model: 'gemini-2.5-flash', until: 60_000, reason: 'quota-minute' }],
      lastError: { kind: 'quota', message: 'Quota exceeded for metric generate_content_free_tier_requests', at: 0 },
      requests: 12_345,
      failures: { quota: 3 },
    });
    const cells = keyCells(cooling, columns, 34_000);
    cells.forEach((cell, index) => assert.equal(cell.length, columns[index].width));
    const byId = Object.fromEntries(columns.map((column, index) => [column.id, cells[index].trim()]));
    assert.equal(byId.key, 'AIza…0007');
    assert.equal(byId.state, 'cooling');
    assert.equal(byId.cooldown, 'flash 26s');
    assert.equal(byId.requests, '12.3k');
    assert.equal(byId.errors, 'q3');
    assert.match(byId.lastError, /^Quota exce.*…$/);
  });
});

describe('ordering, filter and selection', () => {
  const keys = [
    key(1, { requests: 5 }),
    key(2, { state: 'cooling', cooldowns: [{ model: 'gemini-2.5-flash', until: 900, reason: 'quota-minute' }], requests: 50, label: 'quota-test' }),
    key(3, { state: 'invalid', requests: 1, failures: { deadKey: 1 }, project: 'acme-prod' }),
    key(4, { state: 'cooling', cooldowns: [{ model: 'gemini-2.5-pro', until: 100, reason: 'quota-minute' }], failures: { quota: 9 } }),
  ];

  test('default order: invalid, then cooling (soonest back first), then active', () => {
    assert.deepEqual(orderKeys(keys, '', 'state').map((view) => view.id), ['id-3', 'id-4', 'id-2', 'id-1']);
  });

  test('other sorts: busiest, most errors, by name', () => {
    assert.deepEqual(orderKeys(keys, '', 'requests').map((view) => view.id), ['id-2', 'id-1', 'id-3', 'id-4']);
    assert.deepEqual(orderKeys(keys, '', 'errors').map((view) => view.id), ['id-4', 'id-3', 'id-2', 'id-1']);
    assert.deepEqual(orderKeys(keys, '', 'name').map((view) => view.id), ['id-2', 'id-1', 'id-3', 'id-4'], 'labelled keys first, then by masked id');
  });

  test('the filter matches masked id, label, project and state, ignoring case', () => {
    assert.ok(keyMatches(keys[0], 'aiza…0001'));
    assert.ok(keyMatches(keys[1], 'QUOTA'));
    assert.ok(keyMatches(keys[2], 'acme'));
    assert.ok(keyMatches(keys[2], 'invalid'));
    assert.ok(!keyMatches(keys[0], 'cooling'));
    assert.deepEqual(orderKeys(keys, 'cool', 'state').map((view) => view.id), ['id-4', 'id-2']);
    assert.equal(orderKeys(keys, '  ', 'state').length, 4);
  });

  test('the window scrolls only when the selection leaves it', () => {
    assert.equal(scrollWindow(0, 0, 10, 5), 0, 'everything fits');
    assert.equal(scrollWindow(0, 9, 10, 500), 0);
    assert.equal(scrollWindow(0, 10, 10, 500), 1);
    assert.equal(scrollWindow(40, 45, 10, 500), 40, 'inside the window: no scroll');
    assert.equal(scrollWindow(40, 12, 10, 500), 12);
    assert.equal(scrollWindow(0, 499, 10, 500), 490);
    assert.equal(scrollWindow(495, 0, 10, 20), 0, 'shrunk list');
    assert.equal(moveIndex(0, -1, 5), 0);
    assert.equal(moveIndex(3, 10, 5), 4);
    assert.equal(moveIndex(2, Infinity, 5), 4);
    assert.equal(moveIndex(2, -Infinity, 5), 0);
    assert.equal(moveIndex(0, 1, 0), -1);
    assert.equal(indexOfKey(keys, 'id-3'), 2);
    assert.equal(indexOfKey(keys, 'gone'), 0);
    assert.equal(indexOfKey([], 'id-3'), -1);
  });

  test('the UI reducer: moves, filter editing, confirm and sort', () => {
    let state = uiReducer(initialUiState, { type: 'move', delta: 1, keys });
    assert.equal(state.selectedId, 'id-2');
    state = uiReducer(state, { type: 'move', delta: Infinity, keys });
    assert.equal(state.selectedId, 'id-4');
    state = uiReducer(state, { type: 'openFilter' });
    for (const text of ['q', 'u', 'x']) state = uiReducer(state, { type: 'typeFilter', text });
    state = uiReducer(state, { type: 'eraseFilter' });
    assert.equal(activeFilter(state), 'qu', 'live while typing');
    assert.equal(state.filter, '');
    state = uiReducer(state, { type: 'applyFilter' });
    assert.deepEqual([state.mode, state.filter, activeFilter(state)], ['normal', 'qu', 'qu']);
    state = uiReducer(state, { type: 'clearFilter' });
    assert.equal(activeFilter(state), '');
    state = uiReducer(state, { type: 'cycleSort' });
    assert.equal(state.sort, 'requests');
    assert.equal(state.status?.text, 'sort: requests (most first)');
    assert.equal(uiReducer(state, { type: 'select', id: state.selectedId }), state, 'no change, same object');
  });
});

describe('layout', () => {
  test('80x24 keeps a recent panel; short terminals drop it; tall ones grow both', () => {
    assert.deepEqual(planLayout(24, { filterBar: false }), { tableRows: 14, recentRows: 4, clientRows: 0 });
    assert.deepEqual(planLayout(24, { filterBar: true }), { tableRows: 13, recentRows: 4, clientRows: 0 });
    assert.deepEqual(planLayout(15, { filterBar: false }), { tableRows: 10, recentRows: 0, clientRows: 0 });
    assert.deepEqual(planLayout(60, { filterBar: false }), { tableRows: 44, recentRows: 10, clientRows: 0 });
    // Client usage takes its rows (and a title) from the table, at most four, and only when there is room.
    assert.deepEqual(planLayout(24, { filterBar: false, clients: 2 }), { tableRows: 11, recentRows: 4, clientRows: 2 });
    assert.deepEqual(planLayout(60, { filterBar: false, clients: 9 }), { tableRows: 39, recentRows: 10, clientRows: 4 });
    assert.deepEqual(planLayout(15, { filterBar: false, clients: 3 }), { tableRows: 10, recentRows: 0, clientRows: 0 });
    assert.equal(planLayout(3, { filterBar: true }).tableRows, 1);
  });

  test('recent requests: newest first, as many as fit', () => {
    const request = (at: number) => ({ at, surface: 'native', method: 'POST', path: '/x', status: 200, attempts: 1, ms: 5 });
    assert.deepEqual(latestRequests([request(1), request(3), request(2)], 2).map((entry) => entry.at), [3, 2]);
    assert.deepEqual(latestRequests([request(1)], 0), []);
  });
});
