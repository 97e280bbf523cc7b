/**
 * The two JSON styles Google's front end writes, reproduced byte for byte so
 * that the daemon's parsers are tested against the real framing:
 *
 * - `googlePretty`: unary bodies and error bodies. A 2-space indent plus a
 *   trailing "\n" (the Content-Length of a captured 404 matches exactly this).
 * - `googleCompact`: the payload of one SSE `data:` line. It is the pretty
 *   printer with newlines and indentation removed, which leaves a space after
 *   every ':' and none after ',' (`{"a": 1,"b": [1,2]}`).
 */

/** Pretty-printed with a 2-space indent and a trailing newline. */
export function googlePretty(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** Same as googlePretty but without the trailing newline (elements of a streamed JSON array). */
export function googlePrettyElement(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Google's single-line style: `": "` between key and value, `","` between members. */
export function googleCompact(value: unknown): string {
  const out = compact(value);
  // Top-level undefined cannot happen for our callers; keep the type honest.
  return out ?? 'null';
}

function compact(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    // Like JSON.stringify, holes and undefined become null inside arrays.
    return '[' + value.map((v) => compact(v) ?? 'null').join(',') + ']';
  }
  if (typeof value === 'object') {
    const members: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const s = compact(v);
      if (s !== undefined) members.push(JSON.stringify(k) + ': ' + s);
    }
    return '{' + members.join(',') + '}';
  }
  if (typeof value === 'function' || typeof value === 'symbol' || value === undefined) return undefined;
  return JSON.stringify(value);
}
