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
  // On wasm too: tf's XNNPACK relu turns a NaN with the sign bit set (what 0/0 makes) into 0;
  // timings in docs/design-notes.md. On cpu it replaces a branchy JS loop.
  simdForwardOn: ['wasm', 'cpu'],
  layersName: 'relu',
} satisfies ActivationSpec;
