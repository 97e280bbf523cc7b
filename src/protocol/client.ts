import { connect, type Socket } from 'node:net';
import { MAX_MESSAGE_BYTES, type ControlErrorCode, type Method, type MethodResults, type ServerMessage } from './messages.js';
import { encodeLine, LineReader } from './ndjson.js';
import type { Snapshot } from './snapshot.js';

/**
 * The client side of the control protocol, used by the CLI commands and the
 * dashboard. With `reconnect`, it keeps trying after the daemon goes away and
 * subscribes again when it is back (the dashboard survives a restart).
 */
export interface ControlClient {
  request<M extends Method>(method: M, params?: Record<string, unknown>): Promise<MethodResults[M]>;
  /** Snapshots as the daemon pushes them; returns the unsubscribe. */
  subscribe(onSnapshot: (snapshot: Snapshot) => void): () => void;
  onConnection(listener: (connected: boolean) => void): () => void;
  /** Where the client is attached, for display. */
  readonly target: string;
  close(): void;
}

export class ControlRequestError extends Error {
  constructor(
    readonly code: ControlErrorCode | 'NO_DAEMON',
    message: string,
  ) {
    super(message);
    this.name = 'ControlRequestError';
  }
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export class SocketControlClient implements ControlClient {
  private socket?: Socket;
  private connected = false;
  private closed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly snapshotListeners = new Set<(snapshot: Snapshot) => void>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly socketPath: string,
    private readonly options: { reconnect: boolean; reconnectDelayMs?: number } = { reconnect: false },
  ) {}

  get target(): string {
    return this.socketPath;
  }

  /** Connects once; rejects with NO_DAEMON when nothing listens (without reconnect). */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.socketPath);
      const reader = new LineReader(MAX_MESSAGE_BYTES * 1024, (line) => this.receive(line), () => undefined);
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => reader.push(text));
      socket.once('connect', () => {
        this.socket = socket;
        this.setConnected(true);
        if (this.snapshotListeners.size > 0) void this.request('subscribe').catch(() => undefined);
        resolve();
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (this.socket === socket) return; // a live connection's errors end in 'close'
        reject(new ControlRequestError('NO_DAEMON', `no gemini-pool daemon answers at ${this.socketPath} (${error.code}). Start one with: gemini-pool start`));
        this.scheduleReconnect();
      });
      socket.on('close', () => this.lost(socket));
    });
  }

  request<M extends Method>(method: M, params?: Record<string, unknown>): Promise<MethodResults[M]> {
    if (!this.socket || !this.connected) return Promise.reject(new ControlRequestError('UNAVAILABLE', 'not connected to the daemon'));
    const id = this.nextId++;
    const socket = this.socket;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      socket.write(encodeLine({ id, method, params }));
    });
  }

  subscribe(onSnapshot: (snapshot: Snapshot) => void): () => void {
    this.snapshotListeners.add(onSnapshot);
    if (this.connected && this.snapshotListeners.size === 1) void this.request('subscribe').catch(() => undefined);
    return () => {
      this.snapshotListeners.delete(onSnapshot);
      if (this.connected && this.snapshotListeners.size === 0) void this.request('unsubscribe').catch(() => undefined);
    };
  }

  onConnection(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket?.destroy();
  }

  private receive(line: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(line) as ServerMessage;
    } catch {
      return;
    }
    if ('event' in message) {
      for (const listener of this.snapshotListeners) listener(message.data);
      return;
    }
    const pending = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (!pending) return;
    this.pending.delete(message.id as number);
    if ('error' in message) pending.reject(new ControlRequestError(message.error.code, message.error.message));
    else pending.resolve(message.result);
  }

  private lost(socket: Socket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    for (const pending of this.pending.values()) pending.reject(new ControlRequestError('UNAVAILABLE', 'the daemon went away'));
    this.pending.clear();
    if (this.connected) this.setConnected(false);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || !this.options.reconnect) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.connect().catch(() => undefined); // a failed attempt schedules the next one
    }, this.options.reconnectDelayMs ?? 1_000);
  }

  private setConnected(connected: boolean): void {
    this.connected = connected;
    for (const listener of this.connectionListeners) listener(connected);
  }
}
