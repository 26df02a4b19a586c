import type { KernelFunc } from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from '../activations/types';

/**
 * What a backend module offers: given any activation definition, its kernels. A module returns
 * undefined for a pass it does not accelerate; that pass then takes the composite path.
 * Kernel contracts (names from ./names):
 *   forward:  inputs {x} (float32)            attrs {alpha} -> g(x), float32
 *   backward: inputs {s} or {dy, s}           attrs {alpha} -> dy * g'(from s), float32
 *             (s is the saved output or input, as definition.saves(alpha) says; without dy the
 *             kernel returns g' itself)
 */
export interface BackendKernels {
  readonly backendName: string;
  forward?(def: ActivationDefinition): KernelFunc | undefined;
  backward?(def: ActivationDefinition): KernelFunc | undefined;
}

export interface ActivationAttrs {
  alpha: number;
  // tfjs's NamedAttrMap wants an index signature.
  [key: string]: number;
}
