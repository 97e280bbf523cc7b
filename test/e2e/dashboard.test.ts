import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startFakeGemini, type FakeGemini } from '../../src/fake/fakeGemini.js';
import { startChildDaemon, type ChildDaemon } from '../helpers/childDaemon.js';
import { postJson, userText } from '../helpers/harness.js';
import { HAVE_TMUX, lineWith, Tmux, until } from '../helpers/tmux.js';

/**
 * The real `gemini-pool dashboard` in a real pseudo-terminal (tmux), against a
 * real daemon and the fake Gemini: it shows a cooling key, resets it with `r`,
 * rides out a daemon restart, and quits with `q` (exit code 0).
 */
const GOOD = 'AIzaTEST-good-key-0001';
const QUOTA = 'AIzaTEST-quota-minute-0002';
const CLI = join(process.cwd(), 'dist/cli/main.js');

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});


describe('dashboard in a terminal', { skip: HAVE_TMUX ? false : 'tmux is not installed' }, () => {
  test('shows the cooling key, resets it, survives a daemon restart, quits with q', { timeout: 90_000 }, async () => {
    const fake: FakeGemini = await startFakeGemini({ port: 0 });
    cleanups.push(() => fake.close());
    // Short on purpose: a Unix socket path must stay under ~100 bytes.
    const dir = mkdtempSync('/tmp/gp-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const socket = join(dir, 's.sock');
    writeFileSync(join(dir, 'keys.txt'), `${GOOD} # good\n${QUOTA} # quota-minute\n`);
    writeFileSync(join(dir, 'tmux.conf'), 'set -g remain-on-exit on\nset -g status off\n');
    const startDaemon = async () => {
      const daemon = await startChildDaemon(['--upstream', fake.url, '--socket', socket], { cwd: dir });
      cleanups.push(async () => {
        if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
        await daemon.exited;
      });
      return daemon;
    };
    let daemon: ChildDaemon = await startDaemon();

    // Traffic until the quota key has been tried once (and failed over): it cools for ~26 s.
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const response = await postJson(`${daemon.url}/v1beta/models/gemini-2.5-flash:generateContent`, userText('hi'));
      assert.equal(response.status, 200, response.text);
    }
    assert.ok(
      fake.requests.some((request) => request.key === QUOTA),
      'the quota key was tried',
    );

    const tmux = new Tmux();
    try {
      // CI=true (as in GitHub Actions) is left in the environment on purpose: the dashboard must still draw.
      // tmux runs this through sh; the exit code goes to a file (tmux's own pane_dead_status can lag).
      const exitFile = join(dir, 'exit-code');
      const command = `TERM=xterm-256color ${process.execPath} ${CLI} dashboard --socket ${socket}; echo $? > ${exitFile}`;
      tmux.run('-f', join(dir, 'tmux.conf'), 'new-session', '-d', '-s', tmux.session, '-x', '120', '-y', '30', '-c', dir, command);

      let screen = await until('the cooling key', () => {
        const text = tmux.screen();
        return lineWith(text, 'AIza…0002')?.includes('cooling') ? text : undefined;
      }, () => tmux.screen());
      assert.match(screen, /connected/);
      assert.match(lineWith(screen, 'AIza…0002') ?? '', /quota-minute +cooling +flash \d+s/);
      assert.match(lineWith(screen, 'AIza…0001') ?? '', /good +active/);

      // Select it through the filter (it matches the label), then reset it.
      tmux.keys('/');
      tmux.keys('quota', true);
      tmux.keys('Enter');
      await until('the filter to apply', () => (/1 of 2 keys/.test(tmux.screen()) ? true : undefined), () => tmux.screen());
      tmux.keys('r');
      screen = await until('the key back in rotation', () => {
        const text = tmux.screen();
        return lineWith(text, 'AIza…0002')?.includes('active') && text.includes('reset AIza…0002') ? text : undefined;
      }, () => tmux.screen());
      assert.ok(!lineWith(screen, 'AIza…0002')?.includes('flash'), 'no cooldown left');

      // The daemon goes away and comes back on the same socket: the dashboard follows.
      daemon.child.kill('SIGTERM');
      assert.equal(await daemon.exited, 0);
      await until('"disconnected"', () => (tmux.screen().includes('disconnected') ? true : undefined), () => tmux.screen());
      daemon = await startDaemon();
      await until('the new daemon', () => {
        const text = tmux.screen();
        return !text.includes('disconnected') && / connected /.test(text) && lineWith(text, 'AIza…0002') ? true : undefined;
      }, () => tmux.screen());

      tmux.keys('q');
      const code = await until('the dashboard to exit', () => (existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() || undefined : undefined), () => tmux.screen());
      assert.equal(code, '0', 'exited with code 0');
      await until('the pane to end', () => (tmux.paneDead() ? true : undefined), () => tmux.screen());
    } finally {
      tmux.kill();
    }
  });
});
