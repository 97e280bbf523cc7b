import type { z } from 'zod';
import { defaultConfig } from './schema.js';
import { maskSecret, scrubSecrets } from '../secrets.js';

/**
 * Turns zod issues into lines a person can act on:
 *   config/gemini-pool.yaml: pool.strategy: expected one of "round-robin" | "least-inflight", got "random"
 * zod's own wording ("Invalid input: expected int, received number") is
 * translated; messages set in schema.ts already read "expected ...".
 * Values are echoed only when short and never under a key-ish name.
 */

type Issue = z.core.$ZodIssue;

/** One problem: where (option path) and what is wrong with it. */
export interface IssueLine {
  path: PropertyKey[];
  text: string;
}

/** Every problem in `error` as a line `<fileName>: <option.path>: <what is wrong>`. */
export function formatZodIssues(fileName: string, error: z.ZodError): string {
  const lines = describeIssues(error).map((line) => `${fileName}: ${formatPath(line.path)}: ${line.text}`);
  // One bad value can trip two checks (e.g. int range and safe-int range).
  return [...new Set(lines)].join('\n');
}

/** The issues as (path, text) pairs, so callers can name a source other than a file. */
export function describeIssues(error: z.ZodError): IssueLine[] {
  const lines: IssueLine[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // zod reports all unknown keys of one object together; one line each reads better.
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        lines.push({ path, text: `unknown option${suggestionFor(path)}` });
      }
      continue;
    }
    const got = isKeyish(issue.path) ? undefined : describeValue(issue.input);
    lines.push({ path: issue.path, text: got === undefined ? expectation(issue) : `${expectation(issue)}, got ${got}` });
  }
  return lines;
}

/** "upstream.base_url"; option names that look like credentials are masked. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((segment) => {
      const name = String(segment);
      return looksLikeSecret(name) ? maskSecret(name) : scrubSecrets(name);
    })
    .join('.');
}

function expectation(issue: Issue): string {
  // Our own messages (schema.ts) are already phrased for people.
  if (issue.message.startsWith('expected ')) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${typeName(issue.expected)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}`
        : `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(' | ')}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `expected at least ${issue.minimum} character(s)`
        : `expected a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `expected at most ${issue.maximum} character(s)`
        : `expected a number ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    case 'invalid_format':
      return `expected a valid ${issue.format}`;
    default:
      return `is not valid (${scrubSecrets(issue.message)})`;
  }
}

function typeName(expected: string): string {
  switch (expected) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'int':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    case 'object':
    case 'record':
      return 'a mapping (name: value lines)';
    case 'array':
      return 'a list';
    default:
      return expected;
  }
}

// Option names under which a value must never be echoed, whatever it is.
const KEYISH_NAME = /secret|token|passw|credential|auth|api[_-]?key|^keys?$/i;

function isKeyish(path: readonly PropertyKey[]): boolean {
  return path.some((segment) => typeof segment === 'string' && KEYISH_NAME.test(segment));
}

const MAX_ECHOED_LENGTH = 60;

/**
 * True for text that looks like an opaque credential: Google-key-shaped, or a
 * long single token mixing upper case, lower case and digits. Such values and
 * option names are masked or left out rather than echoed.
 */
function looksLikeSecret(text: string): boolean {
  if (/AIza[0-9A-Za-z_-]{8,}/.test(text)) return true;
  return text.length >= 20 && /^[A-Za-z0-9_-]+$/.test(text) && /[a-z]/.test(text) && /[A-Z]/.test(text) && /\d/.test(text);
}

/** A short rendering of an offending value, or undefined when it is better left out. */
function describeValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return 'an empty value';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value !== 'string') return undefined;
  if (looksLikeSecret(value)) return undefined;
  // Proxy URLs may carry "user:password@"; the password is nobody's business.
  const shown = scrubSecrets(value).replace(/\/\/[^/@\s]*@/, '//***@');
  return shown.length > MAX_ECHOED_LENGTH ? undefined : JSON.stringify(shown);
}

/** " (did you mean pool.strategy?)" for near-misses, else "". */
function suggestionFor(path: readonly PropertyKey[]): string {
  const name = String(path[path.length - 1]);
  const defaults = defaultConfig() as unknown as Record<string, unknown>;
  const siblings = objectAt(defaults, path.slice(0, -1));
  const near = siblings ? Object.keys(siblings).find((known) => isNearMiss(name, known)) : undefined;
  if (near !== undefined) return ` (did you mean ${formatPath([...path.slice(0, -1), near])}?)`;
  if (path.length !== 1) return '';
  // A nested option written at the top level, e.g. `strategy:` instead of `pool: strategy:`.
  for (const [sectionName, section] of Object.entries(defaults)) {
    if (section && typeof section === 'object' && Object.hasOwn(section, name)) return ` (did you mean ${sectionName}.${name}?)`;
  }
  return '';
}

function objectAt(root: Record<string, unknown>, path: readonly PropertyKey[]): Record<string, unknown> | undefined {
  let current: unknown = root;
  for (const segment of path) {
    if (!current || typeof current !== 'object') return undefined;
    const key = String(segment);
    current = Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : undefined;
  }
  return current && typeof current === 'object' ? (current as Record<string, unknown>) : undefined;
}

function isNearMiss(typed: string, known: string): boolean {
  const normalise = (text: string) => text.toLowerCase().replace(/[_-]/g, '');
  if (normalise(typed) === normalise(known)) return true; // connectTimeoutMs, connect-timeout-ms
  return typed.length >= 4 && editDistance(typed.toLowerCase(), known) <= 2;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
