import * as tf from '@tensorflow/tfjs-core';
import { mul, sub, tanh as tanhOf } from '../expr/ast';
import type { ActivationSpec } from './types';

/** 1 - tanh(z)^2 written as 1 / cosh(z)^2: no cancellation where tanh(z) rounds to +-1. */
function sech2(z: number): number {
  const c = Math.cosh(z);
  return 1 / (c * c);
}

/** tanh(z); g'(z) = 1 - a^2; g''(z) = -2a(1 - a^2). */
export const tanh = {
  name: 'tanh',
  forward: (z) => tanhOf(z),
  derivative: (a) => sub(1, mul(a, a)), // (1 - a^2) as tf's gradient computes it: bit-identical
  saves: 'output',
  reference: {
    value: (z) => Math.tanh(z),
    derivative: (z) => sech2(z),
    secondDerivative: (z) => -2 * Math.tanh(z) * sech2(z),
    derivativeFromSaved: (a) => 1 - a * a,
  },
  builtin: (x) => tf.tanh(x),
  tfKernel: { name: 'Tanh', attrs: () => ({}) },
  // tf's wasm tanh is a scalar C loop and Math.tanh costs ~35 ns an element in a JS loop: the
  // SIMD routine is within 1 ulp of it and 8x-11x faster on both.
  simdForwardOn: ['wasm', 'cpu'],
  tolerance: { forwardUlp: 1 },
  layersName: 'tanh',
} satisfies ActivationSpec;
