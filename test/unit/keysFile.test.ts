import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KeysFileError } from '../../src/daemon/errors.js';
import { loadKeys, maskSecret, parseEnvKeys, parseKeysText, type ParsedKeys } from '../../src/daemon/config/keysFile.js';

// Fake keys only: well-formed for the loader (20+ characters of [A-Za-z0-9_.-]),
// nothing like a real Google key.
const KEY_A = 'fake-key-alpha-0000000001';
const KEY_B = 'fake-key-bravo-0000000002';
const KEY_C = 'fake.key.charlie.00000003';
const KEY_D = 'fake_key_delta_0000000004';

const NOT_A_KEY = 'not a key (expected one key per line, optionally followed by " # label project=NAME")';

function keysFileErrorOf(fn: () => unknown): KeysFileError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof KeysFileError, `expected a KeysFileError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a KeysFileError');
}

/** Asserts that no problem text carries any of the given secrets or raw line contents. */
function assertNoSecrets(parsed: ParsedKeys, secrets: readonly string[]): void {
  for (const problem of parsed.problems) {
    for (const secret of secrets) assert.ok(!problem.message.includes(secret), `"${problem.message}" leaks "${secret}"`);
  }
}

describe('parseKeysText', () => {
  it('reads keys, skipping blank lines and comments, with labels and projects', () => {
    const text = [
      '# my keys',
      '',
      KEY_A,
      `   ${KEY_B} # laptop`,
      '   # indented comment',
      `${KEY_C}\t#   team key   project=acme-prod  `,
      `${KEY_D} # project=side.project_2`,
      '   ',
    ].join('\n');
    assert.deepEqual(parseKeysText(text, 'keys.txt'), {
      keys: [
        { secret: KEY_A, source: 'keys.txt:3' },
        { secret: KEY_B, label: 'laptop', source: 'keys.txt:4' },
        { secret: KEY_C, label: 'team key', project: 'acme-prod', source: 'keys.txt:6' },
        { secret: KEY_D, project: 'side.project_2', source: 'keys.txt:7' },
      ],
      problems: [],
    });
  });

  it('keeps "#" inside a label and only the first project', () => {
    const { keys } = parseKeysText(`${KEY_A} # ci #2 project=one project=two`, 'keys.txt');
    assert.deepEqual(keys, [{ secret: KEY_A, label: 'ci #2', project: 'one', source: 'keys.txt:1' }]);
  });

  it('reports malformed lines by number and still loads the rest', () => {
    const text = [
      KEY_A, // 1
      'AIza foo', // 2: space inside the key
      'short-key', // 3: too short
      'project=x', // 4: a label without a key
      'fake-key-with-$ign-00000000', // 5: bad character
      `${KEY_A}#no-space-before-hash`, // 6: "#" glued to the key
      KEY_B, // 7
    ].join('\n');
    const parsed = parseKeysText(text, 'keys.txt');
    assert.deepEqual(
      parsed.keys.map((key) => key.source),
      ['keys.txt:1', 'keys.txt:7'],
    );
    assert.deepEqual(
      parsed.problems,
      [2, 3, 4, 5, 6].map((line) => ({ source: `keys.txt:${line}`, line, kind: 'malformed', message: `keys.txt:${line}: ${NOT_A_KEY}` })),
    );
    assertNoSecrets(parsed, [KEY_A, 'foo', 'short-key', '$ign']);
  });

  it('drops duplicates, keeping the first occurrence', () => {
    const text = ['# keys', '', KEY_A, KEY_B, `${KEY_A} # again`, '', '', '', KEY_A].join('\n');
    const parsed = parseKeysText(text, 'keys.txt');
    assert.deepEqual(parsed.keys, [
      { secret: KEY_A, source: 'keys.txt:3' },
      { secret: KEY_B, source: 'keys.txt:4' },
    ]);
    assert.deepEqual(parsed.problems, [
      { source: 'keys.txt:5', line: 5, kind: 'duplicate', message: 'keys.txt:5: duplicate of the key on line 3' },
      { source: 'keys.txt:9', line: 9, kind: 'duplicate', message: 'keys.txt:9: duplicate of the key on line 3' },
    ]);
    assertNoSecrets(parsed, [KEY_A, KEY_B]);
  });

  it('tolerates a UTF-8 BOM and Windows line endings', () => {
    const parsed = parseKeysText(`\uFEFF${KEY_A}\r\n# comment\r\n${KEY_B} # label\r\n`, 'keys.txt');
    assert.deepEqual(parsed, {
      keys: [
        { secret: KEY_A, source: 'keys.txt:1' },
        { secret: KEY_B, label: 'label', source: 'keys.txt:3' },
      ],
      problems: [],
    });
  });
});

