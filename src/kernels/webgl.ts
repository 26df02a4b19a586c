import { env } from '@tensorflow/tfjs-core';
import type { DataId, DataType, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from '../activations/types';
import { renderGlslFunction } from '../expr/glsl';
import type { ActivationAttrs, BackendKernels } from './types';

/*
 * webgl kernels: one GPGPU program per activation and pass, generated from the definition's GLSL
 * expressions. Everything here is typed structurally against what tfjs-backend-webgl 4.x hands a
 * kernel as `backend`, so the library does not depend on that package.
 *
 * - alpha is a custom uniform, never part of the source: the shader key (which includes the
 *   source) is the same for every alpha, so one compiled program serves all of them.
 * - Packed and unpacked layouts each get their own program. runWebGLProgram converts an input
 *   whose layout differs from the program's (an extra pack/unpack pass per input), so the
 *   program follows the layout the inputs already have.
 * - The functions come from the expression renderer (src/expr/glsl.ts), which guards NaN.
 */

/** One compiled-program description, as tfjs-backend-webgl's GPGPUProgram reads it. */
interface GpgpuProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  packedInputs?: boolean;
  packedOutput?: boolean;
  enableShapeUniforms?: boolean;
  customUniforms?: Array<{ name: string; type: 'float' }>;
}

/** The part of MathBackendWebGL these kernels use. */
interface WebGLBackend {
  texData: { get(dataId: DataId): { isPacked?: boolean; texture?: unknown } | undefined };
  runWebGLProgram(
    program: GpgpuProgram,
    inputs: TensorInfo[],
    outputType: DataType,
    customUniformValues?: number[][],
  ): TensorInfo;
}

/** tf's rule (gpgpu_math.useShapeUniforms): shapes as uniforms keep one program for all shapes. */
function useShapeUniforms(rank: number): boolean {
  return env().getBool('WEBGL_USE_SHAPES_UNIFORMS') && rank <= 4;
}

/**
 * A program computing out = [dy *] f(s) elementwise, where f is a GLSL expression in `v`.
 * The class name is part of tf's binary cache key; the user code (which holds the expression)
 * is the rest of what tells programs apart.
 */
class ActivationProgram implements GpgpuProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly userCode: string;
  readonly packedInputs: boolean;
  readonly packedOutput: boolean;
  readonly enableShapeUniforms: boolean;
  readonly customUniforms = [{ name: 'alpha', type: 'float' as const }];

  constructor(shape: number[], fn: string, withDy: boolean, packed: boolean) {
    this.outputShape = shape;
    this.variableNames = withDy ? ['DY', 'S'] : ['S'];
    this.packedInputs = packed;
    this.packedOutput = packed;
    this.enableShapeUniforms = useShapeUniforms(shape.length);
    const type = packed ? 'vec4' : 'float';
    const value = packed
      ? 'vec4(activationFn(v.x), activationFn(v.y), activationFn(v.z), activationFn(v.w))'
      : 'activationFn(v)';
    this.userCode = `
      ${fn}
      void main() {
        ${type} v = getSAtOutCoords();
        ${type} g = ${value};
        setOutput(${withDy ? 'getDYAtOutCoords() * g' : 'g'});
      }
    `;
  }
}

/**
 * Packed when the inputs already on the GPU are mostly packed; with none there yet (fresh
 * uploads take the program's layout for free) tf's own preference for binary ops decides.
 */
function choosePacked(backend: WebGLBackend, inputs: TensorInfo[]): boolean {
  let packed = 0;
  let unpacked = 0;
  for (const t of inputs) {
    const data = backend.texData.get(t.dataId);
    if (data?.texture == null) continue;
    if (data.isPacked) packed++;
    else unpacked++;
  }
  if (packed === unpacked) return env().getBool('WEBGL_PACK_BINARY_OPERATIONS');
  return packed > unpacked;
}

function run(
  backend: WebGLBackend,
  fn: string,
  dy: TensorInfo | undefined,
  s: TensorInfo,
  alpha: number,
): TensorInfo {
  const inputs = dy == null ? [s] : [dy, s];
  const program = new ActivationProgram(s.shape.slice(), fn, dy != null, choosePacked(backend, inputs));
  return backend.runWebGLProgram(program, inputs, 'float32', [[alpha]]);
}

export const webglKernels: BackendKernels = {
  backendName: 'webgl',

  /*
   * Forward is ours too: tf's packed relu and leakyRelu shaders multiply by a 0/1 mask, so
   * relu(-inf) and leakyRelu(+inf) come out NaN (0 * inf); our expressions give the limits.
   */
  forward(def: ActivationDefinition): KernelFunc | undefined {
    const fn = renderGlslFunction(def.forward, 'z');
    return ({ inputs, attrs, backend }) =>
      run(backend as unknown as WebGLBackend, fn, undefined, inputs.x as TensorInfo, (attrs as ActivationAttrs).alpha);
  },

  backward(def: ActivationDefinition): KernelFunc | undefined {
    const fn = renderGlslFunction(def.derivative, 's');
    return ({ inputs, attrs, backend }) =>
      run(
        backend as unknown as WebGLBackend,
        fn,
        inputs.dy as TensorInfo | undefined,
        inputs.s as TensorInfo,
        (attrs as ActivationAttrs).alpha,
      );
  },
};
