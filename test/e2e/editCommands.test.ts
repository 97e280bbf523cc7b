import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { runKeysAdd, runKeysList, runKeysRemove } from '../../src/cli/keyFileCommands.js';
import { runTokensAdd, runTokensList, runTokensRevoke } from '../../src/cli/tokenCommands.js';
import { loadKeys, parseKeysText } from '../../src/daemon/config/keysFile.js';
import { checkConfigText } from '../../src/daemon/config/parseConfigText.js';
import { loadConfig } from '../../src/daemon/config/loadConfig.js';
import { createLogger } from '../../src/daemon/log.js';
import { startDaemon } from '../../src/daemon/run.js';
import { keyIdOf, maskSecret } from '../../src/daemon/secrets.js';
import { startFakeGemini } from '../../src/fake/fakeGemini.js';
import { postJson, tempDir } from '../helpers/harness.js';

/**
 * `keys add/remove/list` and `tokens add/list/revoke` edit keys.txt and the
 * config in place: atomically, keeping comments, refusing read-only files and
 * invalid results, and a running daemon picks the edit up by itself.
 */
const KEY = (name: string) => `AIzaTEST-${name}`;
const EXISTING = KEY('existing-key-0001');
const ADDED = KEY('added-key-0001');

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function workDir(files: Record<string, string>): string {
  const work = tempDir(files);
  cleanups.push(work.cleanup);
  return work.dir;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in-process with console.log / console.error captured. */
function run(command: () => number): Run {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const original = { log: console.log, error: console.error };
  console.log = (...parts: unknown[]) => stdout.push(`${parts.map(String).join(' ')}\n`);
  console.error = (...parts: unknown[]) => stderr.push(`${parts.map(String).join(' ')}\n`);
  try {
    const code = command();
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    console.log = original.log;
    console.error = original.error;
  }
}

const noStackTrace = (result: Run) => assert.ok(!/\n\s+at .+:\d+:\d+/.test(result.stdout + result.stderr), `stack trace in:\n${result.stderr}`);
const onlyFile = (dir: string, name: string) => assert.deepEqual(readdirSync(dir), [name], 'no temp file left behind');

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

const KEYS_TEXT = `# team keys\n\n${EXISTING} # laptop project=acme-prod\n\n# spare keys below\n${KEY('second-key-0002')}\n`;

describe('keys add', () => {
  test('appends one line and keeps every comment and blank line; no temp file is left', () => {
    const dir = workDir({ 'keys.txt': KEYS_TEXT });
    const file = join(dir, 'keys.txt');
    const result = run(() => runKeysAdd({ keys: file, key: ADDED, label: 'ci box', project: 'acme-dev' }));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(file, 'utf8'), `${KEYS_TEXT}${ADDED} # ci box project=acme-dev\n`);
    const added = parseKeysText(readFileSync(file, 'utf8'), 'keys.txt').keys.find((key) => key.secret === ADDED);
    assert.deepEqual([added?.label, added?.project], ['ci box', 'acme-dev']);
    assert.match(result.stdout, new RegExp(`${maskSecret(ADDED)} \\(id ${keyIdOf(ADDED)}\\).*line 7`));
    assert.ok(!(result.stdout + result.stderr).includes(ADDED), 'the key is never printed');
    onlyFile(dir, 'keys.txt');
  });

  test('keeps the file mode, CRLF line endings, and adds the missing final newline', () => {
    const dir = workDir({ 'keys.txt': `# keys\r\n${EXISTING}` });
    const file = join(dir, 'keys.txt');
    chmodSync(file, 0o640);
    assert.equal(run(() => runKeysAdd({ keys: file, key: ADDED })).code, 0);
    assert.equal(readFileSync(file, 'utf8'), `# keys\r\n${EXISTING}\r\n${ADDED}\r\n`);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    onlyFile(dir, 'keys.txt');
  });

  test('creates a missing keys file (mode 0600), found through the config keys_file', () => {
    const dir = workDir({});
    const keysFile = join(dir, 'secrets', 'pool-keys.txt');
    writeFileSync(join(dir, 'pool.yaml'), `keys_file: ${keysFile}\n`);
    const result = run(() => runKeysAdd({ config: join(dir, 'pool.yaml'), key: ADDED }));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(keysFile, 'utf8'), `${ADDED}\n`);
    assert.equal(statSync(keysFile).mode & 0o777, 0o600);
  });

  test('refuses a malformed key and a duplicate (naming its line) without writing', () => {
    const dir = workDir({ 'keys.txt': KEYS_TEXT });
    const file = join(dir, 'keys.txt');
    for (const bad of ['AIza-too-short', 'AIzaTEST has spaces in it', `${KEY('bad-char-0001')}!`, '']) {
      const result = run(() => runKeysAdd({ keys: file, key: bad }));
      assert.equal(result.code, 1, bad);
      assert.match(result.stderr, /not a key/);
      if (bad.length >= 8) assert.ok(!result.stderr.includes(bad), 'the rejected text is not echoed');
      noStackTrace(result);
    }
    const duplicate = run(() => runKeysAdd({ keys: file, key: EXISTING }));
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /keys\.txt:3: .*already in the file/);
    assert.ok(!duplicate.stderr.includes(EXISTING));
    const badProject = run(() => runKeysAdd({ keys: file, key: ADDED, project: 'has space' }));
    assert.equal(badProject.code, 1);
    const projectInLabel = run(() => runKeysAdd({ keys: file, key: ADDED, label: 'x project=y' }));
    assert.equal(projectInLabel.code, 1);
    assert.match(projectInLabel.stderr, /--project/);
    assert.equal(readFileSync(file, 'utf8'), KEYS_TEXT);
    onlyFile(dir, 'keys.txt');
  });

  test('refuses a read-only keys file with a clear message and leaves it unchanged', () => {
    const dir = workDir({ 'keys.txt': KEYS_TEXT });
    const file = join(dir, 'keys.txt');
    chmodSync(file, 0o444);
    for (const command of [() => runKeysAdd({ keys: file, key: ADDED }), () => runKeysRemove({ keys: file, id: keyIdOf(EXISTING) })]) {
      const result = run(command);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /keys file .*keys\.txt is read-only/);
      assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
      noStackTrace(result);
    }
    assert.equal(readFileSync(file, 'utf8'), KEYS_TEXT);
    assert.equal(statSync(file).mode & 0o777, 0o444);
    onlyFile(dir, 'keys.txt');
  });
});

