import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { activations, builtinActivationNames, isActivationName } from './activations';
import type { ActivationName, BuiltinActivationName } from './activations';
import type { ActivationDefinition } from './activations/types';
import { gradientDepth, registerActivationKernels, runForward } from './kernels';
import { gradientFromSaved, publicOp } from './ops';
import type { ActivationOp, BuiltinOps } from './ops';

/*
 * The ops in tf.customGrad form (subpath `tfjs-activations/custom-grad`): the same kernels, the
 * same saved tensors and the same backward as the default ops (src/ops.ts), so the results are
 * bit-identical at every order; only the bookkeeping differs: customGrad records its own tape
 * node and runs the forward in a tidy scope where the default op runs one registered kernel.
 * Measured cost: docs/design-notes.md (bench --baseline customGrad).
 */

export function makeCustomGradOp(def: ActivationDefinition): ActivationOp {
  registerActivationKernels(def);
  // One customGrad function per alpha value in use: customGrad closes over its inputs only.
  const byAlpha = new Map<number, (x: Tensor) => Tensor>();
  const apply = (x: Tensor, alpha: number): Tensor => {
    // No tape recording: nothing can ask for a gradient, and the default op takes the same path.
    if (tf.engine().state.gradientDepth === 0) return runForward(def, x, alpha);
    let f = byAlpha.get(alpha);
    if (f == null) {
      f = tf.customGrad((...inputs) => {
        const [xIn, save] = inputs as [Tensor, tf.GradSaveFunc];
        const y = runForward(def, xIn, alpha);
        // As the default op: only what the fused backward reads, or [x, y] when it will be differentiated.
        const saved = gradientDepth() >= 2 ? 'both' : def.saves(alpha);
        save(saved === 'both' ? [xIn, y] : [saved === 'output' ? y : xIn]);
        return { value: y, gradFunc: (dy, tensors) => gradientFromSaved(def, apply, dy as Tensor, saved, tensors, alpha) };
      }) as (x: Tensor) => Tensor;
      byAlpha.set(alpha, f);
    }
    return f(x);
  };
  return publicOp(def, apply);
}

const ops = new Map<string, ActivationOp>();

/** The customGrad form of any registered activation (built-in or from defineActivation). */
export function customGradOpFor(name: ActivationName): ActivationOp {
  if (!isActivationName(name)) throw new Error(`customGradOpFor: unknown activation ${JSON.stringify(name)}`);
  let op = ops.get(name);
  if (op == null) ops.set(name, (op = makeCustomGradOp(activations[name])));
  return op;
}

/** The built-ins in customGrad form, typed as the default ops. */
export const customGradOps = Object.fromEntries(builtinActivationNames.map((n) => [n, customGradOpFor(n)])) as Pick<BuiltinOps, BuiltinActivationName>;
export const { sigmoid, tanh, relu, leakyRelu, gelu, geluTanh, silu, mish, elu, selu, softplus, softsign, relu6, hardSigmoid } = customGradOps;
