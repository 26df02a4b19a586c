import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { activationNames, activations, opFor } from 'tfjs-activations';
import { hasKernel, runBackward, runForward } from '../../src/kernels';
import { compositeBackward } from '../../src/kernels/composite';
import { kernelInstance } from '../../src/kernels/wasm/loader';
import { wasmModuleText } from '../../src/kernels/wasm/source';
import { setBackend, tfBuiltinUnusable } from '../helpers/backends';
import { ulpDistance } from '../helpers/float32';
import { LEAKY_ALPHAS, alphasOf, expectBackwardMatches, expectSameValues, savedFor, values } from './helpers';

/*
 * The wasm SIMD kernels (src/kernels/wasm.ts) against tf's own ops on the same backend (which
 * compute the same float32 operations, so bit-identical where the math is the same), the
 * float64 reference, and the edge cases of running in place on tf's heap: tails, empty
 * tensors, heap growth, non-float32 inputs, leaks.
 */

/** Sizes around the 8-wide main loop and the one-lane tail, and larger (1e6 below, once per op). */
const SIZES = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 10003];
const LARGE = 1000000;

beforeAll(() => setBackend('wasm'));

describe('wasm kernels are registered', () => {
  it.each(activationNames)('%s has a wasm backward kernel', (name) => {
    expect(hasKernel(activations[name], 'backward', 'wasm')).toBe(true);
  });

  it('forward kernels exist exactly where the definition has a wasm forward', () => {
    for (const name of activationNames) {
      expect(hasKernel(activations[name], 'forward', 'wasm')).toBe(activations[name].wasm.forwardOn.includes('wasm'));
    }
    expect(hasKernel(activations.tanh, 'forward', 'wasm')).toBe(true);
    expect(hasKernel(activations.leakyRelu, 'forward', 'wasm')).toBe(true);
    // relu's is ours too: XNNPACK's relu gives 0 for a NaN with the sign bit set.
    expect(hasKernel(activations.relu, 'forward', 'wasm')).toBe(true);
    // sigmoid's SIMD forward is the cpu backend's only: tf's XNNPACK one is faster on wasm.
    expect(hasKernel(activations.sigmoid, 'forward', 'wasm')).toBe(false);
  });

  it('the generated module text imports the heap and exports the three loops', () => {
    const text = wasmModuleText(activations.leakyRelu.wasm);
    expect(text).toContain('(import "env" "memory" (memory 0 65536))');
    for (const f of ['forward', 'backward', 'derivative']) expect(text).toContain(`(export "${f}")`);
  });
});

/** The error tf's way of computing def gives on this backend when a kernel it needs is missing, or null. */
function builtinMissingKernel(def: (typeof activations)[string], alpha: number): string | null {
  try {
    tf.tidy(() => {
      def.builtin(tf.tensor1d([0.5]), alpha);
    });
    return null;
  } catch (e) {
    if (/not registered/.test((e as Error).message)) return (e as Error).message;
    throw e;
  }
}

