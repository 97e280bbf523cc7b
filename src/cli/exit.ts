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

/** Runs a command's work: a PoolError becomes its message's lines and exit 1; anything else one line. */
export function guarded(work: () => number): number {
  try {
    return work();
  } catch (error) {
    if (error instanceof PoolError) {
      for (const line of error.message.split('\n')) console.error(line);
      return 1;
    }
    return reportError(error);
  }
}
