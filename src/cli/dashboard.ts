import type { ControlClient } from '../protocol/client.js';
import { ControlRequestError } from '../protocol/client.js';
import { createClient, type ClientArgs, type ConnectableClient } from './control.js';
import { reportError } from './exit.js';

/**
 * `gemini-pool dashboard`: attach to a running daemon, over its socket or
 * (--url) its admin API. The first connection must succeed (else one line,
 * exit 1); after that the client reconnects by itself and the dashboard shows
 * "disconnected" meanwhile. Ink and React are loaded here, by dynamic
 * import, and nowhere else.
 */
export async function runDashboardCommand(args: ClientArgs): Promise<number> {
  let client: ConnectableClient;
  try {
    client = createClient(args, { reconnect: true });
    await client.connect();
  } catch (error) {
    if (error instanceof ControlRequestError) {
      console.error(`gemini-pool: ${error.message}`);
      return 1;
    }
    return reportError(error);
  }
  return attachDashboard(client);
}

export async function attachDashboard(client: ControlClient): Promise<number> {
  const { runDashboard } = await import('../tui/runDashboard.js');
  return runDashboard(client);
}
