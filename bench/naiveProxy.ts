import { createServer } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool, type Dispatcher } from 'undici';
import { serveParent } from './childStats.js';

/**
 * The reference: the least a Gemini pass-through can do. node:http in, one
 * undici Pool out, the key added as x-goog-api-key, bodies piped both ways
 * (so stream events leave as they arrive). No routing, no failover, no log.
 * Usage (forked by servers.ts): naiveProxy.ts <upstream-url> <key>
 */
const [upstream, key] = process.argv.slice(2);
// As many sockets as the daemon is given in the bench config, so neither queues.
const pool = new Pool(upstream, { connections: 1024, keepAliveTimeout: 30_000 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

const server = createServer(async (req, res) => {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = (req.method ?? 'GET') as Dispatcher.HttpMethod;
    const headers = { 'content-type': req.headers['content-type'] ?? 'application/json', 'x-goog-api-key': key };
    const up = await pool.request({ path: req.url ?? '/', method, headers, body: method === 'GET' ? undefined : Buffer.concat(chunks) });
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(up.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
    res.writeHead(up.statusCode, out);
    await pipeline(up.body, res);
  } catch {
    res.destroy();
  }
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  serveParent(typeof address === 'object' && address ? address.port : 0);
});
