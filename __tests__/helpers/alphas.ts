import { activations } from 'tfjs-activations';
import type { ActivationName } from 'tfjs-activations';

/**
 * The alphas every leaky ReLU test sweeps: the default, the list (0.2, 1, 1.5, 0, -0.5),
 * so both sides of "backward reads the output" (alpha > 0) and "reads the input" (alpha <= 0).
 */
export const LEAKY_ALPHAS = [0.01, 0.2, 1, 1.5, 0, -0.5];

/** The alphas to test an activation with: the sweep for leaky ReLU, its default otherwise. */
export const alphasOf = (name: ActivationName): number[] =>
  activations[name].hasAlpha ? LEAKY_ALPHAS : [activations[name].defaultAlpha];
