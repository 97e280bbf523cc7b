import { PoolError } from '../daemon/errors.js';

/** Prints an error as one clear line (never a stack trace) and returns its exit code. */
export function reportError(error: unknown): number {
  if (error instanceof PoolError) {
    console.error(`gemini-pool: ${error.message}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`gemini-pool: unexpected error: ${message}`);
  return 1;
}

export function fail(error: unknown): never {
  process.exit(reportError(error));
}
