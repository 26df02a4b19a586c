import * as tf from '@tensorflow/tfjs-core';
import { add, div, exp, mul, neg, sub } from '../expr/ast';
import { LocalPool, expF64, splat } from '../expr/wat-lib';
import type { ActivationSpec, WatForward } from './types';

/** Logistic sigmoid in float64, evaluated so that neither branch overflows (softplus' g' too). */
export function sigma(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/*
 * Hand-written SIMD forward, in float64 lanes rounded once to float32, so it is as accurate as
 * tf's cpu kernel (Math.exp in double): with h = |z| clamped to 120 (past 104 every result rounds
 * to 0 or 1), e = e^-h, then 1 / (1 + e) for z >= 0 and e / (1 + e) below, neither of which can
 * overflow. NaN stays NaN (pmin keeps it); -0 gives 0.5.
 */
function watForward(): WatForward {
  const l = new LocalPool();
  const f = (c: number) => splat(c, 'f64x2');
  const [lo, hi, a, e] = ['lo', 'hi', 'a', 'e'].map((h) => l.local(h));
  const half = (h: string) => `
  (local.set ${a} (f64x2.neg (f64x2.pmin (f64x2.abs (local.get ${h})) ${f(120)})))
  (local.set ${e} ${expF64(a, l)})
  (local.set ${h} (f64x2.div
    (v128.bitselect ${f(1)} (local.get ${e}) (f64x2.ge (local.get ${h}) ${f(0)}))
    (f64x2.add ${f(1)} (local.get ${e}))))`;
  const code = `
  (local.set ${lo} (f64x2.promote_low_f32x4 (local.get $z)))${half(lo)}
  (local.set ${hi} (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $z) (local.get $z))))${half(hi)}
  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
    (f32x4.demote_f64x2_zero (local.get ${lo})) (f32x4.demote_f64x2_zero (local.get ${hi})))`;
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
