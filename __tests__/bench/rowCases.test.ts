import * as tf from '@tensorflow/tfjs';
import { setBackend } from '../helpers/backends';
import { benchBackend, sweepCases } from '../../benchmarks/src/bench/harness';
import { makeRowCase, parseShapes } from '../../benchmarks/src/bench/rowCases';
import { benchOptionsFromFlags } from '../../benchmarks/src/commands/bench';

describe('row-wise bench cases (softmax, logSoftmax, softmaxCrossEntropy)', () => {
  beforeAll(() => setBackend('cpu'));

  it('sweep row ops over shapes (no train pass), elementwise ones over sizes', () => {
    const cases = sweepCases({ activations: ['softmax', 'relu'], passes: ['forward', 'train'], sizes: [100], shapes: [[2, 3], [4, 5]] });
    expect(cases).toEqual([
      { activation: 'softmax', pass: 'forward', size: 6, shape: [2, 3] },
      { activation: 'softmax', pass: 'forward', size: 20, shape: [4, 5] },
      { activation: 'relu', pass: 'forward', size: 100 },
      { activation: 'relu', pass: 'train', size: 100 },
    ]);
  });

  it('each side of each case computes the same thing as the other', () => {
    for (const name of ['softmax', 'logSoftmax', 'softmaxCrossEntropy'] as const) {
      for (const pass of ['forward', 'backward', 'forward+backward'] as const) {
        const c = makeRowCase(name, pass, [3, 7]);
        const [ours, theirs] = [c.run.custom(), c.run.builtin()];
        expect(ours.shape).toEqual(theirs.shape);
        const a = ours.dataSync();
        const b = theirs.dataSync();
        a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b[i]))));
        tf.dispose([ours, theirs]);
        c.dispose();
      }
    }
    expect(() => makeRowCase('softmax', 'train', [2, 2])).toThrow('bench: softmax has no train pass (its passes: forward, backward, forward+backward)');
  });

  it('a tiny sweep records the shape in its results and leaks nothing', async () => {
    const results = await benchBackend('cpu', { activations: ['softmax'], passes: ['backward'], shapes: [[4, 8]], warmup: 1, warmupMs: 0, budgetMs: 5, minSamples: 2, maxSamples: 2, minSampleMs: 1, bandwidthGBs: 10 });
    expect(results.map((r) => [r.impl, r.shape, r.size, r.leakedTensors])).toEqual([['custom', [4, 8], 32, 0], ['builtin', [4, 8], 32, 0]]);
  });

  it('--shapes and --activations flags', () => {
    expect(parseShapes('100x100, 64x32000')).toEqual([[100, 100], [64, 32000]]);
    expect(() => parseShapes('10xa')).toThrow("shape '10xa' is not dims of positive integers joined by x (e.g. 64x32000)");
    expect(benchOptionsFromFlags({ backends: 'cpu', activations: 'softmaxCrossEntropy', shapes: '2x3' })).toMatchObject({ activations: ['softmaxCrossEntropy'], shapes: [[2, 3]] });
    expect(() => benchOptionsFromFlags({ backends: 'cpu', activations: 'softmx' })).toThrow("unknown activation 'softmx'");
  });
});
