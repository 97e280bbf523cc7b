import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_MESSAGE_BYTES } from '../../protocol/messages.js';
import { BodyTooLargeError, readBody, sendJson } from '../proxy/httpIo.js';
import type { ControlHub } from './controlHub.js';

/**
 * The HTTP transport of the control protocol, for pools without a shell
 * (container platforms): the same request/response messages as the socket
 * (POST /admin/call), and the snapshot stream as Server-Sent Events
 * (GET /admin/events). Behind the admin token; never the client tokens.
 */
const KEEPALIVE_MS = 15_000;

export interface AdminApi {
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}

export function createAdminApi(hub: ControlHub, authorized: (req: IncomingMessage) => boolean): AdminApi {
  return {
    async handle(req, res, path) {
      if (!authorized(req)) {
        sendJson(res, 401, { id: null, error: { code: 'UNAUTHORIZED', message: 'the admin API needs "Authorization: Bearer <admin token>"' } }, { 'www-authenticate': 'Bearer' });
        return;
      }
      if (path === '/admin/call' && req.method === 'POST') return call(hub, req, res);
      if (path === '/admin/events' && req.method === 'GET') return events(hub, res);
      if (path === '/admin/status' && req.method === 'GET') {
        sendJson(res, 200, await hub.handle({ id: 0, method: 'status' }));
        return;
      }
      sendJson(res, 404, { id: null, error: { code: 'UNKNOWN_METHOD', message: 'admin routes: POST /admin/call, GET /admin/events, GET /admin/status' } });
    },
  };
}

async function call(hub: ControlHub, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, MAX_MESSAGE_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    sendJson(res, 413, { id: null, error: { code: 'TOO_LARGE', message: `messages are limited to ${MAX_MESSAGE_BYTES} bytes` } }, { connection: 'close' });
    return;
  }
  let message: unknown;
  try {
    message = JSON.parse(body.toString('utf8'));
  } catch {
    sendJson(res, 400, { id: null, error: { code: 'BAD_REQUEST', message: 'not valid JSON' } });
    return;
  }
  sendJson(res, 200, await hub.handle(message));
}

function events(hub: ControlHub, res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  res.write(': gemini-pool snapshots\n\n');
  const unsubscribe = hub.subscribe((snapshot) => {
    // A reader too slow to keep up misses snapshots rather than growing memory.
    if (res.writableLength < 4 * 1024 * 1024) res.write(`data: ${JSON.stringify({ event: 'snapshot', data: snapshot })}\n\n`);
  });
  // Comments keep idle proxies and load balancers from closing the stream.
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  return new Promise((resolve) => {
    res.once('close', () => {
      clearInterval(keepalive);
      unsubscribe();
      resolve();
    });
  });
}
