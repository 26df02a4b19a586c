import * as tf from '@tensorflow/tfjs';
import { activations } from 'tfjs-activations';
import type { ActivationDefinition, ActivationName } from 'tfjs-activations';
import { runForward } from '../../src/kernels';
import { seededRandom, ulp, ulpDistance } from '../../src/gradcheck/float32';

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
/**
 * The fused backward against tf ops computing the same formula: bit for bit, or within the
 * definition's derivativeAbs per unit of |dy| (plus one ulp) where its routines differ from tf's.
 */
export function expectBackwardMatches(def: ActivationDefinition, got: tf.Tensor, want: tf.Tensor, dy: tf.Tensor | null): void {
  const { derivativeAbs, derivativeUlp } = def.tolerance;
  if (derivativeAbs === 0 && derivativeUlp === 0) return expectSameValues(got, want);
  expect(got.shape).toEqual(want.shape);
  const a = got.dataSync();
  const b = want.dataSync();
  const d = dy?.dataSync();
  let bad = '';
  for (let i = 0; i < a.length && bad === ''; i++) {
    if (Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i]))) continue;
    // Within the ulps the definition states (its exp vs tf's), or its absolute allowance per |dy|.
    if (!Number.isNaN(a[i]) && !Number.isNaN(b[i]) && ulpDistance(a[i], b[i]) <= derivativeUlp) continue;
    const allowed = derivativeAbs * Math.abs(d?.[i] ?? 1) + ulp(b[i]);
    if (!(derivativeAbs > 0 && Math.abs(a[i] - b[i]) <= allowed)) bad = `at ${i}: ${a[i]} vs ${b[i]} (${derivativeUlp} ulp or ${allowed} allowed)`;
  }
  expect(bad === '' ? 'all within tolerance' : bad).toBe('all within tolerance');
}

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

