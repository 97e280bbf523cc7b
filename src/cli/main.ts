#!/usr/bin/env node
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { reportError } from './exit.js';

/** Runs a command's work; an unexpected failure becomes one line and exit 1, never a stack trace. */
function act<A>(work: (args: A) => Promise<number>): (args: A) => Promise<void> {
  return async (args) => {
    try {
      process.exitCode = await work(args);
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };
}

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
    .option('data-dir', { type: 'string', describe: 'where state is kept (default: ./data)' })
    .option('socket', { type: 'string', describe: 'control socket (default: <data-dir>/gemini-pool.sock)' });
}

/** Options of the commands that talk to a running daemon. */
function withClientOptions(argv: Argv) {
  return argv
    .option('config', { type: 'string', describe: 'YAML config file, to find the data dir / socket' })
    .option('data-dir', { type: 'string', describe: 'the daemon\'s data dir (default: ./data)' })
    .option('socket', { type: 'string', describe: 'the daemon\'s control socket (default: <data-dir>/gemini-pool.sock)' })
    .option('url', { type: 'string', describe: 'a remote daemon\'s URL: talk to its admin API instead of the socket (or GEMINI_POOL_URL)' })
    .option('admin-token', { type: 'string', describe: 'the remote daemon\'s admin token (or GEMINI_POOL_ADMIN_TOKEN)' });
}

function clientArgs(args: { config?: string; 'data-dir'?: string; socket?: string; url?: string; 'admin-token'?: string }) {
  return { config: args.config, dataDir: args['data-dir'], socket: args.socket, url: args.url, adminToken: args['admin-token'] };
}

