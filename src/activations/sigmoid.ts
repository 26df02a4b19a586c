import * as tf from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from './types';
import { horner, splat } from './wat';

/** Logistic sigmoid, evaluated so that neither branch overflows. */
function sigma(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/*
 * SIMD sigmoid forward, computed in float64 (f64x2, two lanes at a time) and rounded once to
 * float32, so it is as accurate as tf's cpu kernel (Math.exp in double): with h = |z| clamped to
 * 120 (past 104 every result rounds to 0 or 1), e = e^-h = 2^k e^r, k = round(-h log2 e),
 * r = -h - k ln2 (ln2 split hi + lo, fdlibm's), e^r by its Taylor series to r^9 (|r| <= ln2 / 2:
 * truncation < 1e-10 relative), 2^k from exponent bits; then 1 / (1 + e) for z >= 0 and
 * e / (1 + e) below, neither of which can overflow. NaN stays NaN (pmin keeps it, and so does
 * the arithmetic); -0 gives 0.5 as 1 / (1 + e^0).
 */
const EXP_TAYLOR = Array.from({ length: 10 }, (_, i) => 1 / factorial(i));
function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}
/** 1.5 * 2^52 + 1023: adding it rounds to an integer k and leaves k + 1023 in the low bits (see tanh.ts). */
const SHIFTER64 = 6755399441056767;
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;

/** Sets local `out` to sigmoid of the two f64 lanes in local `h` (overwrites h and the scratch locals). */
function sigmoidF64(h: string, out: string): string {
  const f = (c: number) => splat(c, 'f64x2');
  return `
  (local.set $a (f64x2.neg (f64x2.pmin (f64x2.abs (local.get ${h})) ${f(120)})))
  (local.set $j (f64x2.add (f64x2.mul (local.get $a) ${f(Math.LOG2E)}) ${f(SHIFTER64)}))
  (local.set $k (f64x2.sub (local.get $j) ${f(SHIFTER64)}))
  (local.set $r (f64x2.sub
    (f64x2.sub (local.get $a) (f64x2.mul (local.get $k) ${f(LN2_HI)}))
    (f64x2.mul (local.get $k) ${f(LN2_LO)})))
  (local.set $e (f64x2.mul ${horner(EXP_TAYLOR, '$r', 'f64x2')} (i64x2.shl (local.get $j) (i32.const 52))))
  (local.set ${out} (f64x2.div
    (v128.bitselect ${f(1)} (local.get $e) (f64x2.ge (local.get ${h}) ${f(0)}))
    (f64x2.add ${f(1)} (local.get $e))))`;
}

const wasmSigmoidForward = `
  (local.set $lo (f64x2.promote_low_f32x4 (local.get $z)))
  ${sigmoidF64('$lo', '$lo')}
  (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $z) (local.get $z))))
  ${sigmoidF64('$hi', '$hi')}
  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
    (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi)))`;

/**
 * sigmoid(z) = 1 / (1 + e^-z); g'(z) = a(1 - a); g''(z) = a(1 - a)(1 - 2a).
 * The float64 reference uses sigma(z) * sigma(-z) rather than a(1 - a) so that it stays exact
 * where a rounds to 1.
 */
export const sigmoid: ActivationDefinition = {
  name: 'sigmoid',
  title: 'sigmoid',
  hasAlpha: false,
  defaultAlpha: 0,
  keepsInt32: false,
  saves: () => 'output',
  reference: {
    value: (z) => sigma(z),
    derivative: (z) => sigma(z) * sigma(-z),
    // 1 - 2a = sigma(-z) - sigma(z), exact in both tails.
    secondDerivative: (z) => sigma(z) * sigma(-z) * (sigma(-z) - sigma(z)),
    derivativeFromSaved: (a) => a * (1 - a),
  },
  builtin: (x) => tf.sigmoid(x),
  tfKernel: { name: 'Sigmoid', attrs: () => ({}) },
  compositeDerivative: (a) => tf.mul(a, tf.sub(1, a)),
  js: {
    // Same expression as tf's cpu kernel, so forward is bit-identical there.
    forward: '1 / (1 + Math.exp(-z))',
    derivative: 's * (1 - s)',
  },
  wasm: {
    // On cpu only: 3x faster than Math.exp in a JS loop at 1e6 and as accurate (<= 1 ulp of
    // float64, tf's cpu kernel differs from it at 12 of 4e6 points). On the wasm backend tf's
    // XNNPACK sigmoid is 2x faster (a float32 rational approximation: 3 ulp, and results below
    // ~1e-38 flushed to 0), so forward there stays tf's.
    forward: wasmSigmoidForward,
    locals: ['$lo', '$hi', '$a', '$j', '$k', '$r', '$e'],
    forwardOn: ['cpu'],
    // Same operations as tf's gradient, dy * (a * (1 - a)), so bit-identical to it.
    derivative: '(f32x4.mul (local.get $s) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $s)))',
  },
  // GPU compilers may assume no NaN (SwiftShader's exp(NaN) gives 0): NaN is tested explicitly.
  glsl: {
    forward: 'where(isnan(z), z, 1.0 / (1.0 + exp(-z)))',
    derivative: 'where(isnan(s), s, s * (1.0 - s))',
  },
  wgsl: {
    forward: 'select(1.0 / (1.0 + exp(-z)), z, isnan(z))',
    derivative: 'select(s * (1.0 - s), s, isnan(s))',
  },
};
