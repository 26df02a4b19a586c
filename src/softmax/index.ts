import type { Tensor } from '@tensorflow/tfjs-core';
import type { TensorInput } from '../ops';
import { logSoftmax, softmax } from './ops';

// Row-wise ops (softmax and what builds on it): not elementwise, so not activation definitions.
export { softmax, logSoftmax, softmaxCrossEntropy, softmaxJacobian, SOFTMAX_JACOBIAN_MAX_ELEMENTS } from './ops';
export type { SoftmaxJacobianOptions } from './ops';

/** The row-wise ops a tfjs-layers activation can name (layerActivation, activationLayer). */
export const rowActivations: Readonly<Record<'softmax' | 'logSoftmax', (x: TensorInput, axis?: number) => Tensor>> = { softmax, logSoftmax };
export type RowActivationName = keyof typeof rowActivations;

export function isRowActivationName(name: unknown): name is RowActivationName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(rowActivations, name);
}
