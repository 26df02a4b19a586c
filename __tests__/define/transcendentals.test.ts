import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { defineActivation, expr, hasKernel } from 'tfjs-activations';
import { checkActivation } from 'tfjs-activations/gradcheck';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';
import { erf as erf64 } from '../expr/erf64';

/*
 * User definitions over the transcendental ops (exp, log, log1p, erf) pass checkActivation on
 * cpu and wasm through their fused kernels: every renderer's form of those ops (JS natives and
 * expansions, WAT routines, tf ops for second order) in one activation each.
 */
const { abs, add, div, erf, exp, log, log1p, lt, max, min, mul, neg, select, sub, tanh } = expr;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

const defined = [
  defineActivation({
    // softplus, stable: max(z, 0) + log1p(e^-|z|); g' = sigmoid(z) from the input, each branch
    // with an exponent <= 0 wherever it is evaluated (tf differentiates both for second order)
    name: 'testSoftplus',
    forward: (z) => add(max(z, 0), log1p(exp(neg(abs(z))))),
    derivative: (z) => select(lt(z, 0), div(exp(min(z, 0)), add(1, exp(min(z, 0)))), div(1, add(1, exp(neg(max(z, 0)))))),
    saves: 'input',
    builtin: (x) => tf.softplus(x),
    reference: {
      value: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
      derivative: (z) => (z < 0 ? Math.exp(z) / (1 + Math.exp(z)) : 1 / (1 + Math.exp(-z))),
      secondDerivative: (z) => { const e = Math.exp(-Math.abs(z)); return e / (1 + e) ** 2; },
    },
  }),
  defineActivation({
    // erf itself: g' = 2 / sqrt(pi) e^(-z^2)
    name: 'testErf',
    forward: (z) => erf(z),
    derivative: (z) => mul(TWO_OVER_SQRT_PI, exp(neg(mul(z, z)))),
    saves: 'input',
    reference: {
      value: (z) => erf64(z),
      derivative: (z) => TWO_OVER_SQRT_PI * Math.exp(-z * z),
      secondDerivative: (z) => -2 * z * TWO_OVER_SQRT_PI * Math.exp(-z * z),
    },
  }),
  defineActivation({
    // log(3 + tanh z) (its argument in [2, 4]: well conditioned): g' = (1 - t^2) / (3 + t)
    name: 'testLogTanh',
    forward: (z) => log(add(3, tanh(z))),
    derivative: (z) => div(sub(1, mul(tanh(z), tanh(z))), add(3, tanh(z))),
    saves: 'input',
    reference: {
      value: (z) => Math.log(3 + Math.tanh(z)),
      derivative: (z) => 1 / Math.cosh(z) ** 2 / (3 + Math.tanh(z)),
      // d/dz (1 - t^2) / (3 + t) = (1 - t^2) (-2t (3 + t) - (1 - t^2)) / (3 + t)^2
      secondDerivative: (z) => { const t = Math.tanh(z); return (1 / Math.cosh(z) ** 2) * (-t * t - 6 * t - 1) / (3 + t) ** 2; },
    },
  }),
];

describe.each(NODE_BACKENDS)('%s', (backend) => {
  beforeAll(() => setBackend(backend));
  it.each(defined.map((d) => [d.name, d] as const))('%s: fused kernels, checkActivation passes', async (_, d) => {
    expect(hasKernel(d.definition, 'backward', backend)).toBe(true);
    const report = await checkActivation(d.name);
    expect(report.reasons).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
