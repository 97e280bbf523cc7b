import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { describeIssues, formatPath } from './formatIssues.js';
import { scrubSecrets } from '../secrets.js';

/**
 * YAML text -> validated Config, with no file system, env or cwd involved, so
 * the same function serves start-up (via loadConfig) and hot reload (a
 * watcher re-reads the file and keeps the last good Config on error).
 * Paths in the result are as written; loadConfig/applyOverrides resolve them.
 */

/** Either a Config or every problem found, one line each, ready to print. */
export type ConfigCheck = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Parses and validates; throws ConfigError listing every problem, one per line. */
export function parseConfigText(text: string, fileName: string): Config {
  const checked = checkConfigText(text, fileName);
  if (!checked.ok) throw new ConfigError(checked.problems.join('\n'));
  return checked.config;
}

/** Like parseConfigText but returns the problems instead of throwing. */
export function checkConfigText(text: string, fileName: string): ConfigCheck {
  const parsed = readYaml(text, fileName);
  if (!parsed.ok) return parsed;
  const result = configSchema.safeParse(parsed.value, { reportInput: true });
  if (result.success) return { ok: true, config: result.data };
  const problems = describeIssues(result.error).map((issue) => {
    const line = lineOf(parsed, issue.path);
    return `${fileName}: ${formatPath(issue.path)}: ${issue.text}${line ? ` (line ${line})` : ''}`;
  });
  return { ok: false, problems: [...new Set(problems)] };
}

/** The 1-based line of an option in the YAML source, when it is there (absent ones have none). */
function lineOf(parsed: { doc: Document; lines: LineCounter }, path: readonly PropertyKey[]): number | undefined {
  if (path.length === 0) return undefined;
  const node = parsed.doc.getIn(path as unknown[], true) as { range?: [number, number, number] } | undefined;
  const offset = node?.range?.[0] ?? findKeyOffset(parsed.doc, path);
  return offset === undefined ? undefined : parsed.lines.linePos(offset).line;
}

/** For a null value (e.g. "port:" with nothing after it) the key itself carries the position. */
function findKeyOffset(doc: Document, path: readonly PropertyKey[]): number | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as unknown[], true);
  const items = (parent as { items?: Array<{ key?: { value?: unknown; range?: [number, number, number] } }> } | null)?.items;
  return items?.find((item) => item.key?.value === path[path.length - 1])?.key?.range?.[0];
}

type YamlRead = { ok: true; value: Record<string, unknown>; doc: Document; lines: LineCounter } | { ok: false; problems: string[] };

function readYaml(text: string, fileName: string): YamlRead {
  // uniqueKeys: a repeated option is almost always a copy-paste slip; say so
  // instead of letting the last one silently win.
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((error) => describeYamlError(fileName, error)) };
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // e.g. alias expansion over yaml's maxAliasCount ("billion laughs").
    return { ok: false, problems: [`${fileName}: invalid YAML: ${scrubSecrets((error as Error).message)}`] };
  }
  // An empty file, or one holding only comments (like the shipped one), means all defaults.
  if (value === null || value === undefined) return { ok: true, value: {}, doc, lines };
  if (typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'a list' : `a single ${typeof value} value`;
    return {
      ok: false,
      problems: [`${fileName}: the top level must be "option: value" lines (a YAML mapping), got ${got}`],
    };
  }
  return { ok: true, value: value as Record<string, unknown>, doc, lines };
}

interface YamlErrorLike {
  message: string;
  linePos?: [{ line: number; col: number }] | [{ line: number; col: number }, { line: number; col: number }];
}

/**
 * "<file>: line 3, column 7: invalid YAML: <reason>". yaml's pretty message
 * ends with a copy of the offending source line; we drop it because that line
 * could hold anything, including a key pasted into the wrong file.
 */
function describeYamlError(fileName: string, error: YamlErrorLike): string {
  const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?\s*$/, '');
  const where = error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}: ` : '';
  return `${fileName}: ${where}invalid YAML: ${scrubSecrets(reason)}`;
}
