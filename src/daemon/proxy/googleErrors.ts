import type { ServerResponse } from 'node:http';
import type { GoogleError } from '../upstream/classify.js';
import { sendText } from './httpIo.js';

/** Errors in Gemini's own format (google.rpc.Status as JSON, pretty-printed like Google does). */

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'INVALID_ARGUMENT',
  408: 'DEADLINE_EXCEEDED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function googleError(status: number, message: string): GoogleError {
  return { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' };
}

export interface GoogleErrorOptions {
  retryAfterS?: number;
  /** streamGenerateContent without alt=sse wraps errors in an array, as Gemini does. */
  arrayMode?: boolean;
}

export function sendGoogleError(res: ServerResponse, status: number, error: GoogleError, options: GoogleErrorOptions = {}): void {
  const wrapped = options.arrayMode ? [{ error }] : { error };
  const headers: Record<string, string> = {};
  if (options.retryAfterS !== undefined) headers['retry-after'] = String(options.retryAfterS);
  sendText(res, status, `${JSON.stringify(wrapped, null, 2)}\n`, 'application/json; charset=UTF-8', headers);
}
