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
  // tf's mask, on y = 0.2 x + 0.5 in float32 (the kernels' constants are float32), so the kinks
  // are tf's to the bit: z = -2.5 and 2.5 and the few float32 neighbours whose y rounds onto 0 or 1.
  derivative: (x) => select(ge(add(mul(0.2, x), 0.5), 0), select(le(add(mul(0.2, x), 0.5), 1), 0.2, 0), 0),
  saves: 'input',
  reference: {
    value: (z) => (Number.isNaN(z) ? NaN : Math.min(Math.max(0.2 * (z + 2.5), 0), 1)),
    derivative: (z) => (Number.isNaN(z) ? NaN : z >= -2.5 && z <= 2.5 ? 0.2 : 0),
    secondDerivative: (z) => (Number.isNaN(z) ? NaN : 0),
  },
  // tfjs-layers' hardSigmoid: tf.clipByValue(tf.add(0.5, tf.mul(0.2, x)), 0, 1).
  builtin: (x) => tf.tidy(() => tf.clipByValue(tf.add(0.5, tf.mul(0.2, x)), 0, 1)),
  // forward: 0.2 (z + 2.5) against tf's 0.2 z + 0.5 where that is right (it cancels near -2.5);
  // backward: tf's gradient bit for bit for finite dy; tf's select gives 0 for a NaN or infinite
  // dy where the mask is off, ours dy * 0 = NaN (the kernel test compares finite dy: any > 0 here).
  tolerance: { forwardUlp: 3, autodiffAbs: 1e-12 },
  layersName: 'hardSigmoid',
} satisfies ActivationSpec;
