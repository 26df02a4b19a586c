import { util } from '@tensorflow/tfjs-core';
import type { DataType, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from '../activations/types';
import { renderWgslFunction } from '../expr/wgsl';
import type { ActivationAttrs, BackendKernels } from './types';

/*
 * webgpu kernels: one compute shader per activation and pass, generated from the definition's
 * WGSL expressions, typed structurally against tfjs-backend-webgpu 4.x (no dependency on it).
 *
 * - tf caches pipelines by program.shaderKey (plus ranks and dtypes), not by source: the key
 *   names the definition, the pass and the vector width, so programs never collide.
 * - alpha is a program-defined uniform, so one pipeline serves every alpha.
 * - Elements are processed four at a time (vec4) when the size allows, like tf's binary ops.
 * - Inputs and output have the same shape, so the shader indexes the flat buffers directly.
 */

/** What tfjs-backend-webgpu's runWebGPUProgram reads from any program (the row ops' too). */
export interface WebGPUProgramBase {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  getUserCode(): string;
}

/** ...and from ours, which read vec4 components and a uniform (alpha). */
interface WebGPUProgram extends WebGPUProgramBase {
  outputComponent: number;
  variableComponents: number[];
  uniforms: string;
}

/** The part of WebGPUBackend these kernels use. */
interface WebGPUBackend {
  runWebGPUProgram(
    program: WebGPUProgram,
    inputs: TensorInfo[],
    outputType: DataType,
    programDefinedUniform?: Array<{ type: 'float32' | 'int32'; data: number[] }>,
  ): TensorInfo;
}

const WORKGROUP_X = 128;

class ActivationProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  shaderKey: string; // runWebGPUProgram extends it with ranks and dtypes
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [WORKGROUP_X, 1, 1];
  readonly outputComponent: number;
  readonly variableComponents: number[];
  readonly size = true;
  readonly uniforms = 'alpha : f32,';
  private readonly fn: string;
  private readonly withDy: boolean;

  constructor(key: string, shape: number[], fn: string, withDy: boolean) {
    this.outputShape = shape;
    this.withDy = withDy;
    this.fn = fn;
    this.variableNames = withDy ? ['DY', 'S'] : ['S'];
    const n = util.sizeFromShape(shape);
    this.outputComponent = n % 4 === 0 ? 4 : 1;
    this.variableComponents = this.variableNames.map(() => this.outputComponent);
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    this.dispatch = [Math.ceil(n / (WORKGROUP_X * this.outputComponent)), 1, 1];
    this.shaderKey = `${key}_${withDy ? 'dy' : 'nody'}_${this.outputComponent}`;
  }

  getUserCode(): string {
    const vec = this.outputComponent === 4;
    const type = vec ? 'vec4<f32>' : 'f32';
    const g = vec
      ? 'vec4<f32>(activationFn(v.x), activationFn(v.y), activationFn(v.z), activationFn(v.w))'
      : 'activationFn(v)';
    return `
      ${this.fn}
      fn main(index : i32) {
        if (index < uniforms.size) {
          let v = ${type}(S[index]);
          let g = ${g};
          result[index] = ${this.withDy ? `${type}(DY[index]) * g` : 'g'};
        }
      }
    `;
  }
}

function makeKernel(key: string, fn: string, input: 'x' | 's'): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const gpu = backend as unknown as WebGPUBackend;
    const s = inputs[input] as TensorInfo;
    const dy = inputs.dy as TensorInfo | undefined;
    const program = new ActivationProgram(key, s.shape.slice(), fn, dy != null);
    const alpha = (attrs as ActivationAttrs).alpha;
    return gpu.runWebGPUProgram(program, dy == null ? [s] : [dy, s], 'float32', [
      { type: 'float32', data: [alpha] },
    ]);
  };
}

export const webgpuKernels: BackendKernels = {
  backendName: 'webgpu',

  // Forward is ours too: tf's webgpu sigmoid gives 0 for NaN on SwiftShader (no NaN test).
  forward(def: ActivationDefinition): KernelFunc | undefined {
    return makeKernel(`tfjsActivations_${def.name}_forward`, renderWgslFunction(def.forward, 'z'), 'x');
  },

  backward(def: ActivationDefinition): KernelFunc | undefined {
    return makeKernel(`tfjsActivations_${def.name}_backward`, renderWgslFunction(def.derivative, 's'), 's');
  },
};
