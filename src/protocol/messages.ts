import { z } from 'zod';
import type { Snapshot } from './snapshot.js';

/**
 * The control protocol: newline-delimited JSON over a Unix socket (and, later,
 * the same messages over HTTP). Requests carry an id; the response echoes it.
 * `subscribe` makes the daemon push `{"event":"snapshot","data":...}` at once
 * and then on change, at most every SUBSCRIBE_INTERVAL_MS.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const SUBSCRIBE_INTERVAL_MS = 250;

export const METHODS = ['status', 'subscribe', 'unsubscribe', 'keys.reset', 'keys.check', 'keys.reload', 'config.reload'] as const;
export type Method = (typeof METHODS)[number];

export const requestSchema = z.object({
  id: z.union([z.number(), z.string()]),
  method: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});
export type ControlRequest = z.infer<typeof requestSchema>;

export const resetParamsSchema = z.union([z.object({ id: z.string().min(1) }).strict(), z.object({ all: z.literal(true) }).strict()]);
export const checkParamsSchema = z.object({ id: z.string().min(1).optional() }).strict();

export interface ProbeResultView {
  id: string;
  masked: string;
  result: 'good' | 'dead' | 'unreachable';
  message?: string;
}

/** What each method answers. */
export interface MethodResults {
  status: Snapshot;
  subscribe: { subscribed: true };
  unsubscribe: { subscribed: false };
  'keys.reset': { reset: Array<{ id: string; masked: string }> };
  'keys.check': { results: ProbeResultView[] };
  'keys.reload': { ok: boolean; message: string };
  'config.reload': { ok: boolean; message: string };
}

export const ERROR_CODES = ['BAD_REQUEST', 'UNKNOWN_METHOD', 'NOT_FOUND', 'TOO_LARGE', 'UNAVAILABLE', 'UNAUTHORIZED', 'INTERNAL'] as const;
export type ControlErrorCode = (typeof ERROR_CODES)[number];

export interface ControlError {
  code: ControlErrorCode;
  message: string;
}

export type ControlResponse = { id: number | string; result: unknown } | { id: number | string | null; error: ControlError };
export interface ControlEvent {
  event: 'snapshot';
  data: Snapshot;
}
export type ServerMessage = ControlResponse | ControlEvent;
