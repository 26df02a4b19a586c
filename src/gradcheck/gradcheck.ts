import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { randomWeight, seededRandom, ulp } from './float32';
import { checkArrayOption, checkChoiceOption, checkKnownKeys, checkNumberOption, checkObjectArg, checkOptionsObject, describe } from '../validate';

/*
 * gradcheck: the analytic gradient (tf.grads, i.e. vector-Jacobian products, so it sees
 * customGrad ops and built-ins alike) against central finite differences, in float32.
 *
 * float32 is tfjs's only float type, so the step and the tolerances are float32-aware:
 * - the step is h = eps * max(1, |x|) with eps = 2^-8 by default (near cbrt(2^-23), where the
 *   truncation error h^2 f'''/6 and the rounding error ulp(f)/h balance);
 * - the difference is divided by the step float32 really took, (x+h) - (x-h) after rounding;
 * - each comparison allows atol + rtol * max(|analytic|, |numeric|) plus a rounding allowance of
 *   `noiseUlps` ulps for every float32 value that entered it (outputs that differ between the
 *   two evaluations, and the analytic entries).
 * Three methods, as torch's fast mode and JAX's check_grads do, by input size:
 * - 'jacobian': the full Jacobian, element by element (analytic rows by one VJP per output
 *   element, numeric columns by one pair of evaluations per input element), for small inputs;
 * - 'vjp': each element of J^T u for random cotangents u against the finite difference of u.f
 *   along that input element (one pair of evaluations per input element): an error in a single
 *   element of a large gradient shows up here, unblurred by the rest;
 * - 'directional': u^T J v for random u and v, always (cheap at any size).
 * Uses only @tensorflow/tfjs-core (async reads, no Node APIs): it runs in a browser page too.
 */

/** Any function of tensors: one tensor or several out, float32. */
export type GradcheckFunction = (...inputs: Tensor[]) => Tensor | Tensor[];

export interface GradcheckOptions {
  /** Relative step: h = eps * max(1, |x|). Default 2^-8 (about 0.0039). */
  eps?: number;
  /** Absolute tolerance. Default 1e-4. */
  atol?: number;
  /** Relative tolerance. Default 1e-3. */
  rtol?: number;
  /** 1: the gradient; 2: the gradient of the gradient (gradgradcheck). Default 1. */
  order?: 1 | 2;
  /** Random directions (u, v) for 'directional', and cotangents u for 'vjp'. Default 4. */
  directions?: number;
  /** Seed of the PRNG behind every random direction: same seed, same report. Default 1. */
  seed?: number;
  /**
   * Input values where f is not differentiable (e.g. [0] for relu). Input elements within one
   * step of a kink are never perturbed (a central difference across relu's kink gives 0.5);
   * their gradient entries go unchecked and the report says which.
   */
  kinks?: number[];
  /** Rounding allowance, in float32 ulps per value read. Default 4. */
  noiseUlps?: number;
  /** Full Jacobian when (input elements) * (output elements) <= this. Default 4096. */
  maxJacobian?: number;
  /**
   * The 'vjp' element-by-element check when input elements <= this. Default 4096: it costs two
   * evaluations of f per input element.
   */
  maxElementwise?: number;
}

export type GradcheckSettings = Required<GradcheckOptions>;

export type GradcheckMethod = 'jacobian' | 'vjp' | 'directional';

/** One compared entry: where it is and how far apart the two gradients were. */
export interface GradcheckComparison {
  method: GradcheckMethod;
  /** Input tensor and flat element index (-1 for 'directional', which mixes all elements). */
  input: number;
  index: number;
  position: number[];
  /** The input value there (null for 'directional'). */
  x: number | null;
  /** Output tensor and flat element ('jacobian' only; else -1). */
  output: number;
  outputIndex: number;
  /** Which random direction or cotangent ('vjp', 'directional'; else -1). */
  direction: number;
  analytic: number;
  numeric: number;
  absError: number;
  relError: number;
  tolerance: number;
}

