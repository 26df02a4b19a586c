import * as tf from '@tensorflow/tfjs-core';
import { gt, lt, mul, select } from '../expr/ast';
import type { ActivationSpec } from './types';

/**
 * leakyRelu(z) = z if z >= 0 else alpha z (not max(alpha z, z), which is wrong for alpha > 1).
 * g'(z) = 1 if z > 0 else alpha, so g'(0) = alpha as in tf. For alpha > 0 the output has the
 * sign of z and backward reads it; for alpha <= 0 it cannot tell the sides apart (alpha < 0 maps
 * both sides to a >= 0), so backward reads the saved input. NaN gives NaN, unlike tf's built-in
 * gradient, which returns alpha * dy for NaN input.
 */
export const leakyRelu = {
  name: 'leakyRelu',
  title: 'leaky ReLU',
  forward: (z, alpha) => select(lt(z, 0), mul(alpha, z), z), // tf's cpu kernel's select
  derivative: (s, alpha) => select(gt(s, 0), 1, alpha),
  saves: (alpha) => (alpha > 0 ? 'output' : 'input'),
  alpha: { default: 0.01 },
  reference: {
    value: (z, alpha) => (z < 0 ? alpha * z : z),
    derivative: (z, alpha) => (Number.isNaN(z) ? NaN : z > 0 ? 1 : alpha),
    secondDerivative: (z) => (Number.isNaN(z) ? NaN : 0),
    derivativeFromSaved: (s, alpha) => (Number.isNaN(s) ? NaN : s > 0 ? 1 : alpha),
  },
  builtin: (x, alpha) => tf.leakyRelu(x, alpha),
  tfKernel: { name: 'LeakyRelu', attrs: (alpha) => ({ alpha }) },
  keepsInt32: true,
  // tf's wasm leakyRelu is a scalar C loop: forward is ours on both.
  simdForwardOn: ['wasm', 'cpu'],
  // alpha is a float32 in the SIMD body (as in tf's wasm kernel), a double in tf's cpu loop.
  tolerance: { forwardUlp: 1 },
  // tfjs-layers has no 'leakyRelu' activation string; its LeakyReLU layer computes the same.
  layersLayer: 'leakyReLU',
} satisfies ActivationSpec;
