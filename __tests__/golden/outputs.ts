import { createHash } from 'crypto';
import * as tf from '@tensorflow/tfjs';
import { derivativeFor, derivativeFromOutputFor, opFor } from 'tfjs-activations';

/*
 * Outputs of the four built-in activations on cpu and wasm, as SHA-256 digests of their float32
 * bits, so a change to how the kernels are generated can be checked bit for bit against the
 * kernels before it (fixture: golden.json, captured from the build before the expression
 * language, commit 5a5705b). Paths: forward, g' from z, g' from a saved tensor, dy * g' (tf.grad
 * with a dy), and the second-order (composite) path, each at a size that runs the SIMD kernels
 * and in slices that run the JS loops (below 64 elements).
 */

/** Every 4099th float32 bit pattern (all exponents, both signs, NaNs, subnormals) and edge values. */
export function goldenInputs(): Float32Array {
  const stride = 4099;
  const n = Math.floor(2 ** 32 / stride);
  const bits = new Uint32Array(n + 16);
  for (let i = 0; i < n; i++) bits[i] = i * stride;
  const out = new Float32Array(bits.buffer);
  const edges = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38, 0.5, -0.5, 1, -1, 20, -20];
  out.set(edges, n);
  return out;
}

/** Values in [-1.5, 1.5] densely: the range of saved outputs. */
export function savedInputs(): Float32Array {
  const n = 300001;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = -1.5 + (3 * i) / (n - 1);
  return out;
}

function digest(values: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
}

/** Runs f over x whole (SIMD path) or in slices of 50 (JS loops), returning the concatenated output. */
function run(f: (x: tf.Tensor) => tf.Tensor, x: Float32Array, sliced: boolean): Float32Array {
  if (!sliced) return tf.tidy(() => f(tf.tensor1d(x)).dataSync() as Float32Array).slice();
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += 50) {
    const part = x.subarray(i, Math.min(x.length, i + 50));
    out.set(tf.tidy(() => f(tf.tensor1d(part)).dataSync() as Float32Array), i);
  }
  return out;
}

export const GOLDEN_CASES: readonly { name: string; alpha: number }[] = [
  { name: 'sigmoid', alpha: 0 },
  { name: 'tanh', alpha: 0 },
  { name: 'relu', alpha: 0 },
  { name: 'leakyRelu', alpha: 0.01 },
  { name: 'leakyRelu', alpha: 0.2 },
  { name: 'leakyRelu', alpha: 1.5 },
  { name: 'leakyRelu', alpha: 0 },
  { name: 'leakyRelu', alpha: -0.5 },
];

/** Digests for one activation and alpha on the active backend, keyed by path. */
export function goldenDigests(name: string, alpha: number): Record<string, string> {
  const op = opFor(name as Parameters<typeof opFor>[0]);
  const derivative = derivativeFor(name as Parameters<typeof derivativeFor>[0]);
  const fromOutput = derivativeFromOutputFor(name as Parameters<typeof derivativeFromOutputFor>[0]);
  const z = goldenInputs();
  const small = z.subarray(0, 20000);
  const saved = savedInputs();
  const dyOf = (x: tf.Tensor) => tf.sin(tf.mul(x, 0.37)).add(1.25);
  const withDy = (x: tf.Tensor) => tf.grad((t: tf.Tensor) => op(t, alpha))(x, dyOf(tf.abs(x).minimum(1e3)));
  const second = (x: tf.Tensor) => tf.grad((t: tf.Tensor) => tf.grad((u: tf.Tensor) => op(u, alpha))(t))(x);
  const out: Record<string, string> = {};
  for (const sliced of [false, true]) {
    const input = sliced ? small : z;
    const tag = sliced ? 'js' : 'simd';
    out[`forward/${tag}`] = digest(run((x) => op(x, alpha), input, sliced));
    out[`derivative/${tag}`] = digest(run((x) => derivative(x, alpha), input, sliced));
    if (alpha > 0 || name !== 'leakyRelu') out[`fromOutput/${tag}`] = digest(run((x) => fromOutput(x, alpha), saved, sliced));
    out[`backward/${tag}`] = digest(run(withDy, input, sliced));
  }
  out['second'] = digest(run(second, small, false));
  return out;
}
