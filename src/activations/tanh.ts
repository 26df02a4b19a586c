import * as tf from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from './types';

/** 1 - tanh(z)^2 written as 1 / cosh(z)^2: no cancellation where tanh(z) rounds to +-1. */
function sech2(z: number): number {
  const c = Math.cosh(z);
  return 1 / (c * c);
}

/** tanh(z); g'(z) = 1 - a^2; g''(z) = -2a(1 - a^2). */
export const tanh: ActivationDefinition = {
  name: 'tanh',
  title: 'tanh',
  hasAlpha: false,
  defaultAlpha: 0,
  keepsInt32: false,
  saves: () => 'output',
  reference: {
    value: (z) => Math.tanh(z),
    derivative: (z) => sech2(z),
    secondDerivative: (z) => -2 * Math.tanh(z) * sech2(z),
    derivativeFromSaved: (a) => 1 - a * a,
  },
  builtin: (x) => tf.tanh(x),
  compositeDerivative: (a) => tf.sub(1, tf.square(a)),
  js: {
    forward: 'Math.tanh(z)',
    derivative: '1 - s * s',
  },
};
