import type { ActivationDefinition } from '../activations/types';

/** Our kernel names are our own: tf's Sigmoid, Tanh, ... kernels are never replaced. */
const PREFIX = 'TfjsActivations';

export type Pass = 'forward' | 'backward';

export function kernelName(def: ActivationDefinition, pass: Pass): string {
  return `${PREFIX}_${def.name}_${pass}`;
}
