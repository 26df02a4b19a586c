import * as tf from '@tensorflow/tfjs-core';
import { gt, max, select } from '../expr/ast';
import type { ActivationSpec } from './types';

/**
 * relu(z) = max(z, 0) (-0 -> +0, as tf's Math.max); g'(z) = 1 if z > 0 else 0, so relu'(0) = 0
 * as in tf. From the output: a > 0 exactly when z > 0.
 */
export const relu = {
  name: 'relu',
  title: 'ReLU',
  forward: (z) => max(z, 0),
  derivative: (a) => select(gt(a, 0), 1, 0),
  saves: 'output',
  reference: {
    value: (z) => (Number.isNaN(z) ? NaN : Math.max(0, z)),
    derivative: (z) => (Number.isNaN(z) ? NaN : z > 0 ? 1 : 0),
    secondDerivative: (z) => (Number.isNaN(z) ? NaN : 0),
    derivativeFromSaved: (s) => (Number.isNaN(s) ? NaN : s > 0 ? 1 : 0),
  },
  builtin: (x) => tf.relu(x),
  tfKernel: { name: 'Relu', attrs: () => ({}) },
  keepsInt32: true,
  // On cpu only: tf's XNNPACK relu beat the SIMD max on wasm in an interleaved run (1e4: 6.1 vs
  // 10.0 us; 1e6: 492 vs 538 us), while on cpu it replaces a branchy JS loop.
  simdForwardOn: ['cpu'],
  layersName: 'relu',
} satisfies ActivationSpec;
