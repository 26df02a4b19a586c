import type { Tensor } from '@tensorflow/tfjs-core';
// The names come from the registry (./index.ts); re-exported for the modules that import types from here.
export type { ActivationName, BuiltinActivationName } from './index';
import type { Expr } from '../expr/ast';

/**
 * Which tensor the backward pass reads. The seeds' idea is 'output': g'(z) from a = g(z), so
 * backward needs no recomputation. Where a does not determine g'(z) (leaky ReLU with alpha <= 0,
 * where z < 0 and z > 0 can give the same sign of a) the input is saved instead.
 */
export type SavedTensor = 'output' | 'input';

/** Float64 scalar math: the ground truth every kernel and test is measured against. */
export interface ScalarReference {
  value(z: number, alpha: number): number;
  derivative(z: number, alpha: number): number;
  secondDerivative(z: number, alpha: number): number;
  /** g'(z) given s, the saved tensor's value (see `saves`), as the kernels compute it. */
  derivativeFromSaved(s: number, alpha: number): number;
}

/** The backends whose forward can run a definition's SIMD body instead of another kernel. */
export type SimdForwardBackend = 'wasm' | 'cpu';

/**
 * A hand-written WAT body, where measurement says it beats the rendered expression: an
 * instruction sequence over f32x4 lanes reading `(local.get $z)` (a forward) or `(local.get $s)`
 * (a derivative), and `$alpha`, leaving one v128, setting the scratch `locals` it names. NaN
 * lanes must give NaN.
 */
export interface WatBody {
  code: string;
  locals: readonly string[];
  /**
   * A cheaper body that is right only for lanes >= `min` (and NaN lanes): a vector's result is
   * `fast.code` where none of its four lanes is below `min`, else `code`. The module takes the
   * minimum over a block of vectors (one pmin each) and tests it once per block, and reruns a
   * block with a lane below `min` vector by vector, so the bits are those of the choice per
   * vector. `locals` lists the scratch locals of both bodies.
   */
  fast?: WatFast;
}

/** See WatBody.fast. */
export interface WatFast {
  min: number;
  code: string;
}

/** A hand-written WAT forward (the name the first hand-written bodies had). */
export type WatForward = WatBody;

/**
 * How far this activation's kernels may be from other float32 computations of the same math, in
 * float32 ulps (the kernel tests read these; a new activation states its own).
 */
export interface Tolerance {
  /**
   * SIMD forward vs tf's own op where that is one kernel (def.tfKernel), else vs the float64
   * reference (a tfjs-layers composite such as 1 + erf cancels: it is no yardstick).
   */
  readonly forwardUlp: number;
  /** SIMD forward vs the float64 reference, over the whole float32 range (default 1). */
  readonly referenceUlp: number;
  /** Fused backward (SIMD) vs the same derivative as tf ops: 0 where both do the same float32 steps. */
  readonly derivativeUlp: number;
  /**
   * Where the derivative calls transcendental routines (ours in WAT, tf's libm or JS Math in tf
   * ops), the two differ by rounding, and in ulps without bound where g' crosses 0: the absolute
   * difference allowed instead, per unit of |dy| (0: bit for bit, as derivativeUlp says). Where it
   * is above 0, the wasm and cpu SIMD derivative computes its exps to that kind of bound (2^(x log2 e),
   * about |x| 2^-24 relative; see src/expr/wat-lib.ts's ExpF32Precision), with fewer instructions.
   */
  readonly derivativeAbs: number;
  /**
   * tf.grad of the op vs tf.grad of def.builtin, absolute, per unit of dy: 0 where our backward
   * computes tf's own gradient formula in the same float32 steps (bit for bit), else how far the
   * two formulas may be apart (selu: a + scale alpha vs tf's scale alpha e^x).
   */
  readonly autodiffAbs: number;
}

/**
 * What an author writes: one activation, its math once. `forward` is an expression in the input
 * z, `derivative` one in the saved tensor s (the output or the input, as `saves` says) that gives
 * g'(z); both may read the parameter. Every kernel, the tf-op composite and the second-order path
 * are rendered from these two (src/expr). The float64 `reference` is written by hand: the oracle
 * is never the code it judges. The library's own activations are specs like this
 * (src/activations/*.ts); users pass one to defineActivation.
 */
