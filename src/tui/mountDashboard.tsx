import { render, type Instance } from 'ink';
import type { ControlClient } from '../protocol/client.js';
import { Dashboard } from './Dashboard.js';

/** Renders the dashboard with Ink; Ctrl-C is the app's to handle (it quits cleanly). */
export function mountDashboard(client: ControlClient, stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): Instance {
  return render(<Dashboard client={client} />, { stdin, stdout, exitOnCtrlC: false, patchConsole: true });
}
