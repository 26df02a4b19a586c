import * as tf from '@tensorflow/tfjs-core';
// tf's gradients (Node: registered by @tensorflow/tfjs, not by tfjs-core's Node bundle).
import '@tensorflow/tfjs';
import { opFor } from 'tfjs-activations';
import { formatGradcheckReport, gradcheck, seededRandom } from 'tfjs-activations/gradcheck';
import type { GradcheckReport } from 'tfjs-activations/gradcheck';
import { useBackend } from '../../benchmarks/src/backends';

/** Deterministic float32 values in [lo, hi). */
function values(n: number, lo: number, hi: number, seed = 7): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: n }, () => lo + random() * (hi - lo));
}

/** A unary op with a hand-written gradient: grad(dy, x, y) gives dL/dx. */
function withGrad(
  forward: (x: tf.Tensor) => tf.Tensor,
  grad: (dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor) => tf.Tensor,
): (x: tf.Tensor) => tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const y = forward(x);
    (args[1] as tf.GradSaveFunc)([x, y]);
    return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => grad(dy, saved[0], saved[1]) };
  });
  return (x) => f(x) as tf.Tensor;
}

/** sigmoid with a hand-written gradient rule `rule(a)`, optionally with one element's gradient shifted. */
function sigmoidWithGrad(rule: (a: tf.Tensor) => tf.Tensor, shift?: { index: number; by: number }) {
  return withGrad(
    (x) => tf.sigmoid(x),
    (dy, _x, a) => {
      const g = tf.mul(dy, rule(a));
      if (shift == null) return g;
      const bump = new Float32Array(g.size);
      bump[shift.index] = shift.by;
      return tf.add(g, tf.tensor(bump, g.shape));
    },
  );
}

const right = (a: tf.Tensor) => tf.mul(a, tf.sub(1, a));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function failedMethods(r: GradcheckReport): string[] {
  return r.methods.filter((m) => !m.ok).map((m) => m.method);
}

describe('gradcheck catches wrong gradients', () => {
  it('a(1+a) for sigmoid fails, a(1-a) passes', async () => {
    const x = tf.tensor1d(values(40, -4, 4));
    const wrong = await gradcheck(sigmoidWithGrad((a) => tf.mul(a, tf.add(1, a))), [x]);
    expect(wrong.ok).toBe(false);
    expect(failedMethods(wrong)).toEqual(['jacobian', 'directional']);
    expect(wrong.reasons.join('\n')).toMatch(/jacobian: \d+ of 1600 entries out of tolerance/);
    const good = await gradcheck(sigmoidWithGrad(right), [x]);
    expect(good.ok).toBe(true);
    expect(good.reasons).toEqual([]);
    x.dispose();
  });

  it('a sign flip fails in every method, at any size', async () => {
    const flipped = withGrad((x) => tf.tanh(x), (dy, _x, a) => tf.neg(tf.mul(dy, tf.sub(1, tf.square(a)))));
    for (const n of [10, 500, 5000]) {
      const x = tf.tensor1d(values(n, -3, 3));
      const r = await gradcheck(flipped, [x], { maxElementwise: 1000 });
      expect(r.ok).toBe(false);
      expect(r.methods.every((m) => !m.ok)).toBe(true);
      expect(r.methods.map((m) => m.method)).toEqual(n <= 64 ? ['jacobian', 'directional'] : n <= 1000 ? ['vjp', 'directional'] : ['directional']);
      x.dispose();
    }
  });

  it('a gradient off by 1e-3 on one element out of 10^4 fails, and names that element', async () => {
    // On wasm: 2 * 10^4 evaluations of f over 10^4 elements run several times faster there
    // than in the cpu backend's JS loops.
    await useBackend('wasm');
    const x = tf.tensor1d(values(10000, -5, 5));
    // Element by element (2 * 10^4 evaluations): random directions alone cannot see 1e-3 in one
    // element under the float32 rounding of 10^4 outputs.
    const settings = { directions: 2, maxElementwise: 10000 };
    const r = await gradcheck(sigmoidWithGrad(right, { index: 4321, by: 1e-3 }), [x], settings);
    expect(r.ok).toBe(false);
    const vjp = r.methods.find((m) => m.method === 'vjp');
    expect(vjp?.failures).toBe(2); // that element, under each of the 2 cotangents
    expect(r.worst?.index).toBe(4321);
    expect(r.worst?.absError).toBeGreaterThan(4e-4);
    // The same function without the shift passes at the same size and settings.
    const good = await gradcheck(sigmoidWithGrad(right), [x], settings);
    expect(good.ok).toBe(true);
    expect(good.methods.map((m) => m.method)).toEqual(['vjp', 'directional']);
    x.dispose();
    await useBackend('cpu');
  });

  it('a correct gradient at a kink passes when the kink is declared, and says what it skipped', async () => {
    const x = tf.tensor1d([-2, -1e-3, 0, 0, 5e-4, 0.75, 3]);
    const reluStep = withGrad((v) => tf.relu(v), (dy, _v, a) => tf.mul(dy, tf.step(a)));
    for (const f of [reluStep, (v: tf.Tensor) => tf.relu(v), (v: tf.Tensor) => opFor('relu')(v)]) {
      const undeclared = await gradcheck(f, [x]);
      expect(undeclared.ok).toBe(false); // the central difference across 0 is 0.5
      expect(undeclared.methods[0].worst?.x).toBe(0);
      expect(undeclared.methods[0].worst?.numeric).toBeCloseTo(0.5, 5);
      const declared = await gradcheck(f, [x], { kinks: [0] });
      expect(declared.ok).toBe(true);
      expect(declared.kinks.skipped).toBe(4);
      expect(declared.kinks.where.map((w) => w.index)).toEqual([1, 2, 3, 4]);
      expect(declared.notes.join('\n')).toMatch(/4 input element\(s\) within one step of a kink \(0\)/);
    }
    // A wrong gradient elsewhere is still caught with the kink declared.
    const wrongSlope = withGrad((v) => tf.relu(v), (dy, v) => tf.mul(dy, tf.step(v, 0.5)));
    expect((await gradcheck(wrongSlope, [x], { kinks: [0] })).ok).toBe(false);
    x.dispose();
  });
});

