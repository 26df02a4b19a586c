import * as tf from '@tensorflow/tfjs';
import {
  activations,
  derivativeFor,
  derivativeFromOutputFor,
  kernelName,
  leakyReluDerivativeFromOutput,
  opFor,
  reluDerivativeFromOutput,
  sigmoid,
  sigmoidDerivative,
  sigmoidDerivativeFromOutput,
  tanhDerivative,
  tanhDerivativeFromOutput,
} from 'tfjs-activations';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';

/*
 * Paths of src/ops.ts that mutation testing (docs/mutation.md) showed no test distinguished:
 * the TensorLike walker's messages and raggedness at depth, tensors made from TensorLike input
 * being freed, the no-tape forward, gradients of the derivative ops, and the named exports.
 */

const untyped = <T>(v: unknown): T => v as T;

describe('TensorLike walker: every message and every depth', () => {
  beforeAll(() => setBackend('cpu'));

  it.each([
    [[[1], 2], /^sigmoid: x must be a Tensor or a numeric TensorLike: x\[1\] is 2 where an array was expected$/],
    [[[1, 'a']], /: x\[0\]\[1\] is the string "a", not a number$/],
    [[[[1, 2]], [[1]]], /: ragged array: x\[1\] has shape \[1,1\], x\[0\] has \[1,2\]$/],
    [[[], [1]], /: ragged array: x\[1\] has shape \[1\], x\[0\] has \[0\]$/],
    [[new BigInt64Array(2)], /: x\[0\]: unsupported typed array BigInt64Array \(tf.tensor takes Float32Array, Int32Array, Uint8Array, Uint8ClampedArray\)$/],
    [[new Float64Array(2)], /: x\[0\]: unsupported typed array Float64Array/],
    [new BigInt64Array(2), /: unsupported typed array BigInt64Array/],
    [new Int16Array(2), /: unsupported typed array Int16Array/],
    [new DataView(new ArrayBuffer(4)), /: unsupported typed array DataView/],
    [{ length: 2 }, /: got a value of type object$/],
  ])('%p is refused with its reason', (x, message) => {
    expect(() => sigmoid(untyped<number[]>(x))).toThrow(message);
  });

  it('empty rows and typed arrays at depth are accepted with tf\'s shapes', () => {
    expect(sigmoid([[], []]).shape).toEqual([2, 0]);
    expect(sigmoid([[new Float32Array([1, 2])], [new Float32Array([3, 4])]]).shape).toEqual([2, 1, 2]);
    for (const T of [Uint8Array, Uint8ClampedArray, Int32Array, Float32Array]) {
      expect(Array.from(sigmoid(new T([0, 1])).dataSync())).toEqual(Array.from(sigmoid([0, 1]).dataSync()));
    }
  });
});

describe.each(NODE_BACKENDS)('paths on %s', (backend) => {
  beforeAll(() => setBackend(backend));

  it('the tensor made from a TensorLike is freed, for every op kind', () => {
    const before = tf.memory().numTensors;
    for (const name of Object.keys(activations) as (keyof typeof activations)[]) {
      tf.dispose([opFor(name)([1, -2, 3]), derivativeFor(name)([1, -2, 3])]);
      // Only where the output determines g' (relu6 and hardSigmoid read the input: a named Error).
      const def = activations[name];
      const alpha = name === 'leakyRelu' ? 0.2 : undefined;
      if (def.saves(alpha ?? def.defaultAlpha) === 'output') tf.dispose(derivativeFromOutputFor(name)([0.5, 0.25], alpha));
      else expect(() => derivativeFromOutputFor(name)([0.5, 0.25], alpha)).toThrow(/does not determine g'\(z\)/);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(Object.keys(activations))('%s without a tape runs our forward kernel itself, not the taped one', async (name) => {
    const x = tf.tensor1d([-1, 0.5, 2]);
    const info = await tf.profile(() => tf.tidy(() => opFor(name as 'relu')(x).dataSync()));
    const def = activations[name as 'relu'];
    // Our forward kernel where the backend has one, else tf's: never a taped variant.
    const names = info.kernels.map((k) => k.name);
    expect(names).toHaveLength(1);
    expect(names[0] === kernelName(def, 'forward') || names[0] === def.tfKernel?.name).toBe(true);
    x.dispose();
  });

  it('gradients of the derivative ops are the second derivatives', () => {
    const zs = [-3, -0.5, 0.25, 2];
    for (const name of ['sigmoid', 'tanh'] as const) {
      const ref = activations[name].reference;
      const g = tf.grad((v: tf.Tensor) => derivativeFor(name)(v))(tf.tensor1d(zs)).dataSync();
      zs.forEach((z, i) => expect(Math.abs(g[i] - ref.secondDerivative(z, 0))).toBeLessThanOrEqual(2e-6));
    }
    // d/da of a(1 - a) is 1 - 2a; of 1 - a^2 it is -2a (float32 rounding aside).
    const av = [0.1, 0.5, 0.9];
    const a = tf.tensor1d(av);
    const ds = tf.grad((v: tf.Tensor) => sigmoidDerivativeFromOutput(v))(a).dataSync();
    const dt = tf.grad((v: tf.Tensor) => tanhDerivativeFromOutput(v))(a).dataSync();
    av.forEach((v, i) => {
      expect(Math.abs(ds[i] - (1 - 2 * v))).toBeLessThanOrEqual(1e-7);
      expect(Math.abs(dt[i] + 2 * v)).toBeLessThanOrEqual(1e-7);
    });
  });

  it('int32 input to the derivative ops equals float32 input', () => {
    const zi = tf.tensor1d([-2, 0, 3], 'int32');
    const zf = tf.tensor1d([-2, 0, 3]);
    for (const name of ['sigmoid', 'tanh', 'relu', 'leakyRelu'] as const) {
      expect(Array.from(derivativeFor(name)(zi).dataSync())).toEqual(Array.from(derivativeFor(name)(zf).dataSync()));
    }
    expect(Array.from(derivativeFromOutputFor('relu')(tf.tensor1d([0, 2], 'int32')).dataSync())).toEqual([0, 1]);
  });

  it('the named exports are the ops of their names', () => {
    const z = tf.tensor1d([-1.5, 0, 0.75]);
    const a = tf.tensor1d([0.2, 0.5, 0.8]);
    const same = (x: tf.Tensor, y: tf.Tensor) => expect(Array.from(x.dataSync())).toEqual(Array.from(y.dataSync()));
    same(sigmoidDerivative(z), derivativeFor('sigmoid')(z));
    same(tanhDerivative(z), derivativeFor('tanh')(z));
    same(reluDerivativeFromOutput(a), derivativeFromOutputFor('relu')(a));
    same(leakyReluDerivativeFromOutput(a), derivativeFromOutputFor('leakyRelu')(a, 0.01));
    same(leakyReluDerivativeFromOutput(a, 0.3), derivativeFromOutputFor('leakyRelu')(a, 0.3));
  });
});
