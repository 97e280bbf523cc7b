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
  /** Width it is given before less important columns grow past theirs (defaults to `max`). */
  ideal?: number;
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
 * widths. Spare room widens the growable columns (see `ideal`).
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
  // Spare room: every column grows to its ideal width, most important first; then to its max, open-ended ones last.
  let spare = width - used;
  const grow = (spec: ColumnSpec<Id>, target: number) => {
    const current = widths.get(spec) ?? spec.min;
    const step = Math.max(0, Math.min(target - current, spare));
    widths.set(spec, current + step);
    spare -= step;
  };
  const shown = byPriority.filter((spec) => chosen.has(spec));
  for (const spec of shown) grow(spec, spec.ideal ?? spec.max ?? spec.min);
  for (const spec of shown) if (spec.max !== Infinity) grow(spec, spec.max ?? spec.min);
  for (const spec of shown) if (spec.max === Infinity) grow(spec, Infinity);
  return specs
    .filter((spec) => chosen.has(spec))
    .map((spec) => ({ id: spec.id, title: spec.title, width: widths.get(spec) ?? spec.min, align: spec.align ?? 'left' }));
}

/** Total characters a row of these columns takes. */
export function rowWidth(columns: readonly PlacedColumn[]): number {
  return columns.reduce((sum, column) => sum + column.width, 0) + COLUMN_GAP * Math.max(0, columns.length - 1);
}
