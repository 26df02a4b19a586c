import * as tf from '@tensorflow/tfjs-core';
import { add, alpha as alphaParam, exp, expm1, ge, gt, min, mul, select, z as inputVar } from '../expr/ast';
import type { Expr } from '../expr/ast';
import { renderTf } from '../expr/tf';
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
// ge, not gt: -0 gives -0 as tf's elu, and the forward as tf ops then has g'(0) = 1 too;
// expm1(min(z, 0)): tf differentiates the untaken branch too, and e^100 there made 0 * inf = NaN.
const forward = (z: Expr, alpha: Expr): Expr => select(ge(z, 0), z, mul(alpha, expm1(min(z, 0))));
const forwardExpr = forward(inputVar, alphaParam);

export const elu = {
  name: 'elu',
  title: 'ELU',
  forward,
  derivative: (s, alpha) => select(ge(s, 0), 1, select(gt(alpha, 0), add(s, alpha), mul(alpha, exp(min(s, 0))))),
  saves: (alpha) => (alpha > 0 ? 'output' : 'input'),
  alpha: { default: 1 },
  reference: {
    value: (z, alpha) => (z >= 0 ? z : alpha * Math.expm1(z)),
    // Backward reads the output for alpha > 0, so where alpha z underflows to -0 (subnormal z,
    // alpha < 1) it reads a = -0 as z = 0: g' = 1 there, by the convention at 0.
    derivative: (z, alpha) => (Number.isNaN(z) ? NaN : z >= 0 || (alpha > 0 && Math.fround(alpha * Math.expm1(z)) === 0) ? 1 : alpha * Math.exp(z)),
    secondDerivative: (z, alpha) => (Number.isNaN(z) ? NaN : z >= 0 || (alpha > 0 && Math.fround(alpha * Math.expm1(z)) === 0) ? 0 : alpha * Math.exp(z)),
    // alpha as the kernels read it (float32): a + alpha is then exactly 0 at z = -inf.
    derivativeFromSaved: (s, alpha) => (Number.isNaN(s) ? NaN : s >= 0 ? 1 : alpha > 0 ? s + Math.fround(alpha) : alpha * Math.exp(s)),
  },
  // tf.elu has no alpha and tfjs-layers' elu refuses alpha != 1; a where(greater(x, 0), ...) of
  // a user's cannot be differentiated (tf has no gradient for Greater), so other alphas compare
  // against the forward as tf ops.
  builtin: (x, alpha) => (alpha === 1 ? tf.elu(x) : renderTf(forwardExpr, x, alpha)),
  tfKernel: { name: 'Elu', attrs: () => ({}), forAlpha: (alpha) => alpha === 1 },
  // tf's wasm elu is not XNNPACK's: ours is 5x-46x faster there (docs/design-notes.md).
  simdForwardOn: ['wasm', 'cpu'],
  // vs tf.grad of the built-in: tf's exp for alpha != 1 (alpha = 1 is tf's EluGrad, bit for bit).
  tolerance: { forwardUlp: 4, referenceUlp: 2, derivativeUlp: 2, autodiffAbs: 2.5e-7 },
  layersName: 'elu',
} satisfies ActivationSpec;
