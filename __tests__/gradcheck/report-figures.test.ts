import * as tf from '@tensorflow/tfjs';
import { gradcheck } from 'tfjs-activations/gradcheck';
import type { GradcheckFunction } from 'tfjs-activations/gradcheck';
import { setBackend } from '../helpers/backends';

/*
 * The figures of a gradcheck report (where the worst entry is, its absolute and relative error,
 * the maxima), which mutation testing (docs/mutation.md) showed no test read.
 */

/** x^2 whose gradient is wrong by +1 at flat element 4 of a [2, 3] input only. */
const wrongAtOne: GradcheckFunction = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: tf.square(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.add(tf.mul(2, saved[0]), tf.tensor([0, 0, 0, 0, 1, 0], [2, 3]))),
  };
}) as unknown as GradcheckFunction;

describe('gradcheck report figures', () => {
  beforeAll(() => setBackend('cpu'));

  it('names the worst entry by position in a 2-D input, with its errors', async () => {
    const x = tf.tensor([[0.5, -1, 1.5], [2, 0.25, -0.75]]);
    const r = await gradcheck(wrongAtOne, [x]);
    expect(r.ok).toBe(false);
    const jac = r.methods.find((m) => m.method === 'jacobian');
    expect(jac).toBeDefined();
    const w = jac!.worst!;
    expect(w.position).toEqual([1, 1]);
    expect(w.index).toBe(4);
    // A Jacobian entry is of one output element, along no random direction.
    expect([w.output, w.outputIndex, w.direction]).toEqual([0, 4, -1]);
    expect(w.x).toBe(0.25);
    expect(w.analytic).toBeCloseTo(1.5, 5);
    expect(w.numeric).toBeCloseTo(0.5, 3);
    expect(w.absError).toBeCloseTo(1, 3);
    expect(w.relError).toBeCloseTo(w.absError / 1.5, 6);
    expect(jac!.maxAbsError).toBe(w.absError);
    expect(jac!.maxRelError).toBeCloseTo(2 / 3, 3);
    expect(jac!.failures).toBe(1);
    expect(r.worst).toEqual(w);
  });

  it('a right gradient reports small, finite figures and ok', async () => {
    const x = tf.tensor([[0.5, -1, 1.5], [2, 0.25, -0.75]]);
    const r = await gradcheck((v) => tf.square(v), [x]);
    expect(r.ok).toBe(true);
    for (const m of r.methods) {
      expect(m.ok).toBe(true);
      expect(m.comparisons).toBeGreaterThan(0);
      expect(m.maxAbsError).toBeGreaterThanOrEqual(0);
      expect(m.maxAbsError).toBeLessThan(1e-3);
      expect(m.maxRelError).toBeLessThan(1e-3);
    }
  });
});

/** x^2 with a gradient of `wrong(x)`: the analytic side as the test sets it. */
function withGradient(wrong: (x: tf.Tensor) => tf.Tensor): GradcheckFunction {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([x]);
    return { value: tf.square(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, wrong(saved[0])) };
  }) as unknown as GradcheckFunction;
}

// The tally's rules, each found unread by a second mutation run (docs/mutation.md).
describe('gradcheck tally rules', () => {
  beforeAll(() => setBackend('cpu'));

  it('a passing check still names its worst entry', async () => {
    const r = await gradcheck((v) => tf.square(v), [tf.tensor([0.5, -1, 1.5])]);
    expect(r.ok).toBe(true);
    for (const m of r.methods) expect(m.worst).not.toBeNull();
    expect(r.worst).not.toBeNull();
  });

  it('an exactly zero gradient has relative error 0, not 0/0', async () => {
    const r = await gradcheck((v) => tf.mul(v, 0), [tf.tensor([0.5, -1, 1.5])]);
    expect(r.ok).toBe(true);
    for (const m of r.methods) {
      expect(m.worst!.absError).toBe(0);
      expect(m.worst!.relError).toBe(0);
      expect(m.maxRelError).toBe(0);
    }
  });

  it('a NaN analytic entry ranks worst, and the maxima stay those of the finite entries', async () => {
    // Wrong by 100 at element 0, NaN at element 2 (dy * NaN).
    const f = withGradient((x) => tf.add(tf.mul(2, x), tf.tensor([100, 0, NaN])));
    const r = await gradcheck(f, [tf.tensor([0.5, -1, 1.5])]);
    expect(r.ok).toBe(false);
    const jac = r.methods.find((m) => m.method === 'jacobian')!;
    expect(jac.worst!.index).toBe(2);
    expect(Number.isNaN(jac.worst!.analytic)).toBe(true);
    expect(jac.failures).toBe(4); // 0 * NaN is NaN: the NaN column fails in every row of the Jacobian
    expect(jac.maxAbsError).toBeCloseTo(100, 1);
    expect(Number.isFinite(jac.maxRelError)).toBe(true);
    expect(jac.maxRelError).toBeCloseTo(100 / 101, 2);
  });

  it('of equal errors, the first element is the worst', async () => {
    const f = withGradient((x) => tf.add(tf.mul(2, x), 1));
    const r = await gradcheck(f, [tf.tensor([0.75, 0.75, 0.75])]);
    const jac = r.methods.find((m) => m.method === 'jacobian')!;
    expect(jac.failures).toBe(3);
    expect(jac.worst!.index).toBe(0);
  });

  it('a check that compared nothing is not ok', async () => {
    // Every element sits on a declared kink, so every one is skipped.
    const r = await gradcheck((v) => tf.relu(v), [tf.tensor([0, 0])], { kinks: [0] });
    expect(r.methods.every((m) => m.comparisons === 0)).toBe(true);
    expect(r.ok).toBe(false);
    for (const m of r.methods) expect(m.ok).toBe(false);
  });
});

