import { loadKeys } from '../daemon/config/keysFile.js';
import { loadConfig, type ConfigOverrides } from '../daemon/config/loadConfig.js';
import { PoolError } from '../daemon/errors.js';

/**
 * `gemini-pool config check`: validates the config and keys.txt without a
 * daemon, listing every problem with its line. Exit 1 when the daemon would
 * refuse to start or would skip a line; duplicates are only reported.
 */
export function runConfigCheck(overrides: ConfigOverrides): number {
  let loaded;
  try {
    loaded = loadConfig(overrides);
  } catch (error) {
    if (!(error instanceof PoolError)) throw error;
    console.error(error.message);
    return 1;
  }
  console.log(`config: ${loaded.configPath ?? 'no file, all defaults'}: OK`);
  let keys;
  try {
    keys = loadKeys(loaded.config.keys_file);
  } catch (error) {
    if (!(error instanceof PoolError)) throw error;
    console.error(error.message);
    return 1;
  }
  for (const problem of keys.problems) (problem.kind === 'duplicate' ? console.log : console.error)(problem.message);
  const malformed = keys.problems.filter((problem) => problem.kind === 'malformed').length;
  console.log(`keys: ${keys.keys.length} usable, ${malformed} malformed, ${keys.problems.length - malformed} duplicate`);
  return malformed > 0 ? 1 : 0;
}