describe.each(activationNames)('%s backward on wasm', (name) => {
  const def = activations[name];

  it.each(SIZES)('size %i: with and without dy, equals tf ops computing the same formula (bit for bit, or within the derivativeUlp / derivativeAbs it states where routines differ)', (n) => {
    for (const alpha of alphasOf(name)) {
      tf.tidy(() => {
        const x = tf.tensor1d(values(n, 11 + n));
        const dy = tf.tensor1d(values(n, 23 + n, -2, 2));
        const s = savedFor(name, x, alpha);
        expectBackwardMatches(def, runBackward(def, dy, s, alpha), compositeBackward(def, dy, s, alpha), dy);
        expectBackwardMatches(def, runBackward(def, null, s, alpha), compositeBackward(def, null, s, alpha), null);
      });
    }
  });

  it(`size ${LARGE}: equals tf ops computing the same formula (bit for bit, or within its stated derivativeUlp / derivativeAbs)`, () => {
    const alpha = alphasOf(name)[alphasOf(name).length - 1];
    tf.tidy(() => {
      const x = tf.tensor1d(values(LARGE, 41));
      const dy = tf.tensor1d(values(LARGE, 43, -2, 2));
      const s = savedFor(name, x, alpha);
      expectBackwardMatches(def, runBackward(def, dy, s, alpha), compositeBackward(def, dy, s, alpha), dy);
    });
  });

  it('matches the float64 reference g\'(z) dy within float32 rounding, NaN for NaN', () => {
    for (const alpha of alphasOf(name)) {
      const n = 4099;
      const xv = values(n, 5);
      const dyv = values(n, 9, -2, 2);
      tf.tidy(() => {
        const x = tf.tensor1d(xv);
        const s = savedFor(name, x, alpha);
        const sv = s.dataSync();
        const got = runBackward(def, tf.tensor1d(dyv), s, alpha).dataSync();
        for (let i = 0; i < n; i++) {
          const want = Math.fround(def.reference.derivativeFromSaved(sv[i], alpha) * dyv[i]);
          if (Number.isNaN(want) || !Number.isFinite(want)) {
            expect(got[i]).toBe(want);
          } else {
            // a(1 - a), 1 - a^2 and dy * d are three float32 roundings, 1 - a^2 cancels near |a| = 1;
            // results below the smallest normal float32 round to multiples of 1.4e-45 (one step allowed).
            expect(Math.abs(got[i] - want)).toBeLessThanOrEqual(2e-7 * Math.abs(want) + 1.2e-7 * Math.abs(dyv[i]) + 1.5e-45);
          }
        }
      });
    }
  });

  const unusable = tfBuiltinUnusable(def, 'wasm');
  (unusable == null ? it : it.skip)(`gives the same gradient as tf's autodiff of its built-in (bit for bit where tf keeps NaN)${unusable == null ? '' : ` (skipped: ${unusable})`}`, () => {
    for (const alpha of alphasOf(name)) {
      if (name === 'leakyRelu' && alpha <= 0) continue; // tf's own leakyRelu gradient is wrong there (it reads the sign of the output)
      tf.tidy(() => {
        const xv = values(10007, 3).map((v) => (Number.isNaN(v) ? 0.25 : v)); // tf's leakyRelu gradient drops NaN (documented)
        const x = tf.tensor1d(xv);
        const dy = tf.tensor1d(values(10007, 4, -2, 2));
        const ours = tf.grad((t: tf.Tensor) => opFor(name)(t, alpha))(x, dy);
        if (name === 'tanh') {
          // Our tanh forward is an approximation within 2 ulp, so compare backward on tf's own output.
          const y = tf.tanh(x);
          const theirs = tf.grad((t: tf.Tensor) => tf.tanh(t))(x, dy);
          expectSameValues(runBackward(def, dy, y, alpha), theirs);
          // And tf.grad of our op is tf's gradient formula (1 - a^2) * dy on our own output a.
          expectSameValues(ours, tf.mul(tf.sub(1, tf.square(opFor(name)(x))), dy));
        } else if (def.tfKernel == null && def.tolerance.autodiffAbs === 0 && builtinMissingKernel(def, alpha) != null) {
          // tfjs 3.21's wasm has no Erf or Softplus: tfjs-layers' formula cannot run there, ours
          // does (its second order expands erf in the language).
          expect(builtinMissingKernel(def, alpha)).toMatch(/Kernel '\w+' not registered for backend 'wasm'/);
          const got = ours.dataSync();
          const dyv = dy.dataSync();
          let bad = '';
          for (let i = 0; i < xv.length && bad === ''; i++) {
            const want = Math.fround(def.reference.derivative(xv[i], alpha) * dyv[i]);
            if (Object.is(got[i], want) || (Number.isNaN(got[i]) && Number.isNaN(want))) continue;
            if (!(Math.abs(got[i] - want) <= 2 * def.tolerance.derivativeAbs * Math.abs(dyv[i]))) bad = `z = ${xv[i]}: ours ${got[i]}, float64 ${want}`;
          }
          expect(bad).toBe('');
        } else if (def.tfKernel == null && def.tolerance.autodiffAbs === 0) {
          // A tfjs-layers composite (gelu's 1 + erf, ...): tf's autodiff of it cancels where ours
          // does not, so ours must be within derivativeAbs of it or the closer to float64.
          const theirs = tf.grad((t: tf.Tensor) => def.builtin(t, alpha))(x, dy).dataSync();
          const got = ours.dataSync();
          const dyv = dy.dataSync();
          let bad = '';
          for (let i = 0; i < xv.length && bad === ''; i++) {
            if (Object.is(got[i], theirs[i]) || (Number.isNaN(got[i]) && Number.isNaN(xv[i]))) continue;
            const want = def.reference.derivative(xv[i], alpha) * dyv[i];
            // (dy holds infinities too: inf * g'(inf) = inf is exact, and inf - inf no distance.)
            const closer = got[i] === Math.fround(want) || Math.abs(got[i] - want) <= (Number.isNaN(theirs[i]) ? Infinity : Math.abs(theirs[i] - want));
            if (!(Math.abs(got[i] - theirs[i]) <= def.tolerance.derivativeAbs * Math.abs(dyv[i]) * 2 || closer)) bad = `z = ${xv[i]}: ours ${got[i]}, tf ${theirs[i]}, float64 ${want}`;
          }
          expect(bad).toBe('');
        } else if (def.tolerance.autodiffAbs === 0) {
          expectSameValues(ours, tf.grad((t: tf.Tensor) => def.builtin(t, alpha))(x, dy));
        } else {
          // A different formula for the same g' (the definition states how far apart). tf's
          // selects (clipByValue's gradient, say) give 0 for a NaN or infinite dy where the mask
          // is off, where dy * 0 is NaN: finite dy here.
          const dyFinite = tf.tensor1d(values(10007, 4, -2, 2).map((v) => (Number.isFinite(v) ? v : 0.5)));
          const a = tf.grad((t: tf.Tensor) => opFor(name)(t, alpha))(x, dyFinite).dataSync();
          const b = tf.grad((t: tf.Tensor) => def.builtin(t, alpha))(x, dyFinite).dataSync();
          const dyv = dyFinite.dataSync();
          let worst = 0;
          for (let i = 0; i < a.length; i++) {
            // At +-inf ours give the limits where tf's composites can give NaN (inf / inf): the
            // conventions check covers those points.
            // tf's formula overflowing to NaN (inf / inf, 0 * inf near the float32 extremes) is
            // not a value to match; ours must be a number wherever tf's is.
            if (!Number.isFinite(xv[i]) || Number.isNaN(b[i])) continue;
            expect(a[i]).not.toBeNaN();
            if (a[i] === b[i]) continue; // infinities included
            worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(dyv[i]), 1e-30));
          }
          expect(worst).toBeLessThanOrEqual(def.tolerance.autodiffAbs);
        }
      });
    }
  });
});

