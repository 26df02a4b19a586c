import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { activationNames, activations, defineActivation, derivativeFor, expr, hasKernel, isActivationName, kernelName, opFor } from 'tfjs-activations';
import { activationLayer, layerActivation } from 'tfjs-activations/layers';
import { checkActivation } from 'tfjs-activations/gradcheck';
import type { ActivationSpec } from 'tfjs-activations';
import { makeCase } from '../../benchmarks/src/bench/cases';
import { kernelModule } from '../../src/kernels/wasm/loader';
import { measureCase } from '../../benchmarks/src/bench/harness';
import { parseActivations } from '../../benchmarks/src/commands/bench';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';
import { ulpDistance } from '../helpers/float32';
import { halfSquareSpec, throwaway } from '../helpers/throwaway';

/*
 * defineActivation: a user's definition gets what the built-ins have (op, registered gradient,
 * exact second order, kernels, a name everything accepts), and a bad spec is an Error before
 * anything registers. The activation is tests/helpers/throwaway.ts (tanh(alpha z)).
 */

const act = throwaway();
const name = act.name;
const ref = act.definition.reference;
const ALPHA = 0.5;
const { abs, add, div, z: zVar } = expr;

describe.each(NODE_BACKENDS)('a defined activation on %s', (backend) => {
  beforeAll(() => setBackend(backend));

  it('forward, gradient and second derivative match the float64 reference; no leaks', () => {
    const zs = [-30, -3, -1, -0.25, 0.25, 1, 3, 30];
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.tensor1d(zs);
      const y = opFor(name)(x).dataSync();
      const g = tf.grad((t: tf.Tensor) => opFor(name)(t))(x).dataSync();
      const g2 = tf.grad((t: tf.Tensor) => tf.grad((u: tf.Tensor) => opFor(name)(u))(t))(x).dataSync();
      const d = derivativeFor(name)(x).dataSync();
      zs.forEach((v, i) => {
        expect(ulpDistance(y[i], ref.value(v, ALPHA))).toBeLessThanOrEqual(1);
        expect(Math.abs(g[i] - ref.derivative(v, ALPHA))).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(d[i] - ref.derivative(v, ALPHA))).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(g2[i] - ref.secondDerivative(v, ALPHA))).toBeLessThanOrEqual(2e-6);
      });
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('NaN in, NaN out, forward and backward; int32 input computes in float32', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([NaN, 1]);
      expect(Number.isNaN(opFor(name)(x).dataSync()[0])).toBe(true);
      expect(Number.isNaN(tf.grad((t: tf.Tensor) => opFor(name)(t))(x).dataSync()[0])).toBe(true);
      const yi = opFor(name)(tf.tensor1d([2], 'int32'));
      expect(yi.dtype).toBe('float32');
      expect(yi.dataSync()[0]).toBeCloseTo(Math.tanh(1), 6);
    });
  });

  it('checkActivation passes (forward, backward, finite differences, second order, conventions)', async () => {
    for (const alpha of [ALPHA, 2]) {
      const report = await checkActivation(name, { alpha });
      expect(report.reasons).toEqual([]);
      expect(report.ok).toBe(true);
    }
  });

  it('has our fused kernels (its wasm module assembled at definition time), SIMD on cpu too', () => {
    expect(hasKernel(act.definition, 'backward', backend)).toBe(true);
    expect(hasKernel(act.definition, 'forward', backend)).toBe(true);
    expect(kernelModule(name)).not.toBeNull();
  });

  it('runs in the bench: every pass against the forward as tf ops', async () => {
    for (const pass of ['forward', 'backward', 'forward+backward', 'train'] as const) {
      const c = await makeCase(name, pass, 256, ALPHA);
      const results = await measureCase({ backend, activation: name, pass, size: 256 }, c, { warmup: 1, budgetMs: 0, minSamples: 2, maxSamples: 2, minSampleMs: 0 }, 10);
      c.dispose();
      expect(results.map((r) => r.impl)).toEqual(['custom', 'builtin']);
      results.forEach((r) => expect(r.medianMs).toBeGreaterThan(0));
    }
  });
});

it('webgl and webgpu kernels are registered for it (run in the browser suite)', () => {
  for (const b of ['webgl', 'webgpu']) {
    for (const pass of ['forward', 'backward'] as const) expect(tf.getKernel(kernelName(act.definition, pass), b)).toBeDefined();
  }
});

