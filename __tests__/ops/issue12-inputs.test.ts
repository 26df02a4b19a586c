import * as tf from '@tensorflow/tfjs';
import {
  activationNames,
  activations,
  derivativeFor,
  derivativeFromOutputFor,
  hasKernel,
  kernelName,
  leakyRelu,
  leakyReluDerivative,
  opFor,
  relu,
  reluDerivative,
  sigmoid,
  sigmoidDerivativeFromOutput,
  tanhDerivativeFromOutput,
} from 'tfjs-activations';
import type { ActivationDefinition, ActivationName } from 'tfjs-activations';
import { activationClassName, activationLayer } from 'tfjs-activations/layers';
import type { ActivationLayerArgs } from 'tfjs-activations/layers';
import {
  describeComparison,
  formatActivationReport,
  formatGradcheckReport,
  kinksOf,
  seededRandom,
  ulp,
  ulpDistance,
} from 'tfjs-activations/gradcheck';
import type { ActivationCheckReport, GradcheckComparison, GradcheckReport } from 'tfjs-activations/gradcheck';
import { formatAccuracyTable, formatCheckTable } from '../../benchmarks/src/check/checkAll';
import type { CheckAllReport } from '../../benchmarks/src/check/checkAll';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';

/** A float32 NaN with the sign bit set, as tf's own arithmetic makes one (0/0, Inf - Inf). */
function negativeNaN(): number {
  const bits = new Uint32Array([0xffc00000]);
  return new Float32Array(bits.buffer)[0];
}

/** Same as unknown input from JavaScript callers, without a cast at every call. */
const untyped = <T>(v: unknown): T => v as T;

describe.each(NODE_BACKENDS)('NaN of either sign on %s', (backend) => {
  beforeAll(() => setBackend(backend));

  it('tf.div(0, 0) makes a NaN with the sign bit set (the case below is real)', () => {
    const q = tf.div(0, 0);
    const bits = new Uint32Array(new Float32Array(q.dataSync()).buffer)[0];
    expect(bits >>> 31).toBe(1);
    q.dispose();
  });

  it('relu, its gradient and reluDerivative give NaN for NaN with the sign bit set (row 1)', () => {
    const x = tf.div(tf.tensor1d([0, 0, 0, 0, 0]), tf.tensor1d([0, 0, 0, 0, 0]));
    expect(Array.from(relu(x).dataSync()).every(Number.isNaN)).toBe(true);
    expect(Array.from(tf.grad((v: tf.Tensor) => relu(v))(x).dataSync()).every(Number.isNaN)).toBe(true);
    expect(Array.from(reluDerivative(x).dataSync()).every(Number.isNaN)).toBe(true);
    const big = tf.tensor1d(new Float32Array(100).fill(negativeNaN()));
    expect(Array.from(relu(big).dataSync()).every(Number.isNaN)).toBe(true);
  });

  it.each(activationNames)('%s: forward, gradient, derivative and second derivative are NaN for both NaNs', (name) => {
    const nans = tf.tensor1d([NaN, negativeNaN()]);
    const op = opFor(name);
    for (const alpha of name === 'leakyRelu' ? [0.2, 0, -0.5, 1.5] : [undefined]) {
      const f = (v: tf.Tensor) => op(v, alpha);
      for (const out of [f(nans), tf.grad(f)(nans), derivativeFor(name)(nans, alpha), tf.grad(tf.grad(f))(nans)]) {
        expect(Array.from(out.dataSync()).map(Number.isNaN)).toEqual([true, true]);
      }
    }
  });

  it.each([0, -0.5, -2])('second derivative of leakyRelu at NaN is NaN for alpha %p (row 2)', (alpha) => {
    const g2 = tf.grad(tf.grad((v: tf.Tensor) => leakyRelu(v, alpha)))(tf.tensor1d([NaN, 1, -1]));
    const [atNaN, ...rest] = Array.from(g2.dataSync());
    expect(atNaN).toBeNaN();
    expect(rest).toEqual([0, 0]);
    const d2 = tf.grad((v: tf.Tensor) => leakyReluDerivative(v, alpha))(tf.tensor1d([NaN, 1]));
    expect(d2.dataSync()[0]).toBeNaN();
  });
});