describe('leakyRelu forward on wasm', () => {
  it.each(SIZES)('size %i: equals tf.leakyRelu on wasm bit for bit (NaN, -0, infinities included), every alpha', (n) => {
    for (const alpha of LEAKY_ALPHAS) {
      tf.tidy(() => {
        const x = tf.tensor1d(values(n, 31 + n));
        expectSameValues(runForward(activations.leakyRelu, x, alpha), tf.leakyRelu(x, alpha));
      });
    }
  });

  it(`size ${LARGE}: equals tf.leakyRelu on wasm bit for bit`, () => {
    tf.tidy(() => {
      const x = tf.tensor1d(values(LARGE, 47));
      expectSameValues(runForward(activations.leakyRelu, x, 0.2), tf.leakyRelu(x, 0.2));
    });
  });
});

describe('relu forward on wasm', () => {
  it.each([...SIZES, LARGE])('size %i: equals Math.max(0, z) bit for bit (NaN stays NaN, -0 gives +0)', (n) => {
    tf.tidy(() => {
      const xv = values(n, 53 + n);
      const got = runForward(activations.relu, tf.tensor1d(xv), 0);
      expectSameValues(got, tf.tensor1d(xv.map((z) => Math.max(0, z))));
    });
  });
});

describe('tanh forward on wasm (SIMD approximation)', () => {
  const def = activations.tanh;

  /** Every `stride`-th float32 bit pattern from +0 to 16, past where tanh rounds to 1 (9.01). */
  function sweepTo16(stride: number): Float32Array {
    const bits = new Uint32Array(Math.floor(0x41800000 / stride) + 1);
    for (let i = 0; i < bits.length; i++) bits[i] = i * stride;
    return new Float32Array(bits.buffer);
  }

  it('is within 2 ulp of the float64 reference over a dense float32 sweep of |z| <= 16', () => {
    const z = sweepTo16(1031); // ~1.1 million values, every exponent from subnormals to 16
    const got = tf.tidy(() => runForward(def, tf.tensor1d(z), 0).dataSync());
    let worst = 0;
    let worstAt = 0;
    for (let i = 0; i < z.length; i++) {
      const d = ulpDistance(got[i], def.reference.value(z[i], 0));
      if (d > worst) {
        worst = d;
        worstAt = z[i];
      }
    }
    // The failure message says how far off and where.
    expect(worst <= 2 ? 'within 2 ulp' : `${worst} ulp at z = ${worstAt}`).toBe('within 2 ulp');
  });

  it('is odd: tanh(-z) is -tanh(z) bit for bit', () => {
    const z = sweepTo16(4099);
    const neg = z.map((v) => -v);
    tf.tidy(() => {
      const a = runForward(def, tf.tensor1d(z), 0);
      expectSameValues(runForward(def, tf.tensor1d(neg), 0), tf.neg(a));
    });
  });

  it('gives +-1 past 9.01 (where float32 tanh rounds to 1), +-0, NaN, and subnormals unchanged', () => {
    const z = [9.02, 9.5, 10, 20, 100, 3.4e38, Infinity, -9.02, -9.5, -20, -3.4e38, -Infinity, 0, -0, NaN, 1e-45, -1e-45, 1e-40, -1e-40, 1e-20];
    const want = [1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, 0, -0, NaN, 1e-45, -1e-45, 1e-40, -1e-40, 1e-20].map(Math.fround);
    const got = tf.tidy(() => Array.from(runForward(def, tf.tensor1d(z), 0).dataSync()));
    expect(got).toEqual(want);
  });

  it('matches tf.tanh on wasm within 2 ulp at the tails of the vector loop', () => {
    for (const n of [...SIZES, LARGE]) {
      tf.tidy(() => {
        const x = tf.tensor1d(values(n, 77 + n));
        const ours = runForward(def, x, 0).dataSync();
        const theirs = tf.tanh(x).dataSync();
        let worst = 0;
        for (let i = 0; i < n; i++) worst = Math.max(worst, ulpDistance(ours[i], theirs[i]));
        expect(worst).toBeLessThanOrEqual(2);
      });
    }
  });
});

