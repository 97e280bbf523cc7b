import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';

/**
 * The GitHub Actions workflows, read as data: CI runs .ci/run on Node 20 with
 * tmux on every push and pull request; a v* tag runs the same tests, then
 * builds and pushes the linux/amd64 + linux/arm64 image to ghcr.io.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  id?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on'?: string;
  needs?: string | string[];
  uses?: string;
  steps?: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

function workflow(name: string): Workflow {
  const doc = parse(readFileSync(join(WORKFLOWS, name), 'utf8')) as Workflow;
  assert.ok(doc && typeof doc === 'object', `${name} is a YAML mapping`);
  return doc;
}

function step(job: Job, action: string): Step {
  const found = job.steps?.find((candidate) => candidate.uses?.startsWith(`${action}@`));
  assert.ok(found, `a step uses ${action}`);
  return found;
}

const runs = (job: Job) => (job.steps ?? []).map((candidate) => candidate.run ?? '').join('\n');

describe('CI workflow', () => {
  const ci = workflow('ci.yml');

  test('runs on every push to a branch, every pull request, and when release.yml calls it', () => {
    assert.ok('push' in ci.on && 'pull_request' in ci.on && 'workflow_call' in ci.on);
    assert.deepEqual((ci.on.push as { branches: string[] }).branches, ['**']);
    assert.deepEqual(ci.permissions, { contents: 'read' });
  });

  test('the test job runs .ci/run on ubuntu-latest with Node 20 and tmux', () => {
    const job = ci.jobs.test;
    assert.ok(job, 'a job named test');
    assert.equal(job['runs-on'], 'ubuntu-latest');
    step(job, 'actions/checkout');
    assert.equal(String(step(job, 'actions/setup-node').with?.['node-version']), '20');
    assert.match(runs(job), /sudo apt-get install -y tmux/);
    assert.match(runs(job), /^bash \.ci\/run$/m);
    const order = (job.steps ?? []).map((candidate) => candidate.uses ?? candidate.run ?? '');
    assert.ok(order.findIndex((entry) => entry.includes('tmux')) < order.findIndex((entry) => entry.includes('.ci/run')), 'tmux before the tests');
    assert.ok(existsSync(join(ROOT, '.ci', 'run')), '.ci/run exists');
  });
});

describe('release workflow', () => {
  const release = workflow('release.yml');

  test('runs on version tags only, with read access to the code and write access to packages', () => {
    assert.deepEqual(Object.keys(release.on), ['push']);
    assert.deepEqual((release.on.push as { tags: string[] }).tags, ['v*']);
    assert.deepEqual(release.permissions, { contents: 'read', packages: 'write' });
  });

  test('tests first (the CI workflow), then builds the image', () => {
    assert.deepEqual(Object.keys(release.jobs).sort(), ['image', 'test']);
    assert.equal(release.jobs.test.uses, './.github/workflows/ci.yml');
    assert.deepEqual([release.jobs.image.needs].flat(), ['test']);
    assert.equal(release.jobs.image['runs-on'], 'ubuntu-latest');
  });

  test('builds linux/amd64 and linux/arm64 with QEMU and Buildx, and pushes to ghcr.io/<repository>', () => {
    const job = release.jobs.image;
    step(job, 'actions/checkout');
    step(job, 'docker/setup-qemu-action');
    step(job, 'docker/setup-buildx-action');
    const login = step(job, 'docker/login-action').with ?? {};
    assert.deepEqual(login, { registry: 'ghcr.io', username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' });
    const build = step(job, 'docker/build-push-action').with ?? {};
    assert.equal(build.platforms, 'linux/amd64,linux/arm64');
    assert.equal(build.push, true);
    assert.equal(build.context, '.');
    assert.equal(build.tags, '${{ steps.meta.outputs.tags }}');
    assert.equal(build.labels, '${{ steps.meta.outputs.labels }}');
    assert.ok(existsSync(join(ROOT, 'Dockerfile')), 'the build context has a Dockerfile');
    const names = (job.steps ?? []).map((candidate) => candidate.uses?.split('@')[0]);
    assert.ok(names.indexOf('docker/login-action') < names.indexOf('docker/build-push-action'), 'logged in before pushing');
  });

  test('tags the image with the version from the tag and latest', () => {
    const meta = step(release.jobs.image, 'docker/metadata-action');
    assert.equal(meta.id, 'meta', 'build-push reads steps.meta.outputs');
    assert.equal(meta.with?.images, 'ghcr.io/${{ github.repository }}');
    const tags = String(meta.with?.tags).trim().split('\n').map((line) => line.trim());
    assert.ok(tags.includes('type=semver,pattern={{version}}'), tags.join('\n'));
    assert.ok(tags.some((line) => line.startsWith('type=raw,value=latest')), tags.join('\n'));
  });
});

test('every action is pinned to a major version', () => {
  const files = readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name));
  assert.deepEqual(files.sort(), ['ci.yml', 'release.yml']);
  for (const name of files) {
    for (const job of Object.values(workflow(name).jobs)) {
      for (const candidate of job.steps ?? []) {
        if (candidate.uses) assert.match(candidate.uses, /^[\w.-]+\/[\w.-]+@v\d+$/, `${name}: ${candidate.uses}`);
      }
    }
  }
});
