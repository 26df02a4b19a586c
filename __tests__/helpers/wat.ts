import type { Expr } from '../../src/expr/ast';
import { renderWat } from '../../src/expr/wat';
import { assembleWat } from '../../src/kernels/wasm/assemble';
import { wasmModuleText } from '../../src/kernels/wasm/source';

/** e rendered as a kernel module's forward body (the run-time assembler's bytes), run over xs with alpha a. */
export function runWat(e: Expr, xs: number[], a = 0): Float32Array {
  const body = renderWat(e, '$z');
  const bytes = assembleWat(wasmModuleText({ forward: body.code, derivative: '(local.get $s)', locals: body.locals, forwardOn: [] }));
  const pages = Math.ceil((xs.length * 8) / 65536) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const heap = new Float32Array(memory.buffer);
  heap.set(xs, 0);
  (instance.exports.forward as (x: number, out: number, n: number, alpha: number) => void)(0, 4 * xs.length, xs.length, a);
  return heap.slice(xs.length, 2 * xs.length);
}
