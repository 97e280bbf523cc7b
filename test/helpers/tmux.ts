import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A real pseudo-terminal for the dashboard's end-to-end tests: tmux, on a server of the test's own. */
export const TMUX = existsSync('/usr/bin/tmux') ? '/usr/bin/tmux' : 'tmux';
export const HAVE_TMUX = (() => {
  try {
    execFileSync(TMUX, ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export const WAIT_MS = 10_000;

/** One tmux server of our own (-L), so nothing touches the user's sessions. */
export class Tmux {
  readonly server = `gp-e2e-${process.pid}-${Date.now()}`;
  readonly session = 'dash';

  run(...args: string[]): string {
    return execFileSync(TMUX, ['-L', this.server, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  screen(): string {
    return this.run('capture-pane', '-p', '-t', this.session);
  }

  /** Keys by tmux name (Enter, Escape, PageDown) or, with literal, as typed text. */
  keys(keys: string, literal = false): void {
    this.run('send-keys', '-t', this.session, ...(literal ? ['-l', keys] : [keys]));
  }

  /** Whether the program in the pane has ended (the pane stays, remain-on-exit). */
  paneDead(): boolean {
    return this.run('display-message', '-p', '-t', this.session, '#{pane_dead}').trim() === '1';
  }

  kill(): void {
    try {
      this.run('kill-server');
    } catch {
      // already gone
    }
  }
}

export async function until<T>(what: string, probe: () => T | undefined, show: () => string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) assert.fail(`timed out after ${WAIT_MS} ms waiting for ${what}; the screen was:\n${show()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The table row of a key (its masked id or label), once it shows a state. */
export const lineWith = (screen: string, text: string) => screen.split('\n').find((line) => line.includes(text) && /\b(active|cooling|invalid)\b/.test(line));
