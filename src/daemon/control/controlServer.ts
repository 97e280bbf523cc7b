import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { MAX_MESSAGE_BYTES, requestSchema, SUBSCRIBE_INTERVAL_MS, type ControlResponse, type Method } from '../../protocol/messages.js';
import { encodeLine, LineReader } from '../../protocol/ndjson.js';
import { socketPathProblem } from '../../protocol/paths.js';
import type { Snapshot } from '../../protocol/snapshot.js';
import { PoolError } from '../errors.js';
import { ControlFailure, createControlMethods, type ControlDeps } from './controlMethods.js';

/**
 * The control socket: a Unix socket (mode 0600, never TCP) speaking NDJSON.
 * A malformed or oversized message gets an error reply; nothing a peer sends
 * can take the daemon down. Subscribers get a snapshot at once, then on
 * change at most every SUBSCRIBE_INTERVAL_MS (and at least every second, so
 * rates and uptime stay fresh).
 */
const IDLE_PUSH_MS = 1_000;
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
  private readonly subscribers = new Set<Socket>();
  private readonly methods: ReturnType<typeof createControlMethods>;
  private timer?: NodeJS.Timeout;
  private dirty = false;
  private lastPushAt = 0;

  constructor(
    private readonly deps: ControlDeps,
    private readonly log: Logger,
  ) {
    this.methods = createControlMethods(deps);
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

  /** Key state or traffic changed: subscribers hear of it within SUBSCRIBE_INTERVAL_MS. */
  notifyChange(): void {
    this.dirty = true;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const socket of this.subscribers) socket.destroy();
    // server.close() also removes the socket file of a Unix socket it listens on.
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    socket.setEncoding('utf8');
    const reply = (message: ControlResponse) => {
      if (!socket.destroyed) socket.write(encodeLine(message));
    };
    const reader = new LineReader(
      MAX_MESSAGE_BYTES,
      (line) => void this.handleLine(socket, line, reply),
      () => reply({ id: null, error: { code: 'TOO_LARGE', message: `messages are limited to ${MAX_MESSAGE_BYTES} bytes` } }),
    );
    socket.on('data', (text: string) => reader.push(text));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.unsubscribe(socket));
  }

  private async handleLine(socket: Socket, line: string, reply: (message: ControlResponse) => void): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      reply({ id: null, error: { code: 'BAD_REQUEST', message: 'not valid JSON' } });
      return;
    }
    const request = requestSchema.safeParse(json);
    if (!request.success) {
      reply({ id: null, error: { code: 'BAD_REQUEST', message: 'expected {"id": <number|string>, "method": <string>, "params"?: {...}}' } });
      return;
    }
    const { id, method, params = {} } = request.data;
    try {
      reply({ id, result: await this.call(socket, method, params) });
    } catch (error) {
      if (error instanceof ControlFailure) reply({ id, error: { code: error.code, message: error.message } });
      else {
        this.log.error({ method, err: (error as Error).message }, 'control method failed');
        reply({ id, error: { code: 'INTERNAL', message: 'the daemon failed to carry this out; see its log' } });
      }
    }
  }

  private async call(socket: Socket, method: string, params: Record<string, unknown>): Promise<unknown> {
    if (method === 'subscribe') {
      this.subscribe(socket);
      return { subscribed: true };
    }
    if (method === 'unsubscribe') {
      this.unsubscribe(socket);
      return { subscribed: false };
    }
    const handler = this.methods[method as Method];
    if (!handler) throw new ControlFailure('UNKNOWN_METHOD', `unknown method "${method.slice(0, 40)}"`);
    return handler(params);
  }

  private subscribe(socket: Socket): void {
    this.subscribers.add(socket);
    // The reply to `subscribe` goes out first; the snapshot right after it.
    setImmediate(() => this.push([socket], this.deps.snapshot()));
    this.timer ??= setInterval(() => this.tick(), SUBSCRIBE_INTERVAL_MS).unref();
  }

  private unsubscribe(socket: Socket): void {
    this.subscribers.delete(socket);
    if (this.subscribers.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private tick(): void {
    if (!this.dirty && Date.now() - this.lastPushAt < IDLE_PUSH_MS) return;
    this.dirty = false;
    this.lastPushAt = Date.now();
    this.push(this.subscribers, this.deps.snapshot());
  }

  private push(sockets: Iterable<Socket>, snapshot: Snapshot): void {
    const line = encodeLine({ event: 'snapshot', data: snapshot });
    for (const socket of sockets) {
      if (!socket.destroyed && socket.writableLength < MAX_BACKLOG_BYTES) socket.write(line);
    }
  }
}
