import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { activations } from '../activations';
import type { ActivationDefinition, ActivationName } from '../activations/types';
import { derivativeFor, derivativeFromOutputFor, opFor } from '../ops';
import { seededRandom, ulpDistance } from './float32';
import { assertGradientsRegistered, formatGradcheckReport, gradcheck } from './gradcheck';
import type { GradcheckReport } from './gradcheck';
import { DEFAULT_TOLERANCES, tolerancesFor } from './settings';
import { checkArrayOption, checkKnownKeys, checkNumberArg, checkNumberOption, checkObjectArg, checkOptionsObject, isFiniteFloat32, describe, lookupName } from '../validate';

/*
 * checkActivation: a verdict on one of our ops on the current backend. Uses only tfjs-core and
 * this library (async reads, no Node APIs), so a browser page can run it on webgl or webgpu.
 * All math comes from the definition's float64 `reference`; nothing is re-derived here.
 */

export type ActivationCheckName =
  | 'forward'
  | 'backward'
  | 'autodiff'
  | 'finite-differences'
  | 'second-order'
  | 'second-order-fd'
  | 'derivative'
  | 'conventions'
  | 'shapes'
  | 'leaks';

/** Max errors against the float64 reference (rounded to float32) over one part of the sweep. */
export interface ErrorFigures {
  points: number;
  maxAbs: number;
  /** z where the absolute error is largest. */
  maxAbsAt: number;
  maxUlp: number;
  maxUlpAt: number;
}

export interface ActivationCheck {
  check: ActivationCheckName;
  ok: boolean;
  /** The figures in a few words, for tables. */
  summary: string;
  /** Errors for |z| <= split (unsaturated) and |z| > split (forward, backward, second order). */
  small?: ErrorFigures;
  large?: ErrorFigures;
  /** The gradcheck reports behind the finite-difference checks. */
  gradchecks?: GradcheckReport[];
  reasons: string[];
}

export interface ActivationCheckTolerances {
  /** Forward: max ulp error (unless within forwardAbs and tf's own kernel is as far off, +1 ulp). Default 4 (20 on webgl and webgpu: src/gradcheck/settings.ts). */
  forwardUlps: number;
  /** Forward: absolute error that can excuse ulps beyond forwardUlps (see there, and for |z| > split). Default 1e-6. */
  forwardAbs: number;
  /**
   * Backward: max absolute error anywhere. Default 1e-6. Ulp errors are reported, not gated:
   * derivatives computed from the rounded output (a(1-a), 1-a^2) lose relative precision as a
   * approaches +-1, by design.
   */
  backwardAbs: number;
  /**
   * Ours vs tf autodiff of the built-in: within `autodiffUlps` ulps, or within `autodiffAbs`
   * (default 2.5e-7, two ulps of 1: 1 - a^2 and a(1 - a) cancel against 1, so two correct
   * float32 evaluations in a different order of operations differ by about ulp(1) there).
   */
  autodiffUlps: number;
  autodiffAbs: number;
  /** Second order: absolute error allowed, times max(1, |z|). Default 2e-6. */
  secondAbs: number;
}

export interface ActivationCheckOptions {
  /** alpha for leaky ReLU (default: the definition's default). */
  alpha?: number;
  /** 1: first-order checks; 2: second-order checks. Default [1, 2]. */
  orders?: (1 | 2)[];
  /** Points of the evenly spaced float32 sweep over [-range, range]. Default 4001. */
  points?: number;
  /** Half-width of the sweep. Default 20 (sigmoid saturates in float32 near 17, tanh near 9). */
  range?: number;
  /** |z| <= split is the unsaturated part, reported separately. Default 8. */
  split?: number;
  /** Random points for the finite-difference checks, in [-fdRange, fdRange]. Default 256, 8. */
  fdPoints?: number;
  fdRange?: number;
  seed?: number;
  tolerances?: Partial<ActivationCheckTolerances>;
}