describe('wasm kernels on tf\'s heap', () => {
  interface WasmHeap {
    wasm: { HEAPU8: Uint8Array };
    numDataIds(): number;
  }
  const heap = (): WasmHeap => tf.backend() as unknown as WasmHeap;

  it('keep working when tf\'s heap grows between calls (old and new tensors)', () => {
    const def = activations.leakyRelu;
    const x = tf.tensor1d(values(10001, 1));
    const dy = tf.tensor1d(values(10001, 2, -2, 2));
    const before = runBackward(def, dy, x, 0.2);
    const bufferBefore = heap().wasm.HEAPU8.buffer;
    // Allocate more than the whole current heap: the memory must grow (its buffer is replaced).
    const big = tf.zeros([Math.ceil(bufferBefore.byteLength / 4) + (16 << 20)]);
    expect(heap().wasm.HEAPU8.buffer).not.toBe(bufferBefore);
    try {
      const after = runBackward(def, dy, x, 0.2);
      expectSameValues(after, before);
      const x2 = tf.tensor1d(values(10001, 3));
      expectSameValues(runForward(def, x2, 0.2), tf.leakyRelu(x2, 0.2));
      tf.dispose([after, x2]);
    } finally {
      big.dispose();
      tf.dispose([x, dy, before]);
    }
  });

  it('take non-float32 inputs (an int32 dy) without leaking the converted copy', () => {
    const def = activations.sigmoid;
    const x = tf.tensor1d(values(1003, 8));
    const s = runForward(def, x, 0);
    const dyInt = tf.tensor1d(Int32Array.from(values(1003, 9, -50, 50).map((v) => (Number.isFinite(v) ? Math.trunc(v) : 3))), 'int32');
    const dyFloat = tf.cast(dyInt, 'float32');
    const tensors = tf.memory().numTensors;
    const dataIds = heap().numDataIds();
    const got = runBackward(def, dyInt, s, 0);
    expect(heap().numDataIds()).toBe(dataIds + 1);
    const want = runBackward(def, dyFloat, s, 0);
    expectSameValues(got, want);
    tf.dispose([got, want]);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([x, s, dyInt, dyFloat]);
  });

  it.each(activationNames)('%s: forward and backward leak no tensors or heap blocks', (name) => {
    const x = tf.tensor1d(values(1000, 12));
    const dy = tf.tensor1d(values(1000, 13));
    const tensors = tf.memory().numTensors;
    const dataIds = heap().numDataIds();
    for (const alpha of alphasOf(name)) {
      tf.grad((t: tf.Tensor) => opFor(name)(t, alpha))(x, dy).dispose();
      opFor(name)(x, alpha).dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(heap().numDataIds()).toBe(dataIds);
    tf.dispose([x, dy]);
  });
});

describe('kernel modules for a shared heap (tf\'s threaded wasm build)', () => {
  it.each(activationNames)('%s: the shared-memory variant computes what the plain one does', (name) => {
    const n = 1003;
    const plain = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    const results = [plain, shared].map((memory) => {
      const exports = kernelInstance(name, memory);
      if (exports == null) throw new Error(`no module for ${name}`);
      const heap = new Float32Array(memory.buffer);
      heap.set(values(n, 5), 0);
      heap.set(values(n, 6, -2, 2), n);
      exports.backward(4 * n, 0, 8 * n, n, 0.2);
      return Array.from(heap.subarray(2 * n, 3 * n));
    });
    expect(results[1]).toEqual(results[0]);
    expect(results[0].some((v) => v !== 0)).toBe(true);
  });
});
