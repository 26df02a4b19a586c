/** float64 references for the row ops (written from the definitions, not from the kernels). */
import { ulpDistance } from '../helpers/float32';

export type Rows = { values: Float32Array; n: number };

/** softmax of each row of n, in float64. */
export function softmax64(x: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let b = 0; b < x.length; b += n) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x[b + j]);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(x[b + j] - m);
    for (let j = 0; j < n; j++) out[b + j] = Math.exp(x[b + j] - m) / sum;
  }
  return out;
}

/**
 * logSoftmax in float64: log(sum) = log1p(sum of the terms other than the max's 1) so that a
 * sum of 1 + 1e-12 is not lost (its float64 is exact enough here, terms below 1e-300 aside).
 */
export function logSoftmax64(x: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let b = 0; b < x.length; b += n) {
    let m = -Infinity;
    let at = -1;
    for (let j = 0; j < n; j++) if (x[b + j] > m) (m = x[b + j]), (at = j);
    let rest = 0;
    for (let j = 0; j < n; j++) if (j !== at) rest += Math.exp(x[b + j] - m);
    const lse = Math.log1p(rest);
    for (let j = 0; j < n; j++) out[b + j] = x[b + j] - m - lse;
  }
  return out;
}

/** Pseudo-random floats in [-scale, scale] (a small LCG: the same rows every run). */
export function randomRows(count: number, scale: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/** The largest ulp distance of got from want (rounded to float32) where |want| >= floor. */
export function maxUlp(got: ArrayLike<number>, want: ArrayLike<number>, floor = 1e-30): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(want[i]) >= floor)) continue;
    worst = Math.max(worst, ulpDistance(got[i], Math.fround(want[i])));
  }
  return worst;
}
