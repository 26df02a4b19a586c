import { defineActivation, expr } from 'tfjs-activations';
const { abs, add, div, gt, lt, max, mul, select, sqrt, sub } = expr;

// squareplus(z) = (z + sqrt(z^2 + b)) / 2, a smooth ReLU (Barron 2021); b is the parameter.
// r = sqrt(z^2 + b), or |z| where z^2 would overflow (it equals |z| in float32 there anyway).
const r = (z: expr.Expr, b: expr.Expr) => select(gt(abs(z), 1e18), abs(z), sqrt(add(mul(z, z), b)));
// b / (2 r w) with w = r -+ z: the terms below 0 and above, without cancellation. tf differentiates
// both branches of a select, so w >= r (true where its branch is taken) keeps 0 out of divisors.
const t = (z: expr.Expr, b: expr.Expr, w: expr.Expr) => div(b, mul(mul(2, r(z, b)), max(w, r(z, b))));

export const squareplus = defineActivation({
  name: 'squareplus',
  alpha: { default: 4 },
  forward: (z, b) => select(lt(z, 0), div(b, mul(2, max(sub(r(z, b), z), r(z, b)))), mul(0.5, add(z, r(z, b)))),
  derivative: (z, b) => select(lt(z, 0), t(z, b, sub(r(z, b), z)), sub(1, t(z, b, add(r(z, b), z)))), // from z
  saves: 'input',
  reference: {
    value: (z, b) => (z < 0 ? b / (2 * (Math.hypot(z, Math.sqrt(b)) - z)) : (z + Math.hypot(z, Math.sqrt(b))) / 2),
    derivative: (z, b) => {
      const h = Math.hypot(z, Math.sqrt(b));
      return z < 0 ? b / (2 * h * (h - z)) : 1 - b / (2 * h * (h + z));
    },
    secondDerivative: (z, b) => b / (2 * Math.hypot(z, Math.sqrt(b)) ** 3),
  },
});