describe('parseEnvKeys', () => {
  it('splits on commas, trims, ignores empty entries, numbers entries from 1', () => {
    assert.deepEqual(parseEnvKeys(` ${KEY_A} ,,${KEY_B},`), {
      keys: [
        { secret: KEY_A, source: 'GEMINI_API_KEYS[1]' },
        { secret: KEY_B, source: 'GEMINI_API_KEYS[3]' },
      ],
      problems: [],
    });
    assert.deepEqual(parseEnvKeys(undefined), { keys: [], problems: [] });
  });

  it('reports malformed and duplicate entries without their contents', () => {
    const parsed = parseEnvKeys(`${KEY_A},oops,${KEY_A}`);
    assert.deepEqual(parsed.keys, [{ secret: KEY_A, source: 'GEMINI_API_KEYS[1]' }]);
    assert.deepEqual(parsed.problems, [
      { source: 'GEMINI_API_KEYS[2]', kind: 'malformed', message: 'GEMINI_API_KEYS[2]: not a key (expected comma-separated keys)' },
      { source: 'GEMINI_API_KEYS[3]', kind: 'duplicate', message: 'GEMINI_API_KEYS[3]: duplicate of GEMINI_API_KEYS[1]' },
    ]);
    assertNoSecrets(parsed, [KEY_A, 'oops']);
  });
});