describe('named Errors for bad names (rows 3 to 5)', () => {
  it("activationClassName('bogus') names the function and the known names (row 3)", () => {
    expect(() => activationClassName(untyped<ActivationName>('bogus'))).toThrow(
      new RegExp(`^activationClassName: unknown activation "bogus" \\(known: ${activationNames.join(', ')}\\)$`),
    );
    expect(() => activationClassName(untyped<ActivationName>('toString'))).toThrow(/activationClassName: unknown activation/);
  });

  it('activationLayer(null) is a named Error (row 4)', () => {
    expect(() => activationLayer(untyped<ActivationLayerArgs>(null))).toThrow(/^activationLayer: args must be an object/);
    expect(() => activationLayer(untyped<ActivationLayerArgs>(7))).toThrow(/^activationLayer: args must be an object/);
  });

  it.each([
    ['opFor', opFor],
    ['derivativeFor', derivativeFor],
    ['derivativeFromOutputFor', derivativeFromOutputFor],
  ] as const)('%s: unknown or inherited names are named Errors (row 5)', (fn, lookup) => {
    for (const bad of ['bogus', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 7, null, undefined]) {
      expect(() => lookup(untyped<ActivationName>(bad))).toThrow(new RegExp(`^${fn}: unknown activation .* \\(known: ${activationNames.join(', ')}\\)$`));
    }
  });
});

describe('TensorLike input as tf accepts it (row 12)', () => {
  beforeAll(() => setBackend('cpu'));

  it('arrays of typed arrays are accepted and equal the nested-array result', () => {
    const y = sigmoid([new Float32Array([1, 2]), new Float32Array([3, 4])]);
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(sigmoid([[1, 2], [3, 4]]).dataSync()));
    const deep = sigmoid([[new Float32Array([1]), new Float32Array([2])]]);
    expect(deep.shape).toEqual([1, 2, 1]);
    expect(sigmoid([new Int32Array([1, 2]), [3, 4]]).shape).toEqual([2, 2]);
  });

  it('ragged or mixed arrays of typed arrays are still named Errors', () => {
    expect(() => sigmoid([new Float32Array([1, 2]), new Float32Array([3])])).toThrow(/^sigmoid: .*ragged array/);
    expect(() => sigmoid(untyped<number[]>([new Float32Array([1]), 2]))).toThrow(/^sigmoid: x must be a Tensor or a numeric TensorLike/);
  });
});

