import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { MAX_MESSAGE_BYTES, type ControlResponse } from '../../protocol/messages.js';
import { encodeLine, LineReader } from '../../protocol/ndjson.js';
import { socketPathProblem } from '../../protocol/paths.js';
import { PoolError } from '../errors.js';
import type { ControlHub } from './controlHub.js';

/**
 * The control socket: a Unix socket (mode 0600, never TCP) speaking NDJSON,
 * one transport of the ControlHub. A malformed or oversized message gets an
 * error reply; nothing a peer sends can take the daemon down.
 */
/** A subscriber that reads slower than this much backlog misses snapshots instead of growing memory. */
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;

/** Refuses when a live daemon answers on `socketPath`; removes a stale socket file. */
export async function claimSocket(socketPath: string): Promise<void> {
  const problem = socketPathProblem(socketPath);
  if (problem) throw new PoolError('SOCKET_PATH', problem);
  if (!existsSync(socketPath)) return;
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new PoolError('ALREADY_RUNNING', `another gemini-pool daemon is running for this data directory (it answers on ${socketPath}); stop it first, or give this one another --data-dir`);
  unlinkSync(socketPath);
}

export class ControlServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly hub: ControlHub) {
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(socketPath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (error: NodeJS.ErrnoException) => reject(new PoolError('SOCKET_LISTEN', `cannot listen on the control socket ${socketPath} (${error.code})`)));
      this.server.listen(socketPath, () => {
        chmodSync(socketPath, 0o600);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    // server.close() also removes the socket file of a Unix socket it listens on.
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setEncoding('utf8');
    const write = (message: unknown) => {
      if (!socket.destroyed && socket.writableLength < MAX_BACKLOG_BYTES) socket.write(encodeLine(message));
    };
    let unsubscribe: (() => void) | undefined;
    const subscription = {
      subscribe: () => {
        unsubscribe ??= this.hub.subscribe((snapshot) => write({ event: 'snapshot', data: snapshot }));
      },
      unsubscribe: () => {
        unsubscribe?.();
        unsubscribe = undefined;
      },
    };
    const reader = new LineReader(
      MAX_MESSAGE_BYTES,
      (line) => void this.answer(line, subscription).then(write),
      () => write({ id: null, error: { code: 'TOO_LARGE', message: `messages are limited to ${MAX_MESSAGE_BYTES} bytes` } }),
    );
    socket.on('data', (text: string) => reader.push(text));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      subscription.unsubscribe();
      this.sockets.delete(socket);
    });
  }

  private async answer(line: string, subscription: { subscribe(): void; unsubscribe(): void }): Promise<ControlResponse> {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return { id: null, error: { code: 'BAD_REQUEST', message: 'not valid JSON' } };
    }
    return this.hub.handle(message, subscription);
  }
}
