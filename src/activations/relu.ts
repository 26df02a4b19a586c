import * as tf from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from './types';

/**
 * relu(z) = max(0, z); g'(z) = 1 if z > 0 else 0, so relu'(0) = 0 as in tf. From the output:
 * a > 0 exactly when z > 0. NaN gives NaN (tf's step does the same).
 */
export const relu: ActivationDefinition = {
  name: 'relu',
  title: 'ReLU',
  hasAlpha: false,
  defaultAlpha: 0,
  keepsInt32: true,
  saves: () => 'output',
  reference: {
    value: (z) => (Number.isNaN(z) ? NaN : Math.max(0, z)),
    derivative: (z) => (Number.isNaN(z) ? NaN : z > 0 ? 1 : 0),
    secondDerivative: (z) => (Number.isNaN(z) ? NaN : 0),
    derivativeFromSaved: (s) => (Number.isNaN(s) ? NaN : s > 0 ? 1 : 0),
  },
  builtin: (x) => tf.relu(x),
  tfKernel: { name: 'Relu', attrs: () => ({}) },
  compositeDerivative: (s) => tf.step(s, 0),
  js: {
    // tf's cpu kernel is Math.max(0, z): -0 -> +0, NaN -> NaN.
    forward: 'Math.max(0, z)',
    derivative: 's > 0 ? 1 : s <= 0 ? 0 : NaN',
  },
  wasm: {
    // wasm's f32x4.max is Math.max: NaN propagates, max(-0, 0) = +0. On wasm too: tf's XNNPACK
    // relu turns a NaN with the sign bit set (what 0/0 makes) into 0; timings in docs/design-notes.md.
    forward: '(f32x4.max (local.get $z) (v128.const f32x4 0 0 0 0))',
    forwardOn: ['wasm', 'cpu'],
    // 1 where s > 0, else 0; NaN lanes (s != s) keep s.
    derivative: `(v128.bitselect
      (v128.and (v128.const f32x4 1 1 1 1) (f32x4.gt (local.get $s) (v128.const f32x4 0 0 0 0)))
      (local.get $s)
      (f32x4.eq (local.get $s) (local.get $s)))`,
  },
  // GPU comparisons with NaN are not reliable across drivers: test it explicitly.
  glsl: {
    forward: 'where(isnan(z), z, max(z, 0.0))',
    derivative: 'where(isnan(s), NAN, where(s > 0.0, 1.0, 0.0))',
  },
  wgsl: {
    forward: 'select(max(z, 0.0), z, isnan(z))',
    derivative: 'select(select(0.0, 1.0, s > 0.0), NAN, isnan(s))',
  },
};
