import { nameClash, registerDefinition } from './activations';
import { compileDefinition } from './activations/define';
import type { ActivationDefinition, ActivationSpec } from './activations/types';
import { addOps } from './ops';
import type { ActivationOp } from './ops';

/** What defineActivation gives: the ops, as the built-ins have them. */
export interface DefinedActivation {
  readonly name: string;
  /** x -> g(x), with its registered gradient, differentiable to any order. */
  readonly op: ActivationOp;
  /** g'(z) as a tensor. */
  readonly derivative: ActivationOp;
  /** g'(z) from a = g(z) (throws where the definition saves the input). */
  readonly derivativeFromOutput: ActivationOp;
  readonly definition: ActivationDefinition;
}

/**
 * Defines a new activation from one spec (expressions in the tfjs-activations expression
 * language, a float64 reference, what backward reads): its op with a registered gradient and
 * exact second order, kernels rendered from the expressions on cpu (JS loops and SIMD), wasm (its
 * module assembled now), webgl and webgpu, tf ops elsewhere; its name is then accepted wherever the built-ins' are (opFor,
 * checkActivation, layerActivation, activationLayer, the bench). Every problem with the spec is
 * an Error before anything registers.
 */
export function defineActivation(spec: ActivationSpec): DefinedActivation {
  const definition = compileDefinition(spec);
  const clash = nameClash(definition.name);
  if (clash != null) throw new Error(`defineActivation('${definition.name}'): the name is taken: ${clash}`);
  registerDefinition(definition);
  const { op, derivative, fromOutput } = addOps(definition);
  return { name: definition.name, op, derivative, derivativeFromOutput: fromOutput, definition };
}
