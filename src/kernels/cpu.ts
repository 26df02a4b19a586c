import { util } from '@tensorflow/tfjs-core';
import type { BackendValues, DataId, DataType, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from '../activations/types';
import { renderJs } from '../expr/js';
import type { ActivationAttrs, BackendKernels } from './types';
import { kernelInstance } from './wasm/loader';
import type { KernelExports } from './wasm/loader';

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
 * per-activation function would see many callees at one call site and stay megamorphic (no
 * inlining); generated loops are monomorphic and V8 inlines the expression.
 */
export function compileForwardLoop(def: ActivationDefinition): ForwardLoop {
  return new Function(
    'x', 'out', 'n', 'alpha',
    `for (let i = 0; i < n; i++) { const z = x[i]; out[i] = ${renderJs(def.forward, 'z')}; }`,
  ) as ForwardLoop;
}

export function compileBackwardLoop(def: ActivationDefinition): BackwardLoop {
  return new Function(
    'dy', 's', 'out', 'n', 'alpha',
    `for (let i = 0; i < n; i++) { const s_ = s[i]; out[i] = dy[i] * ${renderJs(def.derivative, 's_')}; }`,
  ) as BackwardLoop;
}

export function compileDerivativeLoop(def: ActivationDefinition): DerivativeLoop {
  return new Function(
    's', 'out', 'n', 'alpha',
    `for (let i = 0; i < n; i++) { const s_ = s[i]; out[i] = ${renderJs(def.derivative, 's_')}; }`,
  ) as DerivativeLoop;
}

/*
 * Where the definition has wasm SIMD bodies, the loops run as them (the modules the wasm backend
 * uses) on a small scratch heap of our own, chunk by chunk: copy a chunk of each input in, run,
 * copy the chunk out. The chunks stay in cache, so the copies cost less than the scalar JS loop
 * saves (branchy relu/leakyRelu selects on random signs, Math.exp, Math.tanh): backward 27x-50x
 * and forward 3.5x-6.6x of tf at 1e4 and 1e6 in side-by-side runs on this machine. They run at
 * every size, small ones included: a JS loop below some size (64 once) computed in double and
 * with Math.tanh, and the same element then differed by up to 1089 ulp of tanh' between a
 * 1-element and a 64-element tensor (the SIMD tanh and Math.tanh differ by an ulp of a, which
 * 1 - a^2 magnifies near |a| = 1). One path, the same bits at every size, equal to the wasm
 * backend's (alpha a float32 there too). Backward always takes this path; forward where the
 * definition lists 'cpu' in wasm.forwardOn; the JS loops remain for the other forwards and where
 * WebAssembly is missing.
 */
/** Elements per stream per chunk: three 64 KB streams stay in L2. */
const CHUNK = 16384;
const CHUNK_BYTES = CHUNK * 4;
let scratch: Float32Array | null = null;
let scratchMemory: WebAssembly.Memory | null = null;

/** The scratch heap (three chunk-sized streams); it never grows, so views of it stay valid. */
function scratchHeap(): { memory: WebAssembly.Memory; heap: Float32Array } {
  if (scratchMemory == null || scratch == null) {
    const pages = Math.ceil((3 * CHUNK_BYTES) / 65536);
    // A maximum is required: the kernel modules import a memory declared with one (see ./wasm/source.ts).
    scratchMemory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    scratch = new Float32Array(scratchMemory.buffer, 0, 3 * CHUNK);
  }
  return { memory: scratchMemory, heap: scratch };
}

type TypedValues = Float32Array | Int32Array | Uint8Array;

/**
 * Runs `kernel` over inputs (typed arrays of n elements) into out, CHUNK elements at a time.
 * `kernel(m)` reads input k at byte offset k * CHUNK_BYTES and writes the slot after the inputs.
 */
function runChunked(inputs: readonly TypedValues[], out: Float32Array, n: number, kernel: (m: number, outOffset: number) => void): void {
  const { heap } = scratchHeap();
  const outSlot = inputs.length * CHUNK;
  for (let start = 0; start < n; start += CHUNK) {
    const m = Math.min(CHUNK, n - start);
    for (let k = 0; k < inputs.length; k++) heap.set(inputs[k].subarray(start, start + m), k * CHUNK);
    kernel(m, outSlot * 4);
    out.set(heap.subarray(outSlot, outSlot + m), start);
  }
}

/** The definition's wasm kernels on the scratch heap, or null where it has none (or no SIMD). */
function simdExports(def: ActivationDefinition): KernelExports | null {
  try {
    return kernelInstance(def.name, scratchHeap().memory);
  } catch {
    return null; // no WebAssembly here: the JS loops do it all
  }
}

function isTyped(v: Values): v is TypedValues {
  return v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array;
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
    const loop = compileForwardLoop(def);
    // Instantiated on first use, not at registration (the library may never run on cpu).
    let simdForward: KernelExports['forward'] | null | undefined;
    return ({ inputs, attrs, backend }) => {
      if (simdForward === undefined) simdForward = def.wasm.forwardOn.includes('cpu') ? (simdExports(def)?.forward ?? null) : null;
      const forward = simdForward;
      const cpu = backend as unknown as CpuBackend;
      const x = inputs.x as TensorInfo;
      const n = util.sizeFromShape(x.shape);
      const out = new Float32Array(n);
      const alpha = (attrs as ActivationAttrs).alpha;
      const xv = valuesOf(cpu, x);
      if (forward != null && isTyped(xv)) {
        runChunked([xv], out, n, (m, o) => forward(0, o, m, alpha));
      } else {
        loop(xv, out, n, alpha);
      }
      return cpu.makeTensorInfo(x.shape, 'float32', out);
    };
  },

  backward(def: ActivationDefinition): KernelFunc {
    const withDy = compileBackwardLoop(def);
    const alone = compileDerivativeLoop(def);
    let simd: KernelExports | null | undefined; // instantiated on first use, as above
    return ({ inputs, attrs, backend }) => {
      if (simd === undefined) simd = simdExports(def);
      const kernels = simd;
      const cpu = backend as unknown as CpuBackend;
      const s = inputs.s as TensorInfo;
      const dy = inputs.dy as TensorInfo | undefined;
      const n = util.sizeFromShape(s.shape);
      const out = new Float32Array(n);
      const alpha = (attrs as ActivationAttrs).alpha;
      const sv = valuesOf(cpu, s);
      const dyv = dy == null ? null : valuesOf(cpu, dy);
      if (kernels != null && isTyped(sv) && (dyv == null || isTyped(dyv))) {
        if (dyv == null) runChunked([sv], out, n, (m, o) => kernels.derivative(0, o, m, alpha));
        else runChunked([dyv, sv], out, n, (m, o) => kernels.backward(0, CHUNK_BYTES, o, m, alpha));
      } else if (dyv != null) {
        withDy(dyv, sv, out, n, alpha);
      } else {
        alone(sv, out, n, alpha);
      }
      return cpu.makeTensorInfo(s.shape, 'float32', out);
    };
  },
};
