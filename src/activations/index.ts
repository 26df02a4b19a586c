import * as tf from '@tensorflow/tfjs-core';
import { compileDefinition } from './define';
import type { ActivationDefinition, ActivationSpec } from './types';
import { sigmoid } from './sigmoid';
import { tanh } from './tanh';
import { relu } from './relu';
import { leakyRelu } from './leakyRelu';
import { gelu } from './gelu';
import { geluTanh } from './geluTanh';
import { silu } from './silu';
import { mish } from './mish';
import { elu } from './elu';
import { selu } from './selu';
import { softplus } from './softplus';
import { softsign } from './softsign';
import { relu6 } from './relu6';
import { hardSigmoid } from './hardSigmoid';

export type { ActivationDefinition, ActivationSpec, SavedTensor, ScalarReference, Tolerance, WatBody, WatForward } from './types';

/** The library's activations: adding one is a file in this directory and a line here. */
export const builtinSpecs = { sigmoid, tanh, relu, leakyRelu, gelu, geluTanh, silu, mish, elu, selu, softplus, softsign, relu6, hardSigmoid } as const;

/** The names of the activations the library ships. */
export type BuiltinActivationName = keyof typeof builtinSpecs;
/** A built-in name, or one registered with defineActivation. */
export type ActivationName = BuiltinActivationName | (string & {});

/**
 * Every activation by name: the built-ins, and those defined with defineActivation (added by
 * registerDefinition, so everything that looks names up here accepts them).
 */
export const activations: Record<string, ActivationDefinition> = Object.fromEntries(
  Object.values(builtinSpecs).map((spec: ActivationSpec) => [spec.name, compileDefinition(spec)]),
);

/** The built-ins' names, in the registry's order. */
export const builtinActivationNames = Object.keys(builtinSpecs) as BuiltinActivationName[];

/** Every registered name (built-ins first, then user definitions in definition order). */
export const activationNames: ActivationName[] = [...builtinActivationNames];

export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(activations, name);
}

/**
 * Why `name` cannot be a new activation's, or null: ours, an Object.prototype key, or, in any
 * case, a tf kernel's or op's name (tf's 'Elu' kernel and 'elu' op would make 'elu' ambiguous in
 * reports and layers identifiers).
 */
export function nameClash(name: string): string | null {
  if (Object.prototype.hasOwnProperty.call(activations, name)) return `'${name}' is already an activation of tfjs-activations`;
  if (name in Object.prototype) return `'${name}' is a property of every object`;
  const lower = name.toLowerCase();
  const tfNames = new Set<string>();
  for (const [key, value] of Object.entries(tf)) {
    if (typeof value === 'string' && key === value) tfNames.add(key); // kernel-name constants, e.g. tf.Elu = 'Elu'
    if (typeof value === 'function') tfNames.add(key);
  }
  for (const backend of Object.keys(tf.engine().registryFactory)) {
    for (const k of tf.getKernelsForBackend(backend)) tfNames.add(k.kernelName);
  }
  for (const t of tfNames) if (t.toLowerCase() === lower) return `'${name}' is tf's ${t}`;
  return null;
}

/** Adds a compiled definition to the registry (defineActivation checks the name first). */
export function registerDefinition(def: ActivationDefinition): void {
  activations[def.name] = def;
  activationNames.push(def.name);
}
