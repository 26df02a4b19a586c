import * as tf from '@tensorflow/tfjs';
import { activationNames, activations, derivativeFor, kernelName, leakyRelu, opFor, relu, sigmoid, tanh } from 'tfjs-activations';
import { tapedKernelName } from '../../src/kernels';
import type { ActivationName } from 'tfjs-activations';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';

const all = activationNames;

describe.each(NODE_BACKENDS)('op contract on %s', (backend) => {
  beforeAll(() => setBackend(backend));

  it.each(all)('%s: any shape, rank 0 to 6, including empty tensors', (name) => {
    const shapes = [[], [0], [3], [2, 0, 3], [2, 3], [2, 1, 3], [1, 2, 1, 3], [2, 1, 1, 2, 2], [1, 2, 1, 1, 2, 3]];
    for (const shape of shapes) {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor(Array.from({ length: n }, (_, i) => i - n / 2), shape);
      const y = opFor(name)(x);
      const g = tf.grad((v: tf.Tensor) => opFor(name)(v))(x);
      expect(y.shape).toEqual(shape);
      expect(g.shape).toEqual(shape);
      tf.dispose([x, y, g]);
    }
  });

  it.each(all)('%s: accepts TensorLike (number, nested arrays, typed arrays)', (name) => {
    const op = opFor(name);
    expect(op(0.5).shape).toEqual([]);
    expect(op([[1, -2], [3, -4]]).shape).toEqual([2, 2]);
    expect(op(new Float32Array([1, 2, 3])).shape).toEqual([3]);
    const fromArray = op([1, -2]).dataSync();
    const fromTensor = op(tf.tensor1d([1, -2])).dataSync();
    expect(Array.from(fromArray)).toEqual(Array.from(fromTensor));
  });

  it('dtypes: float32 out for sigmoid and tanh; relu and leakyRelu follow tf for int32', () => {
    const xi = tf.tensor1d([-2, 0, 3], 'int32');
    expect(sigmoid(xi).dtype).toBe('float32');
    expect(tanh(xi).dtype).toBe('float32');
    // tf.sigmoid refuses int32 outright; ours computes it in float32.
    expect(Array.from(sigmoid(xi).dataSync())).toEqual(Array.from(tf.sigmoid(tf.cast(xi, 'float32')).dataSync()));
    expect(relu(xi).dtype).toBe(tf.relu(xi).dtype);
    expect(relu(xi).dtype).toBe('int32');
    expect(Array.from(relu(xi).dataSync())).toEqual([0, 0, 3]);
    expect(leakyRelu(xi, 0.5).dtype).toBe(tf.leakyRelu(xi, 0.5).dtype);
    expect(Array.from(leakyRelu(xi, 0.5).dataSync())).toEqual([-1, 0, 3]);
    expect(derivativeFor('relu')(xi).dtype).toBe('float32');
    // The README's dtypes rule for the rest: relu6 follows tf; these cast (tf truncates some to int32).
    expect(opFor('relu6')(xi).dtype).toBe('int32');
    expect(Array.from(opFor('relu6')(xi).dataSync())).toEqual(Array.from(tf.relu6(xi).dataSync()));
    for (const name of ['elu', 'selu', 'softplus', 'softsign', 'hardSigmoid'] as const) expect(opFor(name)(xi).dtype).toBe('float32');
  });

  it.each(all)('%s: clear errors for bad dtypes and bad input, leaving nothing behind', async (name) => {
    const op = opFor(name);
    const str = tf.tensor(['a', 'b']);
    const bool = tf.tensor([true, false]);
    // wasm has no Complex kernel: make the complex tensor on cpu (our check reads only its dtype).
    await setBackend('cpu');
    const cplx = tf.complex([1], [2]);
    await setBackend(backend);
    const disposed = tf.tensor1d([1]);
    disposed.dispose();
    const before = tf.memory().numTensors;
    expect(() => op(str)).toThrow(new RegExp(`^${name}: .*dtype string`));
    expect(() => op(bool)).toThrow(new RegExp(`^${name}: .*dtype bool`));
    expect(() => op(cplx)).toThrow(new RegExp(`^${name}: .*dtype complex64`));
    expect(() => op(disposed)).toThrow(new RegExp(`^${name}: .*disposed`));
    expect(() => op([1, 'a'] as unknown as number[])).toThrow(new RegExp(`^${name}: .*x\\[1\\].*not a number`));
    expect(() => op([[1, 2], [3]])).toThrow(new RegExp(`^${name}: .*ragged`));
    expect(() => op(['a'] as unknown as number[])).toThrow(new RegExp(`^${name}: `));
    expect(() => op({} as unknown as number[])).toThrow(new RegExp(`^${name}: .*TensorLike`));
    expect(() => op(null as unknown as number[])).toThrow(new RegExp(`^${name}: .*null`));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([str, bool, cplx]);
  });

  it('alpha must be a finite number', () => {
    const x = tf.tensor1d([1, -1]);
    for (const bad of [NaN, Infinity, -Infinity, '0.1', null, {}]) {
      expect(() => leakyRelu(x, bad as number)).toThrow(/^leakyRelu: alpha must be a finite number/);
      expect(() => derivativeFor('leakyRelu')(x, bad as number)).toThrow(/alpha must be a finite number/);
    }
    expect(() => leakyRelu(x, undefined)).not.toThrow(); // the default, 0.01
    expect(leakyRelu([-1]).dataSync()[0]).toBeCloseTo(-0.01, 7);
  });

  it.each(all)('%s: no leaks over 1,000 forward+backward calls, first and second order', (name) => {
    const op = opFor(name);
    const x = tf.tensor2d([[-1.5, -0.5, 0, 0.5], [1.5, 2, -3, 4]]);
    const dy = tf.onesLike(x);
    const g1 = tf.grad((v: tf.Tensor) => op(v, 0.2));
    const g2 = tf.grad(tf.grad((v: tf.Tensor) => tf.mul(v, op(v, 0.2))));
    const before = tf.memory();
    for (let i = 0; i < 1000; i++) {
      tf.dispose([op(x, 0.2), g1(x, dy), g2(x), derivativeFor(name)(x, 0.2)]);
    }
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    // leakyRelu with alpha <= 0 saves the input instead of the output: also leak-free.
    if (name === 'leakyRelu') {
      for (let i = 0; i < 100; i++) tf.dispose([tf.grad((v: tf.Tensor) => op(v, -0.5))(x), tf.grad(tf.grad((v: tf.Tensor) => op(v, -0.5)))(x)]);
      expect(tf.memory().numTensors).toBe(before.numTensors);
    }
    tf.dispose([x, dy]);
  });

  it('works inside tf.tidy, tf.variableGrads and optimizer.minimize', () => {
    const before = tf.memory().numTensors;
    const kept = tf.tidy(() => {
      const x = tf.tensor1d([-1, 0, 1]);
      sigmoid(x);
      tanh(x);
      return relu(x);
    });
    expect(tf.memory().numTensors).toBe(before + 1);
    kept.dispose();

    const w = tf.variable(tf.tensor1d([0.3, -0.2]));
    const x = tf.tensor2d([[1, 2], [-1, 0.5], [0.5, -2]]);
    const yTrue = tf.tensor1d([1, 0, 1]);
    const loss = () => tf.losses.meanSquaredError(yTrue, sigmoid(tf.squeeze(tf.matMul(x, tf.expandDims(w, 1))))) as tf.Scalar;
    const lossBuiltin = () => tf.losses.meanSquaredError(yTrue, tf.sigmoid(tf.squeeze(tf.matMul(x, tf.expandDims(w, 1))))) as tf.Scalar;
    const { grads: ours } = tf.variableGrads(loss);
    const { grads: theirs } = tf.variableGrads(lossBuiltin);
    const o = ours[w.name].dataSync();
    const t = theirs[w.name].dataSync();
    o.forEach((v, i) => expect(v).toBeCloseTo(t[i], 6));

    const opt = tf.train.sgd(0.5);
    const first = loss().dataSync()[0];
    for (let i = 0; i < 20; i++) opt.minimize(loss, true)?.dispose();
    expect(loss().dataSync()[0]).toBeLessThan(first);
    tf.dispose([w, x, yTrue]);
    opt.dispose();
  });

  // Without a tape the ops call kernel functions directly (src/kernels/index.ts, runDirect); the
  // engine must still see everything it sees through runKernel.
  it.each(all)('%s without a tape: tf.profile lists the kernel, tidy and memory() count the output', async (name) => {
    const x = tf.tensor1d([-2, -0.5, 0, 0.5, 2]);
    const before = tf.memory();
    const info = await tf.profile(() => tf.tidy(() => opFor(name)(x, 0.2).dataSync()));
    expect(info.kernels).toHaveLength(1);
    expect(info.kernels[0].outputShapes).toEqual([[5]]);
    expect(info.newTensors).toBe(0); // tidy freed the output
    const y = opFor(name)(x, 0.2);
    expect(tf.memory().numTensors).toBe(before.numTensors + 1);
    expect(tf.memory().numBytes).toBe(before.numBytes + 5 * 4);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers + 1);
    y.dispose();
    expect(tf.memory()).toMatchObject({ numTensors: before.numTensors, numBytes: before.numBytes, numDataBuffers: before.numDataBuffers });
    x.dispose();
  });

  it.each(all)('%s under a tape: one taped kernel saving one tensor, one fused backward kernel; two saved inside a second tf.grad', async (name) => {
    const def = activations[name];
    const x = tf.tensor1d([-2, -0.5, 0.5, 2]);
    for (const alpha of [0.2, -0.5]) {
      const first = await tf.profile(() => tf.grad((v: tf.Tensor) => opFor(name)(v, alpha))(x));
      tf.dispose(first.result as tf.Tensor);
      // The engine clones each tensor it saves for a gradient (Identity); on wasm, where that
      // clone copies, the op saves its tensor as a view on the same data instead.
      const saves = def.saves(alpha);
      const taped = backend === 'wasm' ? [tapedKernelName(def, saves === 'output' ? 'outputView' : 'inputView')] : ['Identity', tapedKernelName(def, saves)];
      expect(first.kernels.map((k) => k.name)).toEqual([...taped, kernelName(def, 'backward')]);
      const second = await tf.profile(() => tf.grad(tf.grad((v: tf.Tensor) => opFor(name)(v, alpha)))(x));
      tf.dispose(second.result as tf.Tensor);
      const names = second.kernels.map((k) => k.name);
      expect(names.filter((n) => n === tapedKernelName(def, 'both'))).toHaveLength(1);
      expect(names.slice(0, 3)).toEqual(['Identity', 'Identity', tapedKernelName(def, 'both')]);
    }
    x.dispose();
  });

  it.each(all)('%s frees every buffer a gradient saved, first and second order (the views on wasm included)', (name) => {
    const x = tf.tensor1d([-2, -0.5, 0.5, 2]);
    const before = tf.memory();
    for (const alpha of [0.2, -0.5]) {
      tf.dispose(tf.grad((v: tf.Tensor) => opFor(name)(v, alpha))(x));
      tf.dispose(tf.grad(tf.grad((v: tf.Tensor) => opFor(name)(v, alpha)))(x));
      // The input saved as a view outlives a dispose of the input until backprop has run.
      const y = tf.tensor1d([-1, 1]);
      const { value, grad } = tf.valueAndGrad((u: tf.Tensor) => {
        const out = tf.sum(opFor(name)(u, alpha));
        u.dispose();
        return out;
      })(y);
      expect(y.isDisposed).toBe(true);
      const kept = tf.tensor1d([-1, 1]);
      const want = tf.grad((u: tf.Tensor) => tf.sum(opFor(name)(u, alpha)))(kept);
      expect(Array.from(grad.dataSync())).toEqual(Array.from(want.dataSync()));
      tf.dispose([value, grad, kept, want]);
    }
    const after = tf.memory();
    expect([after.numTensors, after.numDataBuffers, after.numBytes]).toEqual([before.numTensors, before.numDataBuffers, before.numBytes]);
    x.dispose();
  });

  it.each(all)('%s in DEBUG mode (outputs checked by the engine) gives the same values', async (name) => {
    const x = tf.tensor1d([-2, -0.5, 0, 0.5, 2]);
    const plain = opFor(name)(x, 0.2);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    tf.env().set('DEBUG', true);
    try {
      expect(warn.mock.calls.some((args) => String(args[0]).startsWith('Debugging mode is ON'))).toBe(true);
      const debug = opFor(name)(x, 0.2);
      expect(Array.from(debug.dataSync())).toEqual(Array.from(plain.dataSync()));
      debug.dispose();
      await new Promise((resolve) => setTimeout(resolve, 20)); // the profile is logged once its timing resolves
      // The engine profiled and logged the kernel by name, so it ran through runKernel.
      expect(log.mock.calls.some((args) => String(args[0]).includes('TfjsActivations') || String(args[0]).includes(activations[name].tfKernel?.name ?? 'TfjsActivations'))).toBe(true);
    } finally {
      tf.env().set('DEBUG', false);
      log.mockRestore();
      warn.mockRestore();
    }
    tf.dispose([x, plain]);
  });
});

describe('large tensors', () => {
  it.each(NODE_BACKENDS)('1e7 elements forward+backward on %s', async (backend) => {
    await setBackend(backend);
    const n = 1e7;
    const x = tf.randomUniform([n], -6, 6, 'float32', 7);
    for (const name of ['sigmoid', 'leakyRelu'] as ActivationName[]) {
      const before = tf.memory().numTensors;
      const g = tf.grad((v: tf.Tensor) => opFor(name)(v))(x);
      expect(g.shape).toEqual([n]);
      const gv = g.dataSync();
      const xv = x.dataSync();
      for (const i of [0, 1, n / 2, n - 1]) {
        expect(gv[i]).toBeCloseTo(activations[name].reference.derivative(xv[i], 0.01), 6);
      }
      g.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    x.dispose();
  });
});