describe('loadKeys', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gemini-pool-keys-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const writeKeys = (name: string, text: string): string => {
    const filePath = path.join(dir, name);
    fs.writeFileSync(filePath, text);
    return filePath;
  };

  it('merges the file and GEMINI_API_KEYS, dropping keys present in both', () => {
    const filePath = writeKeys('merge.txt', `${KEY_A} # from file\n${KEY_B}\n`);
    const loaded = loadKeys(filePath, { GEMINI_API_KEYS: `${KEY_B},${KEY_C}` });
    assert.deepEqual(loaded.keys, [
      { secret: KEY_A, label: 'from file', source: `${filePath}:1` },
      { secret: KEY_B, source: `${filePath}:2` },
      { secret: KEY_C, source: 'GEMINI_API_KEYS[2]' },
    ]);
    assert.deepEqual(loaded.problems, [
      { source: 'GEMINI_API_KEYS[1]', kind: 'duplicate', message: `GEMINI_API_KEYS[1]: duplicate of the key at ${filePath}:2` },
    ]);
    assertNoSecrets(loaded, [KEY_A, KEY_B, KEY_C]);
  });

  it('returns the problems of a file that still has good keys', () => {
    const filePath = writeKeys('partial.txt', `${KEY_A}\nAIza foo\n`);
    const loaded = loadKeys(filePath, {});
    assert.equal(loaded.keys.length, 1);
    assert.deepEqual(
      loaded.problems.map((problem) => [problem.kind, problem.line]),
      [['malformed', 2]],
    );
  });

  it('is fine without a file when GEMINI_API_KEYS is set', () => {
    const loaded = loadKeys(path.join(dir, 'absent.txt'), { GEMINI_API_KEYS: KEY_D });
    assert.deepEqual(loaded, { keys: [{ secret: KEY_D, source: 'GEMINI_API_KEYS[1]' }], problems: [] });
  });

  it('fails with KEYS_MISSING and a how-to when there is neither a file nor GEMINI_API_KEYS', () => {
    const missing = path.join(dir, 'absent.txt');
    const error = keysFileErrorOf(() => loadKeys(missing, { GEMINI_API_KEYS: ' ' }));
    assert.equal(error.code, 'KEYS_MISSING');
    assert.ok(error.message.startsWith(`no keys file at ${missing}. `), error.message);
    assert.match(error.message, /one Gemini API key per line \(see keys\.txt\.example\)/);
    assert.match(error.message, /cp keys\.txt\.example /);
    assert.match(error.message, /GEMINI_API_KEYS=key1,key2/);
  });

  it('fails with KEYS_EMPTY when nothing usable is left', () => {
    const empty = writeKeys('empty.txt', '# only a comment\n\n');
    const emptyError = keysFileErrorOf(() => loadKeys(empty, {}));
    assert.equal(emptyError.code, 'KEYS_EMPTY');
    assert.match(emptyError.message, /^no usable key in .*empty\.txt\. Add one Gemini API key per line \(see keys\.txt\.example\)/);

    const broken = writeKeys('broken.txt', 'AIza foo\nbar baz qux\n');
    const brokenError = keysFileErrorOf(() => loadKeys(broken, { GEMINI_API_KEYS: 'nope' }));
    assert.equal(brokenError.code, 'KEYS_EMPTY');
    assert.match(brokenError.message, /3 entries skipped: .*broken\.txt:1, .*broken\.txt:2, GEMINI_API_KEYS\[1\]/);
    for (const fragment of ['foo', 'baz', 'nope']) assert.ok(!brokenError.message.includes(fragment), brokenError.message);
  });

  it('fails with KEYS_UNREADABLE for a directory', () => {
    const error = keysFileErrorOf(() => loadKeys(dir, {}));
    assert.equal(error.code, 'KEYS_UNREADABLE');
    assert.equal(error.message, `cannot read keys file ${dir}: it is a directory`);
  });

  it('fails with KEYS_UNREADABLE without read permission', { skip: process.getuid?.() === 0 ? 'root can read anything' : false }, () => {
    const filePath = writeKeys('locked.txt', `${KEY_A}\n`);
    fs.chmodSync(filePath, 0o000);
    const error = keysFileErrorOf(() => loadKeys(filePath, { GEMINI_API_KEYS: KEY_B }));
    assert.equal(error.code, 'KEYS_UNREADABLE');
    assert.equal(error.message, `cannot read keys file ${filePath}: permission denied`);
  });
});

describe('maskSecret', () => {
  it('shows the first 4 and last 4 characters of keys of 12 characters or more', () => {
    assert.equal(maskSecret('AIza.fake.key.for.tests.x9Qk'), 'AIza…x9Qk');
    assert.equal(maskSecret('abcdefghijkl'), 'abcd…ijkl');
  });

  it('shows only the last 2 characters of shorter secrets', () => {
    assert.equal(maskSecret('abcdefghijk'), '…jk');
    assert.equal(maskSecret('xyz'), '…yz');
    assert.equal(maskSecret(''), '…');
  });
});

describe('keys.txt.example', () => {
  const example = fs.readFileSync(new URL('../../keys.txt.example', import.meta.url), 'utf8');

  it('holds no key as shipped, so copying it unchanged fails loudly instead of loading placeholders', () => {
    assert.deepEqual(parseKeysText(example, 'keys.txt.example'), { keys: [], problems: [] });
  });

  it('shows the key, label and project forms, which parse once uncommented', () => {
    const uncommented = example.replace(/^# (AIza-)/gm, '$1');
    const { keys, problems } = parseKeysText(uncommented, 'keys.txt');
    assert.deepEqual(problems, []);
    assert.equal(keys.length, 3);
    assert.ok(keys.some((key) => key.label !== undefined && key.project === undefined));
    assert.ok(keys.some((key) => key.label !== undefined && key.project !== undefined));
  });

  it('contains nothing shaped like a real Google API key', () => {
    assert.doesNotMatch(example, /AIza[0-9A-Za-z_-]{35}/);
  });
});
