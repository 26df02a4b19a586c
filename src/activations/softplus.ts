import * as tf from '@tensorflow/tfjs-core';
import { abs, add, exp, expm1, log1p, max, min, neg } from '../expr/ast';
import { sigma, softplus as softplus64 } from './float64';
import type { ActivationSpec } from './types';

/**
 * softplus(z) = log(1 + e^z), as max(z, 0) + log1p(e^-|z|): e^-|z| <= 1 never overflows and
 * log1p keeps the small values. g'(z) = sigmoid(z) = 1 - e^-a, written -expm1(-a) so that it
 * keeps its digits where a is tiny (z far below 0); g''(z) = sigmoid(z) sigmoid(-z).
 */
export const softplus = {
  name: 'softplus',
  forward: (z) => add(max(z, 0), log1p(exp(neg(abs(z))))),
  // min(-a, 0) is -a for every output (a >= 0); it tells the WAT renderer the argument is <= 0,
  // so expm1 there shares exp's reduction instead of the general expansion (src/expr/wat.ts). At
  // a = 0 tf's minimum differentiates its first argument (the tie), so the second order holds.
  derivative: (a) => neg(expm1(min(neg(a), 0))),
  saves: 'output',
  reference: {
    value: (z) => softplus64(z),
    derivative: (z) => sigma(z),
    secondDerivative: (z) => sigma(z) * sigma(-z),
    derivativeFromSaved: (a) => -Math.expm1(-a),
  },
  builtin: (x) => tf.softplus(x),
  tfKernel: { name: 'Softplus', attrs: () => ({}) },
  // tf's wasm softplus is a scalar C loop: forward is ours on both.
  simdForwardOn: ['wasm', 'cpu'],
  // Backward: our expm1 vs tf.expm1; vs tf.grad of tf.softplus, whose gradient is sigmoid(x).
  tolerance: { forwardUlp: 5, referenceUlp: 3, derivativeUlp: 2, autodiffAbs: 2.5e-7 },
  layersName: 'softplus',
} satisfies ActivationSpec;
