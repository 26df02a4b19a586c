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
    value: (z, alpha) => (z > 0 ? z : alpha * z),
    derivative: (z, alpha) => (Number.isNaN(z) ? NaN : z > 0 ? 1 : alpha),
    secondDerivative: (z) => (Number.isNaN(z) ? NaN : 0),
    derivativeFromSaved: (s, alpha) => (Number.isNaN(s) ? NaN : s > 0 ? 1 : alpha),
  },
  builtin: (x, alpha) => tf.leakyRelu(x, alpha),
  compositeDerivative: (s, alpha) => tf.step(s, alpha),
  js: {
    // tf's cpu kernel: z < 0 ? alpha * z : z (NaN and -0 pass through).
    forward: 'z < 0 ? alpha * z : z',
    derivative: 's > 0 ? 1 : s <= 0 ? alpha : NaN',
  },
};
