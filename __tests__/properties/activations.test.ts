import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { activationNames, activations, opFor } from 'tfjs-activations';
import type { ActivationName } from 'tfjs-activations';
import { ulpDistance } from '../../src/gradcheck/float32';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';
import { alpha as alphaArb, float32Value, FLT_MIN_NORMAL, seed, shape as shapeArb } from './arbitraries';

/*
 * Property tests: for random shapes (rank 0 to 6, empty dimensions included), random float32
 * values (favouring +-0, subnormals, +-Inf, NaN of either sign, +-FLT_MAX, the kinks) and random
 * alphas, forward, gradient and second derivative agree with the definition's float64
 * reference within the documented tolerances (src/gradcheck/activation.ts TOLERANCES):
 *   forward  <= 4 ulp;
 *   gradient dy * g'(z): <= 1e-6 abs, relative to max(1, |dy g'|) (alpha up to 1e6);
 *   second   <= 2e-6 abs times max(1, |z|), exact (NaN for NaN, the limit) at +-Inf.
 * The reference is evaluated with alpha rounded to float32, as the kernels use it (README).
 * Seeded (FC_SEED replays a run); a failure prints the seed, the path and the shrunk case.
 * With CI=true each op on each backend sees at least 1e5 values.
 */

const CI = process.env.CI === 'true';
/** Values in the bulk tensor of every run, and runs per op and backend. */
const BULK = CI ? 1000 : 250;
const RUNS = CI ? 100 : 40;
const MIN_VALUES = CI ? 1e5 : 1e4;

const TOL = { forwardUlps: 4, backwardAbs: 1e-6, secondAbs: 2e-6 };

/** Equal as float32 results, NaN meeting NaN (either sign, any payload). */
function same(got: number, want: number): boolean {
  return Object.is(got, want) || got === want || (Number.isNaN(got) && Number.isNaN(want));
}

/** A subnormal result flushed to zero (XNNPACK's sigmoid on wasm does it, documented). */
function flushed(got: number, want: number): boolean {
  return got === 0 && Math.abs(want) < FLT_MIN_NORMAL;
}

interface Case {
  shape: number[];
  values: number[];
  bulk: number[];
  alpha: number;
}

function caseArb(name: ActivationName): fc.Arbitrary<Case> {
  const alpha = activations[name].hasAlpha ? alphaArb : fc.constant(activations[name].defaultAlpha);
  return fc.record({
    shape: shapeArb,
    bulk: fc.array(float32Value, { minLength: BULK, maxLength: BULK }),
    alpha,
  }).chain(({ shape, bulk, alpha: a }) => {
    const n = shape.reduce((x, y) => x * y, 1);
    return fc.array(float32Value, { minLength: n, maxLength: n }).map((values) => ({ shape, values, bulk, alpha: a }));
  });
}

/** dy for element i: varied, never 0, so dx = dy g' is tested with dy != 1. */
const dyAt = (i: number) => Math.fround(0.5 + (i % 7) / 4);

/** Checks one tensor's forward, gradient and second derivative; throws with the first bad element. */
function checkTensor(name: ActivationName, values: number[], shape: number[], alpha: number): void {
  const def = activations[name];
  const ref = def.reference;
  const a32 = Math.fround(alpha);
  const op = (v: tf.Tensor) => opFor(name)(v, def.hasAlpha ? alpha : undefined);
  const z = Float32Array.from(values);
  const [y, g, g2] = tf.tidy(() => {
    const x = tf.tensor(z, shape, 'float32');
    const dy = tf.tensor(Float32Array.from(z, (_, i) => dyAt(i)), shape, 'float32');
    const out = [op(x), tf.grad(op)(x, dy), tf.grad(tf.grad(op))(x)];
    for (const t of out) if (t.shape.join() !== shape.join()) throw new Error(`shape [${t.shape}] for input [${shape}]`);
    return out.map((t) => t.dataSync());
  });
  for (let i = 0; i < z.length; i++) {
    const v = z[i];
    const where = `${name}(alpha ${alpha}) at z = ${v} (element ${i} of [${shape}])`;
    const want = ref.value(v, a32);
    const w32 = Math.fround(want);
    if (!same(y[i], w32) && !flushed(y[i], want) && !(ulpDistance(y[i], want) <= TOL.forwardUlps)) {
      throw new Error(`forward ${where}: got ${y[i]}, want ${want} (${ulpDistance(y[i], want)} ulp)`);
    }
    const wantG = dyAt(i) * ref.derivative(v, a32);
    // From the output, g' carries a's rounding (elu's a + alpha cancels by |a|): scale by |a dy| too.
    const scaleG = Math.max(1, Math.abs(wantG), def.saves(a32) === 'output' && Number.isFinite(y[i]) ? Math.abs(y[i] * dyAt(i)) : 0);
    if (!same(g[i], Math.fround(wantG)) && !(Math.abs(g[i] - wantG) <= TOL.backwardAbs * scaleG)) {
      throw new Error(`gradient ${where}: got ${g[i]}, want ${wantG}`);
    }
    const want2 = ref.secondDerivative(v, a32);
    const scale2 = Math.max(1, Math.abs(v), Math.abs(want2), def.saves(a32) === 'output' && Number.isFinite(y[i]) ? Math.abs(y[i]) : 0);
    const ok2 = Number.isFinite(v) ? Math.abs(g2[i] - want2) <= TOL.secondAbs * scale2 : false;
    if (!same(g2[i], Math.fround(want2)) && !ok2) throw new Error(`second derivative ${where}: got ${g2[i]}, want ${want2}`);
  }
}

describe.each(NODE_BACKENDS)('properties on %s (fast-check, seed from FC_SEED)', (backend) => {
  beforeAll(() => setBackend(backend));

  it.each(activationNames)('%s: forward, gradient and second derivative match the float64 reference', (name) => {
    let checked = 0;
    fc.assert(
      fc.property(caseArb(name), (c) => {
        checkTensor(name, c.values, c.shape, c.alpha);
        checkTensor(name, c.bulk, [c.bulk.length], c.alpha);
        checked += c.values.length + c.bulk.length;
      }),
      { seed: seed(), numRuns: RUNS },
    );
    // fast-check also runs the property while shrinking; a passing run counts each case once.
    if (process.env.FC_REPORT === "1") process.stdout.write(`${backend} ${name}: ${checked} values\n`);
    expect(checked).toBeGreaterThanOrEqual(MIN_VALUES);
  });
});
