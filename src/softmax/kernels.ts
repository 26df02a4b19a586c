import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { BackendValues, DataId, DataType, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { moduleInstance } from '../kernels/wasm/loader';
import { heapMemory, offsetOf, withFloat32Inputs } from '../kernels/wasm';
import type { WasmBackend } from '../kernels/wasm';
import { webglRowKernel, webgpuRowKernel } from './gpu';
import { ROW_MODULE } from './module';
import type { RowKernelExports } from './module';

/*
 * The row kernels: one registered kernel per (op, pass, backend), each one reduction and one pass
 * per row over the last axis (the ops move another axis there). Contracts:
 *   <op>_forward   inputs {x} float32 [rows, n]          -> float32, same shape
 *   <op>_backward  inputs {dy, s} (s the saved output)   -> dx, float32
 *   crossEntropy_backward inputs {ls, labels, dy} (ls = logSoftmax(logits), dy a scalar),
 *                  attrs {rows}                          -> (e^ls - labels) dy / rows
 * wasm runs the SIMD module of ./wat.ts in place on tf's heap; cpu runs the same module on a
 * scratch memory of its own (whole rows copied in and out: faster than float64 JS loops at every
 * case measured, design-notes.md), and float64 JS loops, rounded once, where WebAssembly SIMD
 * is missing; webgl and webgpu run two programs each (./gpu.ts). Other
 * backends (tensorflow, ...) run the composite of ./math.ts. Inputs are [rows, n]: the ops reshape.
 */

export type RowOp = 'softmax' | 'logSoftmax';
export type RowKernel = `${RowOp}_forward` | `${RowOp}_backward` | 'crossEntropy_backward';
export const rowKernels: readonly RowKernel[] = ['softmax_forward', 'softmax_backward', 'logSoftmax_forward', 'logSoftmax_backward', 'crossEntropy_backward'];

export function rowKernelName(kernel: RowKernel): string {
  return `TfjsActivations_${kernel}`;
}

/** The part of MathBackendCPU used here (as ../kernels/cpu.ts). */
interface CpuBackend {
  data: { get(dataId: DataId): { values?: BackendValues } };
  makeTensorInfo(shape: number[], dtype: DataType, values: BackendValues): TensorInfo;
}

type Values = ArrayLike<number>;

function valuesOf(backend: CpuBackend, t: TensorInfo): Values {
  const values = backend.data.get(t.dataId).values;
  if (values == null || typeof (values as Values).length !== 'number') {
    throw new Error(`tfjs-activations: cpu row kernel got a tensor without numeric values (${t.dtype})`);
  }
  return values as Values;
}

/** Row length and count of a [..., n] shape (rows = 0 for an empty tensor). */
function rowsOf(shape: readonly number[]): { n: number; rows: number } {
  const n = shape[shape.length - 1];
  const size = util.sizeFromShape(shape as number[]);
  return { n, rows: n === 0 ? 0 : size / n };
}

/** A float64 scratch row for the cpu loops, grown as needed. */
let row64 = new Float64Array(1024);
function scratchRow(n: number): Float64Array {
  if (row64.length < n) row64 = new Float64Array(n);
  return row64;
}

/** max over x[b, b + n), NaN if any element is NaN. */
function rowMax(x: Values, b: number, n: number): number {
  let m = -Infinity;
  for (let j = b; j < b + n; j++) {
    const v = x[j];
    if (v > m) m = v;
    else if (v !== v) return NaN;
  }
  return m;
}

/** cpu: out = f(row) for each row, in float64, rounded once to float32. */
const cpuLoops = {
  softmax(x: Values, out: Float32Array, rows: number, n: number): void {
    const e = scratchRow(n);
    for (let r = 0, b = 0; r < rows; r++, b += n) {
      const m = rowMax(x, b, n);
      let sum = 0;
      for (let j = 0; j < n; j++) sum += e[j] = Math.exp(x[b + j] - m);
      for (let j = 0; j < n; j++) out[b + j] = e[j] / sum;
    }
  },
  logSoftmax(x: Values, out: Float32Array, rows: number, n: number): void {
    for (let r = 0, b = 0; r < rows; r++, b += n) {
      const m = rowMax(x, b, n);
      // The elements equal to the max contribute exact 1s: counting them apart keeps
      // log(sum) = log1p((ones - 1) + rest) accurate when rest is tiny.
      let ones = 0;
      let rest = 0;
      for (let j = b; j < b + n; j++) {
        const d = x[j] - m;
        if (d === 0) ones++;
        else rest += Math.exp(d);
      }
      // (x - m) is exact in float64 for float32 x; subtracting L after it rounds once.
      const lse = Math.log1p(ones - 1 + rest);
      for (let j = b; j < b + n; j++) out[j] = x[j] - m - lse;
    }
  },
  softmaxBackward(dy: Values, s: Values, out: Float32Array, rows: number, n: number): void {
    for (let r = 0, b = 0; r < rows; r++, b += n) {
      let dot = 0;
      for (let j = b; j < b + n; j++) dot += dy[j] * s[j];
      for (let j = b; j < b + n; j++) out[j] = s[j] * (dy[j] - dot);
    }
  },
  logSoftmaxBackward(dy: Values, o: Values, out: Float32Array, rows: number, n: number): void {
    for (let r = 0, b = 0; r < rows; r++, b += n) {
      let sum = 0;
      for (let j = b; j < b + n; j++) sum += dy[j];
      for (let j = b; j < b + n; j++) out[j] = dy[j] - Math.exp(o[j]) * sum;
    }
  },
};

/*
 * cpu tensors run the wasm module too, on a scratch memory of our own: groups of whole rows
 * (about CPU_CHUNK elements per stream, at least one row) are copied in, run and copied out,
 * so the streams stay in cache, as the elementwise kernels do (../kernels/cpu.ts). The JS
 * loops above remain where WebAssembly SIMD is missing, or the values are not a typed array.
 */
const CPU_CHUNK = 16384;
let cpuMemory: WebAssembly.Memory | null = null;
let cpuExports: RowKernelExports | null | undefined;

function cpuRowExports(): RowKernelExports | null {
  if (cpuExports === undefined) {
    try {
      // Declared with a maximum, as the module's import is; grown for rows longer than a chunk.
      cpuMemory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
      cpuExports = moduleInstance<RowKernelExports>(ROW_MODULE, cpuMemory);
    } catch {
      cpuExports = null; // no WebAssembly here
    }
  }
  return cpuExports;
}

type TypedValues = Float32Array | Int32Array | Uint8Array;
const isTyped = (v: Values): v is TypedValues => v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array;

/**
 * Runs `run(offsets, count)` over `rows` rows of n elements, a group of rows at a time: input k
 * is copied to stream k, the kernel writes the stream after the inputs (offsets: byte offsets of
 * every stream), which is copied to out.
 */
function runRowGroups(inputs: readonly TypedValues[], out: Float32Array, rows: number, n: number, run: (offsets: number[], count: number) => void): void {
  const memory = cpuMemory as WebAssembly.Memory;
  const group = Math.max(1, Math.floor(CPU_CHUNK / n));
  const stride = group * n;
  const bytes = (inputs.length + 1) * stride * 4;
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
  const heap = new Float32Array(memory.buffer);
  const offsets = [...inputs, out].map((_, k) => k * stride * 4);
  const outSlot = inputs.length * stride;
  for (let r = 0; r < rows; r += group) {
    const count = Math.min(group, rows - r);
    const start = r * n;
    const end = start + count * n;
    inputs.forEach((v, k) => heap.set(v.subarray(start, end), k * stride));
    run(offsets, count);
    out.set(heap.subarray(outSlot, outSlot + count * n), start);
  }
}

/** The kernel on the wasm module for cpu tensors; false where it cannot run (then the JS loops do). */
function cpuSimd(kernel: RowKernel, ins: readonly Values[], out: Float32Array, rows: number, n: number, scale: number): boolean {
  const k = cpuRowExports();
  if (k == null || !ins.every(isTyped)) return false;
  const typed = ins as readonly TypedValues[];
  if (rows * n === 0) return true;
  if (kernel === 'softmax_forward' || kernel === 'logSoftmax_forward') {
    const f = kernel === 'softmax_forward' ? k.softmax : k.logSoftmax;
    runRowGroups(typed, out, rows, n, ([x, o], count) => f(x, o, count, n));
  } else if (kernel === 'crossEntropy_backward') {
    runRowGroups(typed, out, rows * n, 1, ([ls, labels, o], count) => k.crossEntropyBackward(ls, labels, o, count, scale));
  } else {
    const f = kernel === 'softmax_backward' ? k.softmaxBackward : k.logSoftmaxBackward;
    runRowGroups(typed, out, rows, n, ([dy, s, o], count) => f(dy, s, o, count, n));
  }
  return true;
}

/** The JS loops (float64, rounded once) for one kernel: inputs as cpuSimd takes them. */
function cpuJs(kernel: RowKernel, ins: readonly Values[], out: Float32Array, rows: number, n: number, scale: number): void {
  if (kernel === 'crossEntropy_backward') {
    const [ls, labels] = ins;
    for (let i = 0; i < out.length; i++) out[i] = (Math.exp(ls[i]) - labels[i]) * scale;
  } else if (kernel === 'softmax_forward') cpuLoops.softmax(ins[0], out, rows, n);
  else if (kernel === 'logSoftmax_forward') cpuLoops.logSoftmax(ins[0], out, rows, n);
  else (kernel === 'softmax_backward' ? cpuLoops.softmaxBackward : cpuLoops.logSoftmaxBackward)(ins[0], ins[1], out, rows, n);
}

function cpuKernel(kernel: RowKernel): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const cpu = backend as unknown as CpuBackend;
    const first = (kernel === 'crossEntropy_backward' ? inputs.ls : kernel.endsWith('forward') ? inputs.x : inputs.s) as TensorInfo;
    const { n, rows } = rowsOf(first.shape);
    const out = new Float32Array(util.sizeFromShape(first.shape));
    const ins = (
      kernel === 'crossEntropy_backward' ? [first, inputs.labels as TensorInfo] : kernel.endsWith('forward') ? [first] : [inputs.dy as TensorInfo, first]
    ).map((t) => valuesOf(cpu, t));
    const scale = kernel === 'crossEntropy_backward' ? valuesOf(cpu, inputs.dy as TensorInfo)[0] / (attrs as { rows: number }).rows : 0;
    if (!cpuSimd(kernel, ins, out, rows, n, scale)) cpuJs(kernel, ins, out, rows, n, scale);
    return cpu.makeTensorInfo(first.shape, 'float32', out);
  };
}

