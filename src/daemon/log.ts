import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import buildRollingFile from 'pino-roll';

/**
 * pino, pretty on a terminal and JSON lines otherwise, optionally also to a
 * daily-rotated file (pino-roll: maintained rotation, not hand-written).
 * `redact` is a second line of defence: key material is never put in a log
 * object on purpose.
 */
export type LogFormat = 'auto' | 'pretty' | 'json';

const REDACT_PATHS = [
  'secret',
  'key.secret',
  'apiKey',
  'token',
  'authorization',
  'headers.authorization',
  'headers["x-goog-api-key"]',
  'req.headers.authorization',
  'req.headers["x-goog-api-key"]',
];

function loggerOptions(level: string) {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined };
}

export function createLogger(level: string, format: LogFormat, destination: NodeJS.WritableStream = process.stdout): Logger {
  return pino(loggerOptions(level), consoleStream(format, destination));
}

function consoleStream(format: LogFormat, destination: NodeJS.WritableStream): DestinationStream {
  const usePretty = format === 'pretty' || (format === 'auto' && (destination as { isTTY?: boolean }).isTTY === true);
  if (usePretty) return pretty({ destination, colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', sync: true });
  if (destination === process.stdout) return pino.destination({ dest: 1, sync: false });
  return destination as unknown as DestinationStream;
}

export interface LogSettings {
  level: string;
  format: LogFormat;
  /** Also (or, without the console, only) to this file, rotated daily. */
  file: string | null;
  retainDays: number;
  console: boolean;
}

/** The daemon's logger: console and/or a rotated file. `close` flushes the file. */
export async function createDaemonLogger(settings: LogSettings): Promise<{ log: Logger; close: () => Promise<void> }> {
  const streams: Array<{ stream: DestinationStream; level: 'trace' }> = [];
  if (settings.console) streams.push({ stream: consoleStream(settings.format, process.stdout), level: 'trace' });
  const file = settings.file
    ? await buildRollingFile({ file: settings.file, frequency: 'daily', dateFormat: 'yyyy-MM-dd', mkdir: true, limit: { count: settings.retainDays } })
    : undefined;
  if (file) streams.push({ stream: file, level: 'trace' });
  const log = pino(loggerOptions(settings.level), pino.multistream(streams));
  const close = async () => {
    log.flush();
    if (!file) return;
    await new Promise<void>((resolve) => {
      file.once('close', resolve);
      file.end();
      setTimeout(resolve, 1_000).unref();
    });
  };
  return { log, close };
}
