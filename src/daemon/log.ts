import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * pino, pretty on a terminal and JSON lines otherwise. `redact` is a second
 * line of defence: key material is never put in a log object on purpose.
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

export function createLogger(level: string, format: LogFormat, destination: NodeJS.WritableStream = process.stdout): Logger {
  const usePretty = format === 'pretty' || (format === 'auto' && (destination as { isTTY?: boolean }).isTTY === true);
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined };
  if (usePretty) {
    return pino(options, pretty({ destination, colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', sync: true }));
  }
  if (destination === process.stdout) return pino(options, pino.destination({ dest: 1, sync: false }));
  return pino(options, destination);
}