it('is one of the registry names: opFor, the CLI lists, layers', async () => {
  expect(activationNames).toContain(name);
  expect(parseActivations(`tanh,${name}`)).toEqual(['tanh', name]);
  await setBackend('cpu');
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 4, activation: layerActivation(name) }),
      activationLayer({ activation: name }),
      tf.layers.dense({ units: 1 }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const xs = tf.tensor2d([[0, 1], [1, 0], [1, 1], [0, 0]]);
  const ys = tf.tensor2d([[1], [1], [0], [0]]);
  const h = await model.fit(xs, ys, { epochs: 3, verbose: 0 });
  expect(h.history.loss.every((l) => Number.isFinite(l as number))).toBe(true);
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
  expect(Array.from((loaded.predict(xs) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(xs) as tf.Tensor).dataSync()));
  tf.dispose([xs, ys]);
});

describe('a hand-written watDerivative', () => {
  // g(z) = z^2 / 2 with g' = s; the body adds 2^-20, inside its stated derivativeAbs, so which
  // of the two ran shows in the bits.
  const OFFSET = 2 ** -20;
  const offsetName = 'halfSquareOffset';
  defineActivation(halfSquareSpec(offsetName, {
    watDerivative: { code: `(f32x4.add (local.get $s) (v128.const f32x4 ${OFFSET} ${OFFSET} ${OFFSET} ${OFFSET}))`, locals: [] },
    tolerance: { derivativeAbs: 1e-5 },
  }));
  // 70 elements: the cpu backend's SIMD path (64 and up) and the wasm kernels' vector loop and tail.
  const zs = Array.from({ length: 70 }, (_, i) => i / 8 - 4);

  it.each(['wasm', 'cpu'])('replaces the rendered derivative in the SIMD kernels on %s (backward and derivative)', async (backend) => {
    await setBackend(backend);
    tf.tidy(() => {
      const x = tf.tensor1d(zs);
      const want = zs.map((z) => Math.fround(z + OFFSET));
      expect(Array.from(derivativeFor(offsetName)(x).dataSync())).toEqual(want);
      expect(Array.from(tf.grad((t: tf.Tensor) => opFor(offsetName)(t))(x).dataSync())).toEqual(want);
      // The second order differentiates the expression, not the body: g'' = 1 exactly.
      expect(Array.from(tf.grad((t: tf.Tensor) => tf.grad((u: tf.Tensor) => opFor(offsetName)(u))(t))(x).dataSync())).toEqual(zs.map(() => 1));
    });
  });
});

it('a watDerivative with only tolerance.derivativeUlp is accepted (either bound will do)', () => {
  expect(() =>
    defineActivation(halfSquareSpec('halfSquareUlpBound', { watDerivative: { code: '(local.get $s)', locals: [] }, tolerance: { derivativeUlp: 1 } })),
  ).not.toThrow();
});

