/**
 * How the screen's rows are shared: header (2), filter bar (0-1), keys table
 * (its column titles + rows), recent requests (only on terminals of 20 rows or
 * more, growing with the height), status line (1). One row is left free so the
 * frame never fills the terminal (Ink repaints the whole screen when it does).
 */
export interface Layout {
  /** Key rows on screen (not counting the column titles). */
  tableRows: number;
  /** Recent requests shown (0 hides the panel; it also has a title row). */
  recentRows: number;
}

const HEADER_ROWS = 2;
const STATUS_ROWS = 1;
const TITLE_ROWS = 1;
const FREE_ROWS = 1;
export const RECENT_MIN_TERMINAL_ROWS = 20;

export function planLayout(terminalRows: number, options: { filterBar: boolean }): Layout {
  const recentRows = terminalRows >= RECENT_MIN_TERMINAL_ROWS ? Math.min(10, Math.max(3, Math.floor((terminalRows - 12) / 3))) : 0;
  const fixed = FREE_ROWS + HEADER_ROWS + STATUS_ROWS + TITLE_ROWS + (options.filterBar ? 1 : 0) + (recentRows > 0 ? recentRows + TITLE_ROWS : 0);
  return { tableRows: Math.max(1, terminalRows - fixed), recentRows };
}
