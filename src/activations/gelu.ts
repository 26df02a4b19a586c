import * as tf from '@tensorflow/tfjs-core';
import { add, clip, div, exp, lt, max, min, mul, neg, poly, select, sub } from '../expr/ast';
import type { Expr } from '../expr/ast';
import { LocalPool, expF64, f64Lanes, horner, splat } from '../expr/wat-lib';
import { normalCdf, normalPdf } from './float64';
import type { ActivationSpec, WatForward } from './types';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * erfc(a) = t e^(-a^2 + P(t)), t = 1 / (1 + a/2), for a >= 0: Numerical Recipes' form, its
 * degree-9 polynomial (1.2e-7 relative) refitted to degree 10 by iterated weighted least squares
 * over a in [0, 11]: 7.8e-9 relative in float64.
 */
const ERFC_P = [-1.265561944216493, 1.001434254795851, 0.35713748800373757, 0.21005709241820755, -0.652590081326366, 1.5194793296533575, -3.306437545703713, 3.9697754598935493, -2.6030483059459866, 0.8991158121737033, -0.12936155195836394];

/**
 * erfc(a) e^(a^2) = t P(t), t = 1 / (1 + a/2), a >= 0: P of degree 8 fitted (iterated weighted
 * least squares, relative) over a in [0, 13 / sqrt 2], float32 coefficients: 8.2e-8 relative in
 * float64, 3.1e-7 evaluated in float32 (the rounding of t and of Horner's steps), which is
 * 1.3e-7 absolute in Phi. The GPU forward's and the derivative's, in float32; the SIMD forward's ERFC_P is float64.
 */
const ERFCX_P = [0.2820887565612793, 0.28233516216278076, 0.24339206516742706, 0.2015584260225296, -0.02398301474750042, 0.27426090836524963, -0.48389512300491333, 0.28298813104629517, -0.058745358139276505];

/**
 * Phi(-a) = erfc(a / sqrt 2) / 2 = e^(-a^2 / 2) t P(t) / 2 for a >= 0, t = 1 / (1 + a / (2 sqrt 2)),
 * as its two factors: e = e^(-a^2 / 2) (the density's exp too) and tp = t P(t) / 2 (the 1/2 in
 * the coefficients: halving is exact).
 */
function phiParts(a: Expr): { e: Expr; tp: Expr } {
  const t = div(1, add(1, mul(a, 0.5 * Math.SQRT1_2)));
  return { e: exp(mul(-0.5, mul(a, a))), tp: mul(t, poly(ERFCX_P.map((c) => c / 2), t)) };
}

/** Phi(-a) for a >= 0 (phiParts). */
function phiBelow(a: Expr): Expr {
  const { e, tp } = phiParts(a);
  return mul(e, tp);
}

/*
 * The SIMD forward, in float64 lanes: in float32, 1 + erf(x / sqrt 2) cancels for x < 0 (at
 * x = -5 only a few bits of Phi survive). With u = min(|x|, 15) and e = Phi(-u) =
 * erfc(u / sqrt 2) / 2 from ERFC_P, g = max(x, 0) - u e: x (1 - e) above 0, x e below. u^2 is
 * exact in float64 (a float32 squared), so a^2 = u^2 / 2 is too; the 1/2 of e is ln 2 taken
 * from P's constant term, and the exp is only as precise as a float32 result needs. Past
 * |x| = 15 u e is below 1e-49, so every float32 result is x above and -0 below (-inf gives -0,
 * +inf gives +inf) without clamping x. NaN stays NaN (abs, pmin and pmax keep it).
 */
