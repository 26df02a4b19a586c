import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { activationNames, activations, builtinActivationNames, builtinSpecs, isActivationName } from './activations';
import type { ActivationName, BuiltinActivationName } from './activations';
import type { ActivationDefinition } from './activations/types';
import { describe, FLOAT32_MAX, isFiniteFloat32 } from './validate';
import { gradientDepth, registerActivationKernels, runBackward, runForward, runTaped, saveWithoutCopy, savedVariants, savesWithoutCopy, tapeIsRecording, tapedKernelName } from './kernels';
import type { SavedForGradient } from './kernels';

export type TensorInput = Tensor | TensorLike;

/** A public activation op: x -> g(x), differentiable to any order. */
export type ActivationOp = (x: TensorInput, alpha?: number) => Tensor;

/**
 * Checks alpha: undefined gives the definition's default; otherwise a number finite as a float32
 * (the kernels round it to one: 1e39 would become Infinity). Ops without an alpha check it the
 * same way and ignore it, so generic code can pass one alpha to every op of opFor.
 */
export function checkAlpha(def: ActivationDefinition, alpha: unknown, opName: string): number {
  if (alpha === undefined) return def.defaultAlpha;
  if (!isFiniteFloat32(alpha)) {
    throw new Error(`${opName}: alpha must be a finite number (finite as a float32 too: |alpha| <= ${FLOAT32_MAX}), got ${describe(alpha)}`);
  }
  return def.hasAlpha ? alpha : def.defaultAlpha;
}

/**
 * Why x is not a rectangular array of numbers (or a number, or a numeric typed array), or null if
 * it is. tf.tensor itself accepts ragged arrays and turns strings or objects inside a numeric
 * array into NaN or drops them; we refuse instead.
 */
function tensorLikeProblem(x: unknown): string | null {
  if (typeof x === 'number') return null;
  if (ArrayBuffer.isView(x)) return typedArrayProblem(x);
  if (!Array.isArray(x)) return `got ${describe(x)}`;
  // tf.tensor takes typed arrays at any level of a nested array (its shape inference and
  // flattening treat them as arrays): so do we, with the same rectangularity check.
  const isRow = (v: unknown): v is unknown[] | ArrayBufferView => Array.isArray(v) || ArrayBuffer.isView(v);
  const walk = (v: unknown[] | ArrayBufferView, path: string): { shape: number[] } | string => {
    if (ArrayBuffer.isView(v)) {
      const problem = typedArrayProblem(v);
      return problem != null ? `${path}: ${problem}` : { shape: [(v as unknown as ArrayLike<number>).length] };
    }
    if (v.length === 0) return { shape: [0] };
    if (isRow(v[0])) {
      let inner: number[] | null = null;
      for (let i = 0; i < v.length; i++) {
        const item = v[i];
        if (!isRow(item)) return `${path}[${i}] is ${describe(item)} where an array was expected`;
        const r = walk(item, `${path}[${i}]`);
        if (typeof r === 'string') return r;
        if (inner == null) inner = r.shape;
        else if (inner.join() !== r.shape.join()) return `ragged array: ${path}[${i}] has shape [${r.shape}], ${path}[0] has [${inner}]`;
      }
      return { shape: [v.length, ...(inner ?? [])] };
    }
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== 'number') return `${path}[${i}] is ${describe(v[i])}, not a number`;
    }
    return { shape: [v.length] };
  };
  const r = walk(x, 'x');
  return typeof r === 'string' ? r : null;
}

/**
 * Why a typed array is not input tf.tensor takes, or null. tf takes these four; it refuses a
 * Float64Array alone and, nested in an array, reads one as a single (NaN) element.
 */
function typedArrayProblem(x: ArrayBufferView): string | null {
  return x instanceof Float32Array || x instanceof Int32Array || x instanceof Uint8Array || x instanceof Uint8ClampedArray
    ? null
    : `unsupported typed array ${x.constructor.name} (tf.tensor takes Float32Array, Int32Array, Uint8Array, Uint8ClampedArray)`;
}

/**
 * Turns x into a float32 or int32 tensor, or throws an Error naming the op. `owned` is true when
 * the tensor was made here (from a TensorLike) and must be disposed by the caller.
 */
export function toNumericTensor(x: unknown, opName: string): { tensor: Tensor; owned: boolean } {
  let tensor: Tensor;
  let owned = false;
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) throw new Error(`${opName}: the input tensor is disposed`);
    tensor = x;
  } else {
    const problem = tensorLikeProblem(x);
    if (problem != null) throw new Error(`${opName}: x must be a Tensor or a numeric TensorLike: ${problem}`);
    try {
      tensor = tf.tensor(x as TensorLike);
    } catch (e) {
      throw new Error(`${opName}: x is not a numeric TensorLike: ${(e as Error).message}`);
    }
    owned = true;
  }
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
    if (owned) tensor.dispose();
    throw new Error(`${opName}: expected a float32 or int32 tensor, got dtype ${tensor.dtype}`);
  }
  return { tensor, owned };
}

