import { randomBytes } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  chownSync,
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { PoolError } from '../daemon/errors.js';

/**
 * Safe edits of the files the daemon watches (keys.txt, the YAML config).
 *
 * Before anything is read for editing, the file and its directory must be
 * writable: a file with no write bit for anyone (chmod a-w) counts as
 * read-only even for root, who could write it anyway, because that is what
 * the owner meant. A file on a read-only mount (Docker ":ro") is refused too.
 *
 * The new text goes to a temp file in the same directory (same file system,
 * so the rename is atomic), with the original's mode, and is renamed over the
 * file: the daemon's watcher, or anyone reading it, sees the old text or the
 * new one, never half of it. A file that changed between reading and writing
 * is left alone ("try again") rather than overwritten.
 */

/** A refusal the user can act on: printed as one line, exit 1. */
export class EditError extends PoolError {
  constructor(message: string) {
    super('EDIT_REFUSED', message, 1);
    this.name = 'EditError';
  }
}

export interface EditableFile {
  /** The file to replace (symlinks resolved, so the link's target is edited and the link kept). */
  path: string;
  /** How messages name it: relative to the working directory when under it. */
  shown: string;
  /** The current text; null when the file does not exist yet. */
  text: string | null;
  /** Permission bits to give the new file: the old file's, or 0600 for a new one (it holds secrets). */
  mode: number;
  owner: { uid: number; gid: number } | null;
}

/** Mode of a file this module creates: keys and tokens are secrets. */
export const NEW_FILE_MODE = 0o600;

/**
 * Checks that `filePath` may be edited and reads it. `what` names the file in
 * messages ("keys file", "config file"). With `mayCreate`, a missing file (and
 * its missing directories) is fine and will be created; otherwise it is an error.
 */
export function openForEdit(filePath: string, what: string, options: { mayCreate: boolean }): EditableFile {
  const given = resolveUserPath(filePath);
  const target = followLinks(given);
  const shown = shownPath(given);
  const dir = path.dirname(target);
  let stats;
  try {
    stats = statSync(target);
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'ENOENT') throw new EditError(`cannot read ${what} ${shown}: ${describeCode(code)}`);
    if (!options.mayCreate) throw new EditError(`no ${what} at ${shown}`);
    ensureDirectory(dir, what, shown);
    return { path: target, shown, text: null, mode: NEW_FILE_MODE, owner: null };
  }
  if (stats.isDirectory()) throw new EditError(`cannot edit ${what} ${shown}: it is a directory`);
  if (!stats.isFile()) throw new EditError(`cannot edit ${what} ${shown}: it is not a regular file`);
  if ((stats.mode & 0o222) === 0) {
    throw new EditError(`${what} ${shown} is read-only (no write permission): nothing changed. Make it writable (chmod u+w) or edit it where it is mounted from`);
  }
  try {
    accessSync(target, constants.W_OK);
  } catch (error) {
    const code = errorCode(error);
    const why = code === 'EROFS' ? 'it is on a read-only file system (a read-only mount?)' : 'this user may not write it';
    throw new EditError(`${what} ${shown} is read-only (${why}): nothing changed. Edit it where it is mounted from, or mount it writable`);
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = errorCode(error);
    const why = code === 'EROFS' ? 'it is on a read-only file system' : 'this user may not write it';
    throw new EditError(
      `cannot edit ${what} ${shown}: its directory ${shownPath(dir)} is not writable (${why}), and an edit writes a temp file there and renames it over the file: nothing changed`,
    );
  }
  let text: string;
  try {
    text = readFileSync(target, 'utf8');
  } catch (error) {
    throw new EditError(`cannot read ${what} ${shown}: ${describeCode(errorCode(error))}`);
  }
  return { path: target, shown, text, mode: stats.mode & 0o7777, owner: { uid: stats.uid, gid: stats.gid } };
}

/**
 * Replaces the file's text atomically: temp file in the same directory, same
 * mode (and owner, when running as root), fsync, rename. Throws EditError,
 * leaving the file as it was and no temp file behind, when the file changed
 * since `openForEdit` read it or the write fails.
 */
export function writeAtomically(file: EditableFile, text: string, what: string): void {
  if (currentText(file.path) !== file.text) {
    throw new EditError(`${what} ${file.shown} changed while it was being edited: nothing written, try again`);
  }
  const dir = path.dirname(file.path);
  const temp = path.join(dir, `.${path.basename(file.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', file.mode);
    try {
      const bytes = Buffer.from(text, 'utf8');
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temp, file.mode); // the umask may have taken bits away from openSync's mode
    if (file.owner && process.getuid?.() === 0 && (file.owner.uid !== 0 || file.owner.gid !== 0)) {
      try {
        chownSync(temp, file.owner.uid, file.owner.gid); // root editing a user's file leaves it the user's
      } catch {
        // Not fatal: the content and mode are what matter.
      }
    }
    renameSync(temp, file.path);
  } catch (error) {
    removeQuietly(temp);
    const code = errorCode(error);
    if (code === 'EBUSY' || code === 'EXDEV') {
      throw new EditError(
        `cannot replace ${what} ${file.shown}: it is a mount point (a single bind-mounted file?). Mount its directory instead, or edit it where it is mounted from: nothing changed`,
      );
    }
    throw new EditError(`cannot write ${what} ${file.shown}: ${describeCode(code)}: nothing changed`);
  }
  syncDirectory(dir);
}

/** "~/x" and relative paths, as the rest of the CLI reads them. */
export function resolveUserPath(given: string, cwd: string = process.cwd()): string {
  if (given === '~' || given.startsWith('~/')) return path.join(homedir(), given.slice(1));
  return path.resolve(cwd, given);
}

/** Relative to the working directory when inside it ("keys.txt" reads better than a long path). */
export function shownPath(filePath: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, filePath);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : filePath;
}

/** The line ending a text already uses, so an added line matches its neighbours. */
export function lineEndingOf(text: string): string {
  const match = /\r\n|\r|\n/.exec(text);
  return match ? match[0] : '\n';
}

function followLinks(filePath: string): string {
  try {
    if (lstatSync(filePath).isSymbolicLink()) return realpathSync(filePath);
  } catch {
    // Missing (or a dangling link): edit the path as given.
  }
  return filePath;
}

function ensureDirectory(dir: string, what: string, shown: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new EditError(`cannot create ${what} ${shown}: its directory ${shownPath(dir)} is not writable (${describeCode(errorCode(error))})`);
  }
}

/** A file's text for reading only (list commands): null when it does not exist; EditError when it cannot be read. */
export function readExisting(filePath: string, what: string): string | null {
  try {
    return readFileSync(filePath, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return null;
    throw new EditError(`cannot read ${what} ${shownPath(filePath)}: ${describeCode(code)}`);
  }
}

function currentText(filePath: string): string | null {
  try {
    return readFileSync(filePath, 'utf8');
  } catch {
    return null;
  }
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms and file systems cannot fsync a directory; the rename itself is still atomic.
  }
}

function removeQuietly(filePath: string): void {
  try {
    unlinkSync(filePath);
  } catch {
    // Never created, or already gone.
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function describeCode(code: string | undefined): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return code ?? 'unknown error';
  }
}
