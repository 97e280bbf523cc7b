import type { KeyView } from '../protocol/snapshot.js';
import { columnsForWidth, type ColumnSpec, type PlacedColumn } from './columns.js';
import { fitCell, formatCooldowns, formatCount, formatFailures } from './format.js';

/**
 * The keys table's columns, in display order. Priorities say what survives a
 * narrow terminal: key and state always; then the cooldown (when it comes
 * back), the last error (why), requests and error counts, the label; tokens,
 * in-flight and the project go first.
 */
export type KeyColumnId = 'key' | 'label' | 'project' | 'state' | 'cooldown' | 'inflight' | 'requests' | 'errors' | 'tokens' | 'lastError';

export const KEY_COLUMNS: readonly ColumnSpec<KeyColumnId>[] = [
  { id: 'key', title: 'key', min: 9, priority: 0 },
  { id: 'label', title: 'label', min: 8, max: 16, priority: 6 },
  { id: 'project', title: 'project', min: 10, max: 16, priority: 9 },
  { id: 'state', title: 'state', min: 7, priority: 0 },
  { id: 'cooldown', title: 'cooldown', min: 18, max: 26, priority: 1 },
  { id: 'inflight', title: 'inf', min: 3, align: 'right', priority: 8 },
  { id: 'requests', title: 'reqs', min: 6, align: 'right', priority: 3 },
  { id: 'errors', title: 'errors', min: 9, priority: 4 },
  { id: 'tokens', title: 'tokens', min: 6, align: 'right', priority: 7 },
  { id: 'lastError', title: 'last error', min: 12, ideal: 24, max: Infinity, priority: 2 },
];

/** Left of every row: the selection marker. */
export const ROW_MARKER_WIDTH = 2;

/** Columns only worth their room when some key has a value for them. */
export interface OptionalColumns {
  label: boolean;
  project: boolean;
}

export function optionalColumnsOf(keys: readonly KeyView[]): OptionalColumns {
  return { label: keys.some((key) => key.label), project: keys.some((key) => key.project) };
}

export function keyColumnsForWidth(width: number, optional: OptionalColumns = { label: true, project: true }): PlacedColumn<KeyColumnId>[] {
  const specs = KEY_COLUMNS.filter((spec) => (spec.id === 'label' ? optional.label : spec.id === 'project' ? optional.project : true));
  return columnsForWidth(specs, width - ROW_MARKER_WIDTH);
}

/** What one cell says, before fitting. `now` is the daemon's clock. */
export function keyCellText(id: KeyColumnId, key: KeyView, now: number): string {
  switch (id) {
    case 'key':
      return key.masked;
    case 'label':
      return key.label ?? '';
    case 'project':
      return key.project ?? '';
    case 'state':
      return key.state;
    case 'cooldown':
      if (key.state === 'invalid') return '-';
      return formatCooldowns(key.cooldowns, now) || '-';
    case 'inflight':
      return String(key.inflight);
    case 'requests':
      return formatCount(key.requests);
    case 'errors':
      return formatFailures(key.failures);
    case 'tokens':
      return formatCount(key.tokens.prompt + key.tokens.completion + key.tokens.thoughts);
    case 'lastError':
      // The class is in the errors column already; the message says the rest.
      return key.lastError?.message ?? key.invalidReason ?? '';
  }
}

/** Every cell of a row, fitted to its column. */
export function keyCells(key: KeyView, columns: readonly PlacedColumn<KeyColumnId>[], now: number): string[] {
  return columns.map((column) => fitCell(keyCellText(column.id, key, now), column.width, column.align));
}
