import { util } from '@tensorflow/tfjs-core';
import type { DataId, DataType, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from '../activations/types';
import { kernelInstance, kernelModule } from './wasm/loader';
import type { KernelExports } from './wasm/loader';
import type { ActivationAttrs, BackendKernels } from './types';

/*
 * wasm kernels: our own small SIMD modules (built from definition.wasm, see ./wasm/source.ts)
 * that import tf's wasm heap and run in place over tensors' memory, no copies. A JS loop over
 * the heap loses to tf's XNNPACK ops; real wasm SIMD beats them (DESIGN.md, measured routes).
 */

/** The part of tfjs-backend-wasm's BackendWasm these kernels use. */
export interface WasmBackend {
  wasm: {
    asm?: { memory?: WebAssembly.Memory };
    wasmMemory?: WebAssembly.Memory;
    HEAPU8: Uint8Array;
  };
  dataIdMap: { get(dataId: DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

/** tf's heap as a WebAssembly.Memory (emscripten exports it as asm.memory). */
export function heapMemory(backend: WasmBackend): WebAssembly.Memory {
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new Error('tfjs-activations: the wasm backend does not expose its WebAssembly.Memory (tfjs-backend-wasm version?)');
  }
  return memory;
}

/** The instance for this backend's heap; cached for the last backend seen (almost always the only one). */
function exportsFor(name: string): (backend: WasmBackend) => KernelExports {
  // One variable for the pair: two (backend, exports) would need a redundant null test of the second.
  let last: { backend: WasmBackend; exports: KernelExports } | null = null;
  return (backend) => {
    if (last == null || last.backend !== backend) {
      const exports = kernelInstance(name, heapMemory(backend));
      if (exports == null) throw new Error(`tfjs-activations: no wasm kernel module for ${name}`);
      last = { backend, exports };
    }
    return last.exports;
  };
}

export function offsetOf(backend: WasmBackend, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data == null) throw new Error('tfjs-activations: wasm kernel got a tensor unknown to the wasm backend');
  return data.memoryOffset;
}

/**
 * A float32 copy of a non-float32 input (e.g. an int32 dy a user passed to tf.grad), which the
 * kernels could not read as f32 lanes. The caller disposes it.
 */
function toFloat32(backend: WasmBackend, t: TensorInfo): TensorInfo {
  const n = util.sizeFromShape(t.shape);
  const copy = backend.makeOutput(t.shape, 'float32');
  const heap = backend.wasm.HEAPU8.buffer; // read after the allocation: it may have grown the heap
  const src = t.dtype === 'bool' ? new Uint8Array(heap, offsetOf(backend, t), n) : new Int32Array(heap, offsetOf(backend, t), n);
  new Float32Array(heap, offsetOf(backend, copy), n).set(src);
  return copy;
}

/** Runs `body` with every input as float32, disposing any converted copies afterwards. */
export function withFloat32Inputs<T>(backend: WasmBackend, inputs: TensorInfo[], body: (inputs: TensorInfo[]) => T): T {
  const converted = inputs.map((t) => (t.dtype === 'float32' ? t : toFloat32(backend, t)));
  try {
    return body(converted);
  } finally {
    converted.forEach((t, i) => {
      // Stryker disable next-line BooleanLiteral: the copy never leaves this function, so its refCount is makeOutput's 1 and disposeData frees it with or without force (tfjs-backend-wasm 3.21 and 4.22).
      if (t !== inputs[i]) backend.disposeData(t.dataId, true);
    });
  }
}

export const wasmKernels: BackendKernels = {
  backendName: 'wasm',

  forward(def: ActivationDefinition): KernelFunc | undefined {
    if (!def.wasm.forwardOn.includes('wasm') || kernelModule(def.name) == null) return undefined;
    const instance = exportsFor(def.name);
    return ({ inputs, attrs, backend }) => {
      const wasm = backend as unknown as WasmBackend;
      const x = inputs.x as TensorInfo;
      const n = util.sizeFromShape(x.shape);
      const out = wasm.makeOutput(x.shape, 'float32');
      if (n === 0) return out;
      const forward = instance(wasm).forward as NonNullable<KernelExports['forward']>;
      const alpha = (attrs as ActivationAttrs).alpha;
      // The common case first, without the conversion's closures (they show at 1e2 elements).
      // Stryker disable next-line StringLiteral: 'float32' as '' sends float32 x through withFloat32Inputs, which copies only non-float32 tensors: the same call, only the closures' cost.
      if (x.dtype === 'float32') forward(offsetOf(wasm, x), offsetOf(wasm, out), n, alpha);
      else withFloat32Inputs(wasm, [x], ([xf]) => forward(offsetOf(wasm, xf), offsetOf(wasm, out), n, alpha));
      return out;
    };
  },

  backward(def: ActivationDefinition): KernelFunc | undefined {
    if (kernelModule(def.name) == null) return undefined;
    const instance = exportsFor(def.name);
    return ({ inputs, attrs, backend }) => {
      const wasm = backend as unknown as WasmBackend;
      const s = inputs.s as TensorInfo;
      const dy = inputs.dy as TensorInfo | undefined;
      const n = util.sizeFromShape(s.shape);
      const out = wasm.makeOutput(s.shape, 'float32');
      if (n === 0) return out;
      const alpha = (attrs as ActivationAttrs).alpha;
      const exports = instance(wasm);
      const o = offsetOf(wasm, out);
      if (dy == null) {
        // Stryker disable StringLiteral: to the restore below, as above: the conversion path passes float32 tensors through uncopied.
        if (s.dtype === 'float32') exports.derivative(offsetOf(wasm, s), o, n, alpha);
        else withFloat32Inputs(wasm, [s], ([sf]) => exports.derivative(offsetOf(wasm, sf), o, n, alpha));
      } else if (s.dtype === 'float32' && dy.dtype === 'float32') {
        // Stryker restore StringLiteral
        exports.backward(offsetOf(wasm, dy), offsetOf(wasm, s), o, n, alpha);
      } else {
        withFloat32Inputs(wasm, [dy, s], ([dyf, sf]) => exports.backward(offsetOf(wasm, dyf), offsetOf(wasm, sf), o, n, alpha));
      }
      return out;
    };
  },
};
