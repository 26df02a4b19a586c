/**
 * What bounds issue 14's wasm cases at 1e6: for each activation and pass, ours and tf's medians
 * (the harness's own cases, benchmarks/src/bench/cases.ts), the time ours would need for the
 * issue's target (tf / target), and two floors measured in the same rotation:
 *   - memory: the case's bytes (src/bench/bytes.ts: 2 tensors forward, 3 backward) at the
 *     fastest streaming rate tf's wasm kernels reach here (tf.neg, tf.add: XNNPACK);
 *   - arithmetic: XNNPACK's own kernel for the transcendental work the pass cannot avoid, the
 *     fastest there is on this backend: tf.sigmoid (one exp and one division an element) for
 *     the ones that need a sigmoid or exp + division (silu, mish, gelu, geluTanh), tf.elu
 *     (one expm1, no division) for softplus's backward 1 - e^-a.
 * A target whose needed time is under a floor cannot be met by any kernel on this machine.
 *
 *   npm run wasm:bounds
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ActivationName } from 'tfjs-activations';
import { makeCase } from '../benchmarks/src/bench/cases';
import { quantile } from '../benchmarks/src/bench/stats';
import type { BenchPass } from '../benchmarks/src/bench/types';

const SIZE = 1e6;
const ROUNDS = 41;

type Floor = 'sigmoid' | 'elu' | null;
/** Issue 14's targets at sizes >= 1e4, and the transcendental floor of each pass. */
const CASES: { name: ActivationName; pass: BenchPass; target: number; floor: Floor }[] = [
  { name: 'gelu', pass: 'forward', target: 3, floor: 'sigmoid' },
  { name: 'gelu', pass: 'backward', target: 5, floor: 'sigmoid' },
  { name: 'geluTanh', pass: 'backward', target: 5, floor: 'sigmoid' },
  { name: 'silu', pass: 'forward', target: 3, floor: 'sigmoid' },
  { name: 'silu', pass: 'backward', target: 5, floor: 'sigmoid' },
  { name: 'mish', pass: 'backward', target: 5, floor: 'sigmoid' },
  { name: 'softplus', pass: 'backward', target: 5, floor: 'elu' },
  { name: 'elu', pass: 'backward', target: 5, floor: null },
  { name: 'selu', pass: 'backward', target: 5, floor: null },
  { name: 'softsign', pass: 'backward', target: 5, floor: null },
  { name: 'relu6', pass: 'forward', target: 1.5, floor: null },
  { name: 'relu6', pass: 'backward', target: 5, floor: null },
  { name: 'hardSigmoid', pass: 'backward', target: 5, floor: null },
];
const TENSORS: Record<string, number> = { forward: 2, backward: 3 };


/** Median ms of each named run, interleaved round by round (results disposed). */
function timeInterleaved(runs: Record<string, () => Tensor>): Record<string, number> {
  const names = Object.keys(runs);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = -5; round < ROUNDS; round++) {
    for (const n of names) {
      const t0 = performance.now();
      const out = runs[n]();
      const ms = performance.now() - t0;
      out.dispose();
      if (round >= 0) samples[n].push(ms);
    }
  }
  return Object.fromEntries(names.map((n) => [n, quantile(samples[n], 0.5)]));
}

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  await tf.setBackend('wasm');
  await tf.ready();
  const x = tf.randomUniform([SIZE], -4, 4, 'float32', 1);
  const y = tf.randomUniform([SIZE], -1, 1, 'float32', 2);
  const reference = {
    neg: () => tf.neg(x),
    add: () => tf.add(x, y),
    sigmoid: () => tf.sigmoid(x),
    elu: () => tf.elu(x),
  };
  const measured: { c: (typeof CASES)[number]; t: Record<string, number> }[] = [];
  for (const c of CASES) {
    const bench = await makeCase(c.name, c.pass, SIZE, 0.01);
    try {
      measured.push({ c, t: timeInterleaved({ ours: bench.run.custom, tf: bench.run.builtin, ...reference }) });
    } finally {
      bench.dispose();
    }
  }
  // Floors from the best median any case's rotation saw (the least disturbed by other processes):
  // a floor must not be slower than what the machine showed it can do.
  const best = (n: keyof typeof reference) => Math.min(...measured.map((m) => m.t[n]));
  // The streaming rate: bytes read + written per ms by the faster of tf's two memory-bound kernels.
  const bytesPerMs = Math.max((8 * SIZE) / best('neg'), (12 * SIZE) / best('add'));
  const f = (v: number) => v.toFixed(2);
  console.log(`wasm, ${SIZE} elements, medians of ${ROUNDS} interleaved rounds; ${new Date().toISOString()}`);
  console.log(`floors: streaming ${f(bytesPerMs / 1e6)} GB/s (tf.neg ${f(best('neg'))} ms, tf.add ${f(best('add'))} ms), tf.sigmoid ${f(best('sigmoid'))} ms, tf.elu ${f(best('elu'))} ms\n`);
  console.log('| activation | pass | tf ms | ours ms | speedup | target | ours needs ms | memory floor ms | XNNPACK floor ms | reachable |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const { c, t } of measured) {
    const memory = (TENSORS[c.pass] * 4 * SIZE) / bytesPerMs;
    const arithmetic = c.floor == null ? null : best(c.floor);
    const needs = t.tf / c.target;
    const floor = Math.max(memory, arithmetic ?? 0);
    console.log(
      `| ${c.name} | ${c.pass} | ${f(t.tf)} | ${f(t.ours)} | ${f(t.tf / t.ours)}x | ${c.target}x | ${f(needs)} | ${f(memory)} | ${arithmetic == null ? '-' : `${f(arithmetic)} (tf.${c.floor})`} | ${needs >= floor ? 'yes' : `no: ${f(floor / needs)}x faster than the floor`} |`,
    );
  }
  tf.dispose([x, y]);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
