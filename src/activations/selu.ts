import * as tf from '@tensorflow/tfjs-core';
import { add, expm1, gt, min, mul, select } from '../expr/ast';
import type { ActivationSpec } from './types';

/** tf's constants (tfjs-core ops/selu_util): scale, and scale * alpha. */
const SCALE = 1.0507009873554804934193349852946;
const SCALE_ALPHA = 1.7580993408473768599402175208123;

/**
 * selu(z) = scale z if z > 0 else scale alpha (e^z - 1). g'(z) = scale for z > 0, scale alpha
 * e^z = a + scale alpha for z <= 0, so selu'(0) = scale alpha as in tf's gradient (its mask is
 * x > 0). The output determines the side (a > 0 exactly when z > 0): backward reads it.
 */
export const selu = {
  name: 'selu',
  title: 'SELU',
  // expm1(min(z, 0)): the untaken branch stays finite where tf ops differentiate it (as elu's).
  forward: (z) => select(gt(z, 0), mul(SCALE, z), mul(SCALE_ALPHA, expm1(min(z, 0)))),
  derivative: (a) => select(gt(a, 0), SCALE, add(a, SCALE_ALPHA)),
  saves: 'output',
  reference: {
    value: (z) => (z > 0 ? SCALE * z : SCALE_ALPHA * Math.expm1(z)),
    derivative: (z) => (Number.isNaN(z) ? NaN : z > 0 ? SCALE : SCALE_ALPHA * Math.exp(z)),
    secondDerivative: (z) => (Number.isNaN(z) ? NaN : z > 0 ? 0 : SCALE_ALPHA * Math.exp(z)),
    // scale alpha as the kernels read it (float32): a + scale alpha is then exactly 0 at z = -inf.
    derivativeFromSaved: (a) => (Number.isNaN(a) ? NaN : a > 0 ? SCALE : a + Math.fround(SCALE_ALPHA)),
  },
  builtin: (x) => tf.selu(x),
  tfKernel: { name: 'Selu', attrs: () => ({}) },
  // tf's wasm selu is a scalar C loop (exp in float32): forward is ours on both.
  simdForwardOn: ['wasm', 'cpu'],
  // tf's gradient is scale alpha e^x from the input; ours a + scale alpha cancels below 0.
  tolerance: { forwardUlp: 4, referenceUlp: 2, autodiffAbs: 2.5e-7 },
  layersName: 'selu',
} satisfies ActivationSpec;
