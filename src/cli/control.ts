import { ConfigError } from '../daemon/errors.js';
import { ControlRequestError, SocketControlClient, type ControlClient } from '../protocol/client.js';
import { HttpControlClient } from '../protocol/httpClient.js';
import { resolveSocketPath } from './socketPath.js';

/**
 * What the client commands share: reach the daemon over its Unix socket
 * (--socket, else the config's control_socket, else <data-dir>/gemini-pool.sock)
 * or, with --url, over its HTTP admin API; run; turn every failure into one
 * line and exit code 1.
 */
export interface ClientArgs {
  config?: string;
  dataDir?: string;
  socket?: string;
  /** A remote daemon's base URL (or GEMINI_POOL_URL): use its admin API. */
  url?: string;
  adminToken?: string;
}

export type ConnectableClient = ControlClient & { connect(): Promise<void> };

export function createClient(args: ClientArgs, options: { reconnect: boolean }, env: NodeJS.ProcessEnv = process.env): ConnectableClient {
  const url = args.url ?? (env.GEMINI_POOL_URL?.trim() || undefined);
  if (!url) return new SocketControlClient(resolveSocketPath(args), options);
  const token = args.adminToken ?? (env.GEMINI_POOL_ADMIN_TOKEN?.trim() || undefined);
  if (!token) throw new ConfigError('--url needs the admin token: --admin-token <token> or GEMINI_POOL_ADMIN_TOKEN');
  return new HttpControlClient(url, token, options);
}

/** Connects, runs `work` and returns its exit code; no daemon -> one clear line, exit 1. */
export async function withControl(args: ClientArgs, work: (client: ControlClient) => Promise<number>): Promise<number> {
  let client: ConnectableClient | undefined;
  try {
    client = createClient(args, { reconnect: false });
    await client.connect();
    return await work(client);
  } catch (error) {
    if (error instanceof ControlRequestError) {
      console.error(`gemini-pool: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    client?.close();
  }
}
