import * as tf from '@tensorflow/tfjs-core';
import { add, exp, expm1, ge, gt, min, mul, select } from '../expr/ast';
import type { ActivationSpec } from './types';

/**
 * elu(z) = z if z > 0 else alpha (e^z - 1) (expm1: no cancellation near 0). g'(z) = 1 for
 * z >= 0 (tf's EluGrad: 1 where the output is >= 0, so elu'(0) = 1), alpha e^z below. For alpha
 * > 0 the output has the sign of z and alpha e^z = a + alpha, so backward reads the output; for
 * alpha <= 0 it cannot tell the sides apart and reads the input (as leakyRelu does). One
 * derivative serves both: the inner select's condition is on alpha alone, so every element takes
 * the same branch; its exp sees min(s, 0) so that tf's gradient of the untaken branch (second
 * order) stays finite.
 */
export const elu = {
  name: 'elu',
  title: 'ELU',
  forward: (z, alpha) => select(gt(z, 0), z, mul(alpha, expm1(z))),
  derivative: (s, alpha) => select(ge(s, 0), 1, select(gt(alpha, 0), add(s, alpha), mul(alpha, exp(min(s, 0))))),
  saves: (alpha) => (alpha > 0 ? 'output' : 'input'),
  alpha: { default: 1 },
  reference: {
    value: (z, alpha) => (z > 0 ? z : alpha * Math.expm1(z)),
    derivative: (z, alpha) => (Number.isNaN(z) ? NaN : z >= 0 ? 1 : alpha * Math.exp(z)),
    secondDerivative: (z, alpha) => (Number.isNaN(z) ? NaN : z >= 0 ? 0 : alpha * Math.exp(z)),
    derivativeFromSaved: (s, alpha) => (Number.isNaN(s) ? NaN : s >= 0 ? 1 : alpha > 0 ? s + alpha : alpha * Math.exp(s)),
  },
  // tf.elu has no alpha (tfjs-layers' elu refuses alpha != 1); for other alphas a user writes it.
  builtin: (x, alpha) => (alpha === 1 ? tf.elu(x) : tf.where(tf.greater(x, 0), x, tf.mul(alpha, tf.sub(tf.exp(x), 1)))),
  tfKernel: { name: 'Elu', attrs: () => ({}), forAlpha: (alpha) => alpha === 1 },
  tolerance: { forwardUlp: 4 },
  layersName: 'elu',
} satisfies ActivationSpec;
