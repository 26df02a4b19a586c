import * as tf from '@tensorflow/tfjs-core';
import { add, clip, div, exp, gt, lt, max, min, mul, neg, select } from '../expr/ast';
import { LocalPool, expInRangeF32, f64Lanes, localGet as get, sigmoidF64, splat } from '../expr/wat-lib';
import { sigma } from './float64';
import type { ActivationSpec, WatBody, WatForward } from './types';

/*
 * The SIMD forward. A vector whose four lanes are all >= -80 (no NaN) takes z / (1 + e^-z) in
 * float32, the fast body (its mask tested per block of vectors): within 3 ulp of float64 there
 * (e^-z <= e^80 stays finite; results stay normal), with a third of the float64 form's
 * instructions. Any other vector takes z sigmoid(z) in float64 lanes (sigmoid's own routine),
 * rounded once: in float32, past z = -87 e^-z overflows (-0 for results near 1e-37), and z e^z
 * with e^z subnormal is 76 ulp off at z = -100.
 */
function watForward(): WatForward {
  const l = new LocalPool();
  // Clamped below at -120 (every float32 result there is -0) so -inf gives -0, not -inf * e^-120.
  const wide = f64Lanes(l, (h) => `
  (local.set ${h} (f64x2.pmax (local.get ${h}) ${splat(-120, 'f64x2')}))
  (local.set ${h} (f64x2.mul (local.get ${h}) ${sigmoidF64(h, l)}))`);
  // -z clamped at -87 (e^-87 is normal; 1 + e^-z is 1 from z = 17 on), so +inf gives +inf.
  // Stryker disable next-line StringLiteral: LocalPool names a local $<hint><index>, unique by its index alone; a hint only makes the WAT readable.
  const arg = l.local('negz');
  const narrow = `
  (local.set ${arg} (f32x4.pmax (f32x4.neg (local.get $z)) ${splat(-87)}))
  (f32x4.div (local.get $z) (f32x4.add ${splat(1)} ${expInRangeF32(arg, l)}))`;
  return { code: wide, locals: l.names, fast: { min: -80, code: narrow } };
}

/*
 * The SIMD derivative: g' = sigmoid(s) (1 + s r) with E = e^s, r = 1 / (1 + E) and sigmoid(s) =
 * E r, in place of the expression's e^-|s| form and its two selects (which the other backends
 * and tf's autodiff of it, the second order, keep). One product of two rounded factors costs a
 * few more roundings than the expression's sum near g' = 1 (measured in docs/design-notes.md,
 * within tolerance.derivativeAbs). s is clamped to [-88, 20]: at 20 both factors round to 1, so
 * +inf gives 1; at -88 the exp's k is -127, whose shifted bits are +0, so E = 0, and the + 0
 * makes g' +0 there and for -inf (E times 1 - 88 is -0). NaN passes pmin and pmax.
 */
function watDerivative(): WatBody {
  const l = new LocalPool();
  // Stryker disable next-line StringLiteral: as in watForward, the hints only make the WAT readable.
  const [s, e, r] = ['ss', 'se', 'sr'].map((hint) => l.local(hint));
  const code = `
  (local.set ${s} (f32x4.pmax (f32x4.pmin (local.get $s) ${splat(20)}) ${splat(-88)}))
  (local.set ${e} ${expInRangeF32(s, l, 'absolute')})
  (local.set ${r} (f32x4.div ${splat(1)} (f32x4.add ${splat(1)} ${get(e)})))
  (f32x4.add (f32x4.mul (f32x4.mul ${get(e)} ${get(r)}) (f32x4.add ${splat(1)} (f32x4.mul ${get(s)} ${get(r)}))) ${splat(0)})`;
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
  // g' = sigmoid(s) + s sigmoid(s) sigmoid(-s), one exp and one division for both sigmoids:
  // e = e^-|s| <= 1 (no overflow), r = 1 / (1 + e); sigmoid(s) is r above 0 and e r below, and
  // sigmoid(s) sigmoid(-s) = e r^2 on both sides (no select). Clamped at +-80 for +-inf (0 below
  // -80, so -inf gives 0, not -80 e^-80).
  derivative: (s) => {
    const sc = clip(s, -80, 80);
    // -|s| as min(s, -s): at s = 0 tf's minimum differentiates its first argument, the side
    // (s <= 0) the select below takes there, so the second order stays exact at 0 (abs would
    // give e' = 0 there: g''(0) off by 0.5).
    const e = exp(min(sc, neg(sc)));
    const r = div(1, add(1, e));
    const er = mul(e, r);
    return select(lt(s, -80), 0, add(select(gt(sc, 0), r, er), mul(sc, mul(er, r))));
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
  watDerivative: watDerivative(),
  simdForwardOn: ['wasm', 'cpu'],
  // Measured against float64 (docs/design-notes.md): the float32 path is 3 ulp off at worst (the
  // float64 lanes 1), within the 4; the derivative vs tf ops within 4 x 2^-24.
  tolerance: { forwardUlp: 3, referenceUlp: 3, derivativeAbs: 3e-7 },
  layersName: 'swish',
} satisfies ActivationSpec;
