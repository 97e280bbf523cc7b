import { randomBytes } from 'node:crypto';
import { isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq, type Document, type Node } from 'yaml';
import { isLoopbackHost } from '../daemon/auth/openAccess.js';
import { DEFAULT_CONFIG_FILE } from '../daemon/config/loadConfig.js';
import { checkConfigText } from '../daemon/config/parseConfigText.js';
import type { Config } from '../daemon/config/schema.js';
import { maskSecret } from '../daemon/secrets.js';
import { EditError, openForEdit, readExisting, resolveUserPath, shownPath, writeAtomically } from './atomicEdit.js';
import { guarded } from './exit.js';

/**
 * `gemini-pool tokens add | list | revoke`: edit the client tokens in the
 * YAML config (auth.tokens) through yaml's Document API, so comments and the
 * order of options survive. The result must validate (checkConfigText, plus
 * the daemon's own "name used twice" rule) before anything is written; a
 * running daemon reloads the file by itself. A token is shown in full exactly
 * once, by `tokens add`, and masked everywhere else.
 */

export interface TokensArgs {
  /** The YAML config (default: $GEMINI_POOL_CONFIG, else config/gemini-pool.yaml). */
  config?: string;
}

export interface TokensAddArgs extends TokensArgs {
  name: string;
  rpm?: number;
  dailyRequests?: number;
  dailyTokens?: number;
  models?: string[];
}

const WHAT = 'config file';
// The schema's rule for auth.tokens[].name (schema.ts).
const TOKEN_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const TOKEN_PREFIX = 'gp_';
const DEFAULT_TOKEN_ENV = 'GEMINI_POOL_TOKEN';

/** A fresh client token: "gp_" + 32 base64url characters (192 random bits). */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(24).toString('base64url');
}

export function runTokensAdd(args: TokensAddArgs): number {
  return guarded(() => {
    const name = String(args.name ?? '').trim();
    if (!TOKEN_NAME.test(name)) {
      console.error(`not a token name: "${name}" (1 to 64 letters, digits, ".", "_" or "-"): nothing changed`);
      return 1;
    }
    const limits = checkedLimits(args);
    const file = openForEdit(configFilePath(args), WHAT, { mayCreate: true });
    const doc = parseConfigDocument(file.text ?? '', file.shown);
    const before = tokenEntries(doc);
    if (before.some((entry) => entry.name === name)) {
      console.error(`${file.shown}: a token named "${name}" already exists (revoke it first, or pick another name): nothing changed`);
      return 1;
    }
    const token = generateToken();
    const entry: Record<string, unknown> = { name, token, ...limits };
    const node = doc.createNode(entry) as YAMLMap;
    const models = node.get('models', true);
    if (isSeq(models)) models.flow = true;
    const seq = tokensSeq(doc, file.text ?? '', file.shown);
    if (seq.items.length === 0) seq.flow = false;
    seq.items.push(node);

    const text = render(doc, file.text ?? '');
    validated(text, file.shown);
    writeAtomically(file, text, WHAT);
    console.error(`added client token "${name}" to ${file.shown}${describeLimits(limits)}; a running daemon picks it up by itself`);
    if (file.text === null) console.error(`${file.shown} is a new file: a daemon that was started without it reads it after a restart`);
    if (before.length === 0) console.error('this is the first client token in the file: clients without a token are refused from now on');
    console.error('the token (shown only this once, it cannot be read back: copy it now):');
    console.log(token);
    return 0;
  });
}

export function runTokensList(args: TokensArgs & { json?: boolean }): number {
  return guarded(() => {
    const filePath = configFilePath(args);
    const shown = shownPath(filePath);
    const text = readExisting(filePath, 'config file');
    if (text === null) {
      if (args.json) console.log(JSON.stringify({ file: null, tokens: [] }, null, 2));
      else console.log(`no config file at ${shown}: no client tokens`);
      return 0;
    }
    const config = validated(text, shown);
    const tokens = config.auth.tokens.map((entry) => ({
      name: entry.name,
      token: entry.token !== undefined ? maskSecret(entry.token) : `env:${entry.token_env}`,
      rpm: entry.rpm ?? null,
      daily_requests: entry.daily_requests ?? null,
      daily_tokens: entry.daily_tokens ?? null,
      models: entry.models ?? null,
    }));
    if (args.json) {
      console.log(JSON.stringify({ file: filePath, tokens }, null, 2));
      return 0;
    }
    if (tokens.length === 0) {
      console.log(`${shown}: no client tokens${process.env[DEFAULT_TOKEN_ENV] ? ` (${DEFAULT_TOKEN_ENV} is set here and adds one named "default")` : ''}`);
      return 0;
    }
    console.log(`${shown}: ${tokens.length} client ${tokens.length === 1 ? 'token' : 'tokens'}`);
    const dash = (value: number | null) => (value === null ? '-' : String(value));
    const rows = [
      ['NAME', 'TOKEN', 'RPM', 'DAILY REQUESTS', 'DAILY TOKENS', 'MODELS'],
      ...tokens.map((entry) => [entry.name, entry.token, dash(entry.rpm), dash(entry.daily_requests), dash(entry.daily_tokens), entry.models ? entry.models.join(',') : 'any']),
    ];
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    for (const row of rows) console.log(`  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ')}`.trimEnd());
    return 0;
  });
}

