import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { keyIdOf } from '../../src/daemon/secrets.js';
import { startFakeGemini } from '../../src/fake/fakeGemini.js';
import type { Snapshot } from '../../src/protocol/snapshot.js';
import { startChildDaemon } from '../helpers/childDaemon.js';
import { postJson, runCli, userText } from '../helpers/harness.js';
import { HAVE_TMUX, lineWith, Tmux, until } from '../helpers/tmux.js';

/**
 * The dashboard attached over HTTP (--url, the admin API), as from a laptop
 * to a pool in a container: it says which pool it shows, and a reset pressed
 * there reaches the daemon.
 */
const ADMIN_TOKEN = 'remote-admin-token-0123456789';
const QUOTA = 'AIzaTEST-quota-minute-0003';
const CLI = join(process.cwd(), 'dist/cli/main.js');
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('remote dashboard', { skip: HAVE_TMUX ? false : 'tmux is not installed' }, () => {
  test('attached with --url, a reset from the dashboard reaches the daemon', { timeout: 60_000 }, async () => {
    const fake = await startFakeGemini({ port: 0 });
    cleanups.push(() => fake.close());
    const dir = mkdtempSync('/tmp/gp-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'keys.txt'), `AIzaTEST-good-key-0001 # good\n${QUOTA} # quota\n`);
    writeFileSync(join(dir, 'pool.yaml'), 'admin:\n  token_env: POOL_ADMIN_TOKEN\nrecheck:\n  interval_ms: 0\n');
    writeFileSync(join(dir, 'tmux.conf'), 'set -g remain-on-exit on\nset -g status off\n');
    const daemon = await startChildDaemon(['--config', 'pool.yaml', '--upstream', fake.url], { cwd: dir, env: { POOL_ADMIN_TOKEN: ADMIN_TOKEN } });
    cleanups.push(async () => {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    });
    for (let i = 0; i < 3; i += 1) await postJson(`${daemon.url}/v1beta/models/gemini-2.5-flash:generateContent`, userText('hi'));

    const tmux = new Tmux();
    try {
      // No socket or data dir: only the URL and the token (from the environment).
      const command = `TERM=xterm-256color GEMINI_POOL_ADMIN_TOKEN=${ADMIN_TOKEN} ${process.execPath} ${CLI} dashboard --url ${daemon.url}`;
      tmux.run('-f', join(dir, 'tmux.conf'), 'new-session', '-d', '-s', tmux.session, '-x', '120', '-y', '30', '-c', '/tmp', command);
      const screen = await until('the cooling key', () => {
        const text = tmux.screen();
        return lineWith(text, 'AIza…0003')?.includes('cooling') ? text : undefined;
      }, () => tmux.screen());
      assert.ok(screen.includes(daemon.url), 'the header names the pool it is attached to');
      tmux.keys('/');
      tmux.keys('quota', true);
      tmux.keys('Enter');
      await until('the filter', () => (/1 of 2 keys/.test(tmux.screen()) ? true : undefined), () => tmux.screen());
      tmux.keys('r');
      await until('the reset on screen', () => (lineWith(tmux.screen(), 'AIza…0003')?.includes('active') ? true : undefined), () => tmux.screen());
      const status = await runCli(['status', '--json'], { cwd: dir });
      const key = (JSON.parse(status.stdout) as Snapshot).keys.find((entry) => entry.id === keyIdOf(QUOTA));
      assert.equal(key?.state, 'active', 'the daemon itself has the key back');
      tmux.keys('q');
      await until('the dashboard to exit', () => (tmux.paneDead() ? true : undefined), () => tmux.screen());
    } finally {
      tmux.kill();
    }
  });
});
