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
  /** Client-token usage rows (0 hides the panel; it also has a title row). */
  clientRows: number;
}

/** At most this many clients are listed; `gemini-pool status` lists them all. */
export const MAX_CLIENT_ROWS = 4;

const HEADER_ROWS = 2;
const STATUS_ROWS = 1;
const TITLE_ROWS = 1;
const FREE_ROWS = 1;
export const RECENT_MIN_TERMINAL_ROWS = 20;

export function planLayout(terminalRows: number, options: { filterBar: boolean; clients?: number }): Layout {
  const roomy = terminalRows >= RECENT_MIN_TERMINAL_ROWS;
  const recentRows = roomy ? Math.min(10, Math.max(3, Math.floor((terminalRows - 12) / 3))) : 0;
  const clientRows = roomy ? Math.min(MAX_CLIENT_ROWS, options.clients ?? 0) : 0;
  const panels = (recentRows > 0 ? recentRows + TITLE_ROWS : 0) + (clientRows > 0 ? clientRows + TITLE_ROWS : 0);
  const fixed = FREE_ROWS + HEADER_ROWS + STATUS_ROWS + TITLE_ROWS + (options.filterBar ? 1 : 0) + panels;
  return { tableRows: Math.max(1, terminalRows - fixed), recentRows, clientRows };
}
