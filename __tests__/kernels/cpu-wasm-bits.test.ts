import * as tf from '@tensorflow/tfjs';
import { activationNames, activations } from 'tfjs-activations';
import type { ActivationDefinition } from 'tfjs-activations';
import { runBackward, runForward } from '../../src/kernels';
import { setBackend } from '../helpers/backends';
import { float32Sweep } from '../helpers/float32';
import { alphasOf, values } from './helpers';

/*
 * src/kernels/cpu.ts runs the wasm backend's SIMD modules on a scratch heap of its own: the cpu
 * kernels give the wasm backend's bits (the JS loops, kept for engines without SIMD, compute in
 * double and differ by an ulp here and there). Mutation testing showed no test telling the two
 * paths apart (docs/mutation.md): a broken scratch heap fell back to the JS loops unseen.
 */

/** The sweep, plus a chunk-crossing stretch (16384 elements per chunk) of random values. */
const Z = Float32Array.from([...float32Sweep(1 / 16), ...values(16384 + 7, 3, -12, 12)]);
const DY = values(Z.length, 5, -2, 2);

/** Bits, with every NaN as the one quiet NaN: the payload and sign of a NaN are not the contract here. */
function bits(v: Float32Array): Uint32Array {
  return new Uint32Array(Float32Array.from(v, (x) => (Number.isNaN(x) ? NaN : x)).buffer);
}

/** The first index where a and b differ, with both values, or '' when all bits agree. */
function firstDifference(a: Float32Array, b: Float32Array): string {
  const [x, y] = [bits(a), bits(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return `at ${i} (z = ${Z[i]}): cpu ${a[i]}, wasm ${b[i]}`;
  return x.length === y.length ? '' : `lengths ${x.length} and ${y.length}`;
}

interface Outputs {
  forward: Float32Array;
  derivative: Float32Array;
  backward: Float32Array;
}

/** Forward of Z, and the derivative and backward from one saved tensor (the same values on both backends). */
async function outputsOn(backend: string, def: ActivationDefinition, alpha: number, saved: Float32Array): Promise<Outputs> {
  await setBackend(backend);
  return tf.tidy(() => {
    const s = tf.tensor1d(saved);
    return {
      forward: runForward(def, tf.tensor1d(Z), alpha).dataSync() as Float32Array,
      derivative: runBackward(def, null, s, alpha).dataSync() as Float32Array,
      backward: runBackward(def, tf.tensor1d(DY), s, alpha).dataSync() as Float32Array,
    };
  });
}

afterAll(() => setBackend('cpu'));

describe.each(activationNames)('%s: the cpu kernels give the wasm backend\'s bits', (name) => {
  const def = activations[name];

  /** Outputs on cpu and on wasm, from the same saved values (read on cpu, as the op saves them: output or input). */
  async function both(alpha: number): Promise<[Outputs, Outputs]> {
    await setBackend('cpu');
    const saved = def.saves(alpha) === 'output' ? tf.tidy(() => runForward(def, tf.tensor1d(Z), alpha).dataSync() as Float32Array) : Z;
    return [await outputsOn('cpu', def, alpha, saved), await outputsOn('wasm', def, alpha, saved)];
  }

  it.each(alphasOf(name))('alpha %p: backward with and without dy', async (alpha) => {
    const [cpu, wasm] = await both(alpha);
    expect(firstDifference(cpu.derivative, wasm.derivative)).toBe('');
    expect(firstDifference(cpu.backward, wasm.backward)).toBe('');
  });

  // Where the wasm backend runs tf's own forward kernel instead (sigmoid: simdForwardOn is cpu only), the bits may differ.
  const simdOnBoth = def.wasm.forwardOn.includes('wasm') && def.wasm.forwardOn.includes('cpu');
  (simdOnBoth ? it.each(alphasOf(name)) : it.skip.each(alphasOf(name)))(
    `alpha %p: forward${simdOnBoth ? '' : ' (skipped: the wasm backend runs tf\'s forward kernel for it, not the SIMD body)'}`,
    async (alpha) => {
      const [cpu, wasm] = await both(alpha);
      expect(firstDifference(cpu.forward, wasm.forward)).toBe('');
    },
  );
});