export function runTokensRevoke(args: TokensArgs & { name: string }): number {
  return guarded(() => {
    const name = String(args.name ?? '').trim();
    const file = openForEdit(configFilePath(args), WHAT, { mayCreate: false });
    const doc = parseConfigDocument(file.text ?? '', file.shown);
    const entries = tokenEntries(doc);
    const doomed = entries.filter((entry) => entry.name === name);
    if (doomed.length === 0) {
      const known = entries.map((entry) => entry.name).filter((entryName): entryName is string => entryName !== undefined);
      const hint = name === 'default' ? ` (a token named "default" may come from ${DEFAULT_TOKEN_ENV} in the daemon's environment)` : '';
      console.error(`${file.shown}: no token named "${name}"${known.length > 0 ? ` (there are: ${known.join(', ')})` : ' (there are no client tokens)'}${hint}`);
      return 1;
    }
    const seq = doc.getIn(['auth', 'tokens'], true) as YAMLSeq;
    for (const entry of [...doomed].reverse()) seq.items.splice(entry.index, 1);
    if (seq.items.length === 0) emptyList(doc, seq);
    const text = render(doc, file.text ?? '');
    const config = validated(text, file.shown);
    writeAtomically(file, text, WHAT);
    console.log(`revoked client token "${name}" in ${file.shown}; a running daemon refuses it once it has reloaded the file (within about a second)`);
    if (config.auth.tokens.length === 0) {
      const where = isLoopbackHost(config.host) ? '' : `; on ${config.host} a daemon refuses a config without tokens and keeps the previous one, this token included, unless auth.allow_anonymous is true`;
      console.log(`no client tokens left: the pool is open to anyone who can reach it on a loopback address${where}`);
    }
    return 0;
  });
}

/** --config, else $GEMINI_POOL_CONFIG, else config/gemini-pool.yaml: the file the daemon reads. */
function configFilePath(args: TokensArgs): string {
  const fromEnv = process.env.GEMINI_POOL_CONFIG?.trim();
  const given = args.config?.trim() || fromEnv || DEFAULT_CONFIG_FILE;
  return resolveUserPath(given);
}

function checkedLimits(args: TokensAddArgs): Record<string, unknown> {
  const limits: Record<string, unknown> = {};
  const options: Array<[string, string, number | undefined]> = [
    ['rpm', '--rpm', args.rpm],
    ['daily_requests', '--daily-requests', args.dailyRequests],
    ['daily_tokens', '--daily-tokens', args.dailyTokens],
  ];
  for (const [key, flag, value] of options) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw new EditError(`${flag}: expected an integer >= 1, got ${String(value)}: nothing changed`);
    limits[key] = value;
  }
  if (args.models !== undefined) {
    const models = args.models.flatMap((model) => String(model).split(',')).map((model) => model.trim()).filter((model) => model !== '');
    if (models.length === 0) throw new EditError('--models: expected at least one model name: nothing changed');
    limits.models = [...new Set(models)];
  }
  return limits;
}

