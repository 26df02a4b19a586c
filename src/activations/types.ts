import type { Tensor } from '@tensorflow/tfjs-core';

/** The four activations this library ships. */
export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu';

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

/**
 * Per-element expressions in one backend language. In `forward` the input element is `z`; in
 * `derivative` the saved element (output or input, see `saves`) is `s`; `alpha` is the
 * activation's parameter (0 where it has none). Both must give NaN for NaN.
 */
export interface ElementwiseSource {
  forward: string;
  derivative: string;
}

/**
 * WebAssembly text (WAT) for the wasm kernels: instruction sequences over f32x4 lanes, each
 * leaving one v128 on the stack. `derivative` reads `(local.get $s)`; `forward` reads
 * `(local.get $z)`; both may read `(local.get $alpha)` (alpha in every lane) and set the extra
 * v128 scratch `locals` they name (with their `$`). `forward` is optional: without it (or
 * without 'wasm' in `forwardOn`), wasm forward is tf's own op. Both must give NaN for NaN lanes.
 */
export interface WasmSource {
  forward?: string;
  derivative: string;
  locals?: readonly string[];
  /**
   * The backends whose forward runs `forward`: 'wasm' (in place on tf's heap, instead of tf's
   * op) and 'cpu' (on a scratch heap, instead of the js loop: for an expression far slower in JS,
   * Math.tanh or Math.exp, whose SIMD form is as accurate). Each is chosen by measurement.
   */
  forwardOn?: readonly ('wasm' | 'cpu')[];
}

/**
 * One activation, its math in one place. Kernels (src/kernels) turn any definition into
 * registered backend kernels; ops.ts turns it into a public op with a registered gradient. Adding an activation
 * means adding one file like this and listing it in ./index.ts.
 */
export interface ActivationDefinition {
  readonly name: ActivationName;
  /** Human name for messages and reports. */
  readonly title: string;
  /** True when the op takes the `alpha` parameter. */
  readonly hasAlpha: boolean;
  /** Default alpha (0 for those without one). */
  readonly defaultAlpha: number;
  /** relu and leakyRelu keep tf's output dtype for int32 input; sigmoid and tanh give float32. */
  readonly keepsInt32: boolean;
  /** Which tensor the first-order backward pass reads, for a given alpha. */
  saves(alpha: number): SavedTensor;
  readonly reference: ScalarReference;
  /** tf's own forward op (used for int32 input, composite backends, and comparisons). */
  builtin(x: Tensor, alpha: number): Tensor;
  /**
   * The registered tf kernel behind `builtin`, and its attrs. Where our own forward kernel is
   * absent the op runs this kernel directly: same result as `builtin`, without tf's op wrapper
   * (about 1.2 us a call on wasm at 1e2, 40% of the op there).
   */
  readonly tfKernel: { readonly name: string; attrs(alpha: number): Record<string, number> };
  /**
   * g'(z) from the saved tensor s, as differentiable tf ops: the composite backend's backward
   * and the second-order path. NaN in s must give NaN.
   */
  compositeDerivative(s: Tensor, alpha: number): Tensor;
  /** JavaScript expressions for the cpu kernels (compiled once into tight loops). */
  readonly js: ElementwiseSource;
  /** WebAssembly SIMD bodies for the wasm kernels. Optional: without it, wasm takes the composite path. */
  readonly wasm?: WasmSource;
  /**
   * GLSL expressions for the webgl kernels: floats `z`/`s` and uniform `alpha`; tf's shader
   * prelude provides `isnan(x)` and the uniform `NAN`, and ours `where(c, a, b)`, a branch-free
   * select (a ternary compiled to a branch and made leaky ReLU's forward 1.6x slower on
   * SwiftShader). Optional: without it, webgl takes the composite path.
   */
  readonly glsl?: ElementwiseSource;
  /**
   * WGSL expressions for the webgpu kernels: `z`/`s` and `alpha` are f32; `isnan(x)` and `NAN`
   * are provided (WGSL has no NaN literal; tf's prelude has isnan). Optional, as glsl.
   */
  readonly wgsl?: ElementwiseSource;
}
