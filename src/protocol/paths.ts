import { join, resolve } from 'node:path';

/** Where the control socket lives, and the limit the OS puts on its path. */
export const SOCKET_NAME = 'gemini-pool.sock';

/** sun_path is 108 bytes on Linux and 104 on macOS; stay under both with the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 103;

export function defaultSocketPath(dataDir: string): string {
  return join(resolve(dataDir), SOCKET_NAME);
}

/** Undefined when the path fits; otherwise a message that says what to do. */
export function socketPathProblem(socketPath: string): string | undefined {
  const bytes = Buffer.byteLength(socketPath);
  if (bytes <= MAX_SOCKET_PATH_BYTES) return undefined;
  return `the control socket path ${socketPath} is ${bytes} bytes long; Unix sockets allow at most ${MAX_SOCKET_PATH_BYTES}. Choose a shorter one with --socket (e.g. /tmp/gemini-pool.sock) or a shorter --data-dir`;
}
