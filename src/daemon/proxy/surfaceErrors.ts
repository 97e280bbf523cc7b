import type { ServerResponse } from 'node:http';
import { openAIError } from '../translate/errors.js';
import { googleError, sendGoogleError } from './googleErrors.js';
import { sendJson } from './httpIo.js';
import type { Surface } from './router.js';

/** An error of the daemon's own (auth, limits, bad input), in the format the surface's clients expect. */
export function sendError(res: ServerResponse, surface: Surface, status: number, message: string, headers: Record<string, string> = {}): void {
  if (surface === 'openai') {
    const answer = openAIError(status, message, { code: openAICode(status) });
    sendJson(res, answer.status, answer.body, headers);
    return;
  }
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendGoogleError(res, status, googleError(status, message));
}

function openAICode(status: number): string | null {
  if (status === 401) return 'invalid_api_key';
  if (status === 403) return 'model_not_allowed';
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 413) return 'request_too_large';
  return null;
}
