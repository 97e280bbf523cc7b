import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../daemon/config/schema.js';
import { createLogger } from '../daemon/log.js';
import { startDaemon } from '../daemon/run.js';
import { DEMO_KEYS, startFakeGemini } from '../fake/fakeGemini.js';
import { reportError } from './exit.js';
import { waitForSignal } from './start.js';

/**
 * `gemini-pool demo`: the real daemon in front of the simulated Gemini the
 * tests use, with a pool of good, invalid and quota-limited keys. No keys,
 * no network, nothing written outside a temporary data dir.
 */
export async function runDemo(args: { host: string; port: string }): Promise<number> {
  try {
    const fake = await startFakeGemini({ host: '127.0.0.1', port: 0 });
    const config = defaultConfig();
    config.host = args.host;
    config.port = Number(args.port);
    config.upstream.base_url = fake.url;
    config.recheck.interval_ms = 30_000;
    config.data_dir = mkdtempSync(join(tmpdir(), 'gemini-pool-demo-'));
    const log = createLogger(config.log.level, config.log.format);
    const daemon = await startDaemon({ config, keys: DEMO_KEYS, log });
    const stopped = waitForSignal(daemon, log);
    printBanner(daemon.url, fake.url, daemon.socketPath);
    const code = await stopped;
    await fake.close();
    return code;
  } catch (error) {
    return reportError(error);
  }
}

function printBanner(url: string, upstreamUrl: string, socketPath: string): void {
  const lines = [
    '',
    `gemini-pool demo: the daemon listens on ${url}, in front of a simulated Gemini at ${upstreamUrl}.`,
    `The pool holds ${DEMO_KEYS.length} demo keys: ${DEMO_KEYS.map((key) => key.label).join(', ')}.`,
    'Try:',
    `  curl -s ${url}/v1beta/models/gemini-2.5-flash:generateContent -H 'content-type: application/json' \\`,
    `    -d '{"contents":[{"role":"user","parts":[{"text":"Hello pool"}]}]}'`,
    `  curl -sN '${url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse' -d '{"contents":[{"parts":[{"text":"Stream please [[chunks:5]]"}]}]}'`,
    `  curl -s ${url}/v1/chat/completions -H 'content-type: application/json' -d '{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}]}'`,
    `  curl -s ${url}/health`,
    'Watch it live, in another terminal:',
    `  npx gemini-pool dashboard --socket ${socketPath}`,
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stderr.write(lines.join('\n'));
}