const cli = yargs(hideBin(process.argv))
  .scriptName('gemini-pool')
  .usage('$0 <command> [options]')
  .command(
    'start',
    'run the key-pool daemon',
    (argv) => withDaemonOptions(argv).option('dashboard', { type: 'boolean', default: false, describe: 'also show the dashboard in this terminal (the log goes to a file)' }),
    act(async (args) => {
      const { runStart } = await import('./start.js');
      return runStart({
        dashboard: args.dashboard,
        configPath: args.config,
        keysFile: args.keys,
        host: args.host,
        port: args.port,
        upstream: args.upstream,
        dataDir: args['data-dir'],
        socket: args.socket,
      });
    }),
  )
  .command(
    'status',
    'show the pool of a running daemon',
    (argv) => withClientOptions(argv).option('json', { type: 'boolean', default: false, describe: 'print the snapshot as JSON, for scripts' }),
    act(async (args) => {
      const { runStatus } = await import('./controlCommands.js');
      return runStatus({ ...clientArgs(args), json: args.json });
    }),
  )
  .command('keys', 'act on the keys of a running daemon', (keys) =>
    withClientOptions(keys)
      .command(
        'reset [id]',
        'put a key (or every key, with --all) back in rotation, clearing its cooldowns and dead mark',
        (argv) =>
          argv
            .positional('id', { type: 'string', describe: 'key id, id prefix or masked form (see status)' })
            .option('all', { type: 'boolean', default: false, describe: 'reset every key' })
            .check((parsed) => {
              if (!parsed.id === !parsed.all) throw new Error('Give either a key id or --all.');
              return true;
            }),
        act(async (args) => {
          const { runKeysReset } = await import('./controlCommands.js');
          return runKeysReset({ ...clientArgs(args), id: args.id, all: args.all });
        }),
      )
      .command(
        'check [id]',
        'probe a key (or every key) now',
        (argv) => argv.positional('id', { type: 'string', describe: 'key id, id prefix or masked form' }),
        act(async (args) => {
          const { runKeysCheck } = await import('./controlCommands.js');
          return runKeysCheck({ ...clientArgs(args), id: args.id });
        }),
      )
      .command(
        'reload',
        're-read keys.txt now',
        (argv) => argv,
        act(async (args) => {
          const { runReload } = await import('./controlCommands.js');
          return runReload(clientArgs(args), 'keys.reload');
        }),
      )
      .command(
        'add <key>',
        'add a key to keys.txt (a running daemon picks it up)',
        (argv) =>
          argv
            .positional('key', { type: 'string', demandOption: true, describe: 'the Gemini API key' })
            .option('keys', { type: 'string', describe: 'keys file (default: the config\'s keys_file)' })
            .option('label', { type: 'string', describe: 'a label shown in status and the dashboard' })
            .option('project', { type: 'string', describe: 'the Google Cloud project the key belongs to' }),
        act(async (args) => {
          const { runKeysAdd } = await import('./keyFileCommands.js');
          return runKeysAdd({ config: args.config, keys: args.keys, key: String(args.key), label: args.label, project: args.project });
        }),
      )
      .command(
        'remove <id>',
        'remove a key from keys.txt',
        (argv) =>
          argv
            .positional('id', { type: 'string', demandOption: true, describe: 'key id, id prefix, masked form or the key' })
            .option('keys', { type: 'string', describe: 'keys file (default: the config\'s keys_file)' }),
        act(async (args) => {
          const { runKeysRemove } = await import('./keyFileCommands.js');
          return runKeysRemove({ config: args.config, keys: args.keys, id: String(args.id) });
        }),
      )
      .command(
        'list',
        'list the keys in keys.txt (masked), without a daemon',
        (argv) =>
          argv
            .option('keys', { type: 'string', describe: 'keys file (default: the config\'s keys_file)' })
            .option('json', { type: 'boolean', default: false, describe: 'JSON, for scripts' }),
        act(async (args) => {
          const { runKeysList } = await import('./keyFileCommands.js');
          return runKeysList({ config: args.config, keys: args.keys, json: args.json });
        }),
      )
      .demandCommand(1, 'Say what to do with the keys: add, remove, list, reset, check or reload.'),
  )
  .command('tokens', 'manage client tokens in the config (a running daemon picks changes up)', (tokens) =>
    tokens
      .option('config', { type: 'string', describe: 'YAML config file (default: config/gemini-pool.yaml)' })
      .command(
        'add <name>',
        'add a client token; prints the new token once',
        (argv) =>
          argv
            .positional('name', { type: 'string', demandOption: true, describe: 'the client\'s name' })
            .option('rpm', { type: 'number', describe: 'requests per minute' })
            .option('daily-requests', { type: 'number', describe: 'requests per day' })
            .option('daily-tokens', { type: 'number', describe: 'prompt + completion tokens per day' })
            .option('models', { type: 'string', array: true, describe: 'only these models (repeat, or comma-separated)' }),
        act(async (args) => {
          const { runTokensAdd } = await import('./tokenCommands.js');
          const models = args.models?.flatMap((entry) => String(entry).split(',')).filter(Boolean);
          return runTokensAdd({ config: args.config, name: String(args.name), rpm: args.rpm, dailyRequests: args['daily-requests'], dailyTokens: args['daily-tokens'], models });
        }),
      )
      .command(
        'list',
        'list client tokens (masked) and their limits',
        (argv) => argv.option('json', { type: 'boolean', default: false, describe: 'JSON, for scripts' }),
        act(async (args) => {
          const { runTokensList } = await import('./tokenCommands.js');
          return runTokensList({ config: args.config, json: args.json });
        }),
      )
      .command(
        'revoke <name>',
        'remove a client token',
        (argv) => argv.positional('name', { type: 'string', demandOption: true, describe: 'the client\'s name' }),
        act(async (args) => {
          const { runTokensRevoke } = await import('./tokenCommands.js');
          return runTokensRevoke({ config: args.config, name: String(args.name) });
        }),
      )
      .demandCommand(1, 'Say what to do with the tokens: add, list or revoke.'),
  )
  .command('config', 'check or reload the configuration', (configCommand) =>
    configCommand
      .command(
        'check',
        'validate the config and keys.txt without a daemon, listing every problem with its line',
        (argv) =>
          argv
            .option('config', { type: 'string', describe: 'YAML config file' })
            .option('keys', { type: 'string', describe: 'keys file' }),
        act(async (args) => {
          const { runConfigCheck } = await import('./configCheck.js');
          return runConfigCheck({ configPath: args.config, keysFile: args.keys });
        }),
      )
      .command(
        'reload',
        'make a running daemon re-read its config file now',
        (argv) => withClientOptions(argv),
        act(async (args) => {
          const { runReload } = await import('./controlCommands.js');
          return runReload(clientArgs(args), 'config.reload');
        }),
      )
      .demandCommand(1, 'Say what to do with the config: check or reload.'),
  )
  .command(
    'dashboard',
    'watch a running daemon live, reset and recheck keys',
    (argv) => withClientOptions(argv),
    act(async (args) => {
      const { runDashboardCommand } = await import('./dashboard.js');
      return runDashboardCommand(clientArgs(args));
    }),
  )
  .command(
    'demo',
    'run the daemon against a built-in simulated Gemini, with a sample pool of good and bad keys (no keys, no network)',
    (argv) =>
      argv
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
        .option('port', { type: 'string', default: '8080', describe: 'port to listen on' }),
    act(async (args) => {
      const { runDemo } = await import('./demo.js');
      return runDemo({ host: args.host, port: args.port });
    }),
  )
  .demandCommand(1, 'Say which command to run.')
  .strict()
  .help()
  .alias('h', 'help')
  .version()
  .wrap(Math.min(100, process.stdout.columns || 80))
  .fail((message, error) => {
    // Only usage mistakes get here: command handlers catch their own failures.
    console.error(`gemini-pool: ${message ?? error?.message}\nRun 'gemini-pool --help' for usage.`);
    process.exit(2);
  });

await cli.parseAsync();
