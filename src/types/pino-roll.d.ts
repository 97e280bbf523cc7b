// pino-roll ships no types; this is the part gemini-pool uses.
declare module 'pino-roll' {
  import type { DestinationStream } from 'pino';
  interface RollOptions {
    file: string;
    frequency?: 'daily' | 'hourly' | number;
    dateFormat?: string;
    mkdir?: boolean;
    limit?: { count: number };
  }
  type RollingFile = DestinationStream & { end(): void; once(event: 'close', listener: () => void): void };
  export default function build(options: RollOptions): Promise<RollingFile>;
}
