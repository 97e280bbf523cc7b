import { useState } from 'react';
import type { KeyView } from '../protocol/snapshot.js';
import { indexOfKey, scrollWindow } from './selection.js';

/** The selected row and the rows on screen: only those are rendered, whatever the pool size. */
export interface Selection {
  /** -1 when there are no rows. */
  index: number;
  selected: KeyView | undefined;
  offset: number;
  visible: KeyView[];
}

export function useSelection(keys: readonly KeyView[], selectedId: string | undefined, height: number): Selection {
  const [offset, setOffset] = useState(0);
  const index = indexOfKey(keys, selectedId);
  const nextOffset = scrollWindow(offset, Math.max(index, 0), height, keys.length);
  // State derived from the previous render: React renders again at once, before anything is painted.
  if (nextOffset !== offset) setOffset(nextOffset);
  return {
    index,
    selected: index >= 0 ? keys[index] : undefined,
    offset: nextOffset,
    visible: keys.slice(nextOffset, nextOffset + Math.max(0, height)),
  };
}
