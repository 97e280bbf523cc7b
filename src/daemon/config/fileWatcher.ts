import { dirname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

/**
 * Watches files for edits with chokidar. It watches their folders, not the
 * files, so that editors that save by rename, a file that is briefly missing,
 * and a remounted volume are all seen. Events are debounced per file.
 */
export interface WatchOptions {
  poll: boolean;
  pollIntervalMs: number;
  debounceMs?: number;
}

export class FileWatcher {
  private readonly watcher: FSWatcher;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(files: Record<string, () => void>, options: WatchOptions) {
    const handlers = new Map(Object.entries(files).map(([file, handler]) => [resolve(file), handler]));
    const folders = [...new Set([...handlers.keys()].map((file) => dirname(file)))];
    const watchedFolders = new Set(folders);
    this.watcher = watch(folders, {
      depth: 0,
      ignoreInitial: true,
      // Only our files: the folder may also hold the data dir or a busy log file, whose
      // every write would otherwise cost a stat on the request path's event loop.
      ignored: (path: string) => !watchedFolders.has(resolve(path)) && !handlers.has(resolve(path)),
      usePolling: options.poll,
      interval: options.pollIntervalMs,
      binaryInterval: options.pollIntervalMs,
    });
    const onEvent = (path: string) => {
      const file = resolve(path);
      const handler = handlers.get(file);
      if (!handler) return;
      clearTimeout(this.timers.get(file));
      this.timers.set(
        file,
        setTimeout(() => {
          this.timers.delete(file);
          handler();
        }, options.debounceMs ?? 100),
      );
    };
    this.watcher.on('add', onEvent).on('change', onEvent).on('unlink', onEvent);
  }

  /** Resolves once the initial scan is done and edits will be seen. */
  ready(): Promise<void> {
    return new Promise((resolveReady) => this.watcher.once('ready', () => resolveReady()));
  }

  async close(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    await this.watcher.close();
  }
}