// The rounding allowance (noiseUlps ulps of every output that moved), which a third mutation run found unread.
describe('gradcheck rounding allowance', () => {
  beforeAll(() => setBackend('cpu'));

  // x^2 has no truncation error in a central difference: what is left is float32 rounding of
  // f(x +- h), about ulp(f) / 2h, far above the ulp of the analytic value alone.
  const x = () => tf.tensor([0.7, -1.3, 2.1, 3.3, -5.9, 11.7]);

  it('with atol and rtol 0, a right gradient passes on the rounding allowance alone, in every method', async () => {
    const r = await gradcheck((v) => tf.square(v), [x()], { atol: 0, rtol: 0 });
    expect(r.methods.map((m) => [m.method, m.ok])).toEqual(r.methods.map((m) => [m.method, true]));
    expect(r.methods.length).toBeGreaterThan(1);
  });

  it('so does the vjp method (maxJacobian 0), whose allowance sums the outputs that moved', async () => {
    const r = await gradcheck((v) => tf.square(v), [x()], { atol: 0, rtol: 0, maxJacobian: 0 });
    expect(r.methods.map((m) => [m.method, m.ok])).toEqual([['vjp', true], ['directional', true]]);
    const fails = await gradcheck((v) => tf.square(v), [x()], { atol: 0, rtol: 0, maxJacobian: 0, noiseUlps: 0 });
    expect(fails.methods[0].ok).toBe(false);
  });

  it('and without it (noiseUlps 0) the same check fails: the allowance is what passes it', async () => {
    const r = await gradcheck((v) => tf.square(v), [x()], { atol: 0, rtol: 0, noiseUlps: 0 });
    expect(r.ok).toBe(false);
  });
});

// The VJP method, the directional entry, kinks and the early reasons: read by no test in the
// seventh session's mutation run of the gradcheck function (docs/mutation.md).
describe('gradcheck: the vjp method, the directional entry, kinks', () => {
  beforeAll(() => setBackend('cpu'));
  const x = () => tf.tensor([[0.5, -1, 1.5], [2, 0.25, -0.75]]);

  it('the vjp method (maxJacobian 0) names the wrong element, each direction, and no output', async () => {
    const r = await gradcheck(wrongAtOne, [x()], { maxJacobian: 0 });
    expect(r.methods.map((m) => m.method)).toEqual(['vjp', 'directional']);
    const vjp = r.methods[0];
    expect(vjp.comparisons).toBe(6 * 4);
    expect(vjp.failures).toBe(4);
    const w = vjp.worst!;
    expect(w).toMatchObject({ method: 'vjp', input: 0, index: 4, position: [1, 1], x: 0.25, output: -1, outputIndex: -1 });
    expect([0, 1, 2, 3]).toContain(w.direction);
    // J^T u at element 4 is u_4 (2x + 1) analytic and u_4 2x numeric: the ratio is 1.5 / 0.5.
    expect(w.analytic / w.numeric).toBeCloseTo(3, 3);
    expect(Math.abs(w.numeric)).toBeGreaterThan(0.01);
  });

  it('a directional entry is of no element or output, only its direction', async () => {
    const r = await gradcheck(wrongAtOne, [x()]);
    const dir = r.methods.find((m) => m.method === 'directional')!;
    expect(dir.worst).toMatchObject({ method: 'directional', input: -1, index: -1, position: [], x: null, output: -1, outputIndex: -1 });
    expect([0, 1, 2, 3]).toContain(dir.worst!.direction);
  });

  it('skips elements within one step h = eps max(1, |x|) of a kink, the bound included', async () => {
    // |1 - (1 + 2^-8)| is exactly h at x = 1; |100 - 100.3| is within h = 100 * 2^-8 = 0.39; -100 is not near 100.3.
    const r = await gradcheck((v) => tf.square(v), [tf.tensor([1, 100, 5, -100])], { kinks: [1 + 2 ** -8, 100.3] });
    expect(r.kinks.skipped).toBe(2);
    expect(r.kinks.where).toEqual([{ input: 0, index: 0, x: 1 }, { input: 0, index: 1, x: 100 }]);
    expect(r.ok).toBe(true);
  });

  it('says nothing of kinks when none was near', async () => {
    const r = await gradcheck((v) => tf.square(v), [tf.tensor([0.5, 2])], { kinks: [10] });
    expect(r.kinks.skipped).toBe(0);
    expect(r.notes.filter((n) => n.includes('kink'))).toEqual([]);
  });

  it('a non-finite output at element 0 is a reason too', async () => {
    const r = await gradcheck((v) => tf.log(v), [tf.tensor([-1, 2])]);
    expect(r.ok).toBe(false);
    expect(r.reasons[0]).toBe('output 0 is NaN at [0]: finite differences need finite values');
  });

  it('refuses a disposed tensor or a non-tensor input, naming the rule', async () => {
    const gone = tf.tensor([1, 2]);
    gone.dispose();
    await expect(gradcheck((v) => tf.square(v), [gone])).rejects.toThrow(/^gradcheck: every input must be a live Tensor$/);
    await expect(gradcheck((v) => tf.square(v), [[1, 2] as unknown as tf.Tensor])).rejects.toThrow(/^gradcheck: every input must be a live Tensor$/);
  });

  it("the report's input shapes are its own arrays, not the tensors'", async () => {
    const input = x();
    const r = await gradcheck((v) => tf.square(v), [input]);
    expect(r.inputs[0].shape).toEqual([2, 3]);
    expect(r.inputs[0].shape).not.toBe(input.shape);
  });
});
