import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile, TextFile } from 'lowdb/node';
import type { Logger } from 'pino';
import { PoolError } from '../errors.js';
import type { PersistedClient } from '../auth/clientUsage.js';
import type { PersistedKey } from '../pool/poolKey.js';
import { STATE_VERSION, stateFileSchema, type StateFile } from './stateSchema.js';

/**
 * Key state on disk (<data_dir>/state.json), through lowdb. lowdb's writer
 * (steno) writes a temp file and renames it, so a kill -9 leaves either the
 * old or the new file, never half of one. Writes are coalesced: at most one
 * per `flushMs`, never on the request path. A file that cannot be read or
 * does not parse is moved aside, never overwritten.
 */
export interface PersistedState {
  keys: PersistedKey[];
  clients: PersistedClient[];
}

export interface LoadedState extends PersistedState {
  store: StateStore;
}

/** What a save writes: each key as its own JSON text (cached by the pool while unchanged). */
export interface StateToSave {
  keys: string[];
  clients: PersistedClient[];
}

export class StateStore {
  private timer?: NodeJS.Timeout;
  private lastWriteAt = 0;
  /** The gap between saves: flushMs, or longer when a save is expensive (see flush). */
  private gapMs: number;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly file: TextFile | undefined,
    private readonly collect: () => StateToSave,
    private readonly flushMs: number,
    private readonly log: Logger,
  ) {
    this.gapMs = flushMs;
  }

  /** Reads the state file (moving a bad one aside) and returns a store that writes `collect()`. */
  static async open(options: { dataDir: string; flushMs: number; log: Logger; collect: () => StateToSave }): Promise<LoadedState> {
    const { dataDir, log } = options;
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (error) {
      throw new PoolError('DATA_DIR', `cannot create the data directory ${dataDir} (${(error as NodeJS.ErrnoException).code}); set --data-dir to a writable place`);
    }
    const file = join(dataDir, 'state.json');
    const db = new Low<StateFile>(new JSONFile(file), emptyState());
    const problem = await readState(db);
    if (!problem) return { store: new StateStore(new TextFile(file), options.collect, options.flushMs, log), keys: db.data.keys, clients: db.data.clients };
    const movedTo = moveAside(file);
    if (!movedTo) {
      log.error({ file, problem }, 'the state file is unusable and cannot be moved aside: running without saving state, so as not to overwrite it');
      return { store: new StateStore(undefined, options.collect, options.flushMs, log), keys: [], clients: [] };
    }
    log.warn({ file, problem, movedTo }, 'the state file was unusable: moved aside, starting with fresh state');
    return { store: new StateStore(new TextFile(file), options.collect, options.flushMs, log), keys: [], clients: [] };
  }

  /** Something changed: write within `flushMs` (coalescing everything that changes meanwhile). */
  markDirty(): void {
    if (this.timer || this.closed || !this.file) return;
    const wait = Math.max(0, this.lastWriteAt + this.gapMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, wait);
    this.timer.unref();
  }

  /** Writes now (shutdown); resolves when the file is on disk. */
  async flush(): Promise<void> {
    if (!this.file) return;
    const file = this.file;
    this.lastWriteAt = Date.now();
    const text = serializeState(this.lastWriteAt, this.collect());
    // Assembling the file runs on the event loop: a huge pool saves less often, so that
    // saving never takes more than ~2% of the loop (10 keys: every flushMs; 10,000: every ~2 s).
    const tookMs = Date.now() - this.lastWriteAt;
    this.gapMs = Math.min(Math.max(this.flushMs, tookMs * MAX_SAVE_SHARE_INVERSE), MAX_GAP_MS);
    this.writing = this.writing.then(() =>
      file.write(text).catch((error: NodeJS.ErrnoException) => {
        this.log.error({ code: error.code }, 'could not write the state file; will try again on the next change');
      }),
    );
    await this.writing;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

/** Loads into db.data; returns what is wrong with the file, or undefined when it is fine (or absent). */
async function readState(db: Low<StateFile>): Promise<string | undefined> {
  try {
    await db.read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `unreadable (${code})` : `not valid JSON (${(error as Error).message})`;
  }
  const checked = stateFileSchema.safeParse(db.data);
  if (!checked.success) return `unexpected content at ${checked.error.issues[0]?.path.join('.') || 'top level'}`;
  db.data = checked.data;
  return undefined;
}

const MAX_SAVE_SHARE_INVERSE = 50;
const MAX_GAP_MS = 30_000;

/** The state file's text: the same JSON the schema reads, one key per line. */
function serializeState(savedAt: number, state: StateToSave): string {
  const keys = state.keys.length === 0 ? '[]' : `[\n${state.keys.join(',\n')}\n]`;
  return `{"version":${STATE_VERSION},"savedAt":${savedAt},"keys":${keys},"clients":${JSON.stringify(state.clients)}}\n`;
}

function emptyState(): StateFile {
  return { version: STATE_VERSION, savedAt: 0, keys: [], clients: [] };
}

function moveAside(file: string): string | undefined {
  const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(file, movedTo);
    return movedTo;
  } catch {
    return undefined;
  }
}
