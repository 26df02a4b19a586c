import * as tf from '@tensorflow/tfjs-core';
import { abs, add, clip, div, mul, sub } from '../expr/ast';
import type { ActivationSpec } from './types';

/** Past this |z| the result rounds to +-1 in float32; clamping there keeps inf / inf away. */
const BIG = 1e30;

/**
 * softsign(z) = z / (1 + |z|), with z clamped to +-1e30 so that +-inf gives the limit +-1 (tf's
 * composite gives NaN there). g'(z) = 1 / (1 + |z|)^2 = (1 - |a|)^2; g''(z) = -2 sign(z) (1 -
 * |a|)^3, which jumps at 0: tf's abs' (0) = -1 gives +2 there, and so does the reference.
 */
export const softsign = {
  name: 'softsign',
  forward: (z) => div(clip(z, -BIG, BIG), add(1, abs(clip(z, -BIG, BIG)))),
  derivative: (a) => mul(sub(1, abs(a)), sub(1, abs(a))),
  saves: 'output',
  reference: {
    value: (z) => (Math.abs(z) > BIG ? Math.sign(z) : z / (1 + Math.abs(z))),
    derivative: (z) => 1 / ((1 + Math.abs(z)) * (1 + Math.abs(z))),
    secondDerivative: (z) => (Number.isNaN(z) ? NaN : (z > 0 ? -2 : 2) / (1 + Math.abs(z)) ** 3),
    derivativeFromSaved: (a) => (1 - Math.abs(a)) * (1 - Math.abs(a)),
  },
  // tfjs-layers' softsign: tf.div(x, tf.add(tf.abs(x), 1)).
  builtin: (x) => tf.tidy(() => tf.div(x, tf.add(tf.abs(x), 1))),
  // tf.grad of tf's composite differentiates the quotient from the input; ours is (1 - |a|)^2.
  tolerance: { forwardUlp: 1, autodiffAbs: 2.5e-7 },
  layersName: 'softsign',
} satisfies ActivationSpec;
