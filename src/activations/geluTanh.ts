import * as tf from '@tensorflow/tfjs-core';
import { add, clip, div, exp, lt, max, mul, neg, select } from '../expr/ast';
import { LocalPool, f64Lanes, sigmoidF64, splat } from '../expr/wat-lib';
import { sigma } from './float64';
import type { ActivationSpec, WatForward } from './types';

/** sqrt(2 / pi) and the cubic's coefficient, as tfjs-layers' gelu_new (and GPT-2) write them. */
const K = Math.sqrt(2 / Math.PI);
const C = 0.044715;

/** w = 2u, u = K (z + C z^3): g(z) = z sigmoid(w), the same function as 0.5 z (1 + tanh u). */
const w = (z: number) => 2 * K * z * (1 + C * z * z);
const dw = (z: number) => 2 * K * (1 + 3 * C * z * z);

/*
 * The SIMD forward, in float64 lanes: z sigmoid(w) does not cancel (0.5 (1 + tanh u) does, below
 * 0), but e^-w amplifies the rounding of w (|w| ~ 66 where g ~ 1e-30): float32 would leave tens of
 * ulps there. z is clamped below at -11 (every float32 result there is -0; -inf gives -0).
 */
function watForward(): WatForward {
  const l = new LocalPool();
  const f = (c: number) => splat(c, 'f64x2');
  const code = f64Lanes(l, (h) => {
    const wl = l.local('w');
    return `
  (local.set ${h} (f64x2.pmax (local.get ${h}) ${f(-11)}))
  (local.set ${wl} (f64x2.mul (f64x2.mul (local.get ${h}) ${f(2 * K)})
    (f64x2.add ${f(1)} (f64x2.mul ${f(C)} (f64x2.mul (local.get ${h}) (local.get ${h}))))))
  (local.set ${h} (f64x2.mul (local.get ${h}) ${sigmoidF64(wl, l)}))`;
  });
  return { code, locals: l.names };
}

/**
 * GELU, tanh approximation (tfjs-layers' 'gelu_new'): g(z) = 0.5 z (1 + tanh(K (z + C z^3))) =
 * z sigmoid(w). g'(z) = sigmoid(w) + z sigmoid'(w) w'. Backward reads the input (g is not
 * monotonic). g(-inf) = -0, g'(-inf) = 0, g'(+inf) = 1.
 */
export const geluTanh = {
  name: 'geluTanh',
  title: 'GELU (tanh)',
  // z sigmoid(w) in float32, clamped at -11 (e^-w overflows to +inf there, giving -0 for -inf).
  forward: (z) => {
    const zc = max(z, -11);
    return div(zc, add(1, exp(mul(mul(-2 * K, zc), add(1, mul(C, mul(zc, zc)))))));
  },
  // sigmoid(w) + z sigmoid(w) sigmoid(-w) w', sigmoid(w) = 1 / (1 + e^-w): tanh's form, 0.5 (1 +
  // t) + ... (1 - t^2), cancels where t ~ -1 (1% off at z = -4.3, and 0 past -5.2 where t rounds
  // to -1). Clamped at +-9 (|w| <= 66: e^|w| stays finite in float32, so the second order, tf's
  // gradient of these ops, has no inf * 0), where g' is 1 above and below -1e-27: 0 there, so
  // -inf gives 0.
  derivative: (s) => {
    const sc = clip(s, -9, 9);
    const x2 = mul(sc, sc);
    const wv = mul(mul(2 * K, sc), add(1, mul(C, x2)));
    // One exp and one division for both: sigmoid(-w) = e^-w sigmoid(w) (e^-w <= e^66 is finite).
    const e = exp(neg(wv));
    const sp = div(1, add(1, e));
    const sm = mul(e, sp);
    return select(lt(s, -9), 0, add(sp, mul(mul(sc, mul(sp, sm)), mul(2 * K, add(1, mul(3 * C, x2))))));
  },
  saves: 'input',
  reference: {
    value: (z) => (z === -Infinity ? -0 : z * sigma(w(z))),
    derivative: (z) => {
      if (Math.abs(z) === Infinity) return z > 0 ? 1 : 0;
      const s = sigma(w(z));
      return s + z * s * sigma(-w(z)) * dw(z);
    },
    secondDerivative: (z) => {
      if (Math.abs(z) === Infinity) return 0;
      const [s, r] = [sigma(w(z)), sigma(-w(z))];
      const d1 = s * r; // sigmoid'(w)
      const d2 = d1 * (r - s); // sigmoid''(w)
      return 2 * d1 * dw(z) + z * (d2 * dw(z) * dw(z) + d1 * 12 * K * C * z);
    },
  },
  // What tfjs-layers' 'gelu_new' computes (tfjs-layers 4.x activations.ts, class GeluNew).
  builtin: (x) =>
    tf.tidy(() => tf.mul(0.5, tf.mul(x, tf.add(1, tf.tanh(tf.mul(tf.sqrt(tf.div(2, Math.PI)), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))))),
  watForward: watForward(),
  simdForwardOn: ['wasm', 'cpu'],
  // Measured against float64 over 2^20 points of [-20, 20] (docs/design-notes.md); the derivative
  // vs tf ops within 4 x 2^-24 there.
  tolerance: { forwardUlp: 1, derivativeAbs: 3e-7 },
  layersName: 'gelu_new',
} satisfies ActivationSpec;
