import { useCallback, useRef, useState } from 'react';
import { initialUiState, uiReducer, type UiAction, type UiState } from './uiState.js';

/**
 * useReducer, plus a synchronous read of the latest state: several keys can
 * arrive in one chunk ("/quota", "jjj" from a paste or tmux), and each must
 * see the state the previous one left, before React renders again.
 */
export function useUiState(): [UiState, (action: UiAction) => void, () => UiState] {
  const latest = useRef<UiState>(initialUiState);
  const [state, setState] = useState<UiState>(initialUiState);
  const dispatch = useCallback((action: UiAction) => {
    const next = uiReducer(latest.current, action);
    if (next === latest.current) return;
    latest.current = next;
    setState(next);
  }, []);
  const getState = useCallback(() => latest.current, []);
  return [state, dispatch, getState];
}
