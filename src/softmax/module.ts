/*
 * What the runtime needs of the row kernels' wasm module (./wat.ts generates it at build time;
 * scripts/build-wasm.js stores its binary): its key and its exports' signatures.
 */

/** The module's exports (pointers are byte offsets). */
export interface RowKernelExports {
  softmax(x: number, out: number, rows: number, n: number): void;
  logSoftmax(x: number, out: number, rows: number, n: number): void;
  softmaxBackward(dy: number, s: number, out: number, rows: number, n: number): void;
  logSoftmaxBackward(dy: number, o: number, out: number, rows: number, n: number): void;
  crossEntropyBackward(ls: number, labels: number, out: number, count: number, scale: number): void;
}

/** The key the module's binary is stored under (scripts/build-wasm.js): no activation name (lower camel case) can be it. */
export const ROW_MODULE = 'row-kernels';
