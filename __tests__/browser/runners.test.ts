import { browserBenchRunner } from '../../benchmarks/src/browser/driver/bench';
import { browserCheckRunner } from '../../benchmarks/src/browser/driver/check';
import { removeBundles } from '../../benchmarks/src/browser/driver/runner';
import { defaultOptions } from '../../benchmarks/src/bench/types';
import type { BenchOptions } from '../../benchmarks/src/bench/types';
import { chromiumOrSkip, tinyBench } from './suite';

/*
 * The runners behind `bench --backends webgl,webgpu`, `check --backends webgl,webgpu` and
 * `npm start`: each opens Chromium, runs the environment-agnostic code (benchmarks/src/bench, src/gradcheck)
 * in the page and returns the records the Node backends produce.
 */
describe('CLI runners for browser backends', () => {
  if (!chromiumOrSkip('browser runner tests')) return;

  afterAll(() => removeBundles());

  test('bench on webgpu through Chromium gives the records of the Node backends', async () => {
    const options: BenchOptions & { bandwidthGBs: number } = { ...defaultOptions, ...tinyBench, bandwidthGBs: 10 };
    const progress: number[] = [];
    const results = await browserBenchRunner('webgpu', options, (p) => progress.push(p.done));
    expect(results).toHaveLength(4);
    const keys = ['backend', 'activation', 'pass', 'size', 'impl', 'medianMs', 'p10Ms', 'p90Ms', 'samples', 'batch', 'spread', 'peakBytes', 'newTensors', 'leakedTensors', 'bandwidthFraction'];
    for (const r of results) {
      expect(Object.keys(r).sort()).toEqual([...keys].sort());
      expect(r.backend).toBe('webgpu');
      expect(r.leakedTensors).toBe(0);
    }
    expect(progress[progress.length - 1]).toBe(2);
  }, 120000);

  test('gradient check on webgl through Chromium passes, as a report like the Node ones', async () => {
    const reports = await browserCheckRunner('webgl')(['leakyRelu'], { points: 401, alpha: 0.2, orders: [1, 2] });
    expect(reports).toHaveLength(1);
    const [r] = reports;
    expect(r.backend).toBe('webgl');
    expect(r.activation).toBe('leakyRelu');
    expect(r.reasons).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => c.check)).toEqual(expect.arrayContaining(['forward', 'backward', 'second-order', 'conventions']));
  }, 120000);
});
