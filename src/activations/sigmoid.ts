import * as tf from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from './types';

/** Logistic sigmoid, evaluated so that neither branch overflows. */
function sigma(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * sigmoid(z) = 1 / (1 + e^-z); g'(z) = a(1 - a); g''(z) = a(1 - a)(1 - 2a).
 * The float64 reference uses sigma(z) * sigma(-z) rather than a(1 - a) so that it stays exact
 * where a rounds to 1.
 */
export const sigmoid: ActivationDefinition = {
  name: 'sigmoid',
  title: 'sigmoid',
  hasAlpha: false,
  defaultAlpha: 0,
  keepsInt32: false,
  saves: () => 'output',
  reference: {
    value: (z) => sigma(z),
    derivative: (z) => sigma(z) * sigma(-z),
    // 1 - 2a = sigma(-z) - sigma(z), exact in both tails.
    secondDerivative: (z) => sigma(z) * sigma(-z) * (sigma(-z) - sigma(z)),
    derivativeFromSaved: (a) => a * (1 - a),
  },
  builtin: (x) => tf.sigmoid(x),
  tfKernel: { name: 'Sigmoid', attrs: () => ({}) },
  compositeDerivative: (a) => tf.mul(a, tf.sub(1, a)),
  js: {
    // Same expression as tf's cpu kernel, so forward is bit-identical there.
    forward: '1 / (1 + Math.exp(-z))',
    derivative: 's * (1 - s)',
  },
  // Backward only: tf's wasm sigmoid (XNNPACK) is already fast. Same operations as tf's
  // gradient, dy * (a * (1 - a)), so bit-identical to it.
  wasm: {
    derivative: '(f32x4.mul (local.get $s) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $s)))',
  },
  // GPU compilers may assume no NaN (SwiftShader's exp(NaN) gives 0): NaN is tested explicitly.
  glsl: {
    forward: 'where(isnan(z), z, 1.0 / (1.0 + exp(-z)))',
    derivative: 'where(isnan(s), s, s * (1.0 - s))',
  },
  wgsl: {
    forward: 'select(1.0 / (1.0 + exp(-z)), z, isnan(z))',
    derivative: 'select(s * (1.0 - s), s, isnan(s))',
  },
};
