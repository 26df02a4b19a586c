import * as tf from '@tensorflow/tfjs-core';
import { clip, gt, le, select } from '../expr/ast';
import type { ActivationSpec } from './types';

/**
 * relu6(z) = min(max(z, 0), 6); g'(z) = 1 on (0, 6], else 0: tf's mask (x <= 6) * step(x), so
 * relu6'(0) = 0 and relu6'(6) = 1. The output cannot give that at 6 (a = 6 for every z >= 6,
 * where g' is 1 at z = 6 and 0 above), so backward reads the input: the same bytes move either
 * way.
 */
export const relu6 = {
  name: 'relu6',
  title: 'ReLU6',
  forward: (z) => clip(z, 0, 6),
  derivative: (x) => select(gt(x, 0), select(le(x, 6), 1, 0), 0),
  saves: 'input',
  reference: {
    value: (z) => (Number.isNaN(z) ? NaN : Math.min(Math.max(z, 0), 6)),
    derivative: (z) => (Number.isNaN(z) ? NaN : z > 0 && z <= 6 ? 1 : 0),
    secondDerivative: (z) => (Number.isNaN(z) ? NaN : 0),
  },
  builtin: (x) => tf.relu6(x),
  tfKernel: { name: 'Relu6', attrs: () => ({}) },
  keepsInt32: true,
  // Ours on wasm too: tf's XNNPACK relu6 gives 0 for every NaN (timings in docs/design-notes.md).
  simdForwardOn: ['wasm', 'cpu'],
  layersName: 'relu6',
} satisfies ActivationSpec;