const ERFC_P_HALF = [ERFC_P[0] - Math.LN2, ...ERFC_P.slice(1)];
function watForward(): WatForward {
  const l = new LocalPool();
  const f = (c: number) => splat(c, 'f64x2');
  const code = f64Lanes(l, (h) => {
    const [u, t, q, e] = ['u', 't', 'q', 'e'].map((hint) => l.local(hint));
    return `
  (local.set ${u} (f64x2.pmin (f64x2.abs (local.get ${h})) ${f(15)}))
  (local.set ${t} (f64x2.div ${f(1)} (f64x2.add ${f(1)} (f64x2.mul (local.get ${u}) ${f(0.5 * Math.SQRT1_2)}))))
  (local.set ${q} (f64x2.sub ${horner(ERFC_P_HALF, t, 'f64x2')} (f64x2.mul (f64x2.mul (local.get ${u}) (local.get ${u})) ${f(0.5)})))
  (local.set ${e} (f64x2.mul (local.get ${t}) ${expF64(q, l, 'float32')}))
  (local.set ${h} (f64x2.sub (f64x2.pmax (local.get ${h}) ${f(0)}) (f64x2.mul (local.get ${u}) (local.get ${e}))))`;
  });
  return { code, locals: l.names };
}

/**
 * GELU, exact: g(z) = z Phi(z); g'(z) = Phi(z) + z phi(z); g''(z) = phi(z) (2 - z^2). No
 * function of the output gives g' (g is not monotonic below 0): backward reads the input.
 * g(-inf) = -0 (the limit), g'(-inf) = 0, g'(+inf) = 1.
 */
export const gelu = {
  name: 'gelu',
  title: 'GELU',
  // The GPU and composite forward: z Phi(z) below 0 and z - z Phi(-z) above, with Phi(-|z|) from
  // phiBelow (1 + erf(z / sqrt 2) cancels below 0: at z = -5.54 it is 0 in float32 where g is
  // -8.2e-8). z is clamped to -15, where e^(-z^2 / 2) underflows, so -inf gives -0, not -inf * 0.
  // On cpu and wasm the float64-lane forward above runs instead.
  forward: (z) => {
    const zc = max(z, -15);
    const u = min(max(zc, neg(zc)), 15);
    const p = phiBelow(u);
    // Above 0 z - u Phi(-u), u = min(z, 15): +inf gives +inf, not inf - inf * 0.
    return select(lt(zc, 0), mul(zc, p), sub(zc, mul(u, p)));
  },
  // Phi from the same e^(-s^2 / 2) as the density (phiBelow; one exp, one division: tf.erf's
  // expansion needed two exps), so g'(-|s|) = e^(-s^2 / 2) (t P(t) / 2 - |s| / sqrt(2 pi)) with
  // one product by the exp, and g'(s) = 1 - g'(-s) above 0 (Phi(s) + Phi(-s) = 1, s phi(s) is
  // odd). s is clamped to +-13 (e^-84.5 is still a normal float: the WAT renderer's exp needs no
  // range handling); below -13 g' is 0 (|g'| < 1e-36 there) and above it 1 to float32, so +-inf
  // give 0 and 1. |s| is max(s, -s): at s = 0 tf's maximum differentiates its first argument, the
  // s >= 0 side the select takes (abs has gradient 0 at 0 in tf, which would put g''(0) off).
  derivative: (s) => {
    const sc = clip(s, -13, 13);
    const a = max(sc, neg(sc));
    const { e, tp } = phiParts(a);
    const low = mul(e, sub(tp, mul(a, INV_SQRT_2PI)));
    return select(lt(s, -13), 0, select(lt(sc, 0), low, sub(1, low)));
  },
  saves: 'input',
  reference: {
    value: (z) => (z === -Infinity ? -0 : z * normalCdf(z)),
    derivative: (z) => (z === Infinity ? 1 : z === -Infinity ? 0 : normalCdf(z) + z * normalPdf(z)),
    secondDerivative: (z) => (Math.abs(z) === Infinity ? 0 : normalPdf(z) * (2 - z * z)),
  },
  // What tfjs-layers' 'gelu' computes (tfjs-layers 4.x activations.ts, class Gelu).
  builtin: (x) => tf.tidy(() => tf.mul(x, tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.sqrt(2))))))),
  watForward: watForward(),
  simdForwardOn: ['wasm', 'cpu'],
  // Measured against float64 over 2^20 points of [-20, 20] (docs/design-notes.md); the derivative
  // vs tf ops within 4 x 2^-24 there.
  tolerance: { forwardUlp: 1, derivativeAbs: 3e-7 },
  layersName: 'gelu',
} satisfies ActivationSpec;