export interface ActivationCheckReport {
  ok: boolean;
  activation: ActivationName;
  backend: string;
  alpha: number;
  orders: (1 | 2)[];
  sweep: { points: number; range: number; split: number; extras: number[] };
  /** Input values where the derivative jumps (found from the reference), kept away from in sampling. */
  kinks: number[];
  checks: ActivationCheck[];
  /** Why it failed, check by check (empty when ok). */
  reasons: string[];
}


/** Far points beyond the grid: tiny magnitudes, exp's overflow range, the float32 extremes' region. */
const EXTRAS = [1e-30, 1e-10, 1e-5, 30, 50, 88, 100, 1e4, 1e30].flatMap((v) => [v, -v]);

/**
 * Where reference.derivative jumps: scanned on a 1/64 grid (a jump of more than 0.05 there is
 * far beyond what a smooth g'' allows), then located by bisection. Keeps the kinks of an
 * activation in its one definition instead of a list here.
 */
export function kinksOf(def: ActivationDefinition, alpha: number, range = 20): number[] {
  checkObjectArg('kinksOf', 'def', def, 'an activation definition (from activations)', ['reference', 'name']);
  checkNumberArg('kinksOf', 'alpha', alpha);
  checkNumberArg('kinksOf', 'range', range, { min: 0, minExclusive: true });
  const d = (z: number) => def.reference.derivative(z, alpha);
  const kinks: number[] = [];
  const stepSize = 1 / 64;
  for (let z = -range; z < range; z += stepSize) {
    let lo = z;
    let hi = z + stepSize;
    if (!(Math.abs(d(hi) - d(lo)) > 0.05)) continue;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (Math.abs(d(mid) - d(lo)) > 0.05) hi = mid;
      else lo = mid;
    }
    const at = Math.abs(hi) < 1e-9 ? 0 : Number(hi.toPrecision(9));
    if (!kinks.includes(at)) kinks.push(at);
  }
  return kinks;
}

function sweepValues(points: number, range: number): Float32Array {
  const grid = Array.from({ length: points }, (_, i) => (points === 1 ? 0 : -range + (2 * range * i) / (points - 1)));
  return Float32Array.from([...grid, ...EXTRAS]);
}

/** Runs f on z (inside a tidy), reads the result asynchronously, disposes it. */
async function evaluate(z: Float32Array, f: (x: Tensor) => Tensor): Promise<Float32Array> {
  const out = tf.tidy(() => f(tf.tensor1d(z)));
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

/**
 * Why tf's way of computing this activation (def.builtin) cannot run on the active backend, or
 * null: tfjs 3.21's wasm has no Erf or Softplus kernel, so tfjs-layers' gelu and mish formulas
 * throw there. Comparisons with it are then not made, and the report says so.
 */
function builtinUnavailable(def: ActivationDefinition, alpha: number): string | null {
  try {
    // The forward alone: a kernel failing under tf.grad's tape leaves the tape's saved tensors behind.
    tf.tidy(() => {
      def.builtin(tf.tensor1d([0.5]), alpha);
    });
    return null;
  } catch (e) {
    const message = (e as Error).message;
    if (/not registered/.test(message)) return message;
    throw e;
  }
}

/** Equal, counting NaN as equal to NaN (and -0 to +0). */
function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

class ErrorTally {
  small: ErrorFigures = { points: 0, maxAbs: 0, maxAbsAt: 0, maxUlp: 0, maxUlpAt: 0 };
  large: ErrorFigures = { points: 0, maxAbs: 0, maxAbsAt: 0, maxUlp: 0, maxUlpAt: 0 };
  /** Points whose error is not finite (NaN or infinite where a number was due). */
  bad: { z: number; got: number; want: number }[] = [];
  /** Points that `allowed` rejects (the first few are kept for the reasons). */
  violations = 0;
  firstViolations: string[] = [];

  constructor(
    private readonly split: number,
    /** Whether a point's error is acceptable; `i` is its index in the sweep. */
    private readonly allowed: (z: number, abs: number, ulps: number, i: number) => boolean = () => true,
  ) {}

  add(z: number, got: number, want: number, i = -1): void {
    const part = Math.abs(z) <= this.split ? this.small : this.large;
    part.points++;
    // Against the float64 reference rounded to float32: a correctly rounded result counts as
    // exact (0 abs, 0 ulp), so the figures show the kernel's error, not float32's spacing.
    const want32 = Math.fround(want);
    if (same(got, want32)) return;
    const abs = Math.abs(got - want32);
    if (!Number.isFinite(abs)) {
      this.bad.push({ z, got, want });
      return;
    }
    const ulps = ulpDistance(got, want);
    if (!this.allowed(z, abs, ulps, i)) {
      this.violations++;
      if (this.firstViolations.length < 3) this.firstViolations.push(`z = ${z}: got ${got}, want ${want} (${fmt(abs)} abs, ${ulps} ulp)`);
    }
    if (abs > part.maxAbs) {
      part.maxAbs = abs;
      part.maxAbsAt = z;
    }
    if (Number.isFinite(ulps) && ulps > part.maxUlp) {
      part.maxUlp = ulps;
      part.maxUlpAt = z;
    }
  }
}

const fmt = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3))));

