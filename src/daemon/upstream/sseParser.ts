/**
 * Incremental parser for Gemini's server-sent events.
 *
 * Gemini frames events as `data: <json>\r\n\r\n`, but SDK parsers accept
 * `\n\n` and `\r\r` too, and TCP reads do not line up with events, so text is
 * buffered until a blank line ends an event. Google can also abort a stream by
 * writing a bare (often pretty-printed, multi-line) `{"error": ...}` object
 * outside the SSE framing and closing; such a block comes out as `raw`.
 */
export type SseItem = { kind: 'data'; data: string } | { kind: 'raw'; text: string };

const EVENT_END = /\r\n\r\n|\n\n|\r\r/g;

export class SseParser {
  private buffer = '';

  /** Feeds decoded text; returns the events it completed. */
  push(text: string): SseItem[] {
    this.buffer += text;
    const items: SseItem[] = [];
    EVENT_END.lastIndex = 0;
    let start = 0;
    let match: RegExpExecArray | null;
    while ((match = EVENT_END.exec(this.buffer)) !== null) {
      const item = parseBlock(this.buffer.slice(start, match.index));
      if (item) items.push(item);
      start = match.index + match[0].length;
    }
    if (start > 0) this.buffer = this.buffer.slice(start);
    return items;
  }

  /** Flushes what is left when the body ends (a trailing bare error object, say). */
  end(): SseItem[] {
    const item = parseBlock(this.buffer);
    this.buffer = '';
    return item ? [item] : [];
  }
}

function parseBlock(block: string): SseItem | undefined {
  const text = block.trim();
  if (text === '') return undefined;
  if (!text.startsWith('data:') && !text.includes('\ndata:')) return { kind: 'raw', text };
  const dataLines: string[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line.startsWith('data:')) dataLines.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return { kind: 'data', data: dataLines.join('\n') };
}
