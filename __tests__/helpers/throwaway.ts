import { defineActivation, expr } from 'tfjs-activations';
import type { ActivationSpec, DefinedActivation } from 'tfjs-activations';

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

/**
 * g(z) = z^2 / 2, g' = s (the input saved), g'' = 1: exact in float32 at multiples of 1/8, so
 * where a test's hand-written WAT body (in `extra`) ran shows in the bits.
 */
export function halfSquareSpec(name: string, extra: Partial<ActivationSpec>): ActivationSpec {
  return {
    name,
    forward: (z) => mul(0.5, mul(z, z)),
    derivative: (s) => s,
    saves: 'input',
    reference: { value: (z) => (z * z) / 2, derivative: (z) => z, secondDerivative: () => 1 },
    ...extra,
  };
}
