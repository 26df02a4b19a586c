import * as tf from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from './types';

/**
 * leakyRelu(z) = z if z > 0 else alpha z (not max(alpha z, z), which is wrong for alpha > 1).
 * g'(z) = 1 if z > 0 else alpha, so g'(0) = alpha as in tf. For alpha > 0 the output has the
 * sign of z and backward reads it; for alpha <= 0 it cannot tell the sides apart (alpha < 0 maps
 * both sides to a >= 0), so backward reads the saved input. NaN gives NaN, unlike tf's built-in
 * gradient, which returns alpha * dy for NaN input.
 */
export const leakyRelu: ActivationDefinition = {
  name: 'leakyRelu',
  title: 'leaky ReLU',
  hasAlpha: true,
  defaultAlpha: 0.01,
  keepsInt32: true,
  saves: (alpha) => (alpha > 0 ? 'output' : 'input'),
  reference: {
    value: (z, alpha) => (z < 0 ? alpha * z : z),
    derivative: (z, alpha) => (Number.isNaN(z) ? NaN : z > 0 ? 1 : alpha),
    secondDerivative: (z) => (Number.isNaN(z) ? NaN : 0),
    derivativeFromSaved: (s, alpha) => (Number.isNaN(s) ? NaN : s > 0 ? 1 : alpha),
  },
  builtin: (x, alpha) => tf.leakyRelu(x, alpha),
  tfKernel: { name: 'LeakyRelu', attrs: (alpha) => ({ alpha }) },
  compositeDerivative: (s, alpha) => tf.step(s, alpha),
  js: {
    // tf's cpu kernel: z < 0 ? alpha * z : z (NaN and -0 pass through).
    forward: 'z < 0 ? alpha * z : z',
    derivative: 's > 0 ? 1 : s <= 0 ? alpha : NaN',
  },
  // tf's wasm leakyRelu is a scalar C loop, so forward is ours too (same select as the js one).
  wasm: {
    forward: `(v128.bitselect
      (f32x4.mul (local.get $alpha) (local.get $z))
      (local.get $z)
      (f32x4.lt (local.get $z) (v128.const f32x4 0 0 0 0)))`,
    forwardOn: ['wasm', 'cpu'],
    // 1 where s > 0, else alpha; NaN lanes (s != s) keep s.
    derivative: `(v128.bitselect
      (v128.bitselect (v128.const f32x4 1 1 1 1) (local.get $alpha) (f32x4.gt (local.get $s) (v128.const f32x4 0 0 0 0)))
      (local.get $s)
      (f32x4.eq (local.get $s) (local.get $s)))`,
  },
  glsl: {
    forward: 'where(isnan(z), z, where(z > 0.0, z, alpha * z))',
    derivative: 'where(isnan(s), NAN, where(s > 0.0, 1.0, alpha))',
  },
  wgsl: {
    forward: 'select(select(alpha * z, z, z > 0.0), z, isnan(z))',
    derivative: 'select(select(alpha, 1.0, s > 0.0), NAN, isnan(s))',
  },
};
