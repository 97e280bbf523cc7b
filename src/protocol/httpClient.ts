import type { ControlClient } from './client.js';
import { ControlRequestError } from './client.js';
import type { ControlResponse, Method, MethodResults, ServerMessage } from './messages.js';
import type { Snapshot } from './snapshot.js';

/**
 * The control protocol over HTTP (the daemon's admin API), for pools in
 * containers without a shell: the same messages as the socket, POSTed to
 * /admin/call; snapshots from the Server-Sent Events of /admin/events. With
 * `reconnect`, a dropped event stream is reopened after a pause.
 */
export class HttpControlClient implements ControlClient {
  private nextId = 1;
  private connected = false;
  private closed = false;
  private readonly snapshotListeners = new Set<(snapshot: Snapshot) => void>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();
  private events?: AbortController;
  private retryTimer?: NodeJS.Timeout;
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly adminToken: string,
    private readonly options: { reconnect: boolean; reconnectDelayMs?: number } = { reconnect: false },
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  get target(): string {
    return this.baseUrl;
  }

  /** Checks that the daemon answers and takes the token (a `status` call). */
  async connect(): Promise<void> {
    await this.request('status');
    this.setConnected(true);
  }

  async request<M extends Method>(method: M, params?: Record<string, unknown>): Promise<MethodResults[M]> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/admin/call`, {
        method: 'POST',
        headers: this.headers({ 'content-type': 'application/json' }),
        body: JSON.stringify({ id: this.nextId++, method, params }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new ControlRequestError('NO_DAEMON', `no gemini-pool admin API answers at ${this.baseUrl} (${causeOf(error)})`);
    }
    if (response.status === 401) throw new ControlRequestError('UNAUTHORIZED', `the admin API at ${this.baseUrl} refused the admin token`);
    if (response.status === 404) throw new ControlRequestError('UNAVAILABLE', `no admin API at ${this.baseUrl} (is admin.token set on the daemon?)`);
    const message = (await response.json().catch(() => ({}))) as ControlResponse;
    if ('error' in message) throw new ControlRequestError(message.error.code, message.error.message);
    if (!('result' in message)) throw new ControlRequestError('INTERNAL', `unexpected answer from ${this.baseUrl} (HTTP ${response.status})`);
    return message.result as MethodResults[M];
  }

  subscribe(onSnapshot: (snapshot: Snapshot) => void): () => void {
    this.snapshotListeners.add(onSnapshot);
    if (!this.events) void this.openEvents();
    return () => {
      this.snapshotListeners.delete(onSnapshot);
      if (this.snapshotListeners.size === 0) {
        this.events?.abort();
        this.events = undefined;
      }
    };
  }

  onConnection(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.events?.abort();
  }

  /** Reads the event stream until it ends, then (with reconnect) opens it again. */
  private async openEvents(): Promise<void> {
    const controller = new AbortController();
    this.events = controller;
    try {
      const response = await fetch(`${this.baseUrl}/admin/events`, { headers: this.headers({ accept: 'text/event-stream' }), signal: controller.signal });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      this.setConnected(true);
      await this.readEvents(response.body);
    } catch {
      // Dropped, refused or aborted: handled below.
    }
    if (this.events !== controller) return; // unsubscribed or replaced
    this.events = undefined;
    this.setConnected(false);
    if (!this.closed && this.options.reconnect && this.snapshotListeners.size > 0) {
      this.retryTimer = setTimeout(() => void this.openEvents(), this.options.reconnectDelayMs ?? 1_000);
    }
  }

  private async readEvents(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      for (; end >= 0; end = buffer.indexOf('\n\n')) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        if (data) this.deliver(data);
      }
    }
  }

  private deliver(data: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if ('event' in message) for (const listener of this.snapshotListeners) listener(message.data);
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    return { authorization: `Bearer ${this.adminToken}`, ...extra };
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    for (const listener of this.connectionListeners) listener(connected);
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
