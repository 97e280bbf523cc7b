import { Box, Text } from 'ink';
import type { KeyView } from '../protocol/snapshot.js';
import type { PlacedColumn } from './columns.js';
import { fitCell } from './format.js';
import { keyCells, type KeyColumnId } from './keyColumns.js';
import { KeyRow } from './KeyRow.js';

/**
 * The main view: column titles, then only the rows that fit (the caller
 * passes the visible slice, so 500 keys cost a screenful of rows).
 */
export interface KeysTableProps {
  /** The rows on screen, in order. */
  keys: readonly KeyView[];
  columns: readonly PlacedColumn<KeyColumnId>[];
  selectedId: string | undefined;
  /** The daemon's clock, for cooldown countdowns. */
  now: number;
  stale: boolean;
  /** Shown instead of rows when there are none. */
  emptyText: string;
}

export function KeysTable({ keys, columns, selectedId, now, stale, emptyText }: KeysTableProps) {
  const stateCell = columns.findIndex((column) => column.id === 'state');
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" bold dimColor>
        {'  '}
        {columns.map((column) => fitCell(column.title, column.width, column.align)).join(' ')}
      </Text>
      {keys.length === 0 ? (
        <Text wrap="truncate" dimColor>
          {'  '}
          {emptyText}
        </Text>
      ) : (
        keys.map((key) => (
          <KeyRow key={key.id} cells={keyCells(key, columns, now)} stateCell={stateCell} state={key.state} selected={key.id === selectedId} stale={stale} />
        ))
      )}
    </Box>
  );
}
