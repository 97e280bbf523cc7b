import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KeysFileError } from '../errors.js';

// Masking lives with the daemon's other secret hygiene; re-exported for callers of this module.
export { maskSecret } from '../secrets.js';

/**
 * keys.txt and GEMINI_API_KEYS -> the list of keys the pool starts with.
 *
 *   AIza...            one key per line
 *   AIza... # work     optional label after whitespace + "#"
 *   AIza... # work project=acme-prod   "project=NAME" tags the key's project
 *   # comment          blank lines and "#" lines are ignored
 *
 * A bad line is reported and skipped so one typo never takes the other keys
 * down. Problems name lines by number only: a secret never appears in them.
 */

export interface KeySpec {
  secret: string;
  label?: string;
  project?: string;
  /** Where the key came from, e.g. "keys.txt:12" or "GEMINI_API_KEYS[2]" (1-based). */
  source: string;
}

export interface KeyProblem {
  /** Same form as KeySpec.source: "keys.txt:7" or "GEMINI_API_KEYS[3]". */
  source: string;
  line?: number;
  kind: 'malformed' | 'duplicate';
  message: string;
}

export interface ParsedKeys {
  keys: KeySpec[];
  problems: KeyProblem[];
}

export const KEYS_ENV_VAR = 'GEMINI_API_KEYS';

// Real Gemini keys are "AIza" + 35 characters; other deployments (proxies,
// test doubles) use other shapes, so only the alphabet and length are checked.
const KEY_SHAPE = /^[A-Za-z0-9_\-.]{20,200}$/;
// "key", then optionally whitespace + "#" + comment. The lazy first group
// makes the first " #" the separator, so labels may contain "#" themselves.
const LINE_SHAPE = /^(.*?)(?:\s+#(.*))?$/s;
const PROJECT_TOKEN = /(?:^|\s)project=([A-Za-z0-9._-]+)(?=\s|$)/g;

const NOT_A_KEY_LINE = 'not a key (expected one key per line, optionally followed by " # label project=NAME")';
const HOW_TO_ADD_KEYS = 'one Gemini API key per line (see keys.txt.example)';

export function parseKeysText(text: string, fileName: string): ParsedKeys {
  const keys: KeySpec[] = [];
  const problems: KeyProblem[] = [];
  const firstLineOf = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);

  lines.forEach((rawLine, index) => {
    const line = index + 1;
    const trimmed = rawLine.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const source = `${fileName}:${line}`;
    const [, secret = '', comment] = LINE_SHAPE.exec(trimmed) ?? [];
    if (!KEY_SHAPE.test(secret)) {
      problems.push({ source, line, kind: 'malformed', message: `${source}: ${NOT_A_KEY_LINE}` });
      return;
    }
    const earlier = firstLineOf.get(secret);
    if (earlier !== undefined) {
      problems.push({ source, line, kind: 'duplicate', message: `${source}: duplicate of the key on line ${earlier}` });
      return;
    }
    firstLineOf.set(secret, line);
    keys.push({ secret, ...describeComment(comment), source });
  });
  return { keys, problems };
}

/** GEMINI_API_KEYS: keys separated by commas (newlines also accepted); empty entries ignored. */
export function parseEnvKeys(value: string | undefined): ParsedKeys {
  const keys: KeySpec[] = [];
  const problems: KeyProblem[] = [];
  const firstSourceOf = new Map<string, string>();
  (value ?? '').split(/[,\r\n]/).forEach((entry, index) => {
    const secret = entry.trim();
    if (secret === '') return;
    const source = `${KEYS_ENV_VAR}[${index + 1}]`;
    if (!KEY_SHAPE.test(secret)) {
      problems.push({ source, kind: 'malformed', message: `${source}: not a key (expected comma-separated keys)` });
      return;
    }
    const earlier = firstSourceOf.get(secret);
    if (earlier !== undefined) {
      problems.push({ source, kind: 'duplicate', message: `${source}: duplicate of ${earlier}` });
      return;
    }
    firstSourceOf.set(secret, source);
    keys.push({ secret, source });
  });
  return { keys, problems };
}

/**
 * The keys file plus GEMINI_API_KEYS; a key in both is kept once (the file's
 * entry, which may carry a label). Throws KeysFileError when there is nothing
 * to run with; problems with individual lines are returned, not thrown.
 */
export function loadKeys(keysFile: string, env: NodeJS.ProcessEnv = process.env): ParsedKeys {
  const filePath = path.resolve(keysFile);
  const shownPath = displayName(filePath);
  const envValue = env[KEYS_ENV_VAR];
  const hasEnvKeys = envValue !== undefined && envValue.trim() !== '';
  const text = readKeysFile(filePath);

  if (text === null && !hasEnvKeys) {
    throw new KeysFileError(
      'KEYS_MISSING',
      `no keys file at ${filePath}. Create it with ${HOW_TO_ADD_KEYS}: cp keys.txt.example ${shownPath}, or set ${KEYS_ENV_VAR}=key1,key2`,
    );
  }

  const fromFile = text === null ? { keys: [], problems: [] } : parseKeysText(text, shownPath);
  const fromEnv = parseEnvKeys(envValue);
  const keys = [...fromFile.keys];
  const problems = [...fromFile.problems, ...fromEnv.problems];
  const sourceOf = new Map(keys.map((key) => [key.secret, key.source]));
  for (const key of fromEnv.keys) {
    const earlier = sourceOf.get(key.secret);
    if (earlier !== undefined) {
      problems.push({ source: key.source, kind: 'duplicate', message: `${key.source}: duplicate of the key at ${earlier}` });
      continue;
    }
    sourceOf.set(key.secret, key.source);
    keys.push(key);
  }

  if (keys.length === 0) {
    const where = [text === null ? null : filePath, hasEnvKeys ? KEYS_ENV_VAR : null].filter(Boolean).join(' or ');
    throw new KeysFileError(
      'KEYS_EMPTY',
      `no usable key in ${where}${skippedSummary(problems)}. Add ${HOW_TO_ADD_KEYS}, or set ${KEYS_ENV_VAR}=key1,key2`,
    );
  }
  return { keys, problems };
}

/** " (2 entries skipped: keys.txt:3, keys.txt:4)": where to look, never what was there. */
function skippedSummary(problems: readonly KeyProblem[]): string {
  if (problems.length === 0) return '';
  const shown = problems.slice(0, 5).map((problem) => problem.source);
  if (problems.length > shown.length) shown.push('…');
  return ` (${problems.length} ${problems.length === 1 ? 'entry' : 'entries'} skipped: ${shown.join(', ')})`;
}

/** The comment after a key: "project=NAME" sets the project, the rest is the label. */
function describeComment(comment: string | undefined): { label?: string; project?: string } {
  if (comment === undefined) return {};
  let project: string | undefined;
  const rest = comment.replace(PROJECT_TOKEN, (_token, name: string) => {
    project ??= name; // the first one wins, like the first occurrence of a key
    return ' ';
  });
  const label = rest.trim().replace(/\s+/g, ' ');
  return { ...(label ? { label } : {}), ...(project ? { project } : {}) };
}

/** The file's text, or null when it does not exist; any other failure is fatal. */
function readKeysFile(filePath: string): string | null {
  try {
    return readFileSync(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    const why =
      code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : String(code ?? error);
    throw new KeysFileError('KEYS_UNREADABLE', `cannot read keys file ${filePath}: ${why}`);
  }
}

/** Relative to the working directory when inside it ("keys.txt:3" reads better than a long path). */
function displayName(filePath: string): string {
  const relative = path.relative(process.cwd(), filePath);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : filePath;
}
