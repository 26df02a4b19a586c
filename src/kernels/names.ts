import type { ActivationDefinition } from '../activations/types';
import { checkObjectArg, checkPass } from '../validate';

/** Our kernel names are our own: tf's Sigmoid, Tanh, ... kernels are never replaced. */
const PREFIX = 'TfjsActivations';

export type Pass = 'forward' | 'backward';

export function kernelName(def: ActivationDefinition, pass: Pass): string {
  checkObjectArg('kernelName', 'def', def, 'an activation definition (from activations)', ['name']);
  checkPass('kernelName', pass);
  return `${PREFIX}_${def.name}_${pass}`;
}

/**
 * What the op's forward saves for its gradient while a tape records: the output or the input
 * (definition.saves), or both [input, output] when an outer tape will differentiate the backward.
 * 'outputView' and 'inputView' save the same tensor through saveWithoutCopy (./index.ts), where
 * tf's clone would copy it (wasm).
 */
export type SavedForGradient = 'output' | 'input' | 'both' | 'outputView' | 'inputView';
export const savedVariants: readonly SavedForGradient[] = ['output', 'input', 'both', 'outputView', 'inputView'];

/** The op's forward kernel under a tape, one per saving variant (each has its own gradient). */
export function tapedKernelName(def: ActivationDefinition, saved: SavedForGradient): string {
  return `${PREFIX}_${def.name}_taped_${saved}`;
}
