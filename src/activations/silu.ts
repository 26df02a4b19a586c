import * as tf from '@tensorflow/tfjs-core';
import { add, clip, div, exp, lt, max, mul, neg, select } from '../expr/ast';
import type { Expr } from '../expr/ast';
import { sigma } from './float64';
import type { ActivationSpec } from './types';

/**
 * SiLU (swish): g(z) = z sigmoid(z); g'(z) = sigmoid(z) (1 + z sigmoid(-z)); g''(z) =
 * sigmoid(z) sigmoid(-z) (2 + z (sigmoid(-z) - sigmoid(z))). Backward reads the input (g is not
 * monotonic). g(-inf) = -0, g'(-inf) = 0, g'(+inf) = 1.
 */
export const silu = {
  name: 'silu',
  title: 'SiLU',
  // z / (1 + e^-z): one exp, no cancellation on either side (measured within 2 ulp of float64 on
  // cpu and wasm); clamped at -100, where e^100 is +inf in float32, so -inf gives -0.
  forward: (z) => {
    const zc = max(z, -100);
    return div(zc, add(1, exp(neg(zc))));
  },
  // Both sigmoids as 1 / (1 + e^-v), which cannot give inf * 0. Clamped at +-80 (e^80 is finite
  // in float32, so the second order, tf's gradient of these ops, has no inf * 0 either), and 0
  // below -80 so -inf gives 0.
  derivative: (s) => {
    const sc = clip(s, -80, 80);
    const sig = (v: Expr) => div(1, add(1, exp(neg(v))));
    return select(lt(s, -80), 0, mul(sig(sc), add(1, mul(sc, sig(neg(sc))))));
  },
  saves: 'input',
  reference: {
    value: (z) => (z === -Infinity ? -0 : z * sigma(z)),
    derivative: (z) => (Math.abs(z) === Infinity ? (z > 0 ? 1 : 0) : sigma(z) * (1 + z * sigma(-z))),
    secondDerivative: (z) => (Math.abs(z) === Infinity ? 0 : sigma(z) * sigma(-z) * (2 + z * (sigma(-z) - sigma(z)))),
  },
  // What tfjs-layers' 'swish' computes (activations.ts, class Swish, alpha = 1).
  builtin: (x) => tf.tidy(() => tf.mul(tf.sigmoid(tf.mul(x, 1)), x)),
  simdForwardOn: ['wasm', 'cpu'],
  tolerance: { forwardUlp: 4 },
  layersName: 'swish',
} satisfies ActivationSpec;
