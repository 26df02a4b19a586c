import { util } from '@tensorflow/tfjs-core';
import type { BackendValues, DataId, DataType, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { ActivationDefinition, ElementwiseSource } from '../activations/types';
import type { ActivationAttrs, BackendKernels } from './types';

/**
 * The part of tfjs-backend-cpu's MathBackendCPU these kernels use, so that the library needs no
 * dependency on that package. data.get moves a tensor onto the cpu backend if it lives elsewhere.
 */
interface CpuBackend {
  data: { get(dataId: DataId): { values?: BackendValues } };
  makeTensorInfo(shape: number[], dtype: DataType, values: BackendValues): TensorInfo;
}

type Values = ArrayLike<number>;
type ForwardLoop = (x: Values, out: Float32Array, n: number, alpha: number) => void;
type BackwardLoop = (dy: Values, s: Values, out: Float32Array, n: number, alpha: number) => void;
type DerivativeLoop = (s: Values, out: Float32Array, n: number, alpha: number) => void;

/*
 * Each activation gets its own loop compiled from its expression. A single shared loop calling a
 * per-activation function would see four callees at one call site and stay megamorphic (no
 * inlining); generated loops are monomorphic and V8 inlines the expression.
 */
export function compileForwardLoop(src: ElementwiseSource): ForwardLoop {
  return new Function(
    'x', 'out', 'n', 'alpha',
    `for (let i = 0; i < n; i++) { const z = x[i]; out[i] = ${src.forward}; }`,
  ) as ForwardLoop;
}

export function compileBackwardLoop(src: ElementwiseSource): BackwardLoop {
  return new Function(
    'dy', 's', 'out', 'n', 'alpha',
    `for (let i = 0; i < n; i++) { const s_ = s[i]; out[i] = dy[i] * (${inline(src.derivative, 's_')}); }`,
  ) as BackwardLoop;
}

export function compileDerivativeLoop(src: ElementwiseSource): DerivativeLoop {
  return new Function(
    's', 'out', 'n', 'alpha',
    `for (let i = 0; i < n; i++) { const s_ = s[i]; out[i] = ${inline(src.derivative, 's_')}; }`,
  ) as DerivativeLoop;
}

/** Substitutes the element variable `s` in an expression (whole identifier only). */
function inline(expr: string, name: string): string {
  return expr.replace(/\bs\b/g, name);
}

function valuesOf(backend: CpuBackend, t: TensorInfo): Values {
  const values = backend.data.get(t.dataId).values;
  if (values == null || typeof (values as Values).length !== 'number') {
    throw new Error(`tfjs-activations: cpu kernel got a tensor without numeric values (${t.dtype})`);
  }
  return values as Values;
}

export const cpuKernels: BackendKernels = {
  backendName: 'cpu',

  forward(def: ActivationDefinition): KernelFunc {
    const loop = compileForwardLoop(def.js);
    return ({ inputs, attrs, backend }) => {
      const cpu = backend as unknown as CpuBackend;
      const x = inputs.x as TensorInfo;
      const n = util.sizeFromShape(x.shape);
      const out = new Float32Array(n);
      loop(valuesOf(cpu, x), out, n, (attrs as ActivationAttrs).alpha);
      return cpu.makeTensorInfo(x.shape, 'float32', out);
    };
  },

  backward(def: ActivationDefinition): KernelFunc {
    const withDy = compileBackwardLoop(def.js);
    const alone = compileDerivativeLoop(def.js);
    return ({ inputs, attrs, backend }) => {
      const cpu = backend as unknown as CpuBackend;
      const s = inputs.s as TensorInfo;
      const dy = inputs.dy as TensorInfo | undefined;
      const n = util.sizeFromShape(s.shape);
      const out = new Float32Array(n);
      const alpha = (attrs as ActivationAttrs).alpha;
      if (dy != null) withDy(valuesOf(cpu, dy), valuesOf(cpu, s), out, n, alpha);
      else alone(valuesOf(cpu, s), out, n, alpha);
      return cpu.makeTensorInfo(s.shape, 'float32', out);
    };
  },
};
