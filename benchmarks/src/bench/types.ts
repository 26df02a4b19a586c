import type { ActivationName } from 'tfjs-activations';
import { activationNames } from 'tfjs-activations';

/** What one benchmark case times (see README "Benchmarks" and src/bench/cases.ts). */
export type BenchPass = 'forward' | 'backward' | 'forward+backward' | 'train';
export const allPasses: BenchPass[] = ['forward', 'backward', 'forward+backward', 'train'];

/** Ours (the op and its kernels) or the baseline: tf's built-in op and registered gradient, by default. */
export type Impl = 'custom' | 'builtin';

/**
 * What the 'builtin' side runs: tf's own op ('tf'), or our same ops in tf.customGrad form
 * ('customGrad', src/custom-grad.ts), to measure what the registered-gradient form saves.
 */
export type Baseline = 'tf' | 'customGrad';
export const baselines: readonly Baseline[] = ['tf', 'customGrad'];

/** Timing knobs for one backend's sweep. Every field has a default (see defaultOptions). */
export interface BenchOptions {
  activations: ActivationName[];
  passes: BenchPass[];
  sizes: number[];
  /**
   * Shapes [rows, n] for the row-wise ops (softmax, logSoftmax, softmaxCrossEntropy;
   * src/bench/rowCases.ts). Optional: reports written before the row-wise ops have none.
   */
  shapes?: number[][];
  /** leakyRelu's alpha (ignored by the others). */
  alpha: number;
  /** Untimed runs of each side before timing (shader compiles, JIT, caches)... */
  warmup: number;
  /**
   * ...continued until this many ms have passed: tf's and our JS paths tier up in the JIT over
   * hundreds of calls, so a fast case with only `warmup` runs times cold code (the first case of
   * a sweep read 0.66x one run and 0.99x the next).
   */
  warmupMs: number;
  /** Time budget per case (both sides together), ms: sampling stops once it is spent... */
  budgetMs: number;
  /** ...and at least this many samples per side were taken (or minSlowSamples, once 4x the budget is spent). */
  minSamples: number;
  /**
   * Slow cases (train at 1e6 on cpu: ~0.5 s a step) stop at 4x the budget once this many samples
   * per side were taken. A median of 3 is a first look; `bench --min-samples` raises both.
   */
  minSlowSamples: number;
  /** Never more samples per side than this. */
  maxSamples: number;
  /**
   * A sample is a batch of runs followed by one read-back; the batch is sized so the faster
   * side's sample lasts at least this long, amortising the read-back and timer resolution.
   */
  minSampleMs: number;
  /**
   * ...and at least this many read-backs' worth of runs (GPU backends: a read-back is ms, a 1e2
   * op us), so the read-back is at most 1/(n+1) of a sample.
   */
  readbacksPerSample: number;
  /** The side ours is timed against (default 'tf'). */
  baseline?: Baseline;
  /**
   * The train pass runs only at sizes up to this (default: all). Its step is matMul-bound at
   * 1e6 (about a second on cpu here), so the quick report stops it at 1e4.
   */
  maxTrainSize?: number;
  /** Force the batch size (tests); otherwise calibrated per case. */
  batch?: number;
  /** Streaming bandwidth of this machine in GB/s, for bandwidthFraction; measured if absent. */
  bandwidthGBs?: number;
}

/** One side of one case: the JSON record tools read (field names are a stable contract). */
export interface BenchResult {
  backend: string;
  activation: ActivationName;
  pass: BenchPass;
  /** Elements in the activation's tensor (for train: batch x hidden width). */
  size: number;
  /** The tensor's shape, for the row-wise ops (absent for the elementwise ones). */
  shape?: number[];
  impl: Impl;
  /** Median time of one run, ms. */
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  /** Number of timed samples (each a batch of `batch` runs). */
  samples: number;
  batch: number;
  /** (p90 - p10) / median. */
  spread: number;
  /** Peak bytes allocated during one run, above what existed before it (tf.profile). */
  peakBytes: number;
  /** Tensors allocated by one run (tf.profile newTensors), its returned result included. */
  newTensors: number;
  /** Tensors still alive after one run once its result is disposed: anything but 0 is a leak. */
  leakedTensors: number;
  /** (bytes read + written) / medianMs / bandwidth; null where no streaming model applies (train). */
  bandwidthFraction: number | null;
}

export interface Progress {
  done: number;
  total: number;
  /** e.g. "wasm sigmoid backward 1e6". */
  label: string;
}
export type ProgressCallback = (p: Progress) => void;

/** A backend the run could not use, and why. */
export interface SkippedBackend {
  backend: string;
  reason: string;
}

/** The whole run: what `bench --json` writes. */
export interface BenchReport {
  machine: Record<string, string | number>;
  /** Streaming bandwidth measured in this run (typed-array copy), GB/s. */
  bandwidthGBs: number;
  date: string;
  options: Omit<BenchOptions, 'bandwidthGBs' | 'batch'>;
  results: BenchResult[];
  skipped: SkippedBackend[];
  /** Wall time each backend's sweep took, seconds. */
  elapsedS: Record<string, number>;
}

export const defaultOptions: BenchOptions = {
  activations: activationNames,
  passes: allPasses,
  sizes: [1e2, 1e4, 1e6],
  shapes: [[100, 100], [1000, 1000], [64, 32000]],
  alpha: 0.01,
  warmup: 3,
  warmupMs: 200,
  budgetMs: 600,
  minSamples: 10,
  minSlowSamples: 3,
  maxSamples: 300,
  minSampleMs: 5,
  readbacksPerSample: 10,
};

/** `--quick` (and `npm start`): the same sweep on a smaller time budget. */
export const quickOptions: Partial<BenchOptions> = {
  warmup: 2,
  warmupMs: 50,
  budgetMs: 150,
  minSamples: 7,
  maxSamples: 100,
  minSampleMs: 2,
  readbacksPerSample: 3,
};