export interface ActivationSpec {
  /** The op's name: a JS identifier, not one of ours or a tf kernel's. */
  readonly name: string;
  /** Human name for messages and reports (default: name). */
  readonly title?: string;
  forward(z: Expr, alpha: Expr): Expr;
  derivative(s: Expr, alpha: Expr): Expr;
  /** Which tensor backward reads; a function of alpha where that depends on it. */
  readonly saves: SavedTensor | ((alpha: number) => SavedTensor);
  /** The activation's parameter, alpha, with its default; absent when it has none. */
  readonly alpha?: { readonly default: number };
  /** Float64 math; derivativeFromSaved may be left out where the input is always saved. */
  readonly reference: Omit<ScalarReference, 'derivativeFromSaved'> & Partial<Pick<ScalarReference, 'derivativeFromSaved'>>;
  /**
   * How a tfjs user computes this today (tf's op, or a composite of tf ops): comparisons,
   * benchmarks, int32 input. Default: the forward expression as tf ops.
   */
  builtin?(x: Tensor, alpha: number): Tensor;
  /**
   * The registered tf kernel behind `builtin`, where it is one kernel: without our own forward
   * kernel the op runs it directly (same result as `builtin`, without tf's op wrapper).
   */
  readonly tfKernel?: {
    readonly name: string;
    attrs(alpha: number): Record<string, number>;
    /** The alphas the kernel computes this activation for (default: all; tf's Elu has alpha 1 only). */
    forAlpha?(alpha: number): boolean;
  };
  /** Keep tf's int32 output for int32 input (relu does); default: compute in float32. */
  readonly keepsInt32?: boolean;
  /**
   * Where the forward runs our SIMD body (default: both): 'wasm' in place on tf's heap instead of
   * tf's op, 'cpu' on a scratch heap instead of the JS loop. Each is chosen by measurement.
   */
  readonly simdForwardOn?: readonly SimdForwardBackend[];
  /** A hand-written WAT forward replacing the rendered one (see WatBody). */
  readonly watForward?: WatBody;
  /**
   * A hand-written WAT g' from the saved tensor, replacing the rendered derivative in the wasm and
   * cpu SIMD kernels (backward and derivative). The expression `derivative` still gives every
   * other kernel and the second order (tf differentiates it), and the kernel tests hold the body
   * to it: it must state `tolerance.derivativeAbs` (or `derivativeUlp`), as it rounds differently.
   */
  readonly watDerivative?: WatBody;
  readonly tolerance?: Partial<Tolerance>;
  /** tfjs-layers' own activation string for the same function, if it has one. */
  readonly layersName?: string;
  /** Else tfjs-layers' layer computing it: `tf.layers[layersLayer]({ alpha })`. */
  readonly layersLayer?: string;
}

/** The WAT bodies of the wasm kernels (src/kernels/wasm/source.ts wraps them in loops). */
export interface WasmSource {
  /** g(z): the body right everywhere (WatBody.code). */
  forward: string;
  /** g'(s) from the saved tensor, likewise. */
  derivative: string;
  /** The spec's fast bodies (WatBody.fast): the module chooses per vector and tests per block. */
  forwardFast?: WatFast;
  derivativeFast?: WatFast;
  locals: readonly string[];
  forwardOn: readonly SimdForwardBackend[];
}

/**
 * A definition as the kernels read it: the spec with everything rendered (src/activations/define.ts).
 * No kernel names an activation.
 */
export interface ActivationDefinition {
  readonly name: string;
  readonly title: string;
  readonly hasAlpha: boolean;
  /** Default alpha (0 for those without one). */
  readonly defaultAlpha: number;
  readonly keepsInt32: boolean;
  saves(alpha: number): SavedTensor;
  readonly reference: ScalarReference;
  readonly forward: Expr;
  readonly derivative: Expr;
  /** tf's way of computing it (see ActivationSpec.builtin). */
  builtin(x: Tensor, alpha: number): Tensor;
  /** True when builtin is tf's own op, false when it is the forward rendered as tf ops. */
  readonly hasBuiltin: boolean;
  readonly tfKernel?: ActivationSpec['tfKernel'];
  /** g(x) as differentiable tf ops: the composite backend's forward where tf has no op. */
  compositeForward(x: Tensor, alpha: number): Tensor;
  /** g'(z) from the saved tensor as differentiable tf ops: composite backward, second order. */
  compositeDerivative(s: Tensor, alpha: number): Tensor;
  /** The WAT bodies for the wasm modules (built by scripts/build-wasm.js). */
  readonly wasm: WasmSource;
  readonly tolerance: Tolerance;
  readonly layersName?: string;
  readonly layersLayer?: string;
}
