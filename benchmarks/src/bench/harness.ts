import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ActivationName } from 'tfjs-activations';
import { measureBandwidth } from './bandwidth';
import { bandwidthFraction } from './bytes';
import { makeCase } from './cases';
import { isRowBenchOp, makeRowCase, rowPasses } from './rowCases';
import type { BenchCase } from './cases';
import { summarize } from './stats';
import { defaultOptions } from './types';
import type { BenchOptions, BenchPass, BenchResult, Impl, ProgressCallback } from './types';

/*
 * The harness core. Environment-agnostic on purpose: only tfjs-core, this library and the global
 * `performance.now()` (Node >= 16 and every browser), so the same code runs in Node for cpu/wasm/
 * tensorflow and in a page for webgl/webgpu.
 *
 * Why a hand loop and not tinybench/mitata: both time one task's iterations back to back and then
 * the next task's; we need the two sides interleaved sample by sample (A B A B) so that drift on a
 * shared machine hits both, and one read-back per batch to wait for GPU-style backends. The loop
 * that does that is below; the statistics are in ./stats.ts.
 */

export type Clock = () => number;
const defaultClock: Clock = () => performance.now();

/** The order in which the two sides run within each round. */
export const interleaveOrder: readonly Impl[] = ['custom', 'builtin'];

/**
 * Backends whose kernels have finished when the op returns: nothing to wait for. A read-back
 * there is pure cost, and on wasm a large one: tf's wasm slice copies the whole tensor out of
 * the heap (5 ms at 1e6, 38 ms at 1e7 here, more than the op being timed).
 */
const SYNCHRONOUS_BACKENDS = new Set(['cpu', 'wasm', 'tensorflow']);

/** Whether syncOn reads back on the active backend (else the work is done when the op returns). */
function readsBack(): boolean {
  return !SYNCHRONOUS_BACKENDS.has(tf.getBackend());
}

/**
 * Waits until the backend has computed `t`. webgl and webgpu only enqueue work and execute it in
 * order, so reading back one element of t waits for everything queued before it; on cpu, wasm
 * and tensorflow the work is already done and this returns at once.
 */
export async function syncOn(t: Tensor): Promise<void> {
  if (!readsBack()) return;
  const one = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), 0, Math.min(1, t.size)));
  try {
    await one.data();
  } finally {
    one.dispose();
  }
}

export interface PairTiming {
  /** Per-run times (ms) of each sample, in the order taken. */
  samples: Record<Impl, number[]>;
  batch: number;
  /** One run of each side under tf.profile (when asked for; see timePair). */
  memory?: Record<Impl, MemoryUse>;
}

type TimingOptions = Pick<BenchOptions, 'warmup' | 'budgetMs' | 'minSamples' | 'maxSamples' | 'minSampleMs' | 'batch'> &
  Partial<Pick<BenchOptions, 'minSlowSamples' | 'warmupMs' | 'readbacksPerSample'>>;

const MAX_BATCH = 10000;
/**
 * Runs in the calibration sample that tells a run's own cost from the read-back's: up to 16,
 * fewer for slow runs (at most a quarter of the case's budget per side), at least 2.
 */
const CALIBRATION_RUNS = 16;

/**
 * Times the two sides interleaved: warm-up, then rounds of [custom sample, builtin sample] until
 * the time budget is spent and minSamples reached, or 4x the budget is spent and 3 samples
 * reached (slow cases), or maxSamples. A sample runs `batch` runs back to back, disposing each
 * result, and ends with one read-back of the last result (syncOn): its time / batch is one
 * sample. The batch is the same for both sides, sized so the faster side's sample lasts
 * minSampleMs and readbacksPerSample read-backs: the read-back and timer resolution are
 * amortised. A run's own cost and the read-back's are told apart by a calibration sample of
 * CALIBRATION_RUNS runs against the fastest single warm-up run (on a GPU a read-back takes ms
 * and a 1e2 op us: batches sized from single runs timed the read-back, not the op). The batch is
 * resized (samples discarded, up to 3 times) when a round shows samples under half of
 * minSampleMs, since warm-up runs can be slowed by compiles and JIT.
 * With `profile` and warmup >= 2, the last warm-up round runs each side once under tf.profile
 * (memoryOf) instead: memory is measured on a warm run without costing extra runs.
 */
