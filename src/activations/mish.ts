import * as tf from '@tensorflow/tfjs-core';
import { add, clip, div, exp, gt, lt, max, min, mul, select, sub } from '../expr/ast';
import { LocalPool, expF64, expInRangeF32, f64Lanes, localGet as get, splat } from '../expr/wat-lib';
import { sigma, softplus } from './float64';
import type { ActivationSpec, WatBody, WatForward } from './types';

/*
 * tanh(softplus z) = n / (n + 2) with n = e^z (e^z + 2): one exp, no log, no cancellation below 0
 * (n ~ 2 e^z), and 1 in float64 past z = 20 (e^z clamped there).
 */

/*
 * The SIMD forward in float64 lanes (in float32 the steps of n / (n + 2) add up to ~4 ulp). z is
 * clamped below at -120 (every float32 result there is -0; -inf gives -0).
 */
function watForward(): WatForward {
  const l = new LocalPool();
  const f = (c: number) => splat(c, 'f64x2');
  const code = f64Lanes(l, (h) => {
    // Stryker disable next-line StringLiteral: LocalPool names a local $<hint><index>, unique by its index alone; a hint only makes the WAT readable.
    const [x, e, n] = ['x', 'e', 'n'].map((hint) => l.local(hint));
    return `
  (local.set ${h} (f64x2.pmax (local.get ${h}) ${f(-120)}))
  (local.set ${x} (f64x2.pmin (local.get ${h}) ${f(20)}))
  (local.set ${e} ${expF64(x, l)})
  (local.set ${n} (f64x2.mul (local.get ${e}) (f64x2.add (local.get ${e}) ${f(2)})))
  (local.set ${h} (f64x2.mul (local.get ${h}) (f64x2.div (local.get ${n}) (f64x2.add (local.get ${n}) ${f(2)}))))`;
  });
  return { code, locals: l.names };
}

/*
 * The SIMD derivative: the expression's g' = w + 4 s e (e + 1) r^2 without its three selects,
 * which tf's autodiff of it (the second order) and the other backends need, and the value here
 * does not. w = 1 - 2 r on both sides: below 0 that cancels, and the rounding of n + 2 would cost
 * up to 1e-7 absolute, so its error lo = n - ((n + 2) - 2) (Fast2Sum, exact for n <= 2; where n
 * > 2 it is not needed) joins the second term: 1 / (n + 2 + lo) = r (1 - lo r), so g' = 1 - 2 r
 * + (4 s b + 2 lo) r^2, with b = e (e + 1) = n - e. s is clamped to [-88, 20]: at 20 the sum
 * rounds to 1, so +inf gives 1; at -88 the exp's k is -127, whose shifted bits are +0, so e = 0
 * and g' is exactly 0 there and for -inf (between -88 and -87.3, e is subnormal and g' within
 * 1e-36 of 0). NaN passes pmin and pmax.
 */
function watDerivative(): WatBody {
  const l = new LocalPool();
  // Stryker disable next-line StringLiteral: as in watForward, the hints only make the WAT readable.
  const [s, e, n, d, r, r2] = ['ms', 'me', 'mn', 'md', 'mr', 'mr2'].map((hint) => l.local(hint));
  const lo = `(f32x4.sub ${get(n)} (f32x4.sub ${get(d)} ${splat(2)}))`;
  const code = `
  (local.set ${s} (f32x4.pmax (f32x4.pmin (local.get $s) ${splat(20)}) ${splat(-88)}))
  (local.set ${e} ${expInRangeF32(s, l, 'absolute')})
  (local.set ${n} (f32x4.mul ${get(e)} (f32x4.add ${get(e)} ${splat(2)})))
  (local.set ${d} (f32x4.add ${get(n)} ${splat(2)}))
  (local.set ${r} (f32x4.div ${splat(1)} ${get(d)}))
  (local.set ${r2} (f32x4.add ${get(r)} ${get(r)}))
  (f32x4.add
    (f32x4.sub ${splat(1)} ${get(r2)})
    (f32x4.mul
      (f32x4.add (f32x4.mul (f32x4.mul ${get(s)} (f32x4.sub ${get(n)} ${get(e)})) ${splat(2)}) ${lo})
      (f32x4.mul ${get(r2)} ${get(r)})))`;
  return { code, locals: l.names };
}

/**
 * Mish: g(z) = z tanh(softplus z). With w = tanh(softplus z), d = 1 - w^2 and s = sigmoid(z):
 * g' = w + z d s, g'' = 2 d s + z d s (s(-z) - 2 w s). Backward reads the input (g is not
 * monotonic). g(-inf) = -0, g'(-inf) = 0, g'(+inf) = 1.
 */
export const mish = {
  name: 'mish',
  title: 'Mish',
  forward: (z) => {
    const zc = max(z, -110);
    const e = exp(min(zc, 20));
    const n = mul(e, add(e, 2));
    return mul(zc, div(n, add(n, 2)));
  },
  // With e = e^s, n = e (e + 2) and r = 1 / (n + 2): w = n r, and since n + 1 = (e + 1)^2,
  // sigmoid(s) (1 - w^2) = e / (1 + e) * 4 (n + 1) r^2 = 4 e (e + 1) r^2: one division for all
  // three (there were three). w is 1 - 2 r above 0, so that tf's gradient of it (second order)
  // is 2 r^2 n', not n' r - n r^2 n', which cancels where n is large; n r below, where 1 - 2 r
  // cancels. Clamped to [-87, 20] (e^s a normal float: the WAT renderer's exp needs no range
  // handling; r^2 >= 1.8e-35 stays normal); 1 above 20 (g' rounds to 1 past 10.5) and 0 below
  // -87 (|g'| < 1e-35 there), so +-inf give 1 and 0, and a large dy times the second order's
  // intermediates (1e30 * 4 e (e + 1): +inf) never reaches the clamped branch.
  derivative: (s) => {
    const sc = clip(s, -87, 20);
    const e = exp(sc);
    const n = mul(e, add(e, 2));
    const r = div(1, add(n, 2));
    const w = select(gt(sc, 0), sub(1, mul(2, r)), mul(n, r));
    const d = add(w, mul(mul(sc, mul(4, mul(e, add(e, 1)))), mul(r, r)));
    return select(lt(s, -87), 0, select(gt(s, 20), 1, d));
  },
  saves: 'input',
  reference: {
    value: (z) => (z === -Infinity ? -0 : z * Math.tanh(softplus(z))),
    derivative: (z) => {
      if (Math.abs(z) === Infinity) return z > 0 ? 1 : 0;
      const sp = softplus(z);
      const c = Math.cosh(sp);
      return Math.tanh(sp) + (z * sigma(z)) / (c * c);
    },
    secondDerivative: (z) => {
      if (Math.abs(z) === Infinity) return 0;
      const sp = softplus(z);
      const c = Math.cosh(sp);
      const ds = sigma(z) / (c * c);
      return 2 * ds + z * ds * (sigma(-z) - 2 * Math.tanh(sp) * sigma(z));
    },
  },
  // What tfjs-layers' 'mish' computes (activations.ts, class Mish).
  builtin: (x) => tf.tidy(() => tf.mul(x, tf.tanh(tf.softplus(x)))),
  watForward: watForward(),
  watDerivative: watDerivative(),
  simdForwardOn: ['wasm', 'cpu'],
  // Measured against float64 over 2^20 points of [-20, 20] (docs/design-notes.md); the derivative
  // vs tf ops within 4 x 2^-24 there.
  tolerance: { forwardUlp: 1, derivativeAbs: 3e-7 },
  layersName: 'mish',
} satisfies ActivationSpec;
