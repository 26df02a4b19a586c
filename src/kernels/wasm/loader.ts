import { wasmBinaries } from './binaries.generated';

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
 * The compiled module for an activation, or null when there is none (no wasm field) or this
 * engine cannot run it (no SIMD). `shared`: the variant importing a shared memory. Compiled
 * once, synchronously: each module is under 4 KB, the size browsers allow synchronous compiles
 * for on the main thread.
 */
export function kernelModule(name: string, shared = false): WebAssembly.Module | null {
  const key = shared ? `${name}.shared` : name;
  let module = modules.get(key);
  if (module === undefined) {
    const b64 = wasmBinaries[key];
    const bytes = b64 == null ? null : decodeBase64(b64);
    module = bytes != null && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    modules.set(key, module);
  }
  return module;
}

/*
 * One instance per (heap, activation). The instance imports tf's Memory object itself, so it
 * sees the heap after growth (memory.grow replaces memory.buffer, not the Memory); a new wasm
 * backend (after removeBackend/registerBackend) has a new Memory and gets new instances.
 */
const instances = new WeakMap<WebAssembly.Memory, Map<string, KernelExports>>();

export function kernelInstance(name: string, memory: WebAssembly.Memory): KernelExports | null {
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
    exports = instance.exports as unknown as KernelExports;
    byName.set(name, exports);
  }
  return exports;
}
