#!/usr/bin/env node
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { fail } from './exit.js';

/**
 * The CLI entry: parsing only. Each command's work lives in its own module,
 * loaded on demand so that `start` never loads what `dashboard` needs.
 * Exit codes: 0 ok, 1 failure, 2 usage.
 */
function withDaemonOptions(argv: Argv) {
  return argv
    .option('config', { type: 'string', describe: 'YAML config file (default: config/gemini-pool.yaml if present)' })
    .option('keys', { type: 'string', describe: 'keys file, one key per line (default: ./keys.txt)' })
    .option('host', { type: 'string', describe: 'address to listen on (default: 127.0.0.1)' })
    .option('port', { type: 'string', describe: 'port to listen on (default: 8080)' })
    .option('upstream', { type: 'string', describe: 'Gemini base URL (default: https://generativelanguage.googleapis.com)' })
    .option('data-dir', { type: 'string', describe: 'where state is kept (default: ./data)' });
}

const cli = yargs(hideBin(process.argv))
  .scriptName('gemini-pool')
  .usage('$0 <command> [options]')
  .command(
    'start',
    'run the key-pool daemon',
    (argv) => withDaemonOptions(argv),
    async (args) => {
      const { runStart } = await import('./start.js');
      process.exitCode = await runStart({
        configPath: args.config,
        keysFile: args.keys,
        host: args.host,
        port: args.port,
        upstream: args.upstream,
        dataDir: args['data-dir'],
      });
    },
  )
  .command(
    'demo',
    'run the daemon against a built-in simulated Gemini, with a sample pool of good and bad keys (no keys, no network)',
    (argv) =>
      argv
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
        .option('port', { type: 'string', default: '8080', describe: 'port to listen on' }),
    async (args) => {
      const { runDemo } = await import('./demo.js');
      process.exitCode = await runDemo({ host: args.host, port: args.port });
    },
  )
  .demandCommand(1, 'Say which command to run.')
  .strict()
  .help()
  .alias('h', 'help')
  .version()
  .wrap(Math.min(100, process.stdout.columns || 80))
  .fail((message, error) => {
    if (error) fail(error);
    console.error(`gemini-pool: ${message}\nRun 'gemini-pool --help' for usage.`);
    process.exit(2);
  });

await cli.parseAsync();
