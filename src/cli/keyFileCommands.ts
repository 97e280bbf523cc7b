import { KEYS_ENV_VAR, parseEnvKeys, parseKeysText, type KeyProblem } from '../daemon/config/keysFile.js';
import { loadConfig } from '../daemon/config/loadConfig.js';
import { keyIdOf, maskSecret } from '../daemon/secrets.js';
import { EditError, lineEndingOf, openForEdit, readExisting, resolveUserPath, shownPath, writeAtomically } from './atomicEdit.js';
import { guarded } from './exit.js';

/**
 * `gemini-pool keys add | remove | list`: edit keys.txt itself, with no
 * daemon involved. A running daemon watches the file and picks the change up
 * by itself (hot reload). Only the one line is added or removed; every other
 * byte (comments, blank lines, labels, line endings) stays as it was.
 * A key is only ever shown masked (`AIza…x9Qk`) with its id.
 */

export interface KeysFileArgs {
  /** The YAML config, for its keys_file (default: as the daemon finds it). */
  config?: string;
  /** The keys file itself; wins over the config. */
  keys?: string;
}

const WHAT = 'keys file';
const PROJECT_NAME = /^[A-Za-z0-9._-]+$/;
const PROJECT_WORD = /(?:^|\s)project=/;
const KEY_RULE = '20 to 200 letters, digits, "_", "-" or "."';