export async function timePair(
  run: Record<Impl, () => Tensor>,
  options: TimingOptions,
  clock: Clock = defaultClock,
  profile = false,
  sync: (t: Tensor) => Promise<void> = syncOn,
): Promise<PairTiming> {
  const sample = async (impl: Impl, batch: number): Promise<number> => {
    const t0 = clock();
    let last = run[impl]();
    for (let i = 1; i < batch; i++) {
      last.dispose();
      last = run[impl]();
    }
    await sync(last);
    const ms = clock() - t0;
    last.dispose();
    return ms / batch;
  };
  const batchFor = (perRunMs: number): number =>
    Math.min(MAX_BATCH, Math.max(1, Math.ceil(options.minSampleMs / Math.max(1e-6, perRunMs))));

  /** Batch for the faster side: its per-run cost apart from the read-back, and the read-back's. */
  const calibratedBatch = async (): Promise<number> => {
    const fastest = Math.min(single.custom, single.builtin);
    // Backends that are not read back (syncOn) have no read-back cost to amortise.
    if (sync === syncOn && !readsBack()) return batchFor(fastest);
    let best = { runMs: Number.POSITIVE_INFINITY, readbackMs: 0 };
    for (const impl of interleaveOrder) {
      // A single run now, next to the calibration sample: a warm-up run may still have compiled.
      const one = Math.min(single[impl], await sample(impl, 1));
      const k = Math.max(2, Math.min(CALIBRATION_RUNS, Math.floor(options.budgetMs / (4 * one))));
      const perRun = await sample(impl, k);
      // one = run + read-back; perRun = run + read-back / k.
      const runMs = (k * perRun - one) / (k - 1);
      // Inconsistent timings (a disturbed sample): size from single runs, as without read-backs.
      if (!(runMs > 0)) return batchFor(fastest);
      if (runMs < best.runMs) best = { runMs, readbackMs: Math.max(0, one - runMs) };
    }
    const sampleMs = Math.max(options.minSampleMs, (options.readbacksPerSample ?? 10) * best.readbackMs);
    // Never plan a sample longer than half the case's budget.
    const cap = Math.max(1, Math.floor(Math.max(options.minSampleMs, options.budgetMs / 2 - best.readbackMs) / best.runMs));
    return Math.min(MAX_BATCH, cap, Math.max(1, Math.ceil(sampleMs / best.runMs)));
  };

  const rounds = Math.max(1, options.warmup);
  const profileRound = profile && rounds >= 2 ? rounds - 1 : -1;
  const single: Record<Impl, number> = { custom: Number.POSITIVE_INFINITY, builtin: Number.POSITIVE_INFINITY };
  let memory: Record<Impl, MemoryUse> | undefined;
  const warmStart = clock();
  const warmRound = async (): Promise<void> => {
    // The fastest warm-up run of each side: one disturbed run must not shrink the batch.
    for (const impl of interleaveOrder) single[impl] = Math.min(single[impl], await sample(impl, 1));
  };
  for (let w = 0; w < rounds; w++) {
    if (w === profileRound) {
      memory = { custom: await memoryOf(run.custom), builtin: await memoryOf(run.builtin) };
      continue;
    }
    await warmRound();
  }
  while (clock() - warmStart < (options.warmupMs ?? 0)) await warmRound();
  let batch = options.batch ?? (await calibratedBatch());

  const samples: Record<Impl, number[]> = { custom: [], builtin: [] };
  let resized = 0;
  const start = clock();
  for (;;) {
    for (const impl of interleaveOrder) samples[impl].push(await sample(impl, batch));
    const n = samples.custom.length;
    const fastest = Math.min(samples.custom[n - 1], samples.builtin[n - 1]);
    if (options.batch == null && resized < 3 && batch < MAX_BATCH && fastest * batch < options.minSampleMs / 2) {
      batch = batchFor(fastest);
      samples.custom.length = 0;
      samples.builtin.length = 0;
      resized++;
      continue;
    }
    if (n >= options.maxSamples) break;
    const elapsed = clock() - start;
    if (n >= options.minSamples && elapsed >= options.budgetMs) break;
    // Slow cases (large tensors on a software GPU, train at 1e6): at most 4x the budget, once
    // minSlowSamples (default: the median of 3) are available.
    if (n >= Math.min(options.minSlowSamples ?? 3, options.minSamples) && elapsed >= 4 * options.budgetMs) break;
  }
  if (profile && memory == null) memory = { custom: await memoryOf(run.custom), builtin: await memoryOf(run.builtin) };
  return { samples, batch, memory };
}

export interface MemoryUse {
  peakBytes: number;
  newTensors: number;
  leakedTensors: number;
}

