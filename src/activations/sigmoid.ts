import * as tf from '@tensorflow/tfjs-core';
import { add, div, exp, mul, neg, sub } from '../expr/ast';
import { LocalPool, f64Lanes, sigmoidF64 } from '../expr/wat-lib';
import { sigma } from './float64';
import type { ActivationSpec, WatForward } from './types';

/*
 * Hand-written SIMD forward, in float64 lanes rounded once to float32, so it is as accurate as
 * tf's cpu kernel (Math.exp in double). -0 gives 0.5.
 */
function watForward(): WatForward {
  const l = new LocalPool();
  const code = f64Lanes(l, (h) => `
  (local.set ${h} ${sigmoidF64(h, l)})`);
  return { code, locals: l.names };
}

/**
 * sigmoid(z) = 1 / (1 + e^-z); g'(z) = a(1 - a); g''(z) = a(1 - a)(1 - 2a). The float64
 * reference uses sigma(z) * sigma(-z) rather than a(1 - a) so that it stays exact where a
 * rounds to 1.
 */
export const sigmoid = {
  name: 'sigmoid',
  forward: (z) => div(1, add(1, exp(neg(z)))), // tf's cpu kernel's expression: bit-identical there
  derivative: (a) => mul(a, sub(1, a)), // tf's gradient's operations: bit-identical to it
  saves: 'output',
  reference: {
    value: (z) => sigma(z),
    derivative: (z) => sigma(z) * sigma(-z),
    // 1 - 2a = sigma(-z) - sigma(z), exact in both tails.
    secondDerivative: (z) => sigma(z) * sigma(-z) * (sigma(-z) - sigma(z)),
    derivativeFromSaved: (a) => a * (1 - a),
  },
  builtin: (x) => tf.sigmoid(x),
  tfKernel: { name: 'Sigmoid', attrs: () => ({}) },
  // On cpu only: 3x faster than Math.exp in a JS loop at 1e6 and as accurate. On wasm tf's
  // XNNPACK sigmoid is 2x faster (3 ulp, results below ~1e-38 flushed to 0): forward stays tf's.
  watForward: watForward(),
  simdForwardOn: ['cpu'],
  tolerance: { forwardUlp: 1 },
  layersName: 'sigmoid',
} satisfies ActivationSpec;
