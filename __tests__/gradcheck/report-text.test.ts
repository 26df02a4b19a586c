import * as tf from '@tensorflow/tfjs';
import { describeComparison, formatGradcheckReport, gradcheck } from 'tfjs-activations/gradcheck';
import type { GradcheckComparison, GradcheckReport } from 'tfjs-activations/gradcheck';
import { setBackend } from '../helpers/backends';

/*
 * The words of a gradcheck report (describeComparison, formatGradcheckReport, the notes and
 * reasons) and the parts of gradcheck that only they show: the kink list's cap, the method
 * chosen by size, a non-finite output. The text formatters are fed hand-built reports, so each
 * figure's rendering is fixed exactly.
 */

const base: GradcheckComparison = {
  method: 'jacobian',
  input: 1,
  index: 4,
  position: [1, 1],
  x: 0.25,
  output: 0,
  outputIndex: 3,
  direction: -1,
  analytic: 123.456789,
  numeric: 0.00012345,
  absError: 0,
  relError: Infinity,
  tolerance: NaN,
};

describe('describeComparison', () => {
  it('a jacobian entry: input[position] (x), output element; 6 significant digits, 4 in exponent form below 1e-3, 0, Infinity and NaN as words', () => {
    expect(describeComparison(base)).toBe(
      'at input 1[1,1] (x = 0.25), output 0 element 3: analytic 123.457, numeric 1.234e-4, |error| 0 (relative Infinity), tolerance NaN',
    );
  });

  it('a vjp entry names its cotangent; a directional one only its direction; x null reads NaN', () => {
    expect(describeComparison({ ...base, method: 'vjp', direction: 2, analytic: -0.5, numeric: -2e-7, absError: 1e-3, relError: 0.999, tolerance: 1 })).toBe(
      'at input 1[1,1] (x = 0.25), cotangent 2: analytic -0.5, numeric -2.000e-7, |error| 0.001 (relative 0.999), tolerance 1',
    );
    expect(describeComparison({ ...base, method: 'directional', direction: 3, x: null, position: [] })).toMatch(/^at direction 3: analytic 123\.457,/);
    expect(describeComparison({ ...base, method: 'vjp', x: null })).toMatch(/^at input 1\[1,1\] \(x = NaN\), cotangent -1:/);
  });
});

describe('formatGradcheckReport', () => {
  it('one header line, a line per method with its worst, then reasons and notes', () => {
    const report: GradcheckReport = {
      ok: false,
      order: 2,
      settings: { eps: 1, atol: 0, rtol: 0, order: 2, directions: 1, seed: 1, kinks: [], noiseUlps: 0, maxJacobian: 1, maxElementwise: 1 },
      inputs: [{ shape: [2, 3], size: 6 }, { shape: [], size: 1 }],
      outputs: [{ shape: [4], size: 4 }],
      methods: [
        { method: 'vjp', ok: false, comparisons: 12, failures: 2, maxAbsError: 0.015, maxRelError: 2, worst: { ...base, method: 'vjp', direction: 0 } },
        { method: 'directional', ok: true, comparisons: 4, failures: 0, maxAbsError: 0, maxRelError: 0, worst: null },
      ],
      worst: null,
      kinks: { values: [], skipped: 0, where: [] },
      reasons: ['first reason', 'second reason'],
      notes: ['a note'],
    };
    expect(formatGradcheckReport(report).split('\n')).toEqual([
      'gradcheck (order 2): FAIL  inputs [2,3] [] -> outputs [4]',
      '  vjp         FAIL  12 compared, 2 failed, max |error| 1.50e-2, max relative 2.00e+0',
      `    worst ${describeComparison({ ...base, method: 'vjp', direction: 0 })}`,
      '  directional PASS  4 compared, 0 failed, max |error| 0.00e+0, max relative 0.00e+0',
      '  reason: first reason',
      '  reason: second reason',
      '  note: a note',
    ]);
    expect(formatGradcheckReport({ ...report, ok: true, order: 1 })).toMatch(/^gradcheck \(order 1\): PASS  inputs/);
  });
});

describe('gradcheck: what the report says', () => {
  beforeAll(() => setBackend('cpu'));

  it('lists at most 10 of the elements it skipped at kinks, counting all; the notes give step and tolerance', async () => {
    const x = tf.tensor1d([...new Array(12).fill(0), 0.5, 1.5]);
    const r = await gradcheck((v) => tf.relu(v), [x], { kinks: [0, 7] });
    expect(r.kinks).toEqual({ values: [0, 7], skipped: 12, where: Array.from({ length: 10 }, (_, index) => ({ input: 0, index, x: 0 })) });
    expect(r.notes).toEqual([
      '12 input element(s) within one step of a kink (0, 7) were not perturbed; their gradient entries were not checked',
      'float32 central differences: step h = 0.00390625 * max(1, |x|), divided by the float32 step actually taken; tolerance = 0.0001 + 0.001 * max(|analytic|, |numeric|) + 4 ulp rounding allowance per value',
    ]);
    expect(r.ok).toBe(true);
    expect(r.inputs).toEqual([{ shape: [14], size: 14 }]);
    expect(r.outputs).toEqual([{ shape: [14], size: 14 }]);
    x.dispose();
  });

  it('order 2 says what it checks, and reports the first-order output shapes of the VJP', async () => {
    const x = tf.tensor2d([[0.5, -1], [1.5, 2]]);
    const r = await gradcheck((v) => tf.mul(v, tf.square(v)), [x], { order: 2 });
    expect(r.order).toBe(2);
    expect(r.notes[0]).toBe('order 2: checks the gradient of x -> J(x)^T w (w a fixed random cotangent) against its finite differences');
    expect(r.outputs).toEqual([{ shape: [2, 2], size: 4 }]);
    expect(r.ok).toBe(true);
    x.dispose();
  });

  it('picks the full Jacobian up to maxJacobian entries, VJPs per element up to maxElementwise inputs, else directions only', async () => {
    const x = tf.tensor1d([0.5, -1, 1.5, 2]);
    const f = (v: tf.Tensor) => tf.tanh(v);
    const methods = async (o: { maxJacobian: number; maxElementwise: number }) => (await gradcheck(f, [x], o)).methods.map((m) => [m.method, m.comparisons]);
    // n = m = 4: 16 Jacobian entries, 4 x directions(4) VJP entries, 4 directional ones.
    expect(await methods({ maxJacobian: 16, maxElementwise: 4 })).toEqual([['jacobian', 16], ['directional', 4]]);
    expect(await methods({ maxJacobian: 15, maxElementwise: 4 })).toEqual([['vjp', 16], ['directional', 4]]);
    expect(await methods({ maxJacobian: 15, maxElementwise: 3 })).toEqual([['directional', 4]]);
    x.dispose();
  });

  it('a non-finite output is a reason, with where, and nothing is compared', async () => {
    const x = tf.tensor2d([[1, 0], [2, 3]]);
    const r = await gradcheck((v) => tf.div(1, v), [x]);
    expect(r.ok).toBe(false);
    expect(r.reasons).toEqual(['output 0 is Infinity at [0,1]: finite differences need finite values']);
    expect(r.methods).toEqual([]);
    expect(r.worst).toBeNull();
    x.dispose();
  });
});
