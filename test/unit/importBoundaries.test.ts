import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';

/**
 * The layout's two rules, checked on the source: the dashboard imports only
 * protocol/ of the daemon, and the daemon's start path never loads Ink or
 * React (only a dynamic import() from the dashboard command does).
 */
const SRC = resolve(import.meta.dirname, '../../src');
const STATIC_IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm;

function staticImports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)].map((match) => match[1]);
}

function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier).replace(/\.js$/, '');
  return ['.ts', '.tsx'].map((ext) => base + ext).find((candidate) => existsSync(candidate));
}

/** Every module reachable from `entry` through static imports: local files and package names. */
function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of staticImports(file)) {
      const local = resolveLocal(file, specifier);
      if (local) queue.push(local);
      else if (!specifier.startsWith('.')) packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
    }
  }
  return { files, packages };
}

describe('import boundaries', () => {
  for (const entry of ['cli/start.ts', 'daemon/run.ts', 'cli/controlCommands.ts', 'cli/main.ts']) {
    test(`${entry} never loads ink, react or the dashboard`, () => {
      const { files, packages } = reachable(join(SRC, entry));
      assert.ok(files.size > 1);
      assert.ok(!packages.has('ink') && !packages.has('react'), `${entry} reaches ${[...packages].join(', ')}`);
      assert.deepEqual([...files].map((file) => relative(SRC, file)).filter((file) => file.startsWith('tui/')), []);
    });
  }

  test('the dashboard imports nothing of the daemon but protocol/', () => {
    const tuiFiles = readdirSync(join(SRC, 'tui')).map((name) => join(SRC, 'tui', name));
    assert.ok(tuiFiles.length > 0);
    for (const file of tuiFiles) {
      for (const specifier of staticImports(file)) {
        const local = resolveLocal(file, specifier);
        if (!local) continue;
        const where = relative(SRC, local);
        assert.ok(where.startsWith('tui/') || where.startsWith('protocol/'), `${relative(SRC, file)} imports ${where}`);
      }
    }
  });
});
