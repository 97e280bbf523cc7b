import { loadConfig, type ConfigOverrides } from '../daemon/config/loadConfig.js';
import { ControlRequestError, SocketControlClient } from '../protocol/client.js';
import { defaultSocketPath } from '../protocol/paths.js';

/**
 * What the client commands share: find the daemon's socket (--socket, else
 * the config's control_socket, else <data-dir>/gemini-pool.sock), connect,
 * run, and turn every failure into one line and exit code 1.
 */
export interface ClientArgs {
  config?: string;
  dataDir?: string;
  socket?: string;
}

export function resolveSocketPath(args: ClientArgs): string {
  const overrides: ConfigOverrides = { configPath: args.config, dataDir: args.dataDir, socket: args.socket };
  const { config } = loadConfig(overrides);
  return config.control_socket ?? defaultSocketPath(config.data_dir);
}

/** Connects, runs `work` and returns its exit code; no daemon -> one clear line, exit 1. */
export async function withControl(args: ClientArgs, work: (client: SocketControlClient) => Promise<number>): Promise<number> {
  let client: SocketControlClient | undefined;
  try {
    client = new SocketControlClient(resolveSocketPath(args));
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
