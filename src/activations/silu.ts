import * as tf from '@tensorflow/tfjs-core';
import { add, clip, div, exp, gt, lt, max, min, mul, neg, select } from '../expr/ast';
import { LocalPool, f64Lanes, sigmoidF64, splat } from '../expr/wat-lib';
import { sigma } from './float64';
import type { ActivationSpec, WatForward } from './types';

/*
 * The SIMD forward: z sigmoid(z) in float64 lanes (sigmoid's own routine), rounded once. In
 * float32, z / (1 + e^-z) is within 3 ulp where |g| >= 1e-30, but past z = -87 e^-z overflows
 * (-0 for results near 1e-37) and z e^z with e^z subnormal is 76 ulp off at z = -100.
 */
function watForward(): WatForward {
  const l = new LocalPool();
  // Clamped below at -120 (every float32 result there is -0) so -inf gives -0, not -inf * e^-120.
  const code = f64Lanes(l, (h) => `
  (local.set ${h} (f64x2.pmax (local.get ${h}) ${splat(-120, 'f64x2')}))
  (local.set ${h} (f64x2.mul (local.get ${h}) ${sigmoidF64(h, l)}))`);
  return { code, locals: l.names };
}

/**
 * SiLU (swish): g(z) = z sigmoid(z); g'(z) = sigmoid(z) (1 + z sigmoid(-z)); g''(z) =
 * sigmoid(z) sigmoid(-z) (2 + z (sigmoid(-z) - sigmoid(z))). Backward reads the input (g is not
 * monotonic). g(-inf) = -0, g'(-inf) = 0, g'(+inf) = 1.
 */
export const silu = {
  name: 'silu',
  title: 'SiLU',
  // z / (1 + e^-z), clamped at -100 (e^100 is +inf in float32) so -inf gives -0: the GPU and
  // composite forward. On cpu and wasm the float64-lane forward above runs instead.
  forward: (z) => {
    const zc = max(z, -100);
    return div(zc, add(1, exp(neg(zc))));
  },
  // One exp and one division for both sigmoids: e = e^-|s| <= 1 (no overflow), r = 1 / (1 + e);
  // sigmoid(s) is r above 0 and e r below, sigmoid(-s) the other. Clamped at +-80 for +-inf
  // (0 below -80, so -inf gives 0, not -80 e^-80).
  derivative: (s) => {
    const sc = clip(s, -80, 80);
    // -|s| as min(s, -s): at s = 0 tf's minimum differentiates its first argument, the side
    // (s <= 0) the select below takes there, so the second order stays exact at 0 (abs would
    // give e' = 0 there: g''(0) off by 0.5).
    const e = exp(min(sc, neg(sc)));
    const r = div(1, add(1, e));
    const er = mul(e, r);
    const pos = gt(sc, 0);
    return select(lt(s, -80), 0, mul(select(pos, r, er), add(1, mul(sc, select(pos, er, r)))));
  },
  saves: 'input',
  reference: {
    value: (z) => (z === -Infinity ? -0 : z * sigma(z)),
    derivative: (z) => (Math.abs(z) === Infinity ? (z > 0 ? 1 : 0) : sigma(z) * (1 + z * sigma(-z))),
    secondDerivative: (z) => (Math.abs(z) === Infinity ? 0 : sigma(z) * sigma(-z) * (2 + z * (sigma(-z) - sigma(z)))),
  },
  // What tfjs-layers' 'swish' computes (activations.ts, class Swish, alpha = 1).
  builtin: (x) => tf.tidy(() => tf.mul(tf.sigmoid(tf.mul(x, 1)), x)),
  watForward: watForward(),
  simdForwardOn: ['wasm', 'cpu'],
  // Measured against float64 over 2^20 points of [-20, 20] (docs/design-notes.md); the derivative
  // vs tf ops within 4 x 2^-24 there.
  tolerance: { forwardUlp: 1, derivativeAbs: 3e-7 },
  layersName: 'swish',
} satisfies ActivationSpec;
