import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { EditError, lineEndingOf, openForEdit, writeAtomically } from '../../src/cli/atomicEdit.js';
import { tempDir } from '../helpers/harness.js';

/** The temp-file-and-rename edit under the keys and tokens commands. */
const cleanups: Array<() => void> = [];
after(() => cleanups.forEach((cleanup) => cleanup()));

function dirWith(files: Record<string, string>): string {
  const work = tempDir(files);
  cleanups.push(work.cleanup);
  return work.dir;
}

describe('atomic edits', () => {
  test('replaces the text, keeps the mode, and leaves no temp file', () => {
    const dir = dirWith({ 'keys.txt': 'old\n' });
    const file = join(dir, 'keys.txt');
    chmodSync(file, 0o604);
    const editable = openForEdit(file, 'keys file', { mayCreate: false });
    assert.equal(editable.text, 'old\n');
    writeAtomically(editable, 'new\n', 'keys file');
    assert.equal(readFileSync(file, 'utf8'), 'new\n');
    assert.equal(statSync(file).mode & 0o777, 0o604);
    assert.deepEqual(readdirSync(dir), ['keys.txt']);
  });

  test('a new file (and its folder) is created with mode 0600', () => {
    const dir = dirWith({});
    const file = join(dir, 'sub', 'keys.txt');
    const editable = openForEdit(file, 'keys file', { mayCreate: true });
    assert.equal(editable.text, null);
    writeAtomically(editable, 'x\n', 'keys file');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.throws(() => openForEdit(join(dir, 'absent.txt'), 'keys file', { mayCreate: false }), /no keys file at/);
  });

  test('a file changed by someone else since it was read is not overwritten', () => {
    const dir = dirWith({ 'pool.yaml': 'a: 1\n' });
    const file = join(dir, 'pool.yaml');
    const editable = openForEdit(file, 'config file', { mayCreate: false });
    writeFileSync(file, 'a: 2\n');
    assert.throws(() => writeAtomically(editable, 'a: 3\n', 'config file'), (error) => error instanceof EditError && /changed while it was being edited/.test(error.message));
    assert.equal(readFileSync(file, 'utf8'), 'a: 2\n');
    assert.deepEqual(readdirSync(dir), ['pool.yaml']);
  });

  test('a failed rename removes the temp file and says nothing changed', () => {
    const dir = dirWith({ 'keys.txt': 'old\n' });
    const file = join(dir, 'keys.txt');
    const editable = openForEdit(file, 'keys file', { mayCreate: false });
    // The file becomes a non-empty directory between reading and writing: the rename must fail.
    rmSync(file);
    mkdirSync(join(file, 'inside'), { recursive: true });
    editable.text = null; // get past the "changed" check to reach the rename
    assert.throws(() => writeAtomically(editable, 'new\n', 'keys file'), /cannot write keys file .*nothing changed/);
    assert.deepEqual(readdirSync(dir), ['keys.txt']);
  });

  test('through a symlink the target is edited and the link kept', () => {
    const dir = dirWith({ 'real-keys.txt': 'old\n' });
    const link = join(dir, 'keys.txt');
    symlinkSync('real-keys.txt', link);
    writeAtomically(openForEdit(link, 'keys file', { mayCreate: false }), 'new\n', 'keys file');
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readlinkSync(link), 'real-keys.txt');
    assert.equal(readFileSync(join(dir, 'real-keys.txt'), 'utf8'), 'new\n');
  });

  test('refuses read-only files (no write bit, even for root) and directories', () => {
    const dir = dirWith({ 'keys.txt': 'k\n' });
    chmodSync(join(dir, 'keys.txt'), 0o400);
    assert.throws(() => openForEdit(join(dir, 'keys.txt'), 'keys file', { mayCreate: false }), /keys file .* is read-only/);
    assert.throws(() => openForEdit(dir, 'keys file', { mayCreate: true }), /it is a directory/);
  });

  test('line endings are detected from the text', () => {
    assert.equal(lineEndingOf('a\r\nb'), '\r\n');
    assert.equal(lineEndingOf('a\nb'), '\n');
    assert.equal(lineEndingOf('single line'), '\n');
  });
});
