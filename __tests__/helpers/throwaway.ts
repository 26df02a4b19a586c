import { defineActivation, expr } from 'tfjs-activations';
import type { DefinedActivation } from 'tfjs-activations';

const { mul, sub, tanh } = expr;

/** sech^2 without cancellation where tanh rounds to +-1. */
const sech2 = (x: number): number => 1 / Math.cosh(x) ** 2;

/**
 * A throwaway activation defined the way a user would, tanh(alpha z) with a parameter, so the
 * ops, kernels, checks, layers and bench tests can run over a definition that is none of the
 * built-ins. Defined once per test file (each jest file has its own registry).
 */
let defined: DefinedActivation | undefined;

export function throwaway(): DefinedActivation {
  defined ??= defineActivation({
    name: 'testScaledTanh',
    forward: (z, alpha) => tanh(mul(alpha, z)),
    derivative: (a, alpha) => mul(alpha, sub(1, mul(a, a))), // alpha (1 - a^2) from the output
    saves: 'output',
    alpha: { default: 0.5 },
    reference: {
      value: (z, alpha) => Math.tanh(alpha * z),
      derivative: (z, alpha) => alpha * sech2(alpha * z),
      secondDerivative: (z, alpha) => -2 * alpha * alpha * Math.tanh(alpha * z) * sech2(alpha * z),
      derivativeFromSaved: (a, alpha) => alpha * (1 - a * a),
    },
  });
  return defined;
}