function errorSummary(t: ErrorTally, split: number): string {
  return `|z|<=${split}: ${fmt(t.small.maxAbs)} abs, ${fmt(t.small.maxUlp)} ulp; else: ${fmt(t.large.maxAbs)} abs, ${fmt(t.large.maxUlp)} ulp (z=${fmt(t.large.maxUlpAt)})`;
}

function badReasons(t: ErrorTally, what: string, allowed: string): string[] {
  const reasons = t.bad.slice(0, 3).map((b) => `${what} at z = ${b.z}: got ${b.got}, want ${b.want}`);
  if (t.violations > 0) reasons.push(`${what}: ${t.violations} point(s) beyond ${allowed}, e.g. ${t.firstViolations.join('; ')}`);
  return reasons;
}

const OPTION_KEYS: readonly (keyof ActivationCheckOptions)[] = ['alpha', 'orders', 'points', 'range', 'split', 'fdPoints', 'fdRange', 'seed', 'tolerances'];

/**
 * Every option's type and range (points -5 checked 6 points, orders [3] checked only the
 * conventions, range NaN failed falsely). `prefix` names where the options sit in the caller's
 * (checkAll's `check.`); `without` lists keys the caller sets itself.
 */
export function checkActivationOptions(fn: string, options: unknown, prefix = '', without: readonly string[] = []): void {
  const o = checkOptionsObject(fn, options);
  const where = prefix === '' ? '' : ` in ${prefix.replace(/\.$/, '')}`;
  for (const key of Object.keys(o)) {
    if (!OPTION_KEYS.includes(key as keyof ActivationCheckOptions) || without.includes(key)) {
      throw new Error(`${fn}: unknown option ${JSON.stringify(key)}${where} (known: ${OPTION_KEYS.filter((k) => !without.includes(k)).join(', ')})`);
    }
  }
  const name = (key: string) => `${prefix}${key}`;
  if (o.alpha !== undefined && !isFiniteFloat32(o.alpha)) {
    throw new Error(`${fn}: option ${name('alpha')} must be a finite number (finite as a float32 too), got ${describe(o.alpha)}`);
  }
  checkOrders(fn, name('orders'), o.orders);
  checkNumberOption(fn, name('points'), o.points, { integer: true, min: 1 });
  checkNumberOption(fn, name('range'), o.range, { min: 0, minExclusive: true });
  checkNumberOption(fn, name('split'), o.split, { min: 0 });
  checkNumberOption(fn, name('fdPoints'), o.fdPoints, { integer: true, min: 1 });
  checkNumberOption(fn, name('fdRange'), o.fdRange, { min: 0, minExclusive: true });
  checkNumberOption(fn, name('seed'), o.seed, { integer: true });
  if (o.tolerances !== undefined) {
    const t = checkOptionsObject(fn, o.tolerances, `option ${name('tolerances')}`);
    checkKnownKeys(fn, t, Object.keys(DEFAULT_TOLERANCES));
    for (const key of Object.keys(t)) checkNumberOption(fn, `${name('tolerances')}.${key}`, t[key], { min: 0 });
  }
}