describe('keys remove', () => {
  for (const [how, query] of [
    ['its id', keyIdOf(EXISTING)],
    ['an id prefix', keyIdOf(EXISTING).slice(0, 5)],
    ['the key itself', EXISTING],
  ] as const) {
    test(`by ${how}: removes only that line`, () => {
      const dir = workDir({ 'keys.txt': KEYS_TEXT });
      const file = join(dir, 'keys.txt');
      const result = run(() => runKeysRemove({ keys: file, id: query }));
      assert.equal(result.code, 0, result.stderr);
      assert.equal(readFileSync(file, 'utf8'), KEYS_TEXT.replace(`${EXISTING} # laptop project=acme-prod\n`, ''));
      assert.match(result.stdout, /removed AIza…0001 .*line 3/);
      assert.ok(!result.stdout.includes(EXISTING));
      onlyFile(dir, 'keys.txt');
    });
  }

  test('by masked form, and a key listed twice goes from both lines', () => {
    const text = `${EXISTING}\n# keep me\n${KEY('other-key-0002')}\n${EXISTING} # again\n`;
    const dir = workDir({ 'keys.txt': text });
    const result = run(() => runKeysRemove({ keys: join(dir, 'keys.txt'), id: maskSecret(EXISTING) }));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(join(dir, 'keys.txt'), 'utf8'), `# keep me\n${KEY('other-key-0002')}\n`);
    assert.match(result.stdout, /lines 1, 4/);
  });

  test('an unknown, too short or ambiguous id fails and writes nothing', () => {
    // Two keys with one masked form, and two whose ids share their first 4 characters.
    const sameMask = [KEY('one-masked-0001'), KEY('two-masked-0001')];
    const byPrefix = new Map<string, string>();
    let prefixPair: string[] = [];
    for (let n = 0; prefixPair.length === 0; n += 1) {
      const key = KEY(`prefix-key-${String(n).padStart(5, '0')}`);
      const earlier = byPrefix.get(keyIdOf(key).slice(0, 4));
      if (earlier) prefixPair = [earlier, key];
      byPrefix.set(keyIdOf(key).slice(0, 4), key);
    }
    const text = `# pool\n${[...sameMask, ...prefixPair].join('\n')}\n`;
    const dir = workDir({ 'keys.txt': text });
    const file = join(dir, 'keys.txt');
    const cases: Array<[string, RegExp]> = [
      ['ffffffffffff', /no key matches "ffffffffffff"/],
      [KEY('not-in-the-file-0001'), /no key matches "AIza…0001"/],
      [keyIdOf(sameMask[0]).slice(0, 3), /at least 4 characters/],
      [maskSecret(sameMask[0]), /matches 2 keys/],
      [keyIdOf(prefixPair[0]).slice(0, 4), /matches 2 keys.*give more of the id/],
    ];
    for (const [query, expected] of cases) {
      const result = run(() => runKeysRemove({ keys: file, id: query }));
      assert.equal(result.code, 1, query);
      assert.match(result.stderr, expected);
      assert.ok(!result.stderr.includes('AIzaTEST'), 'no full key in the message');
      noStackTrace(result);
    }
    assert.equal(readFileSync(file, 'utf8'), text);
    onlyFile(dir, 'keys.txt');
  });

  test('a missing keys file is one clear line', () => {
    const dir = workDir({});
    const result = run(() => runKeysRemove({ keys: join(dir, 'keys.txt'), id: 'abcd' }));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no keys file at/);
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('keys list', () => {
  test('shows masked key, id, label, project and line, never the key; --json too', () => {
    const dir = workDir({ 'keys.txt': `${KEYS_TEXT}not a key line\n` });
    const file = join(dir, 'keys.txt');
    const table = run(() => runKeysList({ keys: file }));
    assert.equal(table.code, 0);
    assert.match(table.stdout, /2 keys/);
    assert.match(table.stdout, new RegExp(`AIza…0001\\s+${keyIdOf(EXISTING)}\\s+3\\s+acme-prod\\s+laptop`));
    assert.match(table.stdout, new RegExp(`AIza…0002\\s+${keyIdOf(KEY('second-key-0002'))}\\s+6\\s+-`));
    assert.match(table.stderr, /keys\.txt:7: not a key/);
    const json = run(() => runKeysList({ keys: file, json: true }));
    const parsed = JSON.parse(json.stdout);
    assert.deepEqual(parsed.keys[0], { id: keyIdOf(EXISTING), masked: 'AIza…0001', label: 'laptop', project: 'acme-prod', line: 3 });
    assert.equal(parsed.problems[0].line, 7);
    for (const output of [table, json]) assert.ok(!(output.stdout + output.stderr).includes('AIzaTEST'), 'no full key');
  });
});

const CONFIG_TEXT = `# my pool
port: 8080 # the usual

retry:
  max_attempts: 4 # be patient

# client tokens
auth:
  tokens:
    # the CI runner
    - name: ci
      token_env: CI_TOKEN
      rpm: 60
# end of file
`;

const commentsOf = (text: string) => text.split('\n').filter((line) => line.includes('#')).map((line) => line.slice(line.indexOf('#')));

describe('tokens add', () => {
  test('writes a fresh token inline, prints it once, keeps comments, and the config validates', () => {
    const dir = workDir({ 'pool.yaml': CONFIG_TEXT });
    const file = join(dir, 'pool.yaml');
    chmodSync(file, 0o640);
    const result = run(() => runTokensAdd({ config: file, name: 'team-a', rpm: 30, dailyRequests: 500, dailyTokens: 100_000, models: ['gemini-2.5-flash'] }));
    assert.equal(result.code, 0, result.stderr);
    const token = result.stdout.trim();
    assert.match(token, /^gp_[A-Za-z0-9_-]{32}$/);
    assert.equal((result.stdout + result.stderr).split(token).length - 1, 1, 'the token is printed exactly once');
    assert.match(result.stderr, /not|only this once/);
    const text = readFileSync(file, 'utf8');
    assert.deepEqual(commentsOf(text), commentsOf(CONFIG_TEXT), 'every comment survives');
    assert.ok(text.startsWith('# my pool\nport: 8080 # the usual\n\nretry:\n  max_attempts: 4 # be patient\n'), text);
    const checked = checkConfigText(text, 'pool.yaml');
    assert.ok(checked.ok, checked.ok ? '' : checked.problems.join('\n'));
    assert.deepEqual(checked.config.auth.tokens[1], { name: 'team-a', token, rpm: 30, daily_requests: 500, daily_tokens: 100_000, models: ['gemini-2.5-flash'] });
    assert.equal(statSync(file).mode & 0o777, 0o640);
    onlyFile(dir, 'pool.yaml');

    // Two adds give two different tokens.
    const second = run(() => runTokensAdd({ config: file, name: 'team-b' }));
    assert.equal(second.code, 0);
    assert.notEqual(second.stdout.trim(), token);
  });

  test('creates the config (and auth: / tokens:) when absent', () => {
    const dir = workDir({});
    const file = join(dir, 'config', 'gemini-pool.yaml');
    const result = run(() => runTokensAdd({ config: file, name: 'first' }));
    assert.equal(result.code, 0, result.stderr);
    const checked = checkConfigText(readFileSync(file, 'utf8'), 'gemini-pool.yaml');
    assert.ok(checked.ok);
    assert.equal(checked.config.auth.tokens[0].token, result.stdout.trim());
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(result.stderr, /first client token/);
  });

  test('adds auth: to a config that has none, and fills a bare auth: line, keeping comments', () => {
    for (const original of ['# just comments\n#auth:\n#  tokens: []\n', 'host: 127.0.0.1\nauth:\n# nothing here yet\nport: 0\n']) {
      const dir = workDir({ 'pool.yaml': original });
      const file = join(dir, 'pool.yaml');
      assert.equal(run(() => runTokensAdd({ config: file, name: 'new' })).code, 0);
      const text = readFileSync(file, 'utf8');
      assert.deepEqual(commentsOf(text), commentsOf(original));
      const checked = checkConfigText(text, 'pool.yaml');
      assert.ok(checked.ok && checked.config.auth.tokens.length === 1, text);
    }
  });

  test('refuses a duplicate or invalid name, bad limits, and a config that would be invalid, writing nothing', () => {
    const dir = workDir({ 'pool.yaml': CONFIG_TEXT });
    const file = join(dir, 'pool.yaml');
    const cases: Array<[Parameters<typeof runTokensAdd>[0], RegExp]> = [
      [{ config: file, name: 'ci' }, /a token named "ci" already exists/],
      [{ config: file, name: 'has space' }, /not a token name/],
      [{ config: file, name: 'x'.repeat(65) }, /not a token name/],
      [{ config: file, name: 'ok', rpm: 0 }, /--rpm: expected an integer >= 1/],
      [{ config: file, name: 'ok', dailyTokens: 1.5 }, /--daily-tokens/],
    ];
    for (const [args, expected] of cases) {
      const result = run(() => runTokensAdd(args));
      assert.equal(result.code, 1, args.name);
      assert.match(result.stderr, expected);
      assert.equal(result.stdout, '', 'no token printed');
      noStackTrace(result);
    }
    assert.equal(readFileSync(file, 'utf8'), CONFIG_TEXT);

    const broken = 'retry:\n  max_attempts: 0\npool:\n  strategy: random\n';
    writeFileSync(file, broken);
    const result = run(() => runTokensAdd({ config: file, name: 'new' }));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /retry\.max_attempts: expected an integer/);
    assert.match(result.stderr, /pool\.strategy/);
    assert.match(result.stderr, /nothing changed/);
    assert.equal(result.stdout, '');
    assert.equal(readFileSync(file, 'utf8'), broken);

    writeFileSync(file, 'auth: [oops\n');
    const unparsable = run(() => runTokensAdd({ config: file, name: 'new' }));
    assert.equal(unparsable.code, 1);
    assert.match(unparsable.stderr, /invalid YAML/);
    onlyFile(dir, 'pool.yaml');
  });

  test('refuses a read-only config with a clear message', () => {
    const dir = workDir({ 'pool.yaml': CONFIG_TEXT });
    const file = join(dir, 'pool.yaml');
    chmodSync(file, 0o444);
    for (const command of [() => runTokensAdd({ config: file, name: 'new' }), () => runTokensRevoke({ config: file, name: 'ci' })]) {
      const result = run(command);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /config file .*pool\.yaml is read-only/);
      assert.equal(result.stdout, '');
    }
    assert.equal(readFileSync(file, 'utf8'), CONFIG_TEXT);
    onlyFile(dir, 'pool.yaml');
  });
});

