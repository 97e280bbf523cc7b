/**
 * One error family for everything the daemon reports on purpose (cf. undici's
 * lib/core/errors.js): callers branch on `code`, never on message text.
 * `exitCode` is what the CLI exits with when such an error stops start-up.
 * Messages must never contain key material.
 */
export class PoolError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode = 1) {
    super(message);
    this.name = 'PoolError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** The YAML config (or a CLI flag / env var overriding it) is invalid. */
export class ConfigError extends PoolError {
  constructor(message: string) {
    super('CONFIG_INVALID', message, 1);
    this.name = 'ConfigError';
  }
}

/** keys.txt is missing, unreadable, or holds no usable key. */
export class KeysFileError extends PoolError {
  constructor(code: 'KEYS_MISSING' | 'KEYS_UNREADABLE' | 'KEYS_EMPTY', message: string) {
    super(code, message, 1);
    this.name = 'KeysFileError';
  }
}
