import * as tf from '@tensorflow/tfjs-core';
import { add, clip, ge, le, mul, select } from '../expr/ast';
import type { ActivationSpec } from './types';

/**
 * hardSigmoid(z) = clip(0.2 z + 0.5, 0, 1) (tfjs-layers' definition; Keras' too). g'(z) = 0.2 on
 * [-2.5, 2.5], else 0: tf's clipByValue gradient passes dy where 0 <= 0.2 z + 0.5 <= 1, both
 * ends included. The output cannot give that at the kinks (a = 0 for every z <= -2.5, where g'
 * is 0.2 at -2.5 and 0 below), so backward reads the input: the same bytes move either way.
 */
export const hardSigmoid = {
  name: 'hardSigmoid',
  title: 'hard sigmoid',
  // 0.2 (z + 2.5): z + 2.5 is exact near the lower kink, where 0.2 z + 0.5 cancels (3277 ulp).
  forward: (z) => clip(mul(0.2, add(z, 2.5)), 0, 1),
  derivative: (x) => select(ge(x, -2.5), select(le(x, 2.5), 0.2, 0), 0),
  saves: 'input',
  reference: {
    value: (z) => (Number.isNaN(z) ? NaN : Math.min(Math.max(0.2 * (z + 2.5), 0), 1)),
    derivative: (z) => (Number.isNaN(z) ? NaN : z >= -2.5 && z <= 2.5 ? 0.2 : 0),
    secondDerivative: (z) => (Number.isNaN(z) ? NaN : 0),
  },
  // tfjs-layers' hardSigmoid: tf.clipByValue(tf.add(0.5, tf.mul(0.2, x)), 0, 1).
  builtin: (x) => tf.clipByValue(tf.add(0.5, tf.mul(0.2, x)), 0, 1),
  tolerance: { forwardUlp: 1 },
  layersName: 'hardSigmoid',
} satisfies ActivationSpec;