describe('tokens list and revoke', () => {
  test('list masks inline tokens and shows env tokens by variable', () => {
    const dir = workDir({ 'pool.yaml': CONFIG_TEXT });
    const file = join(dir, 'pool.yaml');
    const token = run(() => runTokensAdd({ config: file, name: 'team-a', models: ['gemini-2.5-flash', 'gemini-2.5-pro'] })).stdout.trim();
    const table = run(() => runTokensList({ config: file }));
    assert.equal(table.code, 0);
    assert.ok(!table.stdout.includes(token), 'the token is masked');
    assert.match(table.stdout, /ci\s+env:CI_TOKEN\s+60\s+-\s+-\s+any/);
    assert.match(table.stdout, new RegExp(`team-a\\s+${maskSecret(token)}\\s+-\\s+-\\s+-\\s+gemini-2.5-flash,gemini-2.5-pro`));
    const json = run(() => runTokensList({ config: file, json: true }));
    assert.ok(!json.stdout.includes(token));
    assert.deepEqual(
      JSON.parse(json.stdout).tokens.map((entry: { name: string; token: string }) => [entry.name, entry.token]),
      [['ci', 'env:CI_TOKEN'], ['team-a', maskSecret(token)]],
    );
    const missing = run(() => runTokensList({ config: join(dir, 'absent.yaml') }));
    assert.equal(missing.code, 0);
    assert.match(missing.stdout, /no client tokens/);
  });

  test('revoke removes the entry and keeps the comments; an unknown name fails and writes nothing', () => {
    const dir = workDir({ 'pool.yaml': CONFIG_TEXT });
    const file = join(dir, 'pool.yaml');
    assert.equal(run(() => runTokensAdd({ config: file, name: 'team-a' })).code, 0);
    const result = run(() => runTokensRevoke({ config: file, name: 'team-a' }));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(file, 'utf8'), CONFIG_TEXT, 'back to the original text');
    const unknown = run(() => runTokensRevoke({ config: file, name: 'nobody' }));
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no token named "nobody" \(there are: ci\)/);
    assert.equal(readFileSync(file, 'utf8'), CONFIG_TEXT);
    const last = run(() => runTokensRevoke({ config: file, name: 'ci' }));
    assert.equal(last.code, 0);
    assert.match(last.stdout, /no client tokens left/);
    assert.ok(checkConfigText(readFileSync(file, 'utf8'), 'pool.yaml').ok);
    assert.deepEqual(commentsOf(readFileSync(file, 'utf8')), commentsOf(CONFIG_TEXT), 'a comment yaml cannot tie to the entry is kept');
    assert.match(readFileSync(file, 'utf8'), /auth:\n {2}# the CI runner\n {2}tokens: \[\]\n# end of file\n$/);
    onlyFile(dir, 'pool.yaml');
  });
});