export interface GradcheckMethodSummary {
  method: GradcheckMethod;
  ok: boolean;
  comparisons: number;
  failures: number;
  maxAbsError: number;
  maxRelError: number;
  /** The entry with the largest error relative to its tolerance. */
  worst: GradcheckComparison | null;
}

export interface GradcheckReport {
  ok: boolean;
  order: 1 | 2;
  settings: GradcheckSettings;
  inputs: { shape: number[]; size: number }[];
  outputs: { shape: number[]; size: number }[];
  methods: GradcheckMethodSummary[];
  /** Over all methods: the entry with the largest error relative to its tolerance. */
  worst: GradcheckComparison | null;
  kinks: { values: number[]; skipped: number; where: { input: number; index: number; x: number }[] };
  /** Why it failed (empty when ok). */
  reasons: string[];
  /** How it checked: the float32 method, skipped elements. */
  notes: string[];
}

const DEFAULTS: GradcheckSettings = {
  eps: 2 ** -8,
  atol: 1e-4,
  rtol: 1e-3,
  order: 1,
  directions: 4,
  seed: 1,
  kinks: [],
  noiseUlps: 4,
  maxJacobian: 4096,
  maxElementwise: 4096,
};

type MultiFunction = (xs: Tensor[]) => Tensor[];

/**
 * Reads tensors (async: webgpu has no sync read), disposes them, returns copies (the cpu
 * backend hands out its own storage, which may be an input buffer that is perturbed later).
 */
async function readAndDispose(ts: Tensor[]): Promise<Float32Array[]> {
  try {
    const data = await Promise.all(ts.map((t) => t.data()));
    return data.map((d) => (d as Float32Array).slice());
  } finally {
    tf.dispose(ts);
  }
}

/**
 * J^T u as tensors: the gradient of sum_k <u_k, F(xs)_k>. Adding 0 * sum(x) for every input
 * keeps each input on the tape, so a function whose (higher) gradient does not depend on some
 * input gives zeros there instead of tf's "cannot compute gradient" error.
 */
function vjpTensors(F: MultiFunction, xs: Tensor[], us: Tensor[]): Tensor[] {
  const scalarOf = (...ys: Tensor[]): Tensor => {
    const outs = F(ys);
    let total: Tensor = tf.scalar(0);
    outs.forEach((o, k) => {
      total = tf.add(total, tf.sum(tf.mul(us[k], o)));
    });
    for (const y of ys) total = tf.add(total, tf.mul(0, tf.sum(y)));
    return total;
  };
  return tf.grads(scalarOf)(xs);
}

/**
 * tf's gradient functions come from `@tensorflow/tfjs` (or, in a bundle,
 * '@tensorflow/tfjs-core/dist/register_all_gradients'), not from tfjs-core's Node build: say so
 * instead of failing later with "gradient function not found".
 */
export function assertGradientsRegistered(who: string): void {
  if (tf.getGradient(tf.Multiply) == null || tf.getGradient(tf.Sigmoid) == null) {
    throw new Error(
      `${who}: tf's gradients are not registered; import '@tensorflow/tfjs' (or '@tensorflow/tfjs-core/dist/register_all_gradients' in a bundle) first`,
    );
  }
}

function toMulti(f: GradcheckFunction): MultiFunction {
  return (xs) => {
    const out = f(...xs);
    const outs = Array.isArray(out) ? out : [out];
    for (const o of outs) {
      if (!(o instanceof tf.Tensor)) throw new Error('gradcheck: f must return a Tensor or an array of Tensors');
      if (o.dtype !== 'float32') throw new Error(`gradcheck: f must return float32 tensors, got ${o.dtype}`);
    }
    return outs;
  };
}

