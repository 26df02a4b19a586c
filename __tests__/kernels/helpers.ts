import * as tf from '@tensorflow/tfjs';
import { activations } from 'tfjs-activations';
import type { ActivationName } from 'tfjs-activations';
import { runForward } from '../../src/kernels';
import { seededRandom, ulpDistance } from '../../src/gradcheck/float32';

/** Shared by the kernel tests: inputs with special values, the saved tensor, exact comparison. */

export { LEAKY_ALPHAS, alphasOf } from '../helpers/alphas';
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, 1e-45, -1e-45, 3.4e38, -3.4e38];

/** Deterministic values in [lo, hi), with the special values spread over the first elements. */
export function values(n: number, seed: number, lo = -6, hi = 6): Float32Array {
  const v = new Float32Array(n);
  const random = seededRandom(seed);
  for (let i = 0; i < n; i++) v[i] = lo + random() * (hi - lo);
  for (let i = 0; i < Math.min(n, SPECIALS.length); i++) v[(i * 7) % n] = SPECIALS[i];
  return v;
}

/** The saved tensor the op's backward reads: the output or the input, as definition.saves says. */
export function savedFor(name: ActivationName, x: tf.Tensor, alpha: number): tf.Tensor {
  const def = activations[name];
  return def.saves(alpha) === 'output' ? runForward(def, x, alpha) : x.clone();
}

/** Element-wise equality that tells -0 from +0 and takes NaN as equal to NaN; names the first miss. */
export function expectSameValues(got: tf.Tensor, want: tf.Tensor): void {
  expect(got.dtype).toBe('float32');
  expect(got.shape).toEqual(want.shape);
  const a = got.dataSync();
  const b = want.dataSync();
  let mismatches = 0;
  let first = -1;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) {
      mismatches++;
      if (first < 0) first = i;
    }
  }
  expect(mismatches === 0 ? 'all equal' : `${mismatches} mismatches, first at ${first}: ${a[first]} vs ${b[first]}`).toBe('all equal');
}

/**
 * expectSameValues where `ulps` is 0; else NaN where want is NaN, and every other element within
 * `ulps` float32 ulps (a definition whose routines differ from tf's, e.g. exp, states how far).
 */
export function expectWithinUlps(got: tf.Tensor, want: tf.Tensor, ulps: number): void {
  if (ulps === 0) {
    expectSameValues(got, want);
    return;
  }
  expect(got.dtype).toBe('float32');
  expect(got.shape).toEqual(want.shape);
  const a = got.dataSync();
  const b = want.dataSync();
  let worst = 0;
  let first = -1;
  for (let i = 0; i < a.length; i++) {
    const nanMismatch = Number.isNaN(a[i]) !== Number.isNaN(b[i]);
    const u = Number.isNaN(a[i]) ? 0 : ulpDistance(a[i], b[i]);
    if (nanMismatch && first < 0) first = i;
    worst = Math.max(worst, nanMismatch ? Infinity : u);
  }
  expect(first < 0 ? 'NaN where tf gives NaN' : `NaN mismatch at ${first}: ${a[first]} vs ${b[first]}`).toBe('NaN where tf gives NaN');
  expect(worst).toBeLessThanOrEqual(ulps);
}
