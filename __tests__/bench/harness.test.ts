import * as tf from '@tensorflow/tfjs';
import { setBackend } from '../helpers/backends';
import { makeCase } from '../../benchmarks/src/bench/cases';
import { benchBackend, measureCase, sweepCases, timePair } from '../../benchmarks/src/bench/harness';
import type { Impl } from '../../benchmarks/src/bench/types';

const tiny = { warmup: 1, budgetMs: 0, minSamples: 3, maxSamples: 3, minSampleMs: 0 };

describe('bench harness', () => {
  beforeAll(async () => {
    await setBackend('cpu');
  });

  test('the two sides run interleaved, A B A B, a batch at a time', async () => {
    const log: Impl[] = [];
    const run = {
      custom: () => (log.push('custom'), tf.zeros([2])),
      builtin: () => (log.push('builtin'), tf.zeros([2])),
    };
    const before = tf.memory().numTensors;
    const t1 = await timePair(run, { ...tiny, batch: 1 });
    // one warm-up round, then three sampled rounds
    expect(log).toEqual(['custom', 'builtin', 'custom', 'builtin', 'custom', 'builtin', 'custom', 'builtin']);
    expect(t1.samples.custom).toHaveLength(3);
    expect(t1.samples.builtin).toHaveLength(3);
    log.length = 0;
    await timePair(run, { ...tiny, warmup: 0, minSamples: 2, maxSamples: 2, batch: 2 });
    // warm-up is at least one round; then batches of 2
    expect(log.join(' ')).toBe('custom builtin custom custom builtin builtin custom custom builtin builtin');
    expect(tf.memory().numTensors).toBe(before); // every result disposed
  });

  test('warm-up goes on past `warmup` rounds until warmupMs has passed', async () => {
    let now = 0;
    let calls = 0;
    const step = (): tf.Tensor => ((now += 1), calls++, tf.zeros([1]));
    await timePair({ custom: step, builtin: step }, { warmup: 1, warmupMs: 30, budgetMs: 0, minSamples: 1, maxSamples: 1, minSampleMs: 0, batch: 1 }, () => now);
    // 1 ms a run, two runs a round: 15 warm-up rounds reach 30 ms, then one sampled round.
    expect(calls).toBe(32);
  });

  test('sampling stops at the budget once minSamples are in, and never passes maxSamples', async () => {
    const run = { custom: () => tf.zeros([1]), builtin: () => tf.zeros([1]) };
    // A virtual clock: 1 ms per reading.
    let now = 0;
    const clock = (): number => (now += 1);
    const t = await timePair(run, { warmup: 1, budgetMs: 20, minSamples: 2, maxSamples: 1000, minSampleMs: 0, batch: 1 }, clock);
    expect(t.samples.custom.length).toBeGreaterThanOrEqual(2);
    expect(t.samples.custom.length).toBeLessThan(20);
    const capped = await timePair(run, { warmup: 1, budgetMs: 1e9, minSamples: 1, maxSamples: 4, minSampleMs: 0, batch: 1 }, clock);
    expect(capped.samples.custom).toHaveLength(4);
    // Slow runs (30 ms against a 20 ms budget): 3 samples once 4x the budget is spent, not minSamples.
    const slow = { custom: () => ((now += 30), tf.zeros([1])), builtin: () => tf.zeros([1]) };
    const few = await timePair(slow, { warmup: 1, budgetMs: 20, minSamples: 10, maxSamples: 1000, minSampleMs: 0, batch: 1 }, clock);
    expect(few.samples.custom).toHaveLength(3);
    // ...or minSlowSamples (bench --min-samples), for a median worth reporting.
    const more = await timePair(slow, { warmup: 1, budgetMs: 20, minSamples: 10, minSlowSamples: 7, maxSamples: 1000, minSampleMs: 0, batch: 1 }, clock);
    expect(more.samples.custom).toHaveLength(7);
  });

  test('the batch is calibrated so the faster side fills minSampleMs', async () => {
    let now = 0;
    const clock = (): number => now;
    const run = {
      custom: () => ((now += 0.5), tf.zeros([1])),
      builtin: () => ((now += 2), tf.zeros([1])),
    };
    const t = await timePair(run, { warmup: 2, budgetMs: 0, minSamples: 3, maxSamples: 3, minSampleMs: 5 }, clock);
    expect(t.batch).toBe(10); // ceil(5 ms / 0.5 ms)
    expect(t.samples.custom).toEqual([0.5, 0.5, 0.5]); // per-run time: sample time / batch
    expect(t.samples.builtin).toEqual([2, 2, 2]);
  });

  test('the batch is resized when warm-up runs were slowed by compiles', async () => {
    let now = 0;
    const clock = (): number => now;
    let calls = 0;
    // The first run of each side takes 10 ms ("compile"), then 0.1 ms.
    const step = (): tf.Tensor => ((now += calls++ < 2 ? 10 : 0.1), tf.zeros([1]));
    const t = await timePair({ custom: step, builtin: step }, { warmup: 1, budgetMs: 0, minSamples: 3, maxSamples: 3, minSampleMs: 2 }, clock);
    expect(t.batch).toBe(20);
    expect(t.samples.custom).toHaveLength(3);
    t.samples.custom.forEach((v) => expect(v).toBeCloseTo(0.1, 9));
  });

  test('a read-back that dwarfs the run (a GPU at 1e2) is amortised over a batch, not timed as the op', async () => {
    let now = 0;
    const clock = (): number => now;
    // Runs of 0.01 ms and 0.02 ms; each sample's read-back costs 5 ms.
    const run = { custom: () => ((now += 0.01), tf.zeros([1])), builtin: () => ((now += 0.02), tf.zeros([1])) };
    const readBack = async (): Promise<void> => {
      now += 5;
    };
    const t = await timePair(run, { warmup: 1, budgetMs: 1000, minSamples: 3, maxSamples: 3, minSampleMs: 2, readbacksPerSample: 10 }, clock, false, readBack);
    // 10 read-backs' worth of the faster side's runs: 50 ms / 0.01 ms.
    expect(Math.abs(t.batch - 5000)).toBeLessThanOrEqual(2); // float rounding of the virtual times
    const ratio = t.samples.builtin[0] / t.samples.custom[0];
    expect(ratio).toBeGreaterThan(1.8); // 2x in truth; sized from single runs (batch 1) it read 1.0
    expect(ratio).toBeLessThan(2);
    // A sample is never planned longer than half the case's budget: (30 ms - 5 ms) / 0.01 ms.
    const short = await timePair(run, { warmup: 1, budgetMs: 60, minSamples: 3, maxSamples: 3, minSampleMs: 2, readbacksPerSample: 10 }, clock, false, readBack);
    expect(Math.abs(short.batch - 2500)).toBeLessThanOrEqual(2);
  });

  test('with profile, the last warm-up round measures memory', async () => {
    const log: string[] = [];
    const run = { custom: () => (log.push('c'), tf.ones([8])), builtin: () => (log.push('b'), tf.ones([4]), tf.ones([8])) };
    const t = await timePair(run, { warmup: 2, budgetMs: 0, minSamples: 1, maxSamples: 1, minSampleMs: 0, batch: 1 }, undefined, true);
    expect(log.join('')).toBe('cbcbcb'); // timed warm-up, profiled warm-up, one sample round
    expect(t.memory?.custom).toEqual({ peakBytes: 32, newTensors: 1, leakedTensors: 0 });
    // The builtin side here forgets a tensor of 4 floats: a leak, reported.
    expect(t.memory?.builtin).toEqual({ peakBytes: 48, newTensors: 2, leakedTensors: 1 });
  });

  test('sweepCases skips train above maxTrainSize', () => {
    expect(sweepCases({ activations: ['relu'], passes: ['forward', 'train'], sizes: [100, 1e6], maxTrainSize: 1e4 })).toEqual([
      { activation: 'relu', pass: 'forward', size: 100 },
      { activation: 'relu', pass: 'forward', size: 1e6 },
      { activation: 'relu', pass: 'train', size: 100 },
    ]);
  });

  test('a deliberately slowed op is reported slower (virtual clock, exact)', async () => {
    let now = 0;
    const clock = (): number => now;
    const benchCase = {
      run: { custom: () => ((now += 5), tf.sigmoid(tf.zeros([4]))), builtin: () => ((now += 1), tf.sigmoid(tf.zeros([4]))) },
      dispose: () => undefined,
    };
    const id = { backend: 'cpu', activation: 'sigmoid' as const, pass: 'forward' as const, size: 4 };
    const [custom, builtin] = await measureCase(id, benchCase, { ...tiny, batch: 1 }, 10, clock);
    expect(custom.impl).toBe('custom');
    expect(custom.medianMs).toBe(5);
    expect(builtin.medianMs).toBe(1);
    expect(custom.bandwidthFraction).toBeCloseTo((2 * 4 * 4) / 5e-3 / 10e9, 15);
  });

  test('a busy-waiting op is reported slower on the real clock', async () => {
    const real = await makeCase('sigmoid', 'forward', 100, 0.01);
    const busy = (): tf.Tensor => {
      const until = performance.now() + 3;
      while (performance.now() < until) {
        // spin: 3 ms, far above a 100-element sigmoid
      }
      return real.run.custom();
    };
    const id = { backend: 'cpu', activation: 'sigmoid' as const, pass: 'forward' as const, size: 100 };
    const [custom, builtin] = await measureCase(id, { run: { custom: busy, builtin: real.run.builtin }, dispose: real.dispose }, tiny, 10);
    real.dispose();
    expect(custom.medianMs).toBeGreaterThan(builtin.medianMs);
    expect(custom.medianMs).toBeGreaterThanOrEqual(3);
  });

  test.each(['cpu', 'wasm'])('every pass runs on %s, both sides agree on the values, nothing leaks', async (backend) => {
    await setBackend(backend);
    const before = tf.memory().numTensors;
    for (const name of ['sigmoid', 'leakyRelu'] as const) {
      for (const pass of ['forward', 'backward', 'forward+backward'] as const) {
        const c = await makeCase(name, pass, 64, 0.2);
        const [ours, theirs] = [c.run.custom(), c.run.builtin()];
        expect(ours.shape).toEqual([64]);
        const [a, b] = [await ours.data(), await theirs.data()];
        a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
        tf.dispose([ours, theirs]);
        c.dispose();
      }
      const train = await makeCase(name, 'train', 200, 0.2);
      const [l1, l2] = [train.run.custom(), train.run.builtin()];
      // Same weights and data: the first step's losses agree.
      expect((await l1.data())[0]).toBeCloseTo((await l2.data())[0], 5);
      tf.dispose([l1, l2]);
      train.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    await setBackend('cpu');
  });

  test('benchBackend refuses a backend that is not active, and sweeps in order', async () => {
    await expect(benchBackend('wasm', tiny)).rejects.toThrow(/active backend is 'cpu'/);
    const labels: string[] = [];
    const results = await benchBackend(
      'cpu',
      { activations: ['relu'], passes: ['forward', 'backward'], sizes: [10, 20], ...tiny, bandwidthGBs: 10 },
      (p) => labels.push(`${p.done}/${p.total} ${p.label}`),
    );
    expect(results.map((r) => `${r.pass} ${r.size} ${r.impl}`)).toEqual([
      'forward 10 custom', 'forward 10 builtin', 'forward 20 custom', 'forward 20 builtin',
      'backward 10 custom', 'backward 10 builtin', 'backward 20 custom', 'backward 20 builtin',
    ]);
    expect(labels[0]).toBe('0/4 cpu relu forward 10');
    expect(labels[labels.length - 1]).toBe('4/4 cpu relu backward 20');
    for (const r of results) expect(r.leakedTensors).toBe(0);
  });
});
