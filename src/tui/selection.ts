import type { KeyView } from '../protocol/snapshot.js';

/**
 * Selection arithmetic, pure. The window of rows on screen scrolls only when
 * the selection would leave it (as in htop), so the table does not jump.
 */

/** The first row on screen, given where it was, the selected row, the rows that fit and how many there are. */
export function scrollWindow(previousOffset: number, index: number, height: number, count: number): number {
  if (height <= 0 || count <= height) return 0;
  let offset = Math.min(Math.max(0, previousOffset), count - height);
  if (index < offset) offset = index;
  else if (index >= offset + height) offset = index - height + 1;
  return Math.max(0, offset);
}

/** The row a move lands on, clamped to the table (±Infinity go to the ends); -1 for an empty table. */
export function moveIndex(index: number, delta: number, count: number): number {
  if (count === 0) return -1;
  return Math.min(count - 1, Math.max(0, index + delta));
}

/** Where the selected key is; the first row when it is not shown (or none is selected); -1 for no rows. */
export function indexOfKey(keys: readonly KeyView[], id: string | undefined): number {
  if (keys.length === 0) return -1;
  const index = id === undefined ? -1 : keys.findIndex((key) => key.id === id);
  return index >= 0 ? index : 0;
}
