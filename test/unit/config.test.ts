import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../src/daemon/errors.js';
import { defaultConfig, type Config } from '../../src/daemon/config/schema.js';
import { applyOverrides, loadConfig, parseConfigText } from '../../src/daemon/config/loadConfig.js';

const SHIPPED_YAML = fs.readFileSync(new URL('../../config/gemini-pool.yaml', import.meta.url), 'utf8');

/** The ConfigError message of `fn`, failing the test if it does not throw one. */
function configErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.code, 'CONFIG_INVALID');
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

/** Option lines in the shipped file are "#name: value" / "#  name: value"; prose is "# text". */
function uncommentOptions(text: string): string {
  return text
    .split('\n')
    .map((line) => (/^#(?=[a-z]|  [a-z#])/.test(line) ? line.slice(1) : line))
    .join('\n');
}

/** Leaf option paths of a config-shaped object ("upstream.proxy"); aliases count as one leaf. */
function optionPaths(value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([name, child]) =>
    child && typeof child === 'object' && name !== 'aliases'
      ? optionPaths(child as Record<string, unknown>, `${prefix}${name}.`)
      : [`${prefix}${name}`],
  );
}

describe('schema defaults', () => {
  it('defaultConfig() holds every documented default', () => {
    assert.deepEqual(defaultConfig(), {
      host: '127.0.0.1',
      port: 8080,
      keys_file: './keys.txt',
      data_dir: './data',
      control_socket: null,
      upstream: {
        base_url: 'https://generativelanguage.googleapis.com',
        proxy: null,
        connect_timeout_ms: 10000,
        first_byte_timeout_ms: 120000,
        stream_idle_timeout_ms: 60000,
        connections: 1024,
      },
      pool: {
        strategy: 'round-robin',
        max_failures: 3,
        backoff_ms: 5000,
        backoff_max_ms: 300000,
        quota_cooldown_ms: 60000,
        daily_quota_threshold_s: 300,
      },
      retry: { max_attempts: 5, max_wait_ms: 3000, empty_responses: true },
      recheck: { interval_ms: 300000, model: 'gemini-2.5-flash' },
      openai: { aliases: {}, models_cache_ms: 300000, image_max_bytes: 20971520, image_timeout_ms: 10000 },
      log: { level: 'info', format: 'auto', file: null, retain_days: 7 },
      state: { flush_ms: 1000, forget_after_days: 30 },
      watch: { enabled: true, poll: false, poll_interval_ms: 1000 },
      shutdown: { grace_ms: 30000 },
      auth: { tokens: [], allow_anonymous: false },
      models: { allow: [], deny: [] },
      limits: { max_body_bytes: 20971520, header_timeout_ms: 10000, body_timeout_ms: 60000 },
      metrics: { enabled: true, token: null, token_env: null },
      admin: { token: null, token_env: null, tls_cert: null, tls_key: null, behind_tls_proxy: false },
    } satisfies Config);
  });

  it('returns a fresh object each time', () => {
    const first = defaultConfig();
    first.openai.aliases.x = 'y';
    assert.deepEqual(defaultConfig().openai.aliases, {});
  });
});

describe('the shipped config/gemini-pool.yaml', () => {
  it('parses, as shipped (all commented out), to exactly the defaults', () => {
    assert.deepEqual(parseConfigText(SHIPPED_YAML, 'config/gemini-pool.yaml'), defaultConfig());
  });

  it('still parses to the defaults with every option uncommented, so the shown values are the defaults', () => {
    const uncommented = uncommentOptions(SHIPPED_YAML);
    assert.deepEqual(parseConfigText(uncommented, 'config/gemini-pool.yaml'), defaultConfig());
  });

  it('lists every option', () => {
    const listed = parseYaml(uncommentOptions(SHIPPED_YAML)) as Record<string, unknown>;
    const expected = optionPaths(defaultConfig() as unknown as Record<string, unknown>);
    assert.deepEqual(optionPaths(listed).sort(), expected.sort());
  });
});

describe('parseConfigText', () => {
  it('treats an empty file and a comments-only file as all defaults', () => {
    assert.deepEqual(parseConfigText('', 'c.yaml'), defaultConfig());
    assert.deepEqual(parseConfigText('# nothing here\n\n   # still nothing\n', 'c.yaml'), defaultConfig());
  });

  it('defaults a partially given section field by field', () => {
    const config = parseConfigText('upstream:\n  connect_timeout_ms: 2500\npool:\n  strategy: least-inflight\n', 'c.yaml');
    assert.deepEqual(config.upstream, { ...defaultConfig().upstream, connect_timeout_ms: 2500 });
    assert.deepEqual(config.pool, { ...defaultConfig().pool, strategy: 'least-inflight' });
    assert.deepEqual(config.retry, defaultConfig().retry);
  });

  it('treats a bare section line (everything under it commented out) as absent', () => {
    const config = parseConfigText('upstream:\n#  proxy: null\nopenai:\n  aliases:\n', 'c.yaml');
    assert.deepEqual(config, defaultConfig());
  });

  it('strips a trailing slash from upstream.base_url and reads aliases', () => {
    const config = parseConfigText(
      'upstream:\n  base_url: http://127.0.0.1:9000/\n  proxy: http://proxy.local:3128\nopenai:\n  aliases:\n    gpt-4o-mini: gemini-2.5-flash\n',
      'c.yaml',
    );
    assert.equal(config.upstream.base_url, 'http://127.0.0.1:9000');
    assert.equal(config.upstream.proxy, 'http://proxy.local:3128');
    assert.deepEqual(config.openai.aliases, { 'gpt-4o-mini': 'gemini-2.5-flash' });
  });

  it('reports an enum value outside its choices', () => {
    assert.equal(
      configErrorOf(() => parseConfigText('pool:\n  strategy: random\n', 'config/gemini-pool.yaml')),
      'config/gemini-pool.yaml: pool.strategy: expected one of "round-robin" | "least-inflight", got "random" (line 2)',
    );
  });

  it('reports integers out of range or not integers', () => {
    assert.equal(
      configErrorOf(() => parseConfigText('retry:\n  max_attempts: 0\n', 'c.yaml')),
      'c.yaml: retry.max_attempts: expected an integer 1..100, got 0 (line 2)',
    );
    assert.equal(
      configErrorOf(() => parseConfigText('pool:\n  max_failures: 0\n', 'c.yaml')),
      'c.yaml: pool.max_failures: expected an integer >= 1, got 0 (line 2)',
    );
    assert.equal(configErrorOf(() => parseConfigText('port: 70000\n', 'c.yaml')), 'c.yaml: port: expected an integer 0..65535, got 70000 (line 1)');
    assert.equal(configErrorOf(() => parseConfigText('port: 80.5\n', 'c.yaml')), 'c.yaml: port: expected an integer 0..65535, got 80.5 (line 1)');
    assert.equal(
      configErrorOf(() => parseConfigText('upstream:\n  connections: -1\n', 'c.yaml')),
      'c.yaml: upstream.connections: expected an integer >= 1, got -1 (line 2)',
    );
  });

  it('reports unknown options, with a hint for near misses', () => {
    assert.equal(configErrorOf(() => parseConfigText('upstream:\n  timeout: 5\n', 'c.yaml')), 'c.yaml: upstream.timeout: unknown option (line 2)');
    assert.equal(
      configErrorOf(() => parseConfigText('upstream:\n  connectTimeoutMs: 5\n', 'c.yaml')),
      'c.yaml: upstream.connectTimeoutMs: unknown option (did you mean upstream.connect_timeout_ms?) (line 2)',
    );
    assert.equal(configErrorOf(() => parseConfigText('strategy: round-robin\n', 'c.yaml')), 'c.yaml: strategy: unknown option (did you mean pool.strategy?) (line 1)');
    assert.equal(configErrorOf(() => parseConfigText('constructor: 1\n', 'c.yaml')), 'c.yaml: constructor: unknown option (line 1)');
  });

  it('reports wrong types', () => {
    assert.equal(
      configErrorOf(() => parseConfigText('retry:\n  empty_responses: "yes"\n', 'c.yaml')),
      'c.yaml: retry.empty_responses: expected true or false, got "yes" (line 2)',
    );
    assert.equal(configErrorOf(() => parseConfigText('port: "8080"\n', 'c.yaml')), 'c.yaml: port: expected an integer 0..65535, got "8080" (line 1)');
    assert.equal(configErrorOf(() => parseConfigText('log: [info]\n', 'c.yaml')), 'c.yaml: log: expected a mapping (name: value lines), got a list (line 1)');
    assert.equal(configErrorOf(() => parseConfigText('host:\n', 'c.yaml')), 'c.yaml: host: expected a host name or IP address, got an empty value (line 1)');
    assert.equal(
      configErrorOf(() => parseConfigText('upstream:\n  base_url: ftp://example.test\n', 'c.yaml')),
      'c.yaml: upstream.base_url: expected an http(s) URL, got "ftp://example.test" (line 2)',
    );
    assert.equal(
      configErrorOf(() => parseConfigText('openai:\n  aliases:\n    gpt-4o: 4\n', 'c.yaml')),
      'c.yaml: openai.aliases.gpt-4o: expected a Gemini model name, got 4 (line 3)',
    );
  });

  it('reports YAML syntax errors with the file, line and column', () => {
    const message = configErrorOf(() => parseConfigText('port: 8080\nhost: [127.0.0.1\n', 'config/gemini-pool.yaml'));
    assert.match(message, /^config\/gemini-pool\.yaml: line \d+, column \d+: invalid YAML: /);
    assert.equal(
      configErrorOf(() => parseConfigText('port: 1\nport: 2\n', 'c.yaml')),
      'c.yaml: line 2, column 1: invalid YAML: Map keys must be unique',
    );
  });

  it('reports a top level that is not a mapping', () => {
    assert.equal(
      configErrorOf(() => parseConfigText('- a\n- b\n', 'c.yaml')),
      'c.yaml: the top level must be "option: value" lines (a YAML mapping), got a list',
    );
    assert.equal(
      configErrorOf(() => parseConfigText('just some text\n', 'c.yaml')),
      'c.yaml: the top level must be "option: value" lines (a YAML mapping), got a single string value',
    );
  });

  it('lists every problem, one per line', () => {
    const message = configErrorOf(() =>
      parseConfigText('port: -1\npool:\n  strategy: random\nretry:\n  max_attempts: 0\nupstream:\n  timeout: 5\n', 'c.yaml'),
    );
    assert.deepEqual(message.split('\n').sort(), [
      'c.yaml: pool.strategy: expected one of "round-robin" | "least-inflight", got "random" (line 3)',
      'c.yaml: port: expected an integer 0..65535, got -1 (line 1)',
      'c.yaml: retry.max_attempts: expected an integer 1..100, got 0 (line 5)',
      'c.yaml: upstream.timeout: unknown option (line 7)',
    ]);
  });

  it('never echoes anything key-shaped, nor a proxy password', () => {
    const fakeKey = 'AbCdEfGh12345678IjKlMnOp';
    const message = configErrorOf(() =>
      parseConfigText(
        `${fakeKey}: 1\nhost: ${fakeKey}x!\nport: ${fakeKey}\napi_key: short\nupstream:\n  proxy: ftp://user:hunter2@proxy.test\n`,
        'c.yaml',
      ),
    );
    assert.ok(!message.includes(fakeKey), message);
    assert.ok(!message.includes('hunter2'), message);
    assert.ok(!message.includes('short'), message);
    assert.match(message, /c\.yaml: AbCd…MnOp: unknown option/);
    assert.match(message, /c\.yaml: upstream\.proxy: expected an http\(s\) URL or null, got "ftp:\/\/\*\*\*@proxy\.test"/);
  });
});

describe('loadConfig', () => {
  let cwd: string;
  before(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'gemini-pool-config-'));
  });
  after(() => {
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  const writeFile = (relative: string, text: string): string => {
    const filePath = path.join(cwd, relative);
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    fs.writeFileSync(filePath, text);
    return filePath;
  };

  it('uses all defaults, with paths resolved against cwd, when there is no file', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'gemini-pool-empty-'));
    try {
      const loaded = loadConfig({}, {}, empty);
      assert.equal(loaded.configPath, null);
      assert.deepEqual(loaded.config, { ...defaultConfig(), keys_file: path.join(empty, 'keys.txt'), data_dir: path.join(empty, 'data') });
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('reads config/gemini-pool.yaml under cwd and resolves relative paths against cwd', () => {
    const filePath = writeFile('config/gemini-pool.yaml', 'keys_file: secrets/keys.txt\ndata_dir: /var/lib/gemini-pool\nport: 1111\n');
    const loaded = loadConfig({}, {}, cwd);
    assert.equal(loaded.configPath, filePath);
    assert.equal(loaded.config.port, 1111);
    assert.equal(loaded.config.keys_file, path.join(cwd, 'secrets', 'keys.txt'));
    assert.equal(loaded.config.data_dir, '/var/lib/gemini-pool');
  });

  it('applies flag > env > file > default', () => {
    writeFile('config/gemini-pool.yaml', 'port: 1111\nhost: file.host\nupstream:\n  base_url: http://file.test\n');
    const env = {
      GEMINI_POOL_PORT: '2222',
      GEMINI_POOL_HOST: 'env.host',
      GEMINI_POOL_UPSTREAM: 'http://env.test/',
      GEMINI_POOL_KEYS: 'env-keys.txt',
      GEMINI_POOL_DATA_DIR: 'env-data',
    };
    const fromFlags = loadConfig({ port: 3333, host: 'flag.host', upstream: 'http://flag.test', keysFile: 'flag-keys.txt', dataDir: 'flag-data' }, env, cwd).config;
    assert.equal(fromFlags.port, 3333);
    assert.equal(fromFlags.host, 'flag.host');
    assert.equal(fromFlags.upstream.base_url, 'http://flag.test');
    assert.equal(fromFlags.keys_file, path.join(cwd, 'flag-keys.txt'));
    assert.equal(fromFlags.data_dir, path.join(cwd, 'flag-data'));

    const fromEnv = loadConfig({}, env, cwd).config;
    assert.equal(fromEnv.port, 2222);
    assert.equal(fromEnv.host, 'env.host');
    assert.equal(fromEnv.upstream.base_url, 'http://env.test');
    assert.equal(fromEnv.keys_file, path.join(cwd, 'env-keys.txt'));
    assert.equal(fromEnv.data_dir, path.join(cwd, 'env-data'));

    const fromFile = loadConfig({}, { GEMINI_POOL_PORT: '', GEMINI_POOL_HOST: '  ' }, cwd).config;
    assert.equal(fromFile.port, 1111, 'empty env vars count as unset');
    assert.equal(fromFile.host, 'file.host');
    assert.equal(fromFile.upstream.base_url, 'http://file.test');
    assert.equal(fromFile.upstream.connect_timeout_ms, 10000);
  });

  it('reports a bad flag or env var by its name', () => {
    writeFile('config/gemini-pool.yaml', '');
    assert.equal(configErrorOf(() => loadConfig({ port: 'abc' }, {}, cwd)), '--port: expected an integer 0..65535, got "abc"');
    assert.equal(configErrorOf(() => loadConfig({}, { GEMINI_POOL_PORT: '99999' }, cwd)), 'GEMINI_POOL_PORT: expected an integer 0..65535, got 99999');
    assert.equal(
      configErrorOf(() => loadConfig({}, { GEMINI_POOL_UPSTREAM: 'not a url' }, cwd)),
      'GEMINI_POOL_UPSTREAM: expected an http(s) URL, got "not a url"',
    );
    assert.equal(loadConfig({ port: '9090' }, {}, cwd).config.port, 9090, 'a numeric flag may arrive as text');
  });

  it('lists file problems and override problems together', () => {
    writeFile('config/gemini-pool.yaml', 'pool:\n  strategy: random\n');
    const message = configErrorOf(() => loadConfig({}, { GEMINI_POOL_PORT: 'http' }, cwd));
    assert.deepEqual(message.split('\n'), [
      `${path.join('config', 'gemini-pool.yaml')}: pool.strategy: expected one of "round-robin" | "least-inflight", got "random" (line 2)`,
      'GEMINI_POOL_PORT: expected an integer 0..65535, got "http"',
    ]);
  });

  it('takes the proxy from the file, else from HTTPS_PROXY / https_proxy / HTTP_PROXY / http_proxy', () => {
    writeFile('config/gemini-pool.yaml', '');
    assert.equal(loadConfig({}, {}, cwd).config.upstream.proxy, null);
    assert.equal(loadConfig({}, { HTTP_PROXY: 'http://plain.test:80', HTTPS_PROXY: 'http://secure.test:443' }, cwd).config.upstream.proxy, 'http://secure.test:443');
    assert.equal(loadConfig({}, { http_proxy: 'http://lower.test:3128' }, cwd).config.upstream.proxy, 'http://lower.test:3128');
    assert.equal(loadConfig({}, { https_proxy: 'corp-proxy:3128' }, cwd).config.upstream.proxy, 'http://corp-proxy:3128');
    assert.equal(
      configErrorOf(() => loadConfig({}, { HTTPS_PROXY: 'socks5://proxy.test:1080' }, cwd)),
      'HTTPS_PROXY: expected an http(s) URL or null, got "socks5://proxy.test:1080"',
    );
    writeFile('config/gemini-pool.yaml', 'upstream:\n  proxy: http://file-proxy.test:8080\n');
    assert.equal(loadConfig({}, { HTTPS_PROXY: 'http://secure.test:443' }, cwd).config.upstream.proxy, 'http://file-proxy.test:8080');
  });

  it('reads an explicitly named file, from --config before GEMINI_POOL_CONFIG', () => {
    const fromFlag = writeFile('flag.yaml', 'port: 4444\n');
    const fromEnv = writeFile('env.yaml', 'port: 5555\n');
    assert.deepEqual(loadConfig({ configPath: 'flag.yaml' }, { GEMINI_POOL_CONFIG: 'env.yaml' }, cwd).configPath, fromFlag);
    const loaded = loadConfig({}, { GEMINI_POOL_CONFIG: 'env.yaml' }, cwd);
    assert.equal(loaded.configPath, fromEnv);
    assert.equal(loaded.config.port, 5555);
  });

  it('fails when an explicitly named file does not exist or is not a file', () => {
    assert.equal(
      configErrorOf(() => loadConfig({ configPath: 'missing.yaml' }, {}, cwd)),
      `config file not found: ${path.join(cwd, 'missing.yaml')} (named by --config)`,
    );
    assert.equal(
      configErrorOf(() => loadConfig({}, { GEMINI_POOL_CONFIG: '/nonexistent/gemini-pool.yaml' }, cwd)),
      'config file not found: /nonexistent/gemini-pool.yaml (named by GEMINI_POOL_CONFIG)',
    );
    assert.match(configErrorOf(() => loadConfig({ configPath: cwd }, {}, cwd)), /^cannot read config file .*: it is a directory$/);
  });

  it('applyOverrides gives a hot-reloaded file the same treatment as loadConfig', () => {
    const reloaded = parseConfigText('port: 1111\nkeys_file: k.txt\n', 'c.yaml');
    const config = applyOverrides(reloaded, { host: 'flag.host' }, { GEMINI_POOL_PORT: '2222' }, cwd);
    assert.equal(config.host, 'flag.host');
    assert.equal(config.port, 2222);
    assert.equal(config.keys_file, path.join(cwd, 'k.txt'));
  });
});
