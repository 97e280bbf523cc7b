/**
 * Tables that degrade by dropping columns, never by wrapping: each column has
 * a minimum width and a priority; the narrower the terminal, the more of the
 * least important columns go. Space left over widens the flexible columns.
 */
export interface ColumnSpec<Id extends string = string> {
  id: Id;
  title: string;
  /** Width it needs to be shown at all. */
  min: number;
  /** Width it may grow to with spare room (defaults to `min`; Infinity takes all that is left). */
  max?: number;
  align?: 'left' | 'right';
  /** 0 is kept longest. */
  priority: number;
}

export interface PlacedColumn<Id extends string = string> {
  id: Id;
  title: string;
  width: number;
  align: 'left' | 'right';
}

export const COLUMN_GAP = 1;

/**
 * The columns (in display order) that fit in `width` characters, with their
 * widths. Spare room goes to the growable columns, most important first.
 */
export function columnsForWidth<Id extends string>(specs: readonly ColumnSpec<Id>[], width: number): PlacedColumn<Id>[] {
  const byPriority = [...specs].sort((a, b) => a.priority - b.priority);
  const chosen = new Set<ColumnSpec<Id>>();
  let used = 0;
  for (const spec of byPriority) {
    const cost = spec.min + (chosen.size > 0 ? COLUMN_GAP : 0);
    if (used + cost > width) continue;
    chosen.add(spec);
    used += cost;
  }
  const widths = new Map<ColumnSpec<Id>, number>();
  for (const spec of chosen) widths.set(spec, spec.min);
  let spare = width - used;
  for (const spec of byPriority) {
    if (spare <= 0) break;
    if (!chosen.has(spec)) continue;
    const room = (spec.max ?? spec.min) - spec.min;
    const grow = Math.min(room, spare);
    if (grow <= 0) continue;
    widths.set(spec, spec.min + grow);
    spare -= grow;
  }
  return specs
    .filter((spec) => chosen.has(spec))
    .map((spec) => ({ id: spec.id, title: spec.title, width: widths.get(spec) ?? spec.min, align: spec.align ?? 'left' }));
}

/** Total characters a row of these columns takes. */
export function rowWidth(columns: readonly PlacedColumn[]): number {
  return columns.reduce((sum, column) => sum + column.width, 0) + COLUMN_GAP * Math.max(0, columns.length - 1);
}
