import type { ActivationDefinition, ActivationName } from './types';
import { sigmoid } from './sigmoid';
import { tanh } from './tanh';
import { relu } from './relu';
import { leakyRelu } from './leakyRelu';

export type { ActivationDefinition, ActivationName, ElementwiseSource, SavedTensor, ScalarReference } from './types';

/** Every activation the library ships, by name. */
export const activations: Readonly<Record<ActivationName, ActivationDefinition>> = Object.freeze({
  sigmoid,
  tanh,
  relu,
  leakyRelu,
});

export const activationNames = Object.keys(activations) as ActivationName[];

export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(activations, name);
}