/** orders: a non-empty array of 1 and/or 2 (checkActivation's and checkAll's). */
export function checkOrders(fn: string, name: string, value: unknown): void {
  checkArrayOption(fn, name, value, 'a non-empty array of 1 and/or 2', (v) => v === 1 || v === 2, { nonEmpty: true, unique: true });
}

/**
 * Checks one of our ops on the current backend: forward and backward against the float64
 * reference over a float32 sweep, our gradient against tf's autodiff of the built-in, finite
 * differences (gradcheck), second order against reference.secondDerivative (pure and inside
 * x * g(x), the case tf's built-ins get wrong), and the conventions (g'(0), NaN, +-Infinity).
 */
export async function checkActivation(name: ActivationName, options: ActivationCheckOptions = {}): Promise<ActivationCheckReport> {
  const def = lookupName(activations, name, 'checkActivation');
  checkActivationOptions('checkActivation', options);
  assertGradientsRegistered('checkActivation');
  const alpha = options.alpha ?? def.defaultAlpha;
  const orders = options.orders ?? [1, 2];
  const points = options.points ?? 4001;
  const range = options.range ?? 20;
  const split = options.split ?? 8;
  const tol: ActivationCheckTolerances = { ...tolerancesFor(tf.getBackend()), ...options.tolerances };
  const op = (x: Tensor) => opFor(name)(x, alpha);
  const ref = def.reference;
  const z = sweepValues(points, range);
  const kinks = kinksOf(def, alpha, range);
  const checks: ActivationCheck[] = [];

  // Random points for finite differences, never within two steps of a kink.
  const random = seededRandom(options.seed ?? 1);
  const fdRange = options.fdRange ?? 8;
  const fdZ = new Float32Array(options.fdPoints ?? 256);
  for (let i = 0; i < fdZ.length; ) {
    const v = Math.fround((2 * random() - 1) * fdRange);
    if (kinks.some((k) => Math.abs(v - k) <= 2 * 2 ** -8 * Math.max(1, Math.abs(v)))) continue;
    fdZ[i++] = v;
  }
  const fdNote = kinks.length > 0 ? `; points within 2 steps of the kink(s) ${kinks.join(', ')} not sampled` : '';
  const runGradcheck = async (f: (x: Tensor) => Tensor, order: 1 | 2): Promise<GradcheckReport> => {
    const x = tf.tensor1d(fdZ);
    try {
      return await gradcheck(f, [x], { order, kinks, seed: options.seed ?? 1 });
    } finally {
      x.dispose();
    }
  };
  const fdCheck = (check: ActivationCheckName, reports: GradcheckReport[]): ActivationCheck => {
    const worstAbs = Math.max(...reports.flatMap((r) => r.methods.map((m) => m.maxAbsError)));
    const worstRel = Math.max(...reports.flatMap((r) => r.methods.map((m) => m.maxRelError)));
    return {
      check,
      ok: reports.every((r) => r.ok),
      summary: `${fdZ.length} points, max ${fmt(worstAbs)} abs, ${fmt(worstRel)} rel${fdNote}`,
      gradchecks: reports,
      reasons: reports.flatMap((r) => (r.ok ? [] : [formatGradcheckReport(r)])),
    };
  };

  if (orders.includes(1)) {
    // Forward vs float64.
    const forward = await evaluate(z, op);
    // A point passes within forwardUlps; or within forwardAbs and either no more than 1 ulp
    // less accurate than tf's own kernel on this backend (GPU exp and tanh are looser than
    // 4 ulp; tanh(1e-30) is 0 on SwiftShader for tf as for us) or beyond the unsaturated range.
    const noBuiltin = builtinUnavailable(def, alpha);
    const builtin = noBuiltin == null ? await evaluate(z, (x) => def.builtin(x, alpha)) : null;
    // Without tf's built-in no point is excused by it: every point must be within forwardUlps.
    const builtinUlps = Array.from(z, (v, i) => (builtin == null ? 0 : ulpDistance(builtin[i], ref.value(v, alpha))));
    const fwd = new ErrorTally(split, (v, abs, ulps, i) =>
        ulps <= tol.forwardUlps || (abs <= tol.forwardAbs && (ulps <= builtinUlps[i] + 1 || Math.abs(v) > split)),
    );
    z.forEach((v, i) => fwd.add(v, forward[i], ref.value(v, alpha), i));
    const fwdReasons = badReasons(fwd, 'g(z)', `${tol.forwardUlps} ulp (or ${tol.forwardAbs} abs where tf's kernel is as far off, or |z| > ${split})`);
    const tfUlp = (inRange: (v: number) => boolean) => Math.max(0, ...builtinUlps.filter((u, i) => inRange(z[i]) && Number.isFinite(u)));
    const tfFigures = builtin == null ? `; tf's built-in not run (${noBuiltin})` : `; tf's kernel: ${fmt(tfUlp((v) => Math.abs(v) <= split))} ulp, else ${fmt(tfUlp((v) => Math.abs(v) > split))} ulp`;
    checks.push({ check: 'forward', ok: fwdReasons.length === 0, summary: errorSummary(fwd, split) + tfFigures, small: fwd.small, large: fwd.large, reasons: fwdReasons });

    // Backward (tf.grad of our op, dy = 1) vs float64.
    const ours = await evaluate(z, tf.grad(op));
    const bwd = new ErrorTally(split, (_v, abs) => abs <= tol.backwardAbs);
    z.forEach((v, i) => bwd.add(v, ours[i], ref.derivative(v, alpha)));
    const bwdReasons = badReasons(bwd, "g'(z)", `${tol.backwardAbs} abs`);
    checks.push({ check: 'backward', ok: bwdReasons.length === 0, summary: errorSummary(bwd, split), small: bwd.small, large: bwd.large, reasons: bwdReasons });

    // Ours vs tf autodiff of the built-in (where it can run here).
    const theirs = noBuiltin == null ? await evaluate(z, tf.grad((x: Tensor) => def.builtin(x, alpha))) : ours;
    let maxUlp = 0;
    let maxAbs = 0;
    let differing = 0;
    let firstDiff = '';
    z.forEach((v, i) => {
      const u = ulpDistance(ours[i], theirs[i]);
      const a = Math.abs(ours[i] - theirs[i]);
      if (Number.isFinite(u)) maxUlp = Math.max(maxUlp, u);
      if (Number.isFinite(a)) maxAbs = Math.max(maxAbs, a);
      // Where tf's way is a float32 composite (no def.tfKernel: tfjs-layers' gelu, ...), it cancels
      // (1 + erf, 1 + tanh below 0, tanh(softplus) near 1) and ours may differ from it by more:
      // no failure where ours is the closer to float64 (tf's NaN, as tf.pow(1e30, 3) gives its
      // gradient, is as far off as can be). tf's single kernels stay the yardstick.
      const want = ref.derivative(v, alpha);
      const tfOff = Number.isNaN(theirs[i]) ? Infinity : Math.abs(theirs[i] - want);
      const closer = def.tfKernel == null && Math.abs(ours[i] - want) <= tfOff;
      if (!(u <= tol.autodiffUlps || a <= tol.autodiffAbs || closer)) {
        differing++;
        if (firstDiff === '') firstDiff = `z = ${v}: ours ${ours[i]}, tf ${theirs[i]}`;
      }
    });
    checks.push({
      check: 'autodiff',
      ok: differing === 0,
      summary: noBuiltin == null ? `max ${fmt(maxUlp)} ulp, ${fmt(maxAbs)} abs from tf.grad(built-in)` : `not compared: tf's built-in cannot run on ${tf.getBackend()} (${noBuiltin})`,
      reasons: differing === 0 ? [] : [`${differing} of ${z.length} points differ from tf (first at ${firstDiff})`],
    });

    checks.push(fdCheck('finite-differences', [await runGradcheck(op, 1)]));

    // The derivative ops (our no-dy kernel): g'(z), and g'(z) from a = g(z) where backward reads a.
    const der = new ErrorTally(split, (_v, abs) => abs <= tol.backwardAbs);
    const dz = await evaluate(z, (x) => derivativeFor(name)(x, alpha));
    z.forEach((v, i) => der.add(v, dz[i], ref.derivative(v, alpha)));
    const derReasons = badReasons(der, `${name}Derivative`, `${tol.backwardAbs} abs`);
    if (def.saves(alpha) === 'output') {
      const fromA = new ErrorTally(split, (_v, abs) => abs <= tol.backwardAbs);
      const da = await evaluate(z, (x) => derivativeFromOutputFor(name)(op(x), alpha));
      z.forEach((v, i) => fromA.add(v, da[i], ref.derivative(v, alpha)));
      derReasons.push(...badReasons(fromA, `${name}DerivativeFromOutput`, `${tol.backwardAbs} abs`));
    }
    checks.push({ check: 'derivative', ok: derReasons.length === 0, summary: errorSummary(der, split), small: der.small, large: der.large, reasons: derReasons });
  }

  if (orders.includes(2)) {
    // Second order vs reference.secondDerivative, pure and inside x * g(x) (product rule:
    // (x g)'' = 2 g' + x g''), the mixed case where tf's built-in sigmoid and tanh drop a term.
    const second = await evaluate(z, tf.grad(tf.grad(op)));
    const mixed = await evaluate(z, tf.grad(tf.grad((x: Tensor) => tf.mul(x, op(x)))));
    const pure = new ErrorTally(split);
    const reasons: string[] = [];
    let worstMixed = 0;
    z.forEach((v, i) => {
      const want = ref.secondDerivative(v, alpha);
      const wantMixed = 2 * ref.derivative(v, alpha) + (v === 0 ? 0 : v * want);
      pure.add(v, second[i], want);
      const allowed = tol.secondAbs * Math.max(1, Math.abs(v));
      const errs = [Math.abs(second[i] - want), Math.abs(mixed[i] - wantMixed)];
      worstMixed = Math.max(worstMixed, Number.isFinite(errs[1]) ? errs[1] : 0);
      if (!(errs[0] <= allowed) && reasons.length < 3) reasons.push(`g''(${v}): got ${second[i]}, want ${want}`);
      if (!(errs[1] <= allowed) && reasons.length < 3) reasons.push(`(x g)''(${v}): got ${mixed[i]}, want ${wantMixed}`);
    });
    reasons.push(...badReasons(pure, "g''", ''));
    checks.push({
      check: 'second-order',
      ok: reasons.length === 0,
      summary: `g'': ${fmt(Math.max(pure.small.maxAbs, pure.large.maxAbs))} abs; (x g)'': ${fmt(worstMixed)} abs`,
      small: pure.small,
      large: pure.large,
      reasons,
    });
    checks.push(fdCheck('second-order-fd', [await runGradcheck(op, 2), await runGradcheck((x) => tf.mul(x, op(x)), 2)]));
  }

  // Conventions: g'(+-0) as the reference says (tf's convention at kinks), NaN in NaN out,
  // +-Infinity give the limits.
  const special = Float32Array.from([0, -0, NaN, Infinity, -Infinity]);
  const values = await evaluate(special, op);
  const grads = await evaluate(special, tf.grad(op));
  const conv: string[] = [];
  special.forEach((v, i) => {
    const wantValue = Math.fround(ref.value(v, alpha));
    const wantGrad = Math.fround(ref.derivative(v, alpha));
    if (!same(values[i], wantValue)) conv.push(`g(${v}) = ${values[i]}, want ${wantValue}`);
    if (!same(grads[i], wantGrad)) conv.push(`g'(${v}) = ${grads[i]}, want ${wantGrad}`);
  });
  checks.push({
    check: 'conventions',
    ok: conv.length === 0,
    summary: `g'(0) = ${fmt(grads[0])}, g(NaN) = ${values[2]}, g'(NaN) = ${grads[2]}, g'(+-inf) = ${fmt(grads[3])}, ${fmt(grads[4])}`,
    reasons: conv,
  });

  checks.push(await shapesCheck(name, alpha, tol.backwardAbs), await leaksCheck(name, alpha));

  const reasons = checks.flatMap((c) => c.reasons.map((r) => `${c.check}: ${r}`));
  return {
    ok: checks.every((c) => c.ok),
    activation: name,
    backend: tf.getBackend(),
    alpha,
    orders: [...orders],
    sweep: { points, range, split, extras: EXTRAS },
    kinks,
    checks,
    reasons,
  };
}

