import { readFileSync } from 'fs';
import * as path from 'path';
import { findChromium } from '../../benchmarks/src/browser/driver/runner';
import { makeProject, packWorkspaces, tempDir } from './project';
import type { Project } from './project';

/*
 * The tools (tfjs-activations-bench) as installed from their tarball beside the library's, with
 * their own dependencies: the bin, `check`, a tiny `bench`, `demo-table`, and a browser backend
 * through the installed runner (its own esbuild and playwright-core, Debian's Chromium).
 */

let project: Project;
const bin = (): string => path.join(project.dir, 'node_modules', '.bin', 'tfjs-activations-bench');

beforeAll(() => {
  const tarballs = packWorkspaces(tempDir('packs'));
  project = makeProject('tools', [tarballs.library, tarballs.tools]);
}, 600000);

describe('tfjs-activations-bench from its tarball', () => {
  test('--version prints the package version', () => {
    const version = (JSON.parse(readFileSync(path.join(project.dir, 'node_modules', 'tfjs-activations-bench', 'package.json'), 'utf8')) as { version: string }).version;
    expect(project.run(bin(), ['--version']).trim()).toBe(version);
  });

  test('check --backends cpu passes and prints no tfjs banner', () => {
    const r = project.tryRun(bin(), ['check', '--backends', 'cpu', '--points', '2001', '--order', '1']);
    expect(r.stderr).not.toMatch(/Hi, looks like you are running TensorFlow\.js/);
    expect(r.stdout).not.toMatch(/Hi, looks like you are running TensorFlow\.js/);
    expect(r.stdout).toMatch(/PASS: \d+ of \d+ checks passed on cpu/);
    expect(r.status).toBe(0);
  }, 300000);

  test('a tiny bench writes its JSON with both sides of every case', () => {
    project.run(bin(), ['bench', '--backends', 'cpu', '--activations', 'relu', '--passes', 'forward', '--sizes', '1e2', '--quick', '--min-samples', '2', '--json', 'bench.json']);
    const report = JSON.parse(readFileSync(path.join(project.dir, 'bench.json'), 'utf8')) as { results: { impl: string; backend: string; medianMs: number }[] };
    expect(report.results.map((r) => r.impl).sort()).toEqual(['builtin', 'custom']);
    for (const r of report.results) {
      expect(r.backend).toBe('cpu');
      expect(r.medianMs).toBeGreaterThan(0);
    }
  }, 300000);

  test('demo-table names why tensorflow cannot run in one line, and runs cpu', () => {
    const out = project.run(bin(), ['demo-table', '--backends', 'tensorflow,cpu']);
    expect(out).toMatch(/^tensorflow: not run \(@tensorflow\/tfjs-node is not installed[^\n]*\)$/m);
    expect(out).toMatch(/backend cpu/);
  });

  const hasChromium = findChromium() != null || process.env.CI === 'true';
  (hasChromium ? test : test.skip)(`check --backends webgl runs in Chromium through the installed runner${hasChromium ? '' : ' (skipped: Chromium not found)'}`, () => {
    const r = project.tryRun(bin(), ['check', '--backends', 'webgl', '--activations', 'relu', '--points', '401', '--order', '1']);
    expect(r.stdout).toMatch(/PASS: \d+ of \d+ checks passed on webgl/);
    expect(r.status).toBe(0);
  }, 300000);
});
