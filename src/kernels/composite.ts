import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from '../activations/types';

/*
 * The path for any backend without kernels of ours (tensorflow, or any other): the definition's
 * own tf-op expressions. Correct everywhere tfjs runs; also differentiable, which is why the
 * second-order path uses it too.
 */

export function compositeForward(def: ActivationDefinition, x: Tensor, alpha: number): Tensor {
  return def.builtin(x, alpha);
}

/** dy * g'(from s), or g' alone when dy is null. */
export function compositeBackward(
  def: ActivationDefinition,
  dy: Tensor | null,
  s: Tensor,
  alpha: number,
): Tensor {
  return tf.tidy(() => {
    const d = def.compositeDerivative(s, alpha);
    return dy == null ? tf.cast(d, 'float32') : tf.mul(dy, d);
  });
}