/**
 * g'(s) as differentiable tf ops, s the saved tensor (definition.saves). Where s is the input, g'
 * is a step of it and tf's step has gradient 0 even at NaN, so the second derivative at NaN
 * would be 0: adding -0 * sigmoid(s), which is -0 for every non-NaN s (+-Infinity included, so
 * d + -0 is d to the bit) and whose gradient -0 * a(1 - a) is NaN exactly at NaN and 0 elsewhere,
 * carries the NaN through. (Sigmoid runs on every backend; atan, the first choice, has no kernel
 * on tfjs 3.21's wasm.) Where s is the output, the gradient reaches x through our own op, whose
 * backward gives NaN for NaN already.
 */
function differentiableDerivative(def: ActivationDefinition, s: Tensor, alpha: number): Tensor {
  const d = def.compositeDerivative(s, alpha);
  return def.saves(alpha) === 'input' ? tf.add(d, tf.mul(-0, tf.sigmoid(s))) : d;
}

/**
 * The differentiable op for a definition. Forward runs the backend's kernel (ours where we have
 * one, else tf's). While a tape records it runs as a kernel with a registered gradient (see
 * runTaped), saving the output (or input, see definition.saves); the first-order backward is one
 * fused kernel over dy and it. Forward at gradient depth >= 2 (an outer tf.grad will
 * differentiate our backward) saves the input as well, and while an outer tape records the
 * backward pass it recomputes from the input with differentiable tf ops, so second and higher
 * derivatives are exact; tf's built-in sigmoid and tanh lose a term there (tfjs #3252).
 */
export function makeActivationOp(def: ActivationDefinition): ActivationOp {
  registerActivationKernels(def);

  const apply = (x: Tensor, alpha: number): Tensor => {
    // With no tape recording, nothing can ask for a gradient: no tape bookkeeping at all.
    if (!tapeIsRecording()) return runForward(def, x, alpha);
    // Otherwise keep only what the fused backward reads, so the input can be freed as with
    // tf's own ops; the input too (a clone sharing data) when the backward will be differentiated.
    if (gradientDepth() >= 2) return runTaped(def, 'both', x, alpha);
    const saves = def.saves(alpha);
    if (!savesWithoutCopy()) return runTaped(def, saves, x, alpha);
    const y = runTaped(def, saves === 'output' ? 'outputView' : 'inputView', x, alpha);
    saveWithoutCopy(y, saves === 'output' ? y : x);
    return y;
  };

  for (const saved of savedVariants) {
    const kernelName = tapedKernelName(def, saved);
    if (tf.getGradient(kernelName) != null) continue; // another copy of us did it
    tf.registerGradient({
      kernelName,
      // The engine saves inputsToSave, then the outputs flagged here: 'both' gets [x, y]. The
      // views save nothing here: apply's saveWithoutCopy does.
      inputsToSave: saved === 'input' || saved === 'both' ? ['x'] : [],
      outputsToSave: saved === 'output' || saved === 'both' ? [true] : [],
      gradFunc: (dy: Tensor | Tensor[], tensors: Tensor[], attrs: NamedAttrMap) => {
        const dyT = dy as Tensor;
        const alpha = attrs.alpha as number;
        return { x: () => gradientFromSaved(def, apply, dyT, saved, tensors, alpha) };
      },
    });
  }

  return publicOp(def, apply);
}

/**
 * dx from what the forward saved (`saved` names the variant, `tensors` the saved tensors): one
 * fused kernel, or, for 'both' while an outer tape records, differentiable tf ops from the input
 * (g recomputed by `apply` where g' reads the output), so the next order is exact.
 */
export function gradientFromSaved(
  def: ActivationDefinition,
  apply: (x: Tensor, alpha: number) => Tensor,
  dy: Tensor,
  saved: SavedForGradient,
  tensors: Tensor[],
  alpha: number,
): Tensor {
  if (saved !== 'both') return runBackward(def, dy, tensors[0], alpha);
  const [xSaved, ySaved] = tensors;
  if (tapeIsRecording()) {
    const s = def.saves(alpha) === 'output' ? apply(xSaved, alpha) : xSaved;
    return tf.mul(dy, differentiableDerivative(def, s, alpha));
  }
  return runBackward(def, dy, def.saves(alpha) === 'output' ? ySaved : xSaved, alpha);
}

