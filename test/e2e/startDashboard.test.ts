import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startFakeGemini } from '../../src/fake/fakeGemini.js';
import { HAVE_TMUX, lineWith, Tmux, until } from '../helpers/tmux.js';

/** `gemini-pool start --dashboard`: daemon and dashboard in one terminal, the log in a file, q stops both. */
const CLI = join(process.cwd(), 'dist/cli/main.js');
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('start --dashboard', { skip: HAVE_TMUX ? false : 'tmux is not installed' }, () => {
  test('shows the pool, logs to a file, and q stops the daemon cleanly', { timeout: 60_000 }, async () => {
    const fake = await startFakeGemini({ port: 0 });
    cleanups.push(() => fake.close());
    const dir = mkdtempSync('/tmp/gp-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'keys.txt'), 'AIzaTEST-good-key-0001 # first\nAIzaTEST-good-key-0002 # second\n');
    writeFileSync(join(dir, 'tmux.conf'), 'set -g remain-on-exit on\nset -g status off\n');
    const exitFile = join(dir, 'exit-code');
    const tmux = new Tmux();
    try {
      const command = `TERM=xterm-256color ${process.execPath} ${CLI} start --dashboard --port 0 --upstream ${fake.url}; echo $? > ${exitFile}`;
      tmux.run('-f', join(dir, 'tmux.conf'), 'new-session', '-d', '-s', tmux.session, '-x', '120', '-y', '30', '-c', dir, command);
      await until('both keys on screen', () => (lineWith(tmux.screen(), 'AIza…0001') && lineWith(tmux.screen(), 'AIza…0002') ? true : undefined), () => tmux.screen());
      assert.ok(!tmux.screen().includes('"level"'), 'no log lines on the dashboard');
      tmux.keys('q');
      const code = await until('the daemon to exit', () => (existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() || undefined : undefined), () => tmux.screen());
      assert.equal(code, '0');
      const log = readFileSync(join(dir, 'data', readdirSync(join(dir, 'data')).find((name) => name.startsWith('gemini-pool')) ?? ''), 'utf8');
      assert.match(log, /gemini-pool listening/);
      assert.match(log, /"msg":"stopped"/);
      assert.ok(existsSync(join(dir, 'data', 'state.json')), 'state saved on the way out');
    } finally {
      tmux.kill();
    }
  });
});
