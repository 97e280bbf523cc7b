import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../daemon/errors.js';
import { defaultSocketPath } from '../protocol/paths.js';

/**
 * Where a running daemon's control socket is, for the client commands:
 * --socket > GEMINI_POOL_SOCKET > the config's control_socket > <data dir>/gemini-pool.sock,
 * the data dir by the same precedence as the daemon's. Reads only those two
 * options and does not validate the config (the daemon did that when it
 * started): loading the full config schema would double `status`'s start-up time.
 */
export interface SocketArgs {
  config?: string;
  dataDir?: string;
  socket?: string;
}

export function resolveSocketPath(args: SocketArgs, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const socket = args.socket ?? nonEmpty(env.GEMINI_POOL_SOCKET);
  if (socket) return expand(socket, cwd);
  const options = readSocketOptions(args.config ?? nonEmpty(env.GEMINI_POOL_CONFIG), cwd);
  const dataDir = args.dataDir ?? nonEmpty(env.GEMINI_POOL_DATA_DIR) ?? options.data_dir ?? './data';
  return options.control_socket ? expand(options.control_socket, cwd) : defaultSocketPath(expand(dataDir, cwd));
}

function readSocketOptions(named: string | undefined, cwd: string): { data_dir?: string; control_socket?: string } {
  const file = expand(named ?? join('config', 'gemini-pool.yaml'), cwd);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !named) return {};
    throw new ConfigError(`cannot read config file ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch {
    throw new ConfigError(`${file} is not valid YAML: run gemini-pool config check`);
  }
  const record = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  return {
    data_dir: typeof record.data_dir === 'string' ? record.data_dir : undefined,
    control_socket: typeof record.control_socket === 'string' ? record.control_socket : undefined,
  };
}

function expand(given: string, cwd: string): string {
  if (given === '~' || given.startsWith('~/')) return join(homedir(), given.slice(1));
  return resolve(cwd, given);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
