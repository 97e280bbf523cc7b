/**
 * Newline-delimited JSON framing. A line longer than `maxBytes` is dropped
 * (reported once through `onTooLong`) without buffering the rest of it, so a
 * peer cannot make the other side hold an unbounded message.
 */
export class LineReader {
  private buffer = '';
  private skipping = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onTooLong: () => void,
  ) {}

  push(text: string): void {
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      const piece = text.slice(start, newline);
      start = newline + 1;
      if (this.skipping) {
        this.skipping = false;
        this.buffer = '';
        continue;
      }
      const line = this.buffer + piece;
      this.buffer = '';
      if (line.length > this.maxBytes) this.onTooLong();
      else if (line.trim() !== '') this.onLine(line);
    }
    if (this.skipping) return;
    this.buffer += text.slice(start);
    if (this.buffer.length > this.maxBytes) {
      this.buffer = '';
      this.skipping = true;
      this.onTooLong();
    }
  }
}

export function encodeLine(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}
