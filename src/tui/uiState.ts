import type { KeyView } from '../protocol/snapshot.js';
import { nextSortMode, SORT_TITLES, type SortMode } from './keyOrder.js';
import { indexOfKey, moveIndex } from './selection.js';

/**
 * What the operator has done to the view (not what the daemon said): mode,
 * filter, sort, selected key, the last action's outcome. One reducer, so the
 * input handler stays a plain key -> action table.
 */
export type UiMode = 'normal' | 'filter' | 'confirmResetAll' | 'help';

export type StatusTone = 'pending' | 'ok' | 'warn' | 'error' | 'info';

export interface StatusMessage {
  text: string;
  tone: StatusTone;
}

export interface UiState {
  mode: UiMode;
  /** The filter in force (applied with Enter). */
  filter: string;
  /** What is being typed after `/`; the table follows it live. */
  filterDraft: string;
  sort: SortMode;
  /** Selection follows the key, not the row, so re-sorting keeps it. */
  selectedId?: string;
  status?: StatusMessage;
}

export type UiAction =
  | { type: 'select'; id: string | undefined }
  /** Moves the selection within `keys` (the table's rows); ±Infinity go to the ends. */
  | { type: 'move'; delta: number; keys: readonly KeyView[] }
  | { type: 'openFilter' }
  | { type: 'typeFilter'; text: string }
  | { type: 'eraseFilter' }
  | { type: 'applyFilter' }
  | { type: 'clearFilter' }
  | { type: 'toggleHelp' }
  | { type: 'askResetAll' }
  | { type: 'endConfirm' }
  | { type: 'cycleSort' }
  | { type: 'status'; status: StatusMessage | undefined };

export const initialUiState: UiState = { mode: 'normal', filter: '', filterDraft: '', sort: 'state' };

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'select':
      return action.id === state.selectedId ? state : { ...state, selectedId: action.id };
    case 'move': {
      const index = moveIndex(indexOfKey(action.keys, state.selectedId), action.delta, action.keys.length);
      return uiReducer(state, { type: 'select', id: action.keys[index]?.id });
    }
    case 'openFilter':
      return { ...state, mode: 'filter', filterDraft: state.filter };
    case 'typeFilter':
      return { ...state, filterDraft: state.filterDraft + action.text };
    case 'eraseFilter':
      return { ...state, filterDraft: state.filterDraft.slice(0, -1) };
    case 'applyFilter':
      return { ...state, mode: 'normal', filter: state.filterDraft.trim() };
    case 'clearFilter':
      return { ...state, mode: 'normal', filter: '', filterDraft: '' };
    case 'toggleHelp':
      return { ...state, mode: state.mode === 'help' ? 'normal' : 'help' };
    case 'askResetAll':
      return { ...state, mode: 'confirmResetAll' };
    case 'endConfirm':
      return { ...state, mode: 'normal' };
    case 'cycleSort': {
      const sort = nextSortMode(state.sort);
      return { ...state, sort, status: { text: `sort: ${SORT_TITLES[sort]}`, tone: 'info' } };
    }
    case 'status':
      return { ...state, status: action.status };
  }
}

/** The filter the table uses right now: the draft while typing, else the applied one. */
export function activeFilter(state: UiState): string {
  return state.mode === 'filter' ? state.filterDraft : state.filter;
}
