import type { Logger } from 'pino';
import { SUBSCRIBE_INTERVAL_MS, requestSchema, type ControlResponse, type Method } from '../../protocol/messages.js';
import type { Snapshot } from '../../protocol/snapshot.js';
import { ControlFailure, createControlMethods, type ControlDeps } from './controlMethods.js';

/**
 * The control protocol without a transport: answers request messages and
 * pushes snapshots to subscribers (at once, then on change at most every
 * SUBSCRIBE_INTERVAL_MS, and at least every second so rates stay fresh).
 * The Unix socket and the HTTP admin API are two transports over one hub.
 */
const IDLE_PUSH_MS = 1_000;

/** Where a subscriber's snapshots go; the transport frames them. */
export type SnapshotSink = (snapshot: Snapshot) => void;

export class ControlHub {
  private readonly methods: ReturnType<typeof createControlMethods>;
  private readonly sinks = new Set<SnapshotSink>();
  private timer?: NodeJS.Timeout;
  private dirty = false;
  private lastPushAt = 0;

  constructor(
    private readonly deps: ControlDeps,
    private readonly log: Logger,
  ) {
    this.methods = createControlMethods(deps);
  }

  /** One request message (already JSON-parsed) -> its response message. */
  async handle(message: unknown, subscription?: { subscribe(): void; unsubscribe(): void }): Promise<ControlResponse> {
    const request = requestSchema.safeParse(message);
    if (!request.success) {
      return { id: null, error: { code: 'BAD_REQUEST', message: 'expected {"id": <number|string>, "method": <string>, "params"?: {...}}' } };
    }
    const { id, method, params = {} } = request.data;
    try {
      if (method === 'subscribe' || method === 'unsubscribe') {
        if (!subscription) throw new ControlFailure('BAD_REQUEST', `${method} is not available on this transport (use the event stream)`);
        if (method === 'subscribe') subscription.subscribe();
        else subscription.unsubscribe();
        return { id, result: { subscribed: method === 'subscribe' } };
      }
      const handler = this.methods[method as Method];
      if (!handler) throw new ControlFailure('UNKNOWN_METHOD', `unknown method "${method.slice(0, 40)}"`);
      return { id, result: await handler(params) };
    } catch (error) {
      if (error instanceof ControlFailure) return { id, error: { code: error.code, message: error.message } };
      this.log.error({ method, err: (error as Error).message }, 'control method failed');
      return { id, error: { code: 'INTERNAL', message: 'the daemon failed to carry this out; see its log' } };
    }
  }

  /** Starts pushing snapshots to `sink` (the first right away); returns the unsubscribe. */
  subscribe(sink: SnapshotSink): () => void {
    this.sinks.add(sink);
    setImmediate(() => this.sinks.has(sink) && sink(this.deps.snapshot()));
    this.timer ??= setInterval(() => this.tick(), SUBSCRIBE_INTERVAL_MS).unref();
    return () => {
      this.sinks.delete(sink);
      if (this.sinks.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Key state or traffic changed: subscribers hear of it within SUBSCRIBE_INTERVAL_MS. */
  notifyChange(): void {
    this.dirty = true;
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sinks.clear();
  }

  private tick(): void {
    if (!this.dirty && Date.now() - this.lastPushAt < IDLE_PUSH_MS) return;
    this.dirty = false;
    this.lastPushAt = Date.now();
    const snapshot = this.deps.snapshot();
    for (const sink of this.sinks) sink(snapshot);
  }
}
