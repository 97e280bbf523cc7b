/**
 * The one table the bench prints: a Markdown table, so the output can be
 * pasted into bench/README.md as is. One row per figure; the three value
 * columns are the same figure for the fake hit directly (the floor), the
 * naive proxy (the reference) and gemini-pool.
 */
export interface Row {
  scenario: string;
  metric: string;
  direct?: string;
  naive?: string;
  pool: string;
  /** gemini-pool against a reference: a ratio or an added time. */
  versus?: string;
  target?: string;
  /** undefined = informational row (no target). */
  met?: boolean;
}

export const fmt = {
  /** A count or rate, with thousands separators. */
  n(value: number, digits = 0): string {
    if (!Number.isFinite(value)) return 'n/a';
    return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  },
  ms(value: number, digits = 2): string {
    return Number.isFinite(value) ? `${value.toFixed(digits)} ms` : 'n/a';
  },
  signedMs(value: number, digits = 2): string {
    return Number.isFinite(value) ? `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)} ms` : 'n/a';
  },
  signedUs(value: number): string {
    return Number.isFinite(value) ? `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(0)} µs` : 'n/a';
  },
  us(value: number): string {
    return Number.isFinite(value) ? `${value.toFixed(0)} µs` : 'n/a';
  },
  x(value: number): string {
    return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
  },
  mb(bytes: number): string {
    return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : 'n/a';
  },
};

const HEADER = ['scenario', 'metric', 'direct (fake)', 'naive proxy', 'gemini-pool', 'gemini-pool vs reference', 'target', 'met'];

function cell(text: string | undefined): string {
  return (text ?? '').replace(/\|/g, '\\|');
}

export function renderTable(rows: readonly Row[]): string {
  const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const met = row.met === undefined ? '' : row.met ? 'met' : '**NOT MET**';
    lines.push(`| ${[row.scenario, row.metric, row.direct ?? '', row.naive ?? '', row.pool, row.versus ?? '', row.target ?? '', met].map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}