describe('gradcheck passes right gradients', () => {
  it('tf built-ins, several inputs and outputs', async () => {
    const a = tf.tensor2d(values(12, -1, 1, 3), [3, 4]);
    const b = tf.tensor2d(values(8, -1, 1, 4), [4, 2]);
    const x = tf.tensor1d(values(1000, -6, 6, 5));
    const cases: [string, (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[], tf.Tensor[]][] = [
      ['matMul', (p, q) => tf.matMul(p, q), [a, b]],
      ['softmax . tanh, two outputs', (p) => [tf.softmax(tf.tanh(p)), tf.sum(tf.square(p), 1)], [a]],
      ['sigmoid at 1000 points', (v) => tf.sigmoid(v), [x]],
      ['tanh at 1000 points', (v) => tf.tanh(v), [x]],
      ['sin, exp, log1p', (v) => tf.add(tf.sin(v), tf.log1p(tf.exp(tf.neg(tf.abs(v))))), [a]],
    ];
    for (const [name, f, inputs] of cases) {
      const r = await gradcheck(f, inputs);
      if (!r.ok) throw new Error(`${name}\n${formatGradcheckReport(r)}`);
    }
    tf.dispose([a, b, x]);
  });

  it('our four ops pass (kinks declared for relu and leaky relu)', async () => {
    const x = tf.tensor1d(values(200, -8, 8, 9));
    for (const [name, kinks] of [['sigmoid', []], ['tanh', []], ['relu', [0]], ['leakyRelu', [0]]] as const) {
      const r = await gradcheck((v) => opFor(name)(v, 0.2), [x], { kinks: [...kinks] });
      if (!r.ok) throw new Error(`${name}\n${formatGradcheckReport(r)}`);
    }
    x.dispose();
  });
});

describe('second order (gradgradcheck)', () => {
  const x = () => tf.tensor1d(values(50, -4, 4, 11));

  it("flags tf's second derivative of x * sigmoid(x), passes ours", async () => {
    const xs = x();
    const tfs = await gradcheck((v) => tf.mul(v, tf.sigmoid(v)), [xs], { order: 2 });
    expect(tfs.ok).toBe(false);
    expect(tfs.order).toBe(2);
    // The first order of tf's built-in is right: only the second order is wrong.
    expect((await gradcheck((v) => tf.mul(v, tf.sigmoid(v)), [xs])).ok).toBe(true);
    const ours = await gradcheck((v) => tf.mul(v, opFor('sigmoid')(v)), [xs], { order: 2 });
    if (!ours.ok) throw new Error(formatGradcheckReport(ours));
    xs.dispose();
  });

  it("two inputs: flags tf's a * tanh(b) at second order, passes ours", async () => {
    const a = tf.tensor1d(values(6, -2, 2, 3));
    const b = tf.tensor1d(values(6, -2, 2, 4));
    const tfs = await gradcheck((p, q) => tf.mul(p, tf.tanh(q)), [a, b], { order: 2 });
    expect(tfs.ok).toBe(false);
    // The lost term is d/db of the gradient through tanh's saved output.
    expect(tfs.methods.find((m) => m.method === 'jacobian')?.worst?.input).toBe(1);
    const ours = await gradcheck((p, q) => tf.mul(p, opFor('tanh')(q)), [a, b], { order: 2 });
    if (!ours.ok) throw new Error(formatGradcheckReport(ours));
    tf.dispose([a, b]);
  });

  it('passes right second derivatives, flags a wrong one', async () => {
    const xs = x();
    for (const f of [(v: tf.Tensor) => tf.sin(v), (v: tf.Tensor) => tf.mul(v, opFor('tanh')(v)), (v: tf.Tensor) => tf.mul(3, v)]) {
      const r = await gradcheck(f, [xs], { order: 2 });
      if (!r.ok) throw new Error(formatGradcheckReport(r));
    }
    // First derivative right (cos), its own derivative wrong (+sin instead of -sin).
    const cosWrong = withGrad((u) => tf.cos(u), (d2, u) => tf.mul(d2, tf.sin(u)));
    const sinWrong2 = withGrad((w) => tf.sin(w), (dy, w) => tf.mul(dy, cosWrong(w)));
    expect((await gradcheck(sinWrong2, [xs])).ok).toBe(true);
    expect((await gradcheck(sinWrong2, [xs], { order: 2 })).ok).toBe(false);
    xs.dispose();
  });
});

describe('the report', () => {
  it('is reproducible from its seed, plain JSON, readable, and leaks no tensors', async () => {
    const xs = tf.tensor1d(values(100, -3, 3));
    const f = sigmoidWithGrad((a) => tf.mul(a, tf.add(1, a)));
    const before = tf.memory().numTensors;
    const r1 = await gradcheck(f, [xs], { seed: 42 });
    const r2 = await gradcheck(f, [xs], { seed: 42 });
    await gradcheck(f, [xs], { order: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(JSON.stringify(r1)).toBe(JSON.stringify(r2));
    expect(JSON.parse(JSON.stringify(r1))).toEqual(r1);
    const r3 = await gradcheck(f, [xs], { seed: 43 });
    expect(r3.methods[1].worst?.analytic).not.toBe(r1.methods[1].worst?.analytic);
    const text = formatGradcheckReport(r1);
    expect(text).toMatch(/^gradcheck \(order 1\): FAIL/);
    expect(text).toMatch(/worst at input 0\[\d+\] \(x = [-\d.e]+\), cotangent \d: analytic/);
    xs.dispose();
  });

  it('rejects inputs it cannot check, with a clear message', async () => {
    const i = tf.tensor1d([1, 2], 'int32');
    await expect(gradcheck((v) => tf.relu(v), [i])).rejects.toThrow(/float32/);
    await expect(gradcheck((v) => tf.relu(v), [])).rejects.toThrow(/non-empty/);
    i.dispose();
  });
});

describe('nothing to compare is not a pass', () => {
  it('fails, saying why, when every element sits at a declared kink or there are none', async () => {
    const zeros = tf.tensor1d([0, 0, 1e-4]);
    const r = await gradcheck((v) => tf.relu(v), [zeros], { kinks: [0] });
    expect(r.ok).toBe(false);
    expect(r.reasons[0]).toMatch(/nothing was compared \(every input element is within one step of a kink\)/);
    const empty = tf.tensor1d([]);
    const e = await gradcheck((v) => tf.sigmoid(v), [empty]);
    expect(e.ok).toBe(false);
    expect(e.reasons[0]).toMatch(/the inputs have no elements/);
    tf.dispose([zeros, empty]);
  });
});
