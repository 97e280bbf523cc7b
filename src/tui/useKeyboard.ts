import { useInput, type Key } from 'ink';
import { useRef } from 'react';
import type { KeyView } from '../protocol/snapshot.js';
import { indexOfKey } from './selection.js';
import type { KeyActions } from './useKeyActions.js';
import type { UiAction, UiState } from './uiState.js';

/**
 * The key map (HelpOverlay shows it to the user). Each mode has its own small
 * table: typing a filter, answering y/n, reading help, or driving the table.
 * Keys read the latest UI state, so a burst of keys in one chunk works.
 */
export interface KeyboardContext {
  getUi: () => UiState;
  dispatch: (action: UiAction) => void;
  /** The table's rows, in order (after filter and sort). */
  keys: readonly KeyView[];
  pageSize: number;
  actions: KeyActions;
  quit: () => void;
}

export function useKeyboard(context: KeyboardContext): void {
  const latest = useRef(context);
  latest.current = context;
  useInput((input, key) => handleInput(latest.current, input, key));
}

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
};

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** One character of a burst, as the key it stands for. */
function keyOf(character: string): [input: string, key: Key] {
  switch (character) {
    case '\r':
    case '\n':
      return ['', { ...NO_KEY, return: true }];
    case '\u007f':
    case '\b':
      return ['', { ...NO_KEY, backspace: true }];
    case '\t':
      return ['', { ...NO_KEY, tab: true }];
    case '\u0003':
      return ['c', { ...NO_KEY, ctrl: true }];
    default:
      return [character, { ...NO_KEY, shift: /[A-Z]/.test(character) }];
  }
}

/**
 * Ink hands over a burst of plain characters (a paste, tmux send-keys, fast
 * typing over ssh) as one input, e.g. "/quota\r": handle it key by key.
 * Escape sequences (arrows, PgUp) always come alone.
 */
export function handleInput(context: KeyboardContext, input: string, key: Key): void {
  if (input.length > 1 && !key.ctrl && !key.meta && !input.includes('\u001B')) {
    for (const character of input) handleKey(context, ...keyOf(character));
    return;
  }
  handleKey(context, input, key);
}

export function handleKey(context: KeyboardContext, input: string, key: Key): void {
  const { dispatch } = context;
  const ui = context.getUi();
  if (key.ctrl && input === 'c') {
    context.quit();
    return;
  }
  switch (ui.mode) {
    case 'filter':
      if (key.escape) dispatch({ type: 'clearFilter' });
      else if (key.return) dispatch({ type: 'applyFilter' });
      else if (key.backspace || key.delete) dispatch({ type: 'eraseFilter' });
      else if (input && !key.ctrl && !key.meta && !key.tab && !CONTROL_CHARACTER.test(input)) dispatch({ type: 'typeFilter', text: input });
      return;
    case 'confirmResetAll':
      dispatch({ type: 'endConfirm' });
      if (input === 'y' || input === 'Y') context.actions.resetAll();
      else dispatch({ type: 'status', status: { text: 'reset all: cancelled', tone: 'info' } });
      return;
    case 'help':
      if (key.escape || input === '?' || input === 'q') dispatch({ type: 'toggleHelp' });
      return;
    case 'normal':
      tableKey(context, ui, input, key);
      return;
  }
}

function tableKey(context: KeyboardContext, ui: UiState, input: string, key: Key): void {
  const { dispatch, keys, pageSize, actions } = context;
  const move = (delta: number) => dispatch({ type: 'move', delta, keys });
  const withSelected = (then: (target: KeyView) => void) => {
    const selected = keys[indexOfKey(keys, ui.selectedId)];
    if (selected) then(selected);
    else dispatch({ type: 'status', status: { text: 'no key selected', tone: 'warn' } });
  };

  if (key.downArrow || input === 'j') move(1);
  else if (key.upArrow || input === 'k') move(-1);
  else if (key.pageDown) move(Math.max(1, pageSize));
  else if (key.pageUp) move(-Math.max(1, pageSize));
  else if (key.home || input === 'g') move(-Infinity);
  else if (key.end || input === 'G') move(Infinity);
  else if (input === 'q') context.quit();
  else if (input === 'r') withSelected(actions.reset);
  else if (input === 'R') dispatch({ type: 'askResetAll' });
  else if (input === 'c') withSelected(actions.check);
  else if (input === 'l') actions.reloadKeys();
  else if (input === 's') dispatch({ type: 'cycleSort' });
  else if (input === '/') dispatch({ type: 'openFilter' });
  else if (input === '?') dispatch({ type: 'toggleHelp' });
  else if (key.escape && ui.filter !== '') dispatch({ type: 'clearFilter' });
}