function unravel(index: number, shape: number[]): number[] {
  const pos = new Array<number>(shape.length);
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    pos[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  return pos;
}

/** Running figures of one method. */
class Tally {
  comparisons = 0;
  failures = 0;
  maxAbsError = 0;
  maxRelError = 0;
  worst: GradcheckComparison | null = null;
  private worstRatio = -1;

  constructor(readonly method: GradcheckMethod) {}

  add(c: Omit<GradcheckComparison, 'method' | 'absError' | 'relError' | 'tolerance'>, noise: number, s: GradcheckSettings): void {
    const absError = Math.abs(c.analytic - c.numeric);
    const scale = Math.max(Math.abs(c.analytic), Math.abs(c.numeric));
    const relError = absError === 0 ? 0 : absError / scale;
    const tolerance = s.atol + s.rtol * scale + noise;
    const failed = !(absError <= tolerance); // NaN fails
    // NaN ranks worst; otherwise the largest error relative to its tolerance.
    const ratio = Number.isNaN(absError) || !Number.isFinite(absError) ? Infinity : absError / tolerance;
    this.comparisons++;
    if (failed) this.failures++;
    if (Number.isFinite(absError)) this.maxAbsError = Math.max(this.maxAbsError, absError);
    if (Number.isFinite(relError)) this.maxRelError = Math.max(this.maxRelError, relError);
    if (ratio > this.worstRatio) {
      this.worstRatio = ratio;
      this.worst = { method: this.method, ...c, absError, relError, tolerance };
    }
  }

  summary(): GradcheckMethodSummary {
    return {
      method: this.method,
      ok: this.failures === 0 && this.comparisons > 0,
      comparisons: this.comparisons,
      failures: this.failures,
      maxAbsError: this.maxAbsError,
      maxRelError: this.maxRelError,
      worst: this.worst,
    };
  }
}

/** Sum over outputs of |u_i| * (ulp(fp_i) + ulp(fm_i)) where the two evaluations differ. */
function roundingOf(fp: Float32Array, fm: Float32Array, u: Float64Array | null, i: number): number {
  return fp[i] === fm[i] ? 0 : (u == null ? 1 : Math.abs(u[i])) * (ulp(fp[i]) + ulp(fm[i]));
}

/**
 * Every option's type and range, before any is used: a NaN tolerance would pass every
 * comparison, a string one would concatenate ('1' + ...), 0 directions would check nothing.
 */
function checkGradcheckOptions(options: unknown): void {
  const fn = 'gradcheck';
  const o = checkOptionsObject(fn, options);
  checkKnownKeys(fn, o, Object.keys(DEFAULTS));
  checkNumberOption(fn, 'eps', o.eps, { min: 0, minExclusive: true });
  for (const key of ['atol', 'rtol', 'noiseUlps']) checkNumberOption(fn, key, o[key], { min: 0 });
  checkChoiceOption(fn, 'order', o.order, [1, 2]);
  checkNumberOption(fn, 'directions', o.directions, { integer: true, min: 1 });
  checkNumberOption(fn, 'seed', o.seed, { integer: true });
  checkArrayOption(fn, 'kinks', o.kinks, 'an array of finite numbers', (v) => typeof v === 'number' && Number.isFinite(v));
  for (const key of ['maxJacobian', 'maxElementwise']) checkNumberOption(fn, key, o[key], { integer: true, min: 0 });
}

/**
 * Checks the gradient of f at `inputs` (float32 tensors, passed to f as its arguments) against
 * central finite differences. Order 2 checks the gradient of the gradient (gradgradcheck): the
 * first-order vector-Jacobian product, as a function of the inputs, is checked in the same way.
 * Never throws for a wrong gradient: returns a report with `ok` false and the reasons.
 */
export async function gradcheck(
  f: GradcheckFunction,
  inputs: Tensor[],
  options: GradcheckOptions = {},
): Promise<GradcheckReport> {
  if (typeof f !== 'function') throw new Error(`gradcheck: f must be a function of tensors, got ${describe(f)}`);
  checkGradcheckOptions(options);
  const s: GradcheckSettings = { ...DEFAULTS, ...options, kinks: [...(options.kinks ?? DEFAULTS.kinks)] };
  if (!Array.isArray(inputs) || inputs.length === 0) throw new Error('gradcheck: inputs must be a non-empty array of tensors');
  assertGradientsRegistered('gradcheck');
  for (const x of inputs) {
    if (!(x instanceof tf.Tensor) || x.isDisposed) throw new Error('gradcheck: every input must be a live Tensor');
    if (x.dtype !== 'float32') throw new Error(`gradcheck: inputs must be float32 tensors, got ${x.dtype}`);
  }
  const random = seededRandom(s.seed);
  const shapes = inputs.map((x) => x.shape.slice());
  const base = (await Promise.all(inputs.map((x) => x.data()))).map((d) => Float32Array.from(d as Float32Array));

  let F = toMulti(f);
  const notes: string[] = [];
  if (s.order === 2) {
    // The function under test becomes the first-order VJP with a fixed random cotangent w.
    const first = F;
    const outShapes = tf.tidy(() => first(inputs.map((x) => x.clone())).map((o) => o.shape.slice()));
    const ws = outShapes.map((shape) => {
      const size = shape.reduce((a, b) => a * b, 1);
      return Float32Array.from({ length: size }, () => randomWeight(random));
    });
    F = (xs) => tf.tidy(() => vjpTensors(first, xs, ws.map((w, k) => tf.tensor(w, outShapes[k]))));
    notes.push('order 2: checks the gradient of x -> J(x)^T w (w a fixed random cotangent) against its finite differences');
  }

  /** Evaluates F at the given input values. */
  const evaluate = (values: Float32Array[]): Promise<Float32Array[]> =>
    readAndDispose(tf.tidy(() => F(values.map((v, t) => tf.tensor(v, shapes[t], 'float32')))));
  const vjp = (us: Float64Array[], outShapes: number[][]): Promise<Float32Array[]> =>
    readAndDispose(
      tf.tidy(() =>
        vjpTensors(
          F,
          base.map((v, t) => tf.tensor(v, shapes[t], 'float32')),
          us.map((u, k) => tf.tensor(Float32Array.from(u), outShapes[k], 'float32')),
        ),
      ),
    );

  const f0 = tf.tidy(() => F(base.map((v, t) => tf.tensor(v, shapes[t], 'float32'))));
  const outShapes = f0.map((o) => o.shape.slice());
  const f0Values = await readAndDispose(f0);
  const outSizes = outShapes.map((sh) => sh.reduce((a, b) => a * b, 1));
  const inSizes = shapes.map((sh) => sh.reduce((a, b) => a * b, 1));
  const n = inSizes.reduce((a, b) => a + b, 0);
  const m = outSizes.reduce((a, b) => a + b, 0);
  const reasons: string[] = [];
  f0Values.forEach((vals, k) => {
    const bad = vals.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) reasons.push(`output ${k} is ${vals[bad]} at [${unravel(bad, outShapes[k]).join(',')}]: finite differences need finite values`);
  });

  // Steps and kinks.
  const step = (x: number) => s.eps * Math.max(1, Math.abs(x));
  const nearKink = base.map((vals) =>
    Array.from(vals, (x) => s.kinks.some((k) => Math.abs(x - k) <= step(x))),
  );
  const kinkWhere: { input: number; index: number; x: number }[] = [];
  let skipped = 0;
  nearKink.forEach((flags, t) =>
    flags.forEach((near, j) => {
      if (!near) return;
      skipped++;
      if (kinkWhere.length < 10) kinkWhere.push({ input: t, index: j, x: base[t][j] });
    }),
  );
  if (skipped > 0) {
    notes.push(
      `${skipped} input element(s) within one step of a kink (${s.kinks.join(', ')}) were not perturbed; their gradient entries were not checked`,
    );
  }
  notes.push(
    `float32 central differences: step h = ${s.eps} * max(1, |x|), divided by the float32 step actually taken; ` +
      `tolerance = ${s.atol} + ${s.rtol} * max(|analytic|, |numeric|) + ${s.noiseUlps} ulp rounding allowance per value`,
  );

  const tallies: Tally[] = [];
  if (reasons.length === 0) {
    const useJacobian = n * m <= s.maxJacobian;
    const useVjp = !useJacobian && n <= s.maxElementwise;
    const randomCotangent = () => outSizes.map((size) => Float64Array.from({ length: size }, () => randomWeight(random)));

    if (useJacobian || useVjp) {
      const tally = new Tally(useJacobian ? 'jacobian' : 'vjp');
      tallies.push(tally);
      // Analytic side: Jacobian rows (one VJP per output element) or J^T u for random u.
      const rows: { output: number; index: number; u: Float64Array[]; g: Float32Array[] }[] = [];
      if (useJacobian) {
        for (let k = 0; k < outSizes.length; k++) {
          for (let i = 0; i < outSizes[k]; i++) {
            const u = outSizes.map((size) => new Float64Array(size));
            u[k][i] = 1;
            rows.push({ output: k, index: i, u, g: await vjp(u, outShapes) });
          }
        }
      } else {
        for (let d = 0; d < s.directions; d++) {
          const u = randomCotangent();
          rows.push({ output: -1, index: d, u, g: await vjp(u, outShapes) });
        }
      }
      // Numeric side: one pair of evaluations per input element.
      for (let t = 0; t < base.length; t++) {
        for (let j = 0; j < inSizes[t]; j++) {
          if (nearKink[t][j]) continue;
          const x = base[t][j];
          const xp = Math.fround(x + step(x));
          const xm = Math.fround(x - step(x));
          const delta = xp - xm;
          base[t][j] = xp;
          const fp = await evaluate(base);
          base[t][j] = xm;
          const fm = await evaluate(base);
          base[t][j] = x;
          const where = { input: t, index: j, position: unravel(j, shapes[t]), x };
          // Only outputs that changed enter the difference (the rest cancel exactly), which
          // keeps both the work and the rounding allowance down to what this element moved.
          const changed: [number, number][] = [];
          if (!useJacobian) {
            fp.forEach((vals, k) => {
              for (let i = 0; i < vals.length; i++) if (vals[i] !== fm[k][i]) changed.push([k, i]);
            });
          }
          for (const row of rows) {
            let numeric = 0;
            let rounding = 0;
            if (useJacobian) {
              numeric = fp[row.output][row.index] - fm[row.output][row.index];
              rounding = roundingOf(fp[row.output], fm[row.output], null, row.index);
            } else {
              for (const [k, i] of changed) {
                numeric += row.u[k][i] * (fp[k][i] - fm[k][i]);
                rounding += roundingOf(fp[k], fm[k], row.u[k], i);
              }
            }
            const analytic = row.g[t][j];
            const noise = s.noiseUlps * (rounding / delta + ulp(analytic));
            tally.add(
              {
                ...where,
                output: useJacobian ? row.output : -1,
                outputIndex: useJacobian ? row.index : -1,
                direction: useJacobian ? -1 : row.index,
                analytic,
                numeric: numeric / delta,
              },
              noise,
              s,
            );
          }
        }
      }
    }

    // Random directional derivatives u^T J v, at any size.
    const tally = new Tally('directional');
    tallies.push(tally);
    for (let d = 0; d < s.directions; d++) {
      const u = randomCotangent();
      const plus = base.map((v) => new Float32Array(v.length));
      const minus = base.map((v) => new Float32Array(v.length));
      const deltas = base.map((v) => new Float64Array(v.length));
      let maxDelta = 0;
      base.forEach((vals, t) =>
        vals.forEach((x, j) => {
          const r = nearKink[t][j] ? 0 : randomWeight(random);
          plus[t][j] = Math.fround(x + r * step(x));
          minus[t][j] = Math.fround(x - r * step(x));
          deltas[t][j] = plus[t][j] - minus[t][j];
          maxDelta = Math.max(maxDelta, Math.abs(deltas[t][j]));
        }),
      );
      if (maxDelta === 0) continue; // every element sits at a kink
      const fp = await evaluate(plus);
      const fm = await evaluate(minus);
      const g = await vjp(u, outShapes);
      let numeric = 0;
      let rounding = 0;
      fp.forEach((vals, k) =>
        vals.forEach((v, i) => {
          numeric += u[k][i] * (v - fm[k][i]);
          rounding += roundingOf(vals, fm[k], u[k], i);
        }),
      );
      let analytic = 0;
      let analyticRounding = 0;
      g.forEach((vals, t) =>
        vals.forEach((gv, j) => {
          analytic += gv * deltas[t][j];
          analyticRounding += Math.abs(deltas[t][j]) * ulp(gv);
        }),
      );
      // In units of a derivative along a direction whose largest component is 1.
      tally.add(
        { input: -1, index: -1, position: [], x: null, output: -1, outputIndex: -1, direction: d, analytic: analytic / maxDelta, numeric: numeric / maxDelta },
        (s.noiseUlps * (rounding + analyticRounding)) / maxDelta,
        s,
      );
    }
  }

  const methods = tallies.map((t) => t.summary());
  for (const summary of methods) {
    if (summary.comparisons === 0) {
      const why = n === 0 ? 'the inputs have no elements' : 'every input element is within one step of a kink';
      reasons.push(`${summary.method}: nothing was compared (${why})`);
    } else if (summary.failures > 0 && summary.worst != null) {
      reasons.push(`${summary.method}: ${summary.failures} of ${summary.comparisons} entries out of tolerance; worst ${describeComparison(summary.worst)}`);
    }
  }
  let worst: GradcheckComparison | null = null;
  let worstRatio = -1;
  for (const summary of methods) {
    const w = summary.worst;
    if (w == null) continue;
    const ratio = Number.isFinite(w.absError) ? w.absError / w.tolerance : Infinity;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = w;
    }
  }
  return {
    ok: reasons.length === 0,
    order: s.order,
    settings: s,
    inputs: shapes.map((shape, t) => ({ shape, size: inSizes[t] })),
    outputs: outShapes.map((shape, k) => ({ shape, size: outSizes[k] })),
    methods,
    worst,
    kinks: { values: s.kinks, skipped, where: kinkWhere },
    reasons,
    notes,
  };
}

