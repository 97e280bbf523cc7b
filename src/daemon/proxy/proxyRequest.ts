import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientPolicy } from '../auth/clientTokens.js';
import type { Refusal } from '../auth/clientUsage.js';
import type { RequestRecord } from './requestRecord.js';
import type { Surface } from './router.js';
import { sendError } from './surfaceErrors.js';

/** One authenticated request on its way through a surface handler. */
export interface ProxyRequest {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  /** Aborts when the client goes away before the response is complete. */
  signal: AbortSignal;
  client: ClientPolicy;
  /** Pool-wide and per-client model rules for the model this request uses. */
  checkModel(model: string): Refusal | undefined;
  /** The body limit in force (limits.max_body_bytes). */
  maxBodyBytes: number;
}

/** Answers 403 itself when the pool's or the client's model rules forbid `model`; true when it did. */
export function refuseModel(request: ProxyRequest, record: RequestRecord, model: string, surface: Surface): boolean {
  const refusal = request.checkModel(model);
  if (!refusal) return false;
  sendError(request.res, surface, refusal.status, refusal.message);
  record.status = refusal.status;
  record.error = refusal.message;
  return true;
}
