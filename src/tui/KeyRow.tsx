import { Text } from 'ink';
import { Fragment, memo } from 'react';
import type { KeyView } from '../protocol/snapshot.js';
import { STATE_COLOURS } from './theme.js';

/**
 * One key, already formatted into fitted cells. Memoised on the cell texts:
 * a new snapshot that changes nothing this row shows costs no re-render.
 */
export interface KeyRowProps {
  cells: readonly string[];
  /** Which cell holds the state word (coloured), -1 if that column is hidden. */
  stateCell: number;
  state: KeyView['state'];
  selected: boolean;
  stale: boolean;
}

function KeyRowView({ cells, stateCell, state, selected, stale }: KeyRowProps) {
  return (
    <Text wrap="truncate" inverse={selected} dimColor={stale}>
      {selected ? '▸ ' : '  '}
      {cells.map((cell, index) => (
        <Fragment key={index}>
          {index > 0 ? ' ' : ''}
          {index === stateCell ? <Text color={STATE_COLOURS[state]}>{cell}</Text> : cell}
        </Fragment>
      ))}
    </Text>
  );
}

function sameRow(before: KeyRowProps, after: KeyRowProps): boolean {
  if (before.selected !== after.selected || before.stale !== after.stale || before.state !== after.state || before.stateCell !== after.stateCell) return false;
  if (before.cells.length !== after.cells.length) return false;
  return before.cells.every((cell, index) => cell === after.cells[index]);
}

export const KeyRow = memo(KeyRowView, sameRow);