/** The public op around `apply` (float32 x): argument checks, TensorLike input, int32 as tf does it. */
export function publicOp(def: ActivationDefinition, apply: (x: Tensor, alpha: number) => Tensor): ActivationOp {
  const opName = def.name;
  return (x: TensorInput, alpha?: number): Tensor => {
    const a = checkAlpha(def, alpha, opName);
    const { tensor, owned } = toNumericTensor(x, opName);
    try {
      if (tensor.dtype === 'int32') {
        // relu and leakyRelu give what tf gives for int32; sigmoid and tanh compute in float32.
        if (def.keepsInt32) return tf.tidy(() => def.builtin(tensor, a));
        return tf.tidy(() => apply(tf.cast(tensor, 'float32'), a));
      }
      return apply(tensor, a);
    } finally {
      if (owned) tensor.dispose();
    }
  };
}

/** g'(z) as a tensor; differentiable (it takes tf ops while a tape records). */
export function makeDerivative(def: ActivationDefinition, op: ActivationOp): ActivationOp {
  const opName = `${def.name}Derivative`;
  return (z: TensorInput, alpha?: number): Tensor => {
    const a = checkAlpha(def, alpha, opName);
    const { tensor, owned } = toNumericTensor(z, opName);
    try {
      return tf.tidy(() => {
        const zf = tensor.dtype === 'float32' ? tensor : tf.cast(tensor, 'float32');
        if (tapeIsRecording()) {
          const s = def.saves(a) === 'output' ? op(zf, a) : zf;
          return tf.cast(differentiableDerivative(def, s, a), 'float32');
        }
        const s = def.saves(a) === 'output' ? runForward(def, zf, a) : zf;
        return runBackward(def, null, s, a);
      });
    } finally {
      if (owned) tensor.dispose();
    }
  };
}

/** g'(z) from a = g(z), the seeds' formulas: a(1-a), 1-a^2, step(a), alpha-step(a). */
export function makeDerivativeFromOutput(def: ActivationDefinition): ActivationOp {
  const opName = `${def.name}DerivativeFromOutput`;
  return (a: TensorInput, alpha?: number): Tensor => {
    const al = checkAlpha(def, alpha, opName);
    if (def.saves(al) !== 'output') {
      throw new Error(
        `${opName}: with alpha = ${al} the output does not determine g'(z) (both sides of 0 can give the same a); use ${def.name}Derivative(z)`,
      );
    }
    const { tensor, owned } = toNumericTensor(a, opName);
    try {
      return tf.tidy(() => {
        const af = tensor.dtype === 'float32' ? tensor : tf.cast(tensor, 'float32');
        if (tapeIsRecording()) return tf.cast(def.compositeDerivative(af, al), 'float32');
        return runBackward(def, null, af, al);
      });
    } finally {
      if (owned) tensor.dispose();
    }
  };
}

/** The ops of one activation. */
interface OpSet {
  op: ActivationOp;
  derivative: ActivationOp;
  fromOutput: ActivationOp;
}

const opSets = new Map<string, OpSet>();

/** Makes and keeps the ops of a registered definition (the built-ins at import; defineActivation's later). */
export function addOps(def: ActivationDefinition): OpSet {
  const op = makeActivationOp(def);
  const set = { op, derivative: makeDerivative(def, op), fromOutput: makeDerivativeFromOutput(def) };
  opSets.set(def.name, set);
  return set;
}

for (const name of activationNames) addOps(activations[name]);

function opSet(name: ActivationName, caller: string): OpSet {
  const set = isActivationName(name) ? opSets.get(name) : undefined;
  if (set == null) throw new Error(`${caller}: unknown activation ${JSON.stringify(name)} (known: ${activationNames.join(', ')})`);
  return set;
}

export function opFor(name: ActivationName): ActivationOp {
  return opSet(name, 'opFor').op;
}

export function derivativeFor(name: ActivationName): ActivationOp {
  return opSet(name, 'derivativeFor').derivative;
}

export function derivativeFromOutputFor(name: ActivationName): ActivationOp {
  return opSet(name, 'derivativeFromOutputFor').fromOutput;
}

/** A built-in's public op: alpha only where the definition has one. */
type OpOf<N extends BuiltinActivationName> = (typeof builtinSpecs)[N] extends { alpha: object }
  ? (x: TensorInput, alpha?: number) => Tensor
  : (x: TensorInput) => Tensor;

/** The public ops of the built-ins, generated: sigmoid, sigmoidDerivative, sigmoidDerivativeFromOutput, ... */
export type BuiltinOps = { [N in BuiltinActivationName]: OpOf<N> } & {
  [N in BuiltinActivationName as `${N}Derivative` | `${N}DerivativeFromOutput`]: OpOf<N>;
};

export const builtinOps = Object.fromEntries(
  builtinActivationNames.flatMap((name) => {
    const set = opSet(name, 'builtinOps');
    return [
      [name, set.op],
      [`${name}Derivative`, set.derivative],
      [`${name}DerivativeFromOutput`, set.fromOutput],
    ];
  }),
) as BuiltinOps;