describe('decided edge cases (README Conventions)', () => {
  beforeAll(() => setBackend('cpu'));

  it('an alpha that is not finite as a float32 (1e39) is a named Error', () => {
    expect(() => leakyRelu([1, -1], 1e39)).toThrow(/^leakyRelu: alpha must be a finite number \(finite as a float32 too/);
    expect(() => leakyRelu([1, -1], -3.5e38)).toThrow(/^leakyRelu: alpha/);
    expect(() => leakyReluDerivative([1], 1e39)).toThrow(/^leakyReluDerivative: alpha/);
    // The largest float32 is accepted.
    expect(Array.from(leakyRelu([-1], 3.4028234663852886e38).dataSync())).toEqual([-3.4028234663852886e38]);
  });

  it('an op without alpha validates an alpha given to it as leakyRelu does, and ignores a valid one', () => {
    const x = tf.tensor1d([1]);
    expect(() => opFor('sigmoid')(x, untyped<number>('junk'))).toThrow(/^sigmoid: alpha must be a finite number \(finite as a float32 too.*got the string "junk"/);
    expect(() => opFor('relu')(x, NaN)).toThrow(/^relu: alpha must be/);
    expect(() => derivativeFor('tanh')(x, untyped<number>(null))).toThrow(/^tanhDerivative: alpha must be/);
    // Generic code passes one alpha to every op: a valid number is accepted and has no effect.
    expect(Array.from(opFor('sigmoid')(x, 0.2).dataSync())).toEqual(Array.from(sigmoid(x).dataSync()));
  });

  it("FromOutput helpers apply the formula to any a, in range of g or not (sigmoid'(from 3) = 3(1 - 3) = -6)", () => {
    expect(Array.from(sigmoidDerivativeFromOutput([3, -0.5, 0, 1, 0.5]).dataSync())).toEqual([-6, -0.75, 0, 0, 0.25]);
    expect(Array.from(tanhDerivativeFromOutput([1.5, -2, 1, 0]).dataSync())).toEqual([-1.25, -3, 0, 1]);
    expect(Array.from(derivativeFromOutputFor('relu')([-1, 0, 2]).dataSync())).toEqual([0, 0, 1]);
    // The SIMD path on cpu (n >= 64) applies the same formula.
    expect(Array.from(sigmoidDerivativeFromOutput(new Float32Array(100).fill(3)).dataSync()).every((v) => v === -6)).toBe(true);
  });

  it('leakyRelu(-Infinity, 0) is NaN (alpha · z = 0 · -inf, as tf gives); its gradient is alpha = 0', () => {
    expect(Array.from(leakyRelu([-Infinity, Infinity], 0).dataSync())).toEqual([NaN, Infinity]);
    expect(Array.from(tf.leakyRelu([-Infinity], 0).dataSync())).toEqual([NaN]);
    expect(Array.from(leakyRelu(new Float32Array(100).fill(-Infinity), 0).dataSync()).every(Number.isNaN)).toBe(true);
    expect(Array.from(tf.grad((v: tf.Tensor) => leakyRelu(v, 0))(tf.tensor1d([-Infinity])).dataSync())).toEqual([0]);
  });

  it("d²/dx²[x·g(x)] at ±Infinity is NaN: tf.mul's gradient multiplies x = ±inf by g'(x) = 0", () => {
    for (const name of ['sigmoid', 'tanh'] as const) {
      const inf = tf.tensor1d([Infinity, -Infinity]);
      const g2 = tf.grad(tf.grad((v: tf.Tensor) => tf.mul(v, opFor(name)(v))))(inf);
      expect(Array.from(g2.dataSync()).map(Number.isNaN)).toEqual([true, true]);
      // Our own part is exact there: g' and g'' at ±inf are 0.
      const own = tf.grad(tf.grad((v: tf.Tensor) => opFor(name)(v)))(inf);
      expect(Array.from(own.dataSync()).map((v) => v === 0)).toEqual([true, true]);
    }
  });
});

describe('the remaining public functions validate their arguments', () => {
  it.each([
    ['kernelName', () => kernelName(untyped<ActivationDefinition>(null), 'forward'), /^kernelName: def must be an activation definition/],
    // An object without a name would make the kernel name 'TfjsActivations_undefined_forward'.
    ['kernelName', () => kernelName(untyped<ActivationDefinition>({ title: 'relu' }), 'forward'), /^kernelName: def must be an activation definition/],
    ['kernelName', () => kernelName(activations.relu, untyped<'forward'>('sideways')), /^kernelName: pass must be 'forward' or 'backward'/],
    ['hasKernel', () => hasKernel(untyped<ActivationDefinition>('relu'), 'forward'), /^hasKernel: def must be an activation definition/],
    // An object that is no definition, and a bad pass, are hasKernel's errors, not kernelName's from inside it.
    ['hasKernel', () => hasKernel(untyped<ActivationDefinition>({ name: 'relu' }), 'forward'), /^hasKernel: def must be an activation definition/],
    ['hasKernel', () => hasKernel(activations.relu, untyped<'forward'>('sideways')), /^hasKernel: pass must be 'forward' or 'backward'/],
    ['kinksOf', () => kinksOf(untyped<ActivationDefinition>(undefined), 0), /^kinksOf: def must be/],
    ['kinksOf', () => kinksOf(activations.relu, NaN), /^kinksOf: alpha must be a finite number, got NaN/],
    ['kinksOf', () => kinksOf(activations.relu, 0, -1), /^kinksOf: range must be a finite number > 0/],
    ['ulp', () => ulp(untyped<number>('1')), /^ulp: x must be a number, got string/],
    ['ulpDistance', () => ulpDistance(1, untyped<number>(null)), /^ulpDistance: a and b must be numbers/],
    ['seededRandom', () => seededRandom(1.5), /^seededRandom: seed must be an integer, got 1.5/],
    ['formatGradcheckReport', () => formatGradcheckReport(untyped<GradcheckReport>({})), /^formatGradcheckReport: r must be a report from gradcheck/],
    ['describeComparison', () => describeComparison(untyped<GradcheckComparison>(null)), /^describeComparison: c must be a comparison/],
    ['formatActivationReport', () => formatActivationReport(untyped<ActivationCheckReport>([])), /^formatActivationReport: r must be a report from checkActivation/],
    ['formatCheckTable', () => formatCheckTable(untyped<CheckAllReport>(undefined)), /^formatCheckTable: report must be a report from checkAll/],
    ['formatAccuracyTable', () => formatAccuracyTable(untyped<CheckAllReport>(3)), /^formatAccuracyTable: report must be a report from checkAll/],
  ])('%s: a named Error', (_fn, call, message) => {
    expect(call).toThrow(message);
  });

  it('valid arguments still work', () => {
    expect(kernelName(activations.relu, 'backward')).toBe('TfjsActivations_relu_backward');
    expect(kinksOf(activations.relu, 0)).toEqual([0]);
    expect(ulp(1)).toBe(2 ** -23);
    expect(seededRandom(3)()).toBe(seededRandom(3)());
  });
});
