import * as fs from 'fs';
import * as path from 'path';
import type { DemoBenchRun } from '../../benchmarks/src/browser/page/demo';
import { builtinActivationNames } from 'tfjs-activations';
import { openPage, removeBundles } from '../../benchmarks/src/browser/driver/runner';
import type { BrowserPage } from '../../benchmarks/src/browser/driver/runner';
import type { BenchOptions } from '../../benchmarks/src/bench/types';
import { chromiumOrSkip, tinyBench as tiny } from './suite';

interface DemoApi {
  plot(backend: string, alpha: number): Promise<{ backend: string; maxGradError: number }>;
  runBench(options: Partial<BenchOptions>): Promise<DemoBenchRun>;
}
type DemoWindow = { demo: DemoApi };

const outDir = path.join(__dirname, '..', '..', 'test-output');

describe('demo page in Chromium', () => {
  if (!chromiumOrSkip('demo page tests')) return;
  let browser: BrowserPage;

  beforeAll(async () => {
    browser = await openPage('demo/index.html', { viewport: { width: 1300, height: 1000 } });
  }, 120000);

  afterAll(async () => {
    await browser?.close();
    await removeBundles();
  });

  test('plots render: one chart per registered activation, each with g and g\' lines, derivative matching float64', async () => {
    const charts = await browser.page.$$eval('#plots .plot svg', (svgs) => svgs.map((s) => s.querySelectorAll('.mark-line path').length));
    expect(charts).toHaveLength(builtinActivationNames.length);
    for (const lines of charts) expect(lines).toBe(3);
    const status = await browser.page.textContent('#plot-status');
    expect(status).toMatch(/computed on webgl/);
  });

  test.each(['webgl', 'webgpu', 'cpu', 'wasm'])('plots on %s with alpha changes; tf.grad matches float64', async (backend) => {
    for (const alpha of [1.5, -0.5, 0.2]) {
      const r = await browser.page.evaluate(([b, a]) => (window as unknown as DemoWindow).demo.plot(b, a), [backend, alpha] as const);
      expect(r.backend).toBe(backend);
      expect(r.maxGradError).toBeLessThan(1e-5);
    }
  });

  test('in-page benchmark completes on cpu, wasm, webgl and webgpu; speedup chart drawn', async () => {
    const run = await browser.page.evaluate((o) => (window as unknown as DemoWindow).demo.runBench(o), tiny);
    expect(run.skipped).toEqual([]);
    for (const backend of ['cpu', 'wasm', 'webgl', 'webgpu']) {
      const mine = run.results.filter((r) => r.backend === backend);
      expect(mine).toHaveLength(2 * 2); // 2 activations x (custom, builtin)
      for (const r of mine) {
        expect(r.medianMs).toBeGreaterThan(0);
        expect(r.leakedTensors).toBe(0);
      }
    }
    expect(await browser.page.$$eval('#bench-chart svg .mark-rect path', (p) => p.length)).toBeGreaterThan(0);
    expect(await browser.page.textContent('#bench-status')).toMatch(/^done: 8 cases/);
  });

  test('screenshot saved under test-output/', async () => {
    await browser.page.evaluate(() => (window as unknown as DemoWindow).demo.plot('webgl', 0.2));
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, 'demo.png');
    await browser.page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(10000);
  });

  test('no console errors on the page', () => {
    expect(browser.errors).toEqual([]);
  });
});
