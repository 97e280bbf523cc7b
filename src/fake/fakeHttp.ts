/**
 * HTTP plumbing shared by the fake's handlers: Google's response headers,
 * error bodies in the three framings (unary JSON, SSE stream, JSON-array
 * stream), and one Exchange per request that knows when the client went away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpError } from './googleErrors.js';
import { googlePretty } from './googleJson.js';

export const JSON_TYPE = 'application/json; charset=UTF-8';
export const SSE_TYPE = 'text/event-stream';

/** How an error must be framed: a stream call's errors keep the stream's content type. */
export type ErrorFraming = 'json' | 'sse' | 'array';

/** Headers seen on real responses (recordings); the daemon must not depend on them, only tolerate them. */
export function googleHeaders(contentType: string, startedAt: number): Record<string, string> {
  return {
    'content-type': contentType,
    vary: 'Origin, X-Origin, Referer',
    server: 'scaffolding on HTTPServer2',
    'x-xss-protection': '0',
    'x-frame-options': 'SAMEORIGIN',
    'x-content-type-options': 'nosniff',
    'server-timing': `gfet4t7; dur=${Math.max(1, Date.now() - startedAt)}`,
  };
}

/**
 * One request/response pair. `aborted` turns true when the client goes away
 * before we finished answering; `finish()` marks the answer complete first so
 * our own end() or socket reset does not count as an abort.
 */
export class Exchange {
  readonly startedAt = Date.now();
  aborted = false;
  private done = false;
  private readonly closeListeners = new Set<() => void>();

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    onAbort: () => void,
  ) {
    // A write racing a client disconnect must not crash the fake.
    res.on('error', () => undefined);
    res.on('close', () => {
      if (!this.done) {
        this.aborted = true;
        onAbort();
      }
      for (const l of this.closeListeners) l();
      this.closeListeners.clear();
    });
  }

  /** Marks the answer complete (call before end() or a deliberate socket reset). */
  finish(): void {
    this.done = true;
  }

  end(chunk?: string): void {
    this.finish();
    this.res.end(chunk);
  }

  /** Resolves after `ms`, or at once when the client goes away. */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.aborted || this.res.destroyed) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        this.closeListeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.closeListeners.add(done);
    });
  }

  /** Resolves when the client goes away (a hanging request never answers). */
  untilClosed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.aborted || this.res.destroyed) return resolve();
      this.closeListeners.add(resolve);
    });
  }

  /** Calls `listener` if the client goes away (used by the gate). */
  onClose(listener: () => void): void {
    this.closeListeners.add(listener);
  }

  sendJson(status: number, value: unknown): void {
    this.res.writeHead(status, googleHeaders(JSON_TYPE, this.startedAt));
    this.end(googlePretty(value));
  }

  /**
   * Errors are pretty JSON + "\n" (json); the same bytes under text/event-stream
   * and NOT data:-framed for alt=sse (js-genai 404 recording); wrapped in an
   * array for a stream call without alt=sse (continuedev/continue#8516).
   */
  sendError(err: HttpError, framing: ErrorFraming): void {
    const type = framing === 'sse' ? SSE_TYPE : JSON_TYPE;
    this.res.writeHead(err.httpStatus, googleHeaders(type, this.startedAt));
    this.end(framing === 'array' ? googlePretty([err.body]) : googlePretty(err.body));
  }
}

/** Reads the whole request body as UTF-8 text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
