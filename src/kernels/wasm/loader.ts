import { activations } from '../../activations';
import { assembleWat } from './assemble';
import { wasmBinaries } from './binaries.generated';
import { wasmModuleText } from './source';

/** A kernel module's exports (see ./source.ts): pointers are byte offsets into the shared heap. */
export interface KernelExports {
  forward?: (x: number, out: number, n: number, alpha: number) => void;
  backward: (dy: number, s: number, out: number, n: number, alpha: number) => void;
  derivative: (s: number, out: number, n: number, alpha: number) => void;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

const modules = new Map<string, WebAssembly.Module | null>();

/**
 * The binary of a module: the row kernels' is built with the package; an activation's (the
 * library's own and defineActivation's alike) is assembled from its definition on first use, so a
 * bundle carries each definition once, as the expression it is, and not a prebuilt binary of every
 * activation beside it. The build compiles the same text with wabt and the tests check the
 * assembler gives wabt's bytes. null for an unknown name.
 */
function moduleBytes(name: string, shared: boolean): Uint8Array<ArrayBuffer> | null {
  const b64 = wasmBinaries[shared ? `${name}.shared` : name];
  if (b64 != null) return decodeBase64(b64);
  const def = Object.prototype.hasOwnProperty.call(activations, name) ? activations[name] : undefined;
  return def != null ? assembleWat(wasmModuleText(def.wasm), shared) : null;
}

/**
 * The compiled module for an activation, or null when there is none or this engine cannot run
 * it (no SIMD). `shared`: the variant importing a shared memory. Compiled once, synchronously:
 * each module is a few KB, under the size browsers allow synchronous compiles for on the main
 * thread.
 */
export function kernelModule(name: string, shared = false): WebAssembly.Module | null {
  const key = shared ? `${name}.shared` : name;
  let module = modules.get(key);
  if (module === undefined) {
    const bytes = moduleBytes(name, shared);
    module = bytes != null && WebAssembly.validate(bytes) ? compileSync(bytes) : null;
    modules.set(key, module);
  }
  return module;
}

/**
 * A synchronous compile, or null where the engine refuses one (browsers' main threads refuse
 * modules over 4 KB, which a user definition with several routines may reach): the composite
 * path then runs instead.
 */
function compileSync(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
}

/*
 * One instance per (heap, activation). The instance imports tf's Memory object itself, so it
 * sees the heap after growth (memory.grow replaces memory.buffer, not the Memory); a new wasm
 * backend (after removeBackend/registerBackend) has a new Memory and gets new instances.
 */
const instances = new WeakMap<WebAssembly.Memory, Map<string, unknown>>();

export function kernelInstance(name: string, memory: WebAssembly.Memory): KernelExports | null {
  return moduleInstance<KernelExports>(name, memory);
}

/** The instance of any built module by its key (an activation's name, or src/softmax's ROW_MODULE). */
export function moduleInstance<T>(name: string, memory: WebAssembly.Memory): T | null {
  let byName = instances.get(memory);
  if (byName == null) {
    byName = new Map();
    instances.set(memory, byName);
  }
  let exports = byName.get(name);
  if (exports == null) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = kernelModule(name, shared);
    if (module == null) return null;
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    exports = instance.exports;
    byName.set(name, exports);
  }
  return exports as T;
}