/** One run under tf.profile: peak bytes above what existed before, tensors made, tensors leaked. */
export async function memoryOf(fn: () => Tensor): Promise<MemoryUse> {
  const before = tf.memory();
  const info = await tf.profile(() => fn());
  tf.dispose(info.result);
  return {
    // info.peakBytes is the largest total after a kernel; tensors made without one (tf.ones,
    // tf.tensor) show only in the bytes alive at the end.
    peakBytes: Math.max(0, info.peakBytes - before.numBytes, info.newBytes),
    newTensors: info.newTensors,
    leakedTensors: tf.memory().numTensors - before.numTensors,
  };
}

export interface CaseId {
  backend: string;
  activation: ActivationName;
  pass: BenchPass;
  size: number;
  /** Row-wise ops only: the shape timed (size is its element count). */
  shape?: number[];
}

/** Times one case and measures its memory: a result for each side. */
export async function measureCase(
  id: CaseId,
  benchCase: BenchCase,
  options: TimingOptions,
  bandwidthGBs: number,
  clock: Clock = defaultClock,
): Promise<BenchResult[]> {
  const timing = await timePair(benchCase.run, options, clock, true);
  const results: BenchResult[] = [];
  for (const impl of interleaveOrder) {
    const s = summarize(timing.samples[impl]);
    const memory = timing.memory?.[impl] ?? (await memoryOf(benchCase.run[impl]));
    results.push({
      ...id,
      impl,
      medianMs: s.median,
      p10Ms: s.p10,
      p90Ms: s.p90,
      samples: s.samples,
      batch: timing.batch,
      spread: s.spread,
      ...memory,
      bandwidthFraction: bandwidthFraction(id.pass, id.size, s.median, bandwidthGBs),
    });
  }
  return results;
}

/** The cases of a sweep, in the order they run. */
export function sweepCases(options: Pick<BenchOptions, 'activations' | 'passes' | 'sizes' | 'maxTrainSize' | 'shapes'>): Omit<CaseId, 'backend'>[] {
  const cases: Omit<CaseId, 'backend'>[] = [];
  for (const activation of options.activations) {
    if (isRowBenchOp(activation)) {
      // Row-wise ops run on shapes, not sizes, and have no train pass.
      for (const pass of options.passes.filter((p) => rowPasses.includes(p))) {
        for (const shape of options.shapes ?? defaultOptions.shapes ?? []) cases.push({ activation, pass, size: shape.reduce((a, b) => a * b, 1), shape });
      }
      continue;
    }
    for (const pass of options.passes) {
      for (const size of options.sizes) {
        if (pass === 'train' && size > (options.maxTrainSize ?? Number.POSITIVE_INFINITY)) continue;
        cases.push({ activation, pass, size });
      }
    }
  }
  return cases;
}

/**
 * Runs the sweep on `backendName`, which the caller has already made the active backend (in Node:
 * useBackend from src/backends.ts; in a page: tf.setBackend). tf's gradients must be registered
 * (the @tensorflow/tfjs package does it; in Node see src/bench/node.ts).
 */
export async function benchBackend(
  backendName: string,
  partial: Partial<BenchOptions> = {},
  onProgress?: ProgressCallback,
): Promise<BenchResult[]> {
  if (tf.getBackend() !== backendName) {
    throw new Error(`benchBackend('${backendName}'): the active backend is '${tf.getBackend()}'; set it first`);
  }
  const options: BenchOptions = { ...defaultOptions, ...partial };
  const bandwidthGBs = options.bandwidthGBs ?? measureBandwidth();
  const cases = sweepCases(options);
  const results: BenchResult[] = [];
  let done = 0;
  for (const c of cases) {
    const id: CaseId = { backend: backendName, ...c };
    const label = `${backendName} ${c.activation} ${c.pass} ${c.shape != null ? c.shape.join('x') : formatSize(c.size)}`;
    onProgress?.({ done, total: cases.length, label });
    const benchCase =
      c.shape != null && isRowBenchOp(c.activation)
        ? makeRowCase(c.activation, c.pass, c.shape)
        : await makeCase(c.activation, c.pass, c.size, options.alpha, options.baseline);
    try {
      results.push(...(await measureCase(id, benchCase, options, bandwidthGBs)));
    } finally {
      benchCase.dispose();
    }
    done++;
    onProgress?.({ done, total: cases.length, label });
  }
  return results;
}

/** 1e6 for powers of ten, else the plain number. */
export function formatSize(n: number): string {
  const e = Math.log10(n);
  return n >= 100 && Number.isInteger(e) ? `1e${e}` : String(n);
}

/** Parses "1e2,1e4,1000" into positive integers. */
export function parseSizes(list: string): number[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 1) throw new Error(`size '${s}' is not a positive integer`);
      return n;
    });
}