/** Scalars, empty tensors, rank 1 to 6 (odd sizes: partial texels on webgl): shapes kept, dy * g' right. */
async function shapesCheck(name: ActivationName, alpha: number, abs: number): Promise<ActivationCheck> {
  const def = activations[name];
  const shapes = [[], [0], [1], [7], [3, 5], [2, 0, 3], [2, 3, 5], [2, 3, 5, 7], [2, 1, 3, 1, 2], [1, 2, 1, 1, 2, 3]];
  const reasons: string[] = [];
  for (const shape of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    const zs = Float32Array.from({ length: n }, (_, i) => -6 + (12 * ((i * 37) % (n + 1))) / (n + 1));
    const dys = Float32Array.from({ length: n }, (_, i) => 0.5 + ((i * 7919) % 101) / 100);
    const [y, g] = tf.tidy(() => {
      const x = tf.tensor(zs, shape);
      return [opFor(name)(x, alpha), tf.grad((v: Tensor) => opFor(name)(v, alpha))(x, tf.tensor(dys, shape))];
    });
    try {
      if (y.shape.join() !== shape.join() || g.shape.join() !== shape.join()) {
        reasons.push(`input [${shape}]: output [${y.shape}], gradient [${g.shape}]`);
        continue;
      }
      const gv = await g.data();
      const bad = Array.from(gv).findIndex((v, i) => !(Math.abs(v - dys[i] * def.reference.derivative(zs[i], alpha)) <= abs));
      if (bad >= 0) reasons.push(`input [${shape}] element ${bad} (z = ${zs[bad]}): dy * g' = ${gv[bad]}, want ${dys[bad] * def.reference.derivative(zs[bad], alpha)}`);
    } finally {
      tf.dispose([y, g]);
    }
  }
  return { check: 'shapes', ok: reasons.length === 0, summary: `${shapes.length} shapes, rank 0 to 6, empty ones included`, reasons };
}

