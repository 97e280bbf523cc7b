import { SseParser, type SseItem } from './sseParser.js';

/**
 * An upstream SSE body that is peeked at before anything reaches the client:
 * the failover loop reads until the first event that carries an answer, so
 * an error or an empty answer can still go to another key. After that the
 * bytes already read (`head`) and the rest go out as they come.
 */
export type PeekResult = { kind: 'answer' } | { kind: 'empty' } | { kind: 'error'; text: string };

const TAIL_CHUNKS = 4;

export class UpstreamStream {
  readonly parser = new SseParser();
  readonly head: Buffer[] = [];
  readonly firstItems: SseItem[] = [];
  private readonly decoder = new TextDecoder();
  private readonly tail: Buffer[] = [];
  private ended = false;

  constructor(private readonly iterator: AsyncIterator<Buffer>) {}

  async peek(): Promise<PeekResult> {
    for (;;) {
      const next = await this.iterator.next();
      const items = next.done ? this.parser.end() : this.parser.push(this.decode(next.value));
      if (next.done) this.ended = true;
      else this.remember(next.value, this.head);
      this.firstItems.push(...items);
      for (const item of items) {
        if (item.kind === 'raw') return { kind: 'error', text: item.text };
        if (item.data.includes('"candidates"') || item.data.includes('"promptFeedback"')) return { kind: 'answer' };
      }
      if (next.done) return { kind: 'empty' };
    }
  }

  /** The chunks after the peeked head, raw, as they arrive. */
  async *rest(): AsyncGenerator<Buffer> {
    while (!this.ended) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        return;
      }
      this.remember(next.value);
      yield next.value;
    }
  }

  /** Decodes a chunk for the parser (keeps multi-byte characters split across chunks intact). */
  decode(chunk: Buffer): string {
    return this.decoder.decode(chunk, { stream: true });
  }

  /** The last few raw chunks as text: enough to find the final usageMetadata. */
  tailText(): string {
    return Buffer.concat(this.tail).toString('utf8');
  }

  /** Stops reading: the upstream request is aborted by the caller's signal; this ends the iterator. */
  async cancel(): Promise<void> {
    this.ended = true;
    // Ending early makes undici report "Request aborted": expected here, not an error.
    await this.iterator.return?.().catch(() => undefined);
  }

  private remember(chunk: Buffer, head?: Buffer[]): void {
    head?.push(chunk);
    this.tail.push(chunk);
    if (this.tail.length > TAIL_CHUNKS) this.tail.shift();
  }
}
