import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { activations, kernelName } from 'tfjs-activations';
import { heapMemory, offsetOf, wasmKernels } from '../../src/kernels/wasm';
import type { WasmBackend } from '../../src/kernels/wasm';
import * as loader from '../../src/kernels/wasm/loader';
import { ROW_MODULE } from '../../src/softmax/module';
import { setBackend } from '../helpers/backends';

/*
 * What src/kernels/wasm.ts does where tfjs-backend-wasm or the engine is not as this tfjs line
 * makes them (another emscripten build, a browser main thread that refuses a synchronous
 * compile), and its per-backend instance cache: not reachable through the ops here, so the
 * module's functions are called with stand-in backends, or the loader's answers replaced.
 */

beforeAll(() => setBackend('wasm'));
afterEach(() => jest.restoreAllMocks());

/** A stand-in for the parts of BackendWasm a function reads; the rest throws if touched. */
function fakeBackend(wasm: Partial<WasmBackend['wasm']>, dataIdMap: WasmBackend['dataIdMap'] = new Map()): WasmBackend {
  const unused = (): never => {
    throw new Error('not used by this test');
  };
  return { wasm: wasm as WasmBackend['wasm'], dataIdMap, makeOutput: unused, disposeData: unused };
}

describe('wasm heap and tensor lookups', () => {
  const memory = new WebAssembly.Memory({ initial: 1 });

  it('heapMemory takes emscripten\'s asm.memory, else wasmMemory', () => {
    expect(heapMemory(fakeBackend({ asm: { memory }, wasmMemory: new WebAssembly.Memory({ initial: 1 }) }))).toBe(memory);
    expect(heapMemory(fakeBackend({ wasmMemory: memory }))).toBe(memory);
    expect(heapMemory(fakeBackend({ asm: {}, wasmMemory: memory }))).toBe(memory);
  });

  it('heapMemory names the problem where the backend exposes no WebAssembly.Memory', () => {
    const message = 'tfjs-activations: the wasm backend does not expose its WebAssembly.Memory (tfjs-backend-wasm version?)';
    expect(() => heapMemory(fakeBackend({}))).toThrow(message);
    expect(() => heapMemory(fakeBackend({ asm: { memory: { buffer: new ArrayBuffer(8) } as unknown as WebAssembly.Memory } }))).toThrow(message);
  });

  it('offsetOf reads the tensor\'s offset, and names a tensor the backend does not hold', () => {
    const held = { dataId: {}, shape: [1], dtype: 'float32' as const };
    const backend = fakeBackend({}, new Map([[held.dataId, { memoryOffset: 48 }]]));
    expect(offsetOf(backend, held)).toBe(48);
    expect(() => offsetOf(backend, { ...held, dataId: {} })).toThrow('tfjs-activations: wasm kernel got a tensor unknown to the wasm backend');
  });
});

describe('wasm kernel modules and instances', () => {
  it('a definition without a compiled module gets no wasm kernels (the composite runs)', () => {
    const def = activations.tanh;
    expect(wasmKernels.forward?.(def)).toBeInstanceOf(Function);
    expect(wasmKernels.backward?.(def)).toBeInstanceOf(Function);
    jest.spyOn(loader, 'kernelModule').mockReturnValue(null);
    expect(wasmKernels.forward?.(def)).toBeUndefined();
    expect(wasmKernels.backward?.(def)).toBeUndefined();
  });

  it('the instance is fetched once per backend, not per call', () => {
    const def = activations.tanh;
    const x = tf.tensor1d([-1, 0.5, 2]);
    const run = (): void => {
      tf.dispose([
        tf.engine().runKernel(kernelName(def, 'forward'), { x }, { alpha: 0 }) as tf.Tensor,
        tf.engine().runKernel(kernelName(def, 'backward'), { s: x }, { alpha: 0 }) as tf.Tensor,
      ]);
    };
    run();
    const instance = jest.spyOn(loader, 'kernelInstance');
    run();
    run();
    expect(instance).not.toHaveBeenCalled();
    x.dispose();
  });

  it('names the activation where its module gives no instance', () => {
    // A kernel function not yet run on this backend: its first call asks the loader.
    const forward = wasmKernels.forward?.(activations.softsign);
    if (forward == null) throw new Error('softsign has no wasm forward kernel');
    jest.spyOn(loader, 'kernelInstance').mockReturnValue(null);
    const x = tf.tensor1d([1, 2]);
    expect(() => forward({ inputs: { x }, attrs: { alpha: 0 }, backend: tf.backend() })).toThrow('tfjs-activations: no wasm kernel module for softsign');
    x.dispose();
  });
});

describe('the loader (src/kernels/wasm/loader.ts)', () => {
  it('kernelModule: null for a name that is no activation; compiled once per name and variant, the plain variant by default', () => {
    expect(loader.kernelModule('noSuchActivation')).toBeNull();
    expect(loader.kernelModule('noSuchActivation', true)).toBeNull();
    const plain = loader.kernelModule('tanh');
    expect(plain).toBeInstanceOf(WebAssembly.Module);
    expect(loader.kernelModule('tanh')).toBe(plain);
    expect(loader.kernelModule('tanh', false)).toBe(plain);
    const shared = loader.kernelModule('tanh', true);
    expect(shared).toBeInstanceOf(WebAssembly.Module);
    expect(shared).not.toBe(plain);
  });

  it('kernelInstance: null for a name that is no activation; one instance per memory and name, a new memory its own', () => {
    // The modules import a memory with a maximum (src/kernels/wasm/source.ts), as tf's heap has.
    const heap = (): WebAssembly.Memory => new WebAssembly.Memory({ initial: 1, maximum: 65536 });
    const memory = heap();
    expect(loader.kernelInstance('noSuchActivation', memory)).toBeNull();
    const first = loader.kernelInstance('tanh', memory);
    expect(typeof first?.backward).toBe('function');
    expect(loader.kernelInstance('tanh', memory)).toBe(first);
    expect(loader.kernelInstance('relu', memory)).not.toBe(first);
    expect(loader.kernelInstance('tanh', heap())).not.toBe(first);
  });

  it('kernelInstance on a shared memory instantiates the shared variant (a plain module cannot import it)', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const exports = loader.kernelInstance('tanh', memory);
    expect(typeof exports?.derivative).toBe('function');
    // The plain module refuses this memory: the loader must have chosen the shared one.
    expect(() => new WebAssembly.Instance(loader.kernelModule('tanh') as WebAssembly.Module, { env: { memory } })).toThrow();
  });

  it('the row kernels\' module loads from its prebuilt binary, plain and shared variants (softmax falls back to JS loops without it, so only this sees a bad decode)', () => {
    const rowExports = ['softmax', 'logSoftmax', 'softmaxBackward', 'logSoftmaxBackward', 'crossEntropyBackward'];
    const plain = loader.kernelModule(ROW_MODULE);
    const shared = loader.kernelModule(ROW_MODULE, true);
    for (const m of [plain, shared]) {
      expect(m).toBeInstanceOf(WebAssembly.Module);
      expect(WebAssembly.Module.exports(m as WebAssembly.Module).map((e) => e.name).sort()).toEqual([...rowExports].sort());
    }
    expect(shared).not.toBe(plain);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    expect(() => new WebAssembly.Instance(shared as WebAssembly.Module, { env: { memory } })).not.toThrow();
    expect(() => new WebAssembly.Instance(plain as WebAssembly.Module, { env: { memory } })).toThrow();
  });
});