/** numTensors is unchanged after forward, gradient, gradient of gradient, derivative and a TensorLike call. */
async function leaksCheck(name: ActivationName, alpha: number): Promise<ActivationCheck> {
  const op = (t: Tensor): Tensor => opFor(name)(t, alpha);
  const x = tf.tensor1d([-2, -0.5, 0, 0.5, 2]);
  const before = tf.memory().numTensors;
  tf.dispose([op(x), tf.grad(op)(x), tf.grad(tf.grad(op))(x), derivativeFor(name)(x, alpha), opFor(name)([1, -2, 3], alpha)]);
  const after = tf.memory().numTensors;
  x.dispose();
  return {
    check: 'leaks',
    ok: after === before,
    summary: `numTensors ${before} before, ${after} after forward, grad, grad of grad, derivative`,
    reasons: after === before ? [] : [`${after - before} tensor(s) leaked`],
  };
}

/** One activation's report as readable text. */
export function formatActivationReport(r: ActivationCheckReport): string {
  checkObjectArg('formatActivationReport', 'r', r, 'a report from checkActivation', ['activation', 'checks', 'backend']);
  const lines = [`${r.activation}${activations[r.activation].hasAlpha ? ` (alpha ${r.alpha})` : ''} on ${r.backend}: ${r.ok ? 'PASS' : 'FAIL'}`];
  for (const c of r.checks) {
    lines.push(`  ${c.check.padEnd(18)} ${c.ok ? 'PASS' : 'FAIL'}  ${c.summary}`);
    for (const reason of c.reasons) lines.push(...reason.split('\n').map((l) => `      ${l}`));
  }
  return lines.join('\n');
}
