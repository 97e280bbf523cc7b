import { useState } from 'react';
import type { KeyView } from '../protocol/snapshot.js';

/**
 * The selected row and the window of rows on screen. The window scrolls only
 * when the selection would leave it (as in htop), so the table does not jump.
 */
export interface Selection {
  /** -1 when there are no rows. */
  index: number;
  selected: KeyView | undefined;
  offset: number;
  visible: KeyView[];
}

/** The first row on screen, given where it was, the selected row, the rows that fit and how many there are. */
export function scrollWindow(previousOffset: number, index: number, height: number, count: number): number {
  if (height <= 0 || count <= height) return 0;
  let offset = Math.min(Math.max(0, previousOffset), count - height);
  if (index < offset) offset = index;
  else if (index >= offset + height) offset = index - height + 1;
  return Math.max(0, offset);
}

/** The row a move lands on, clamped to the table. */
export function moveIndex(index: number, delta: number, count: number): number {
  if (count === 0) return -1;
  return Math.min(count - 1, Math.max(0, index + delta));
}

export function indexOfKey(keys: readonly KeyView[], id: string | undefined): number {
  if (keys.length === 0) return -1;
  const index = id === undefined ? -1 : keys.findIndex((key) => key.id === id);
  return index >= 0 ? index : 0;
}

export function useSelection(keys: readonly KeyView[], selectedId: string | undefined, height: number): Selection {
  const [offset, setOffset] = useState(0);
  const index = indexOfKey(keys, selectedId);
  const nextOffset = scrollWindow(offset, Math.max(index, 0), height, keys.length);
  // Derived state kept from the previous render: React re-renders at once, before painting.
  if (nextOffset !== offset) setOffset(nextOffset);
  return {
    index,
    selected: index >= 0 ? keys[index] : undefined,
    offset: nextOffset,
    visible: keys.slice(nextOffset, nextOffset + Math.max(0, height)),
  };
}