describe('a bad spec is a clear Error before anything registers', () => {
  const good: ActivationSpec = {
    name: 'okName',
    forward: (z) => div(z, add(1, abs(z))),
    derivative: (s) => s,
    saves: 'input',
    reference: { value: (z) => z, derivative: () => 1, secondDerivative: () => 0 },
  };
  const bad: [string, Partial<Record<keyof ActivationSpec, unknown>>, RegExp][] = [
    ['a built-in name', { name: 'sigmoid' }, /already an activation/],
    ['a tf kernel name', { name: 'atan' }, /tf's Atan/],
    ['a tf op name', { name: 'logSigmoid' }, /tf's/],
    ['an Object.prototype key', { name: 'valueOf' }, /^defineActivation\('valueOf'\): the name is taken: 'valueOf' is a property of every object$/],
    ['not lower camel case', { name: 'my_act' }, /lower camel case/],
    ['a forward that is no expression', { forward: () => 3 }, /must return an expression/],
    ['a forward reading s', { forward: () => expr.s }, /reads s/],
    ['a derivative reading z', { derivative: () => zVar }, /reads z/],
    ['a constant with no float32 value', { forward: (z: expr.Expr) => add(z, 1e39) }, /not finite in float32/],
    ['no reference', { reference: undefined }, /reference/],
    ['saves output without derivativeFromSaved', { saves: 'output' }, /derivativeFromSaved/],
    ['a bad saves', { saves: 'both' }, /saves must be/],
    ['a bad alpha', { alpha: { default: NaN } }, /alpha.default/],
    ['a watDerivative without an error bound', { watDerivative: { code: '(local.get $s)', locals: [] } }, /watDerivative needs tolerance/],
    ['a watDerivative that is no body', { watDerivative: { code: 1, locals: [] }, tolerance: { derivativeAbs: 1e-6 } }, /watDerivative must be/],
    ['a watForward whose locals are no $names', { watForward: { code: '(local.get $z)', locals: ['x'] } }, /watForward must be/],
    ['a watForward that is null', { watForward: null }, /^defineActivation\('okName'\): watForward must be \{ code: string, locals: an array of \$names \}$/],
    ['a watForward local that is an array, not a string', { watForward: { code: '(local.get $z)', locals: [['$a']] } }, /watForward must be/],
    ['a watForward local with text before its $', { watForward: { code: '(local.get $z)', locals: ['x$a'] } }, /watForward must be/],
    ['a watDerivative local with text after its name', { watDerivative: { code: '(local.get $s)', locals: ['$a b'] }, tolerance: { derivativeAbs: 1e-6 } }, /watDerivative must be/],
    ['a forward that is not a function', { forward: 3 }, /^defineActivation\('okName'\): forward must be a function \(z, alpha\) => expression$/],
    ['a derivative that is not a function', { derivative: undefined }, /^defineActivation\('okName'\): derivative must be a function \(s, alpha\) => expression$/],
    ['a forward that throws', { forward: () => { throw new Error('boom'); } }, /^defineActivation\('okName'\): forward threw: boom$/],
    ['a derivative that is no expression', { derivative: () => 'a' }, /derivative must return an expression .*, got string$/],
    ['a saves function returning neither', { saves: () => 'both' }, /^defineActivation\('okName'\): saves\(0\) returned both$/],
    ['a reference without value', { reference: { derivative: () => 1, secondDerivative: () => 0 } }, /reference.value must be a function \(z, alpha\) => number/],
    ['a reference without secondDerivative', { reference: { value: (z: number) => z, derivative: () => 1 } }, /reference.secondDerivative must be a function/],
    ['a builtin that is not a function', { builtin: 'tf.tanh' }, /^defineActivation\('okName'\): builtin must be a function \(x, alpha\) => Tensor$/],
    ['simdForwardOn naming another backend', { simdForwardOn: ['cpu', 'webgl'] }, /simdForwardOn must list 'wasm' and\/or 'cpu'/],
    ['simdForwardOn not a list', { simdForwardOn: 'cpu' }, /simdForwardOn must list/],
    ...(['forwardUlp', 'referenceUlp', 'derivativeUlp', 'derivativeAbs', 'autodiffAbs'] as const).map(
      (field): [string, Partial<Record<keyof ActivationSpec, unknown>>, RegExp] => [
        `a negative tolerance.${field}`,
        { tolerance: { [field]: -1 } },
        new RegExp(`^defineActivation\\('okName'\\): tolerance\\.${field} must be a finite number >= 0, got -1$`),
      ],
    ),
    ['a non-finite tolerance', { tolerance: { forwardUlp: Infinity } }, /tolerance.forwardUlp must be a finite number >= 0, got Infinity/],
    // An object can pass isExpr's kind list only by being an expression; null is an object too.
    ['a forward that returns an object of another kind', { forward: () => ({ kind: 'bogus' }) }, /^defineActivation\('okName'\): forward must return an expression .*, got object$/],
    ['a forward that returns null', { forward: () => null }, /^defineActivation\('okName'\): forward must return an expression .*, got object$/],
    ['a saves function without derivativeFromSaved', { saves: () => 'output' }, /^defineActivation\('okName'\): reference.derivativeFromSaved is required when backward can read the saved output$/],
    ['an alpha without its default', { alpha: null }, /^defineActivation\('okName'\): alpha.default must be a finite number >= -Infinity, got undefined$/],
    // RegExp.test would read ['okArr'] as the string 'okArr'.
    ['a name in an array', { name: ['okArr'] }, /^defineActivation: name must be lower camel case \(e.g. 'squarePlus'\), got \["okArr"\]$/],
    ['a name that is not a string', { name: 7 }, /^defineActivation: name must be lower camel case \(e.g. 'squarePlus'\), got 7$/],
  ];
  it.each(bad)('%s', (_, change, message) => {
    const before = [...activationNames];
    expect(() => defineActivation({ ...good, ...change } as ActivationSpec)).toThrow(message);
    expect(activationNames).toEqual(before);
    const n = String(change.name ?? good.name);
    if (!before.includes(n)) expect(Object.prototype.hasOwnProperty.call(activations, n)).toBe(false);
  });

  it('a spec that is not an object', () => {
    for (const spec of [null, undefined, 'tanh']) expect(() => defineActivation(spec as unknown as ActivationSpec)).toThrow(/^defineActivation: expected a spec object$/);
  });

  it('what a spec may leave out takes the documented defaults (src/activations/types.ts)', async () => {
    await setBackend('cpu');
    const d = defineActivation({ ...good, name: 'okDefaults' }).definition;
    expect(d.title).toBe('okDefaults');
    expect([d.hasAlpha, d.defaultAlpha, d.keepsInt32]).toEqual([false, 0, false]);
    expect(d.wasm.forwardOn).toEqual(['wasm', 'cpu']);
    expect(d.tolerance).toEqual({ forwardUlp: 0, referenceUlp: 1, derivativeUlp: 0, derivativeAbs: 0, autodiffAbs: 0 });
    // Saving the input, backward's reference is the derivative itself.
    expect(d.reference.derivativeFromSaved).toBe(good.reference.derivative);
    // No builtin: tf's way is the forward as tf ops.
    expect(d.hasBuiltin).toBe(false);
    const x = tf.tensor1d([-2, 0, 3]);
    expect(Array.from(d.builtin(x, 0).dataSync())).toEqual(Array.from(d.compositeForward(x, 0).dataSync()));
    expect(Array.from(d.builtin(x, 0).dataSync())).toEqual([Math.fround(-2 / 3), 0, 0.75]);
    const given = defineActivation({ ...good, name: 'okGiven', title: 'ok given', keepsInt32: true, simdForwardOn: ['cpu'], tolerance: { derivativeAbs: 1e-7 }, builtin: (t) => tf.neg(t) }).definition;
    expect([given.title, given.keepsInt32, given.hasBuiltin, given.wasm.forwardOn]).toEqual(['ok given', true, true, ['cpu']]);
    expect(given.tolerance).toEqual({ forwardUlp: 0, referenceUlp: 1, derivativeUlp: 0, derivativeAbs: 1e-7, autodiffAbs: 0 });
    expect(Array.from(given.builtin(x, 0).dataSync())).toEqual([2, -0, -3]);
    x.dispose();
  });

  it('a derivative that is alpha alone or a constant is an expression too', async () => {
    await setBackend('cpu');
    const scaled = defineActivation({ ...good, name: 'okScaled', forward: (z, a) => expr.mul(a, z), derivative: (_s, a) => a, alpha: { default: 2 }, reference: { value: (z, a) => a * z, derivative: (_z, a) => a, secondDerivative: () => 0 } });
    const identity = defineActivation({ ...good, name: 'okIdentity', forward: (z) => z, derivative: () => expr.lift(1), reference: { value: (z) => z, derivative: () => 1, secondDerivative: () => 0 } });
    expect(Array.from(derivativeFor(scaled.definition.name)([1, -3], 3).dataSync())).toEqual([3, 3]);
    expect(Array.from(derivativeFor(identity.definition.name)([1, -3]).dataSync())).toEqual([1, 1]);
  });

  it('a name tf uses only for a namespace (tf.io), neither an op nor a kernel, is free', () => {
    expect(typeof (tf as unknown as Record<string, unknown>).io).toBe('object');
    expect(defineActivation({ ...good, name: 'io' }).definition.name).toBe('io');
  });

  it("a kernel anyone registered with tf (not one of tf's exports) takes its name", () => {
    const kernelFunc = () => {
      throw new Error('never run');
    };
    tf.registerKernel({ kernelName: 'OkUserKernel', backendName: 'cpu', kernelFunc });
    try {
      expect(() => defineActivation({ ...good, name: 'okUserKernel' })).toThrow(/the name is taken: 'okUserKernel' is tf's OkUserKernel$/);
    } finally {
      tf.unregisterKernel('OkUserKernel', 'cpu');
    }
  });

  it('isActivationName takes strings only (an array would read as its one string)', () => {
    expect(isActivationName('relu')).toBe(true);
    expect(isActivationName(['relu'])).toBe(false);
    expect(isActivationName('toString')).toBe(false);
  });

  it('a defined name cannot be defined again', () => {
    expect(() => defineActivation({ ...good, name })).toThrow(/already an activation/);
  });
});