export function runKeysAdd(args: KeysFileArgs & { key: string; label?: string; project?: string }): number {
  return guarded(() => {
    const key = String(args.key ?? '').trim();
    const line = composeLine(key, args.label, args.project);
    const file = openForEdit(keysFilePath(args), WHAT, { mayCreate: true });
    const text = file.text ?? '';
    const existing = scanKeyLines(text, file.shown).lines.find((entry) => entry.secret === key);
    if (existing) {
      console.error(`${file.shown}:${existing.line}: ${describe(key)} is already in the file: nothing changed`);
      return 1;
    }
    const eol = lineEndingOf(text);
    const separator = text === '' || /[\r\n]$/.test(text) ? '' : eol;
    const before = `${text}${separator}`;
    const lineNumber = (before.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
    writeAtomically(file, `${before}${line}${eol}`, WHAT);
    console.log(`added ${describe(key)} to ${file.shown} (line ${lineNumber}); a running daemon picks it up by itself`);
    return 0;
  });
}

export function runKeysRemove(args: KeysFileArgs & { id: string }): number {
  return guarded(() => {
    const query = String(args.id ?? '').trim();
    const file = openForEdit(keysFilePath(args), WHAT, { mayCreate: false });
    const text = file.text ?? '';
    const { lines } = scanKeyLines(text, file.shown);
    const match = findKey(lines, query);
    if (!match.ok) {
      console.error(`${file.shown}: ${match.message}: nothing changed`);
      return 1;
    }
    const doomed = lines.filter((entry) => entry.secret === match.secret);
    let next = text;
    for (const entry of [...doomed].reverse()) next = next.slice(0, entry.start) + next.slice(entry.end);
    writeAtomically(file, next, WHAT);
    const where = doomed.length === 1 ? `line ${doomed[0].line}` : `lines ${doomed.map((entry) => entry.line).join(', ')}`;
    console.log(`removed ${describe(match.secret)} from ${file.shown} (${where}); a running daemon stops using it by itself`);
    const left = new Set(lines.map((entry) => entry.secret)).size - 1;
    if (left === 0) console.log(`${file.shown} has no keys left: a running daemon keeps its last good set of keys until one is added`);
    if (parseEnvKeys(process.env[KEYS_ENV_VAR]).keys.some((entry) => entry.secret === match.secret)) {
      console.log(`note: the key is also in ${KEYS_ENV_VAR}, so a daemon started with that variable keeps using it`);
    }
    return 0;
  });
}

export function runKeysList(args: KeysFileArgs & { json?: boolean }): number {
  return guarded(() => {
    const filePath = keysFilePath(args);
    const shown = shownPath(filePath);
    const text = readExisting(filePath, 'keys file');
    if (text === null) {
      console.error(`no keys file at ${shown}`);
      return 1;
    }
    const { lines, problems } = scanKeyLines(text, shown);
    // A duplicate line is ignored by the daemon; list each key once, where it counts.
    const seen = new Set<string>();
    const keys = lines
      .filter((entry) => !seen.has(entry.secret) && Boolean(seen.add(entry.secret)))
      .map((entry) => ({
        id: keyIdOf(entry.secret),
        masked: maskSecret(entry.secret),
        label: entry.label ?? null,
        project: entry.project ?? null,
        line: entry.line,
      }));
    if (args.json) {
      const shownProblems = problems.map((problem) => ({ line: problem.line ?? null, kind: problem.kind, message: problem.message }));
      console.log(JSON.stringify({ file: filePath, keys, problems: shownProblems }, null, 2));
      return 0;
    }
    console.log(`${shown}: ${keys.length} ${keys.length === 1 ? 'key' : 'keys'}`);
    if (keys.length > 0) {
      const rows = [['KEY', 'ID', 'LINE', 'PROJECT', 'LABEL'], ...keys.map((key) => [key.masked, key.id, String(key.line), key.project ?? '-', key.label ?? ''])];
      const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
      for (const row of rows) console.log(`  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ')}`.trimEnd());
    }
    for (const problem of problems) console.error(problem.message);
    return 0;
  });
}

/** --keys, else the config's keys_file (GEMINI_POOL_KEYS, then the file, then ./keys.txt), as the daemon finds it. */
function keysFilePath(args: KeysFileArgs): string {
  if (args.keys !== undefined && args.keys.trim() !== '') return resolveUserPath(args.keys);
  return loadConfig({ configPath: args.config }).config.keys_file;
}

/** "KEY # label project=NAME", checked by the same parser the daemon uses so it reads back as given. */
function composeLine(key: string, label: string | undefined, project: string | undefined): string {
  const parsedKey = parseKeysText(key, 'key');
  if (parsedKey.keys.length !== 1 || parsedKey.keys[0].secret !== key) {
    throw new EditError(`not a key: a key is ${KEY_RULE} (got ${key.length} characters${/\s/.test(key) ? ' with spaces' : ''}): nothing changed`);
  }
  const cleanLabel = label?.trim().replace(/\s+/g, ' ') || undefined;
  if (label !== undefined && /[\r\n]/.test(label)) throw new EditError('a label must be one line: nothing changed');
  if (cleanLabel && PROJECT_WORD.test(cleanLabel)) throw new EditError('give the project with --project, not in the label: nothing changed');
  const cleanProject = project?.trim() || undefined;
  if (project !== undefined && !cleanProject) throw new EditError('--project needs a name: nothing changed');
  if (cleanProject && !PROJECT_NAME.test(cleanProject)) {
    throw new EditError(`not a project name: "${cleanProject}" (letters, digits, ".", "_" and "-"): nothing changed`);
  }
  const comment = [cleanLabel, cleanProject && `project=${cleanProject}`].filter(Boolean).join(' ');
  const line = comment ? `${key} # ${comment}` : key;
  const readBack = parseKeysText(line, 'key').keys[0];
  if (!readBack || readBack.secret !== key || readBack.label !== cleanLabel || readBack.project !== cleanProject) {
    throw new EditError('that label would not read back as given: nothing changed');
  }
  return line;
}

interface KeyLine {
  /** 1-based line number. */
  line: number;
  /** Offsets of the line in the text, its line ending included. */
  start: number;
  end: number;
  secret: string;
  label?: string;
  project?: string;
}

/** Every line that holds a key (duplicates included, each with its offsets), plus the daemon's view of problems. */
function scanKeyLines(text: string, fileName: string): { lines: KeyLine[]; problems: KeyProblem[] } {
  const lines: KeyLine[] = [];
  const breaks = /\r\n|\r|\n/g;
  let start = 0;
  let number = 0;
  while (start < text.length) {
    number += 1;
    breaks.lastIndex = start;
    const found = breaks.exec(text);
    const contentEnd = found ? found.index : text.length;
    const end = found ? found.index + found[0].length : text.length;
    // Each line on its own through the daemon's parser: the same rule decides what is a key.
    const parsed = parseKeysText(text.slice(start, contentEnd), fileName).keys[0];
    if (parsed) lines.push({ line: number, start, end, secret: parsed.secret, label: parsed.label, project: parsed.project });
    start = end;
  }
  return { lines, problems: parseKeysText(text, fileName).problems };
}

type Found = { ok: true; secret: string } | { ok: false; message: string };

/** What an operator typed (the key, its id, an id prefix of 4+ characters, or its masked form) -> one key. */
function findKey(lines: readonly KeyLine[], query: string): Found {
  const secrets = [...new Set(lines.map((entry) => entry.secret))];
  const shown = query.length >= 20 ? maskSecret(query) : query;
  if (query === '') return { ok: false, message: 'no key given (use the id or masked form shown by gemini-pool keys list)' };
  if (secrets.includes(query)) return { ok: true, secret: query };
  const exact = secrets.filter((secret) => keyIdOf(secret) === query || maskSecret(secret) === query);
  const byPrefix = query.length >= 4 ? secrets.filter((secret) => keyIdOf(secret).startsWith(query)) : [];
  const matches = exact.length > 0 ? exact : byPrefix;
  if (matches.length === 1) return { ok: true, secret: matches[0] };
  if (matches.length > 1) {
    const listed = matches.slice(0, 5).map(describe).join(', ');
    const more = exact.length > 0 ? 'use the id' : 'give more of the id';
    return { ok: false, message: `"${shown}" matches ${matches.length} keys: ${listed}${matches.length > 5 ? ', …' : ''}; ${more}` };
  }
  const hint = query.length < 4 && /^[0-9a-f]+$/.test(query) ? ' (an id prefix needs at least 4 characters)' : ' (use the id or masked form shown by gemini-pool keys list)';
  return { ok: false, message: `no key matches "${shown}"${hint}` };
}

/** "AIza…x9Qk (id 1a2b3c4d5e6f)": how a key is named in output. */
function describe(secret: string): string {
  return `${maskSecret(secret)} (id ${keyIdOf(secret)})`;
}