describe('a running daemon picks the edits up', () => {
  async function watchedDaemon(files: { keys: string; config: string }) {
    const fake = await startFakeGemini({ port: 0 });
    const dir = workDir({ 'keys.txt': files.keys, 'pool.yaml': files.config });
    const env: NodeJS.ProcessEnv = {};
    const overrides = { configPath: 'pool.yaml', upstream: fake.url, port: 0 };
    const { config, configPath } = loadConfig(overrides, env, dir);
    config.recheck.interval_ms = 0;
    const daemon = await startDaemon({
      config,
      keys: loadKeys(config.keys_file, env).keys,
      log: createLogger('info', 'json', new PassThrough().resume()),
      sources: { configPath, overrides, env, cwd: dir },
    });
    cleanups.push(async () => {
      await daemon.close(500);
      await fake.close();
    });
    return { daemon, dir };
  }

  test('keys add and keys remove change the live pool', async () => {
    const { daemon, dir } = await watchedDaemon({ keys: `# pool\n${KEY('good-key-0001')}\n`, config: '' });
    assert.equal(daemon.pool.totals().total, 1);
    assert.equal(run(() => runKeysAdd({ keys: join(dir, 'keys.txt'), key: ADDED })).code, 0);
    await until(() => daemon.pool.totals().total === 2);
    assert.equal(run(() => runKeysRemove({ keys: join(dir, 'keys.txt'), id: keyIdOf(ADDED) })).code, 0);
    await until(() => daemon.pool.totals().total === 1);
    assert.ok(!existsSync(join(dir, 'keys.txt.tmp')));
  });

  test('a token added by tokens add is accepted after the reload, and refused again after tokens revoke', async () => {
    const config = 'auth:\n  tokens:\n    - name: existing\n      token: existing-client-token-0001\n';
    const { daemon, dir } = await watchedDaemon({ keys: `${KEY('good-key-0001')}\n`, config });
    const url = `${daemon.url}/v1beta/models/gemini-2.5-flash:generateContent`;
    const body = { contents: [{ parts: [{ text: 'hi' }] }] };
    const statusWith = async (token: string) => (await postJson(url, body, { authorization: `Bearer ${token}` })).status;
    assert.equal(await statusWith('existing-client-token-0001'), 200);
    assert.equal(await statusWith('gp_not-a-token-of-this-pool-000000'), 401, 'unknown tokens are refused');

    const added = run(() => runTokensAdd({ config: join(dir, 'pool.yaml'), name: 'new-client' }));
    assert.equal(added.code, 0, added.stderr);
    const token = added.stdout.trim();
    await until(async () => (await statusWith(token)) === 200);
    assert.equal(await statusWith('existing-client-token-0001'), 200, 'the other token still works');

    assert.equal(run(() => runTokensRevoke({ config: join(dir, 'pool.yaml'), name: 'new-client' })).code, 0);
    await until(async () => (await statusWith(token)) === 401);
  });
});
