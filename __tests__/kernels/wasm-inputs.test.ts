import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { activations, kernelName } from 'tfjs-activations';
import { runForward } from 'tfjs-activations/kernels';
import { setBackend } from '../helpers/backends';
import { expectSameValues, values } from './helpers';

/*
 * What src/kernels/wasm.ts handles that the public ops never hand it: int32 and bool inputs (the
 * ops cast int32 before the kernels and refuse bool, but tf.engine().runKernel, another copy of the
 * library or a future op can pass them), and a wasm backend replaced by a fresh one (a new heap)
 * between calls.
 */

beforeAll(() => setBackend('wasm'));

const def = activations.leakyRelu;
const ALPHA = 0.2;

function forward(x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(kernelName(def, 'forward'), { x }, { alpha: ALPHA }) as tf.Tensor;
}

function backward(s: tf.Tensor, dy?: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(kernelName(def, 'backward'), dy == null ? { s } : { s, dy }, { alpha: ALPHA }) as tf.Tensor;
}

describe('wasm kernels called with non-float32 inputs', () => {
  // Integers with both signs (leakyRelu's two sides); 1003 crosses the SIMD loop's tail.
  const ints = Int32Array.from(values(1003, 21, -50, 50).map((v) => (Number.isFinite(v) ? Math.trunc(v) : -7)));
  const bools = Uint8Array.from(ints, (v) => (v > 0 ? 1 : 0));

  it('forward of an int32 x gives the float32 result', () => {
    const got = forward(tf.tensor1d(ints, 'int32'));
    expect(got.dtype).toBe('float32');
    expectSameValues(got, forward(tf.tensor1d(Float32Array.from(ints))));
  });

  it('forward of a bool x reads its bytes as 0 and 1', () => {
    const got = forward(tf.tensor1d(bools, 'bool'));
    expect(Array.from(got.dataSync())).toEqual(Array.from(bools));
  });

  it('derivative (no dy) of an int32 or bool s gives the float32 result', () => {
    expectSameValues(backward(tf.tensor1d(ints, 'int32')), backward(tf.tensor1d(Float32Array.from(ints))));
    expectSameValues(backward(tf.tensor1d(bools, 'bool')), backward(tf.tensor1d(Float32Array.from(bools))));
  });

  it('backward with an int32 s and a float32 dy gives the float32 result', () => {
    const dy = tf.tensor1d(values(1003, 22));
    expectSameValues(backward(tf.tensor1d(ints, 'int32'), dy), backward(tf.tensor1d(Float32Array.from(ints)), dy));
  });
});

describe('runForward of int32 input (src/kernels/index.ts)', () => {
  // Our kernels compute in float32; where the definition keeps tf's int32 result (relu), an
  // int32 x goes to tf's own kernel, which gives int32, as tf.relu does.
  it('relu: tf\'s kernel, int32 out, as tf.relu', () => {
    expect(activations.relu.wasm.forwardOn).toContain('wasm'); // ours exists here, and is passed over
    const x = tf.tensor1d([-3, 0, 5, -1, 2], 'int32');
    const got = runForward(activations.relu, x, 0);
    expect(got.dtype).toBe('int32');
    expect(Array.from(got.dataSync())).toEqual(Array.from(tf.relu(x).dataSync()));
  });
});

describe('wasm kernels after the wasm backend is replaced', () => {
  it('run on the new backend\'s heap, not the old one\'s', async () => {
    const x = values(1003, 23);
    const dy = values(1003, 24);
    const want = {
      forward: forward(tf.tensor1d(x)).dataSync().slice(),
      backward: backward(tf.tensor1d(x), tf.tensor1d(dy)).dataSync().slice(),
    };
    const factory = tf.findBackendFactory('wasm');
    const old = tf.backend();
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', factory);
    await setBackend('wasm');
    expect(tf.backend()).not.toBe(old);
    expect(forward(tf.tensor1d(x)).dataSync()).toEqual(want.forward);
    expect(backward(tf.tensor1d(x), tf.tensor1d(dy)).dataSync()).toEqual(want.backward);
  });
});