function describeLimits(limits: Record<string, unknown>): string {
  const parts = Object.entries(limits).map(([key, value]) => `${key} ${Array.isArray(value) ? value.join(',') : String(value)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** The config as a yaml Document; a file yaml cannot parse is refused with the same messages `config check` gives. */
function parseConfigDocument(text: string, shown: string): Document {
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { uniqueKeys: true });
  if (doc.errors.length > 0) throw problemsError(text, shown);
  return doc;
}

interface TokenEntry {
  index: number;
  name: string | undefined;
}

/** The entries of auth.tokens, by position and name (an absent or empty list gives none). */
function tokenEntries(doc: Document): TokenEntry[] {
  const seq = doc.getIn(['auth', 'tokens'], true);
  if (!isSeq(seq)) return [];
  return seq.items.map((item, index) => {
    const name = isMap(item) ? item.get('name') : undefined;
    return { index, name: typeof name === 'string' ? name : name === undefined || name === null ? undefined : String(name) };
  });
}

/**
 * auth.tokens as a sequence to append to, creating `auth:` and `tokens:` when
 * absent or empty (a bare `auth:` line). Comments on a bare line move onto the
 * new section. Any other shape is an invalid config: its problems are thrown.
 */
function tokensSeq(doc: Document, original: string, shown: string): YAMLSeq {
  if (isEmpty(doc.contents)) {
    const map = new YAMLMap();
    carryComments(doc.contents, map);
    doc.contents = map as unknown as typeof doc.contents;
  }
  if (!isMap(doc.contents)) throw problemsError(original, shown);
  let auth = doc.contents.get('auth', true) as Node | undefined | null;
  if (auth === undefined || isEmpty(auth)) {
    const map = new YAMLMap();
    carryComments(auth, map);
    doc.contents.set('auth', map);
    auth = map;
  }
  if (!isMap(auth)) throw problemsError(original, shown);
  let tokens = auth.get('tokens', true) as Node | undefined | null;
  if (tokens === undefined || isEmpty(tokens)) {
    const seq = new YAMLSeq();
    carryComments(tokens, seq);
    auth.set('tokens', seq);
    tokens = seq;
  }
  if (!isSeq(tokens)) throw problemsError(original, shown);
  return tokens;
}

/**
 * An emptied list becomes "tokens: []"; a comment that was above its first
 * entry (yaml keeps it on the list) moves above "tokens:" instead of being lost.
 */
function emptyList(doc: Document, seq: YAMLSeq): void {
  seq.flow = true;
  if (!seq.commentBefore) return;
  const auth = doc.get('auth', true);
  const pair = isMap(auth) ? auth.items.find((item) => isScalar(item.key) && item.key.value === 'tokens') : undefined;
  if (!pair || !isScalar(pair.key)) return;
  pair.key.commentBefore = [pair.key.commentBefore, seq.commentBefore].filter(Boolean).join('\n');
  seq.commentBefore = undefined;
}

/** No node, or a null scalar (`auth:` with nothing after it). */
function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && (node.value === null || node.value === undefined));
}

function carryComments(from: unknown, to: YAMLMap | YAMLSeq): void {
  if (!isScalar(from)) return;
  const comments = [from.commentBefore, from.comment].filter((comment): comment is string => Boolean(comment));
  if (comments.length > 0) to.commentBefore = comments.join('\n');
}

/**
 * The edited document as text, in the file's own indentation and sequence
 * style (so untouched parts keep their layout), without folding long lines,
 * and with a byte-order mark if the file had one.
 */
function render(doc: Document, original: string): string {
  const indentMatch = /^[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\r?\n((?:[ \t]*(?:#[^\n]*)?\r?\n)*)( +)[^\s#]/m.exec(original);
  const indent = indentMatch ? Math.min(Math.max(indentMatch[2].length, 1), 8) : 2;
  // A sequence written at its key's own indentation ("tokens:\n- name: a") means indentSeq: false.
  const flatSeq = /^( *)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\r?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*\1- /m.test(original);
  let text = keepTrailingComments(original, doc.toString({ indent, indentSeq: !flatSeq, lineWidth: 0, flowCollectionPadding: false }));
  if (/\r\n/.test(original)) text = text.replace(/\r?\n/g, '\r\n');
  return original.startsWith('\uFEFF') ? `\uFEFF${text}` : text;
}

/**
 * yaml always puts a blank line before the comments that end a document;
 * when the file had them right after the last option, keep them there.
 */
function keepTrailingComments(original: string, rendered: string): string {
  const source = original.replace(/\r\n?/g, '\n');
  const tail = /(?:^|\n)((?:#[^\n]*(?:\n|$))+)$/.exec(source);
  if (!tail) return rendered;
  const before = source.slice(0, source.length - tail[1].length);
  if (before.trim() === '' || /\n[ \t]*\n$/.test(before)) return rendered;
  const block = tail[1].endsWith('\n') ? tail[1] : `${tail[1]}\n`;
  return rendered.endsWith(`\n\n${block}`) ? rendered.slice(0, rendered.length - block.length - 1) + block : rendered;
}

/** Validates as the daemon will on reload; throws the problems (one per line) when it would reject the file. */
function validated(text: string, shown: string): Config {
  const checked = checkConfigText(text, shown);
  if (!checked.ok) throw new EditError([...checked.problems, `${shown}: the config would not be valid: nothing changed`].join('\n'));
  const names = checked.config.auth.tokens.map((entry) => entry.name);
  const twice = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  if (twice.length > 0) {
    throw new EditError(
      [...twice.map((name) => `${shown}: auth.tokens: the name ${name} is used twice`), `${shown}: the config would not be valid: nothing changed`].join('\n'),
    );
  }
  return checked.config;
}

function problemsError(text: string, shown: string): EditError {
  const checked = checkConfigText(text, shown);
  const problems = checked.ok ? [`${shown}: unexpected layout of auth.tokens`] : checked.problems;
  return new EditError([...problems, `${shown}: cannot edit this config until it is valid: nothing changed`].join('\n'));
}

