import * as tf from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from './types';
import { horner, splat } from './wat';

/** 1 - tanh(z)^2 written as 1 / cosh(z)^2: no cancellation where tanh(z) rounds to +-1. */
function sech2(z: number): number {
  const c = Math.cosh(z);
  return 1 / (c * c);
}

/*
 * float32 SIMD tanh for the wasm forward (tf's wasm tanh is a scalar C loop). With a = |z|:
 *   a < 0.75:  a + a^3 P(a^2), P fitted (weighted least squares) to (tanh(a) - a) / a^3;
 *   else:      1 - 2 / (e^(2a) + 1), e^x = 2^k e^r, k = round(x log2 e), r = x - k ln2 (ln2
 *              split hi + lo), e^r = 1 + r + r^2 Q(r) fitted on |r| <= ln2 / 2; a is clamped
 *              to 9.5 first, past 9.01 where tanh rounds to 1 in float32 (so +-inf gives +-1);
 * then the sign of z is or-ed back in (-0 stays -0; NaN stays NaN: pmin(NaN, 9.5) is NaN, and so
 * is the arithmetic). Every step is a float32 operation without fma, as wasm SIMD computes it.
 * Measured against Math.tanh over a float32 sweep of |z| <= 16: at most 1.02 ulp (test:
 * __tests__/kernels/wasm.test.ts).
 */
const TANH_P = [-0.33333316445350647, 0.13332721590995789, -0.05389470234513283, 0.021458476781845093, -0.007666975725442171, 0.0017424672842025757];
/**
 * 1.5 * 2^23 + 127: adding it rounds x log2 e to the nearest integer k (ties to even) and leaves
 * k + 127 in the low mantissa bits, so shifting the sum's bits left by 23 gives 2^k as a float.
 */
const SHIFTER = 12583039;
const EXP_Q = [0.5, 0.1666666567325592, 0.04166625440120697, 0.008333433419466019, 0.00139471678994596, 0.0001982624235097319];

const wasmTanhForward = `
  (local.set $a (f32x4.abs (local.get $z)))
  (local.set $u (f32x4.mul (local.get $a) (local.get $a)))
  (local.set $small (f32x4.add (local.get $a)
    (f32x4.mul (f32x4.mul (local.get $a) (local.get $u)) ${horner(TANH_P, '$u')})))
  (local.set $x (f32x4.mul ${splat(2)} (f32x4.pmin (local.get $a) ${splat(9.5)})))
  (local.set $j (f32x4.add (f32x4.mul (local.get $x) ${splat(1.4426950216293335)}) ${splat(SHIFTER)}))
  (local.set $k (f32x4.sub (local.get $j) ${splat(SHIFTER)}))
  (local.set $r (f32x4.sub
    (f32x4.sub (local.get $x) (f32x4.mul (local.get $k) ${splat(0.693145751953125)}))
    (f32x4.mul (local.get $k) ${splat(0.000001428606765330187)})))
  (local.set $e (f32x4.add (f32x4.add ${splat(1)} (local.get $r))
    (f32x4.mul (f32x4.mul (local.get $r) (local.get $r)) ${horner(EXP_Q, '$r')})))
  (local.set $e (f32x4.mul (local.get $e)
    (i32x4.shl (local.get $j) (i32.const 23))))
  (local.set $e (f32x4.sub ${splat(1)} (f32x4.div ${splat(2)} (f32x4.add (local.get $e) ${splat(1)}))))
  (v128.or
    (v128.bitselect (local.get $small) (local.get $e) (f32x4.lt (local.get $a) ${splat(0.75)}))
    (v128.and (local.get $z) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)))`;

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
  tfKernel: { name: 'Tanh', attrs: () => ({}) },
  compositeDerivative: (a) => tf.sub(1, tf.square(a)),
  js: {
    forward: 'Math.tanh(z)',
    derivative: '1 - s * s',
  },
  wasm: {
    forward: wasmTanhForward,
    // (1 - a^2) * dy as tf's gradient computes it: bit-identical.
    derivative: '(f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $s) (local.get $s)))',
    locals: ['$a', '$u', '$small', '$x', '$j', '$k', '$r', '$e'],
    // tf's wasm tanh is a scalar C loop, and Math.tanh in a JS loop costs ~35 ns an element;
    // this is within 1 ulp of it (see above) and 8x-11x faster on both.
    forwardOn: ['wasm', 'cpu'],
  },
  // GPU forward: tf's overflow-free form (exp of a non-positive number only).
  glsl: {
    forward: 'where(isnan(z), z, sign(z) * (1.0 - exp(-2.0 * abs(z))) / (1.0 + exp(-2.0 * abs(z))))',
    derivative: 'where(isnan(s), s, 1.0 - s * s)',
  },
  wgsl: {
    forward: 'select(sign(z) * (1.0 - exp(-2.0 * abs(z))) / (1.0 + exp(-2.0 * abs(z))), z, isnan(z))',
    derivative: 'select(1.0 - s * s, s, isnan(s))',
  },
};
