/*
 * Side-by-side timing of our cpu / wasm kernels against tf's built-ins, for kernel work
 * (issue 7), on the harness's cases (src/bench/cases.ts); the full report is
 * `node dist/cli.js bench`. Timing is interleaved like the harness's, with one difference: no
 * read-back after a sample. cpu and wasm finish a kernel before returning, and the harness's
 * one-element read-back (tf.slice) costs 50 to 140 ms on a 1e7-element wasm tensor (tf's wasm
 * Slice copies the whole tensor out of the heap), which swamps both sides at large sizes. Run:
 *   npx esbuild benchmarks/kernels.ts --bundle --platform=node --external:@tensorflow/* --outfile=build/kernels.js
 *   node build/kernels.js <backend> <activations,...> <passes,...> <sizes,...>
 */
import '@tensorflow/tfjs'; // registers tf's gradients
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../src/backends';
import type { BackendName } from '../src/backends';
import type { ActivationName } from '../src/activations/types';
import { measureBandwidth } from '../src/bench/bandwidth';
import { bandwidthFraction } from '../src/bench/bytes';
import { makeCase } from '../src/bench/cases';
import { summarize } from '../src/bench/stats';
import type { BenchPass, Impl } from '../src/bench/types';

/** Interleaved samples [ours, tf's] until budgetMs is spent (at least minSamples); batch sized to minSampleMs. */
function timeSync(run: Record<Impl, () => tf.Tensor>, budgetMs = 1500, minSamples = 9, minSampleMs = 20): Record<Impl, number[]> {
  const once = (impl: Impl, batch: number): number => {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) run[impl]().dispose();
    return (performance.now() - t0) / batch;
  };
  let fastest = Infinity;
  for (let w = 0; w < 3; w++) for (const impl of ['custom', 'builtin'] as const) fastest = Math.min(fastest, once(impl, 1));
  const batch = Math.max(1, Math.ceil(minSampleMs / Math.max(fastest, 1e-4)));
  const samples: Record<Impl, number[]> = { custom: [], builtin: [] };
  const start = performance.now();
  while (samples.custom.length < minSamples || (performance.now() - start < budgetMs && samples.custom.length < 200)) {
    for (const impl of ['custom', 'builtin'] as const) samples[impl].push(once(impl, batch));
  }
  return samples;
}

/**
 * The cpu backend's limit: every kernel (tf's and ours) returns a fresh Float32Array, whose pages
 * the OS maps and zeroes on first write. Copying into a fresh array vs into a touched one shows
 * what that costs, as GB/s over read + written bytes (the harness's bandwidth accounting).
 */
function freshOutputBound(n: number): string {
  const src = new Float32Array(n).fill(1);
  const touched = new Float32Array(n).fill(2);
  const fresh: number[] = [];
  const warm: number[] = [];
  for (let r = 0; r < 7; r++) {
    let t0 = performance.now();
    new Float32Array(n).set(src);
    fresh.push(performance.now() - t0);
    t0 = performance.now();
    touched.set(src);
    warm.push(performance.now() - t0);
  }
  const gbs = (ms: number[]): string => ((8 * n) / (Math.min(...ms) * 1e-3) / 1e9).toFixed(2);
  return `copy of ${n} floats: into a fresh Float32Array ${gbs(fresh)} GB/s, into a touched one ${gbs(warm)} GB/s (best of 7)`;
}

async function main(): Promise<void> {
  const [backend = 'wasm', acts = 'sigmoid,tanh,relu,leakyRelu', passes = 'backward', sizes = '100,10000,1000000'] = process.argv.slice(2);
  await useBackend(backend as BackendName);
  const bw = measureBandwidth();
  console.log(`${backend} bandwidth ${bw.toFixed(2)} GB/s ${new Date().toISOString()}`);
  for (const n of sizes.split(',').map(Number).filter((v) => v >= 1e6)) console.log(freshOutputBound(n));
  for (const pass of passes.split(',') as BenchPass[]) {
    for (const name of acts.split(',') as ActivationName[]) {
      for (const size of sizes.split(',').map(Number)) {
        const c = await makeCase(name, pass, size, 0.2);
        const t = timeSync(c.run);
        c.dispose();
        const ours = summarize(t.custom).median;
        const theirs = summarize(t.builtin).median;
        const frac = bandwidthFraction(pass, size, ours, bw);
        console.log(
          [pass.padEnd(16), name.padEnd(9), String(size).padStart(8), `ours ${ours.toFixed(4)} ms`, `tf ${theirs.toFixed(4)} ms`,
            `speedup ${(theirs / ours).toFixed(2)}x`, frac == null ? '' : `bw ${(frac * 100).toFixed(0)}%`].join('  '),
        );
      }
    }
  }
  console.log('tensors alive', tf.memory().numTensors);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