/** The row module's instance for this backend's heap, cached for the last backend seen. */
let lastWasm: WasmBackend | null = null;
let lastExports: RowKernelExports | null = null;
function rowExports(backend: WasmBackend): RowKernelExports {
  if (backend !== lastWasm || lastExports == null) {
    const exports = moduleInstance<RowKernelExports>(ROW_MODULE, heapMemory(backend));
    if (exports == null) throw new Error('tfjs-activations: the row kernels need WebAssembly SIMD');
    lastWasm = backend;
    lastExports = exports;
  }
  return lastExports;
}

function wasmKernel(kernel: RowKernel): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const wasm = backend as unknown as WasmBackend;
    const k = rowExports(wasm);
    const first = (kernel === 'crossEntropy_backward' ? inputs.ls : kernel.endsWith('forward') ? inputs.x : inputs.s) as TensorInfo;
    const out = wasm.makeOutput(first.shape, 'float32');
    const size = util.sizeFromShape(first.shape);
    if (size === 0) return out;
    const o = offsetOf(wasm, out);
    const { n, rows } = rowsOf(first.shape);
    if (kernel === 'softmax_forward' || kernel === 'logSoftmax_forward') {
      (kernel === 'softmax_forward' ? k.softmax : k.logSoftmax)(offsetOf(wasm, first), o, rows, n);
    } else if (kernel === 'crossEntropy_backward') {
      const dy = inputs.dy as TensorInfo;
      withFloat32Inputs(wasm, [first, inputs.labels as TensorInfo, dy], ([ls, labels, dyf]) => {
        const heap = wasm.wasm.HEAPU8.buffer;
        const scale = new Float32Array(heap, offsetOf(wasm, dyf), 1)[0] / (attrs as NamedAttrMap as { rows: number }).rows;
        k.crossEntropyBackward(offsetOf(wasm, ls), offsetOf(wasm, labels), o, size, scale);
      });
    } else {
      const f = kernel === 'softmax_backward' ? k.softmaxBackward : k.logSoftmaxBackward;
      withFloat32Inputs(wasm, [inputs.dy as TensorInfo, first], ([dy, s]) => f(offsetOf(wasm, dy), offsetOf(wasm, s), o, rows, n));
    }
    return out;
  };
}

const backends: Record<string, (kernel: RowKernel) => KernelFunc> = { cpu: cpuKernel, wasm: wasmKernel, webgl: webglRowKernel, webgpu: webgpuRowKernel };

/** Registers every row kernel for cpu, wasm, webgl and webgpu (idempotent; another copy of us may have done it). */
export function registerRowKernels(): void {
  for (const [backendName, make] of Object.entries(backends)) {
    for (const kernel of rowKernels) {
      const kernelName = rowKernelName(kernel);
      if (tf.getKernel(kernelName, backendName) == null) tf.registerKernel({ kernelName, backendName, kernelFunc: make(kernel) });
    }
  }
}
