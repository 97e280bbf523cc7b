import { withControl, type ClientArgs } from './control.js';
import { formatStatus } from './statusTable.js';

/** The commands that talk to a running daemon over its control socket. */

export function runStatus(args: ClientArgs & { json?: boolean }): Promise<number> {
  return withControl(args, async (client) => {
    const snapshot = await client.request('status');
    console.log(args.json ? JSON.stringify(snapshot, null, 2) : formatStatus(snapshot));
    return 0;
  });
}

export function runKeysReset(args: ClientArgs & { id?: string; all?: boolean }): Promise<number> {
  return withControl(args, async (client) => {
    const { reset } = await client.request('keys.reset', args.all ? { all: true } : { id: String(args.id) });
    for (const key of reset) console.log(`reset ${key.masked} (${key.id}): active again`);
    return 0;
  });
}

export function runKeysCheck(args: ClientArgs & { id?: string }): Promise<number> {
  return withControl(args, async (client) => {
    const { results } = await client.request('keys.check', args.id ? { id: args.id } : {});
    for (const result of results) console.log(`${result.masked} (${result.id}): ${result.result}${result.message ? ` (${result.message})` : ''}`);
    return results.some((result) => result.result !== 'good') ? 1 : 0;
  });
}

export function runReload(args: ClientArgs, what: 'keys.reload' | 'config.reload'): Promise<number> {
  return withControl(args, async (client) => {
    const result = await client.request(what);
    (result.ok ? console.log : console.error)(result.message);
    return result.ok ? 0 : 1;
  });
}