/** One comparison in words: where, both values, the error and the tolerance. */
export function describeComparison(c: GradcheckComparison): string {
  checkObjectArg('describeComparison', 'c', c, 'a comparison from a gradcheck report', ['method', 'analytic', 'numeric']);
  const fmt = (v: number) =>
    !Number.isFinite(v) ? String(v) : v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(3) : Number(v.toPrecision(6)).toString();
  const where =
    c.method === 'directional'
      ? `direction ${c.direction}`
      : `input ${c.input}[${c.position.join(',')}] (x = ${fmt(c.x ?? NaN)})` +
        (c.method === 'jacobian' ? `, output ${c.output} element ${c.outputIndex}` : `, cotangent ${c.direction}`);
  return `at ${where}: analytic ${fmt(c.analytic)}, numeric ${fmt(c.numeric)}, |error| ${fmt(c.absError)} (relative ${fmt(c.relError)}), tolerance ${fmt(c.tolerance)}`;
}

/** The report as readable text. */
export function formatGradcheckReport(r: GradcheckReport): string {
  checkObjectArg('formatGradcheckReport', 'r', r, 'a report from gradcheck', ['methods', 'reasons', 'notes']);
  const lines: string[] = [];
  const shapes = (xs: { shape: number[] }[]) => xs.map((x) => `[${x.shape.join(',')}]`).join(' ');
  lines.push(`gradcheck (order ${r.order}): ${r.ok ? 'PASS' : 'FAIL'}  inputs ${shapes(r.inputs)} -> outputs ${shapes(r.outputs)}`);
  for (const m of r.methods) {
    lines.push(
      `  ${m.method.padEnd(11)} ${m.ok ? 'PASS' : 'FAIL'}  ${m.comparisons} compared, ${m.failures} failed, ` +
        `max |error| ${m.maxAbsError.toExponential(2)}, max relative ${m.maxRelError.toExponential(2)}`,
    );
    if (m.worst != null) lines.push(`    worst ${describeComparison(m.worst)}`);
  }
  for (const reason of r.reasons) lines.push(`  reason: ${reason}`);
  for (const note of r.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}
