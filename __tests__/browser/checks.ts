import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { activations } from 'tfjs-activations';
import type { ActivationDefinition, ActivationName } from 'tfjs-activations';
import { kernelName } from 'tfjs-activations/kernels';
import { derivativeFor, derivativeFromOutputFor, opFor } from 'tfjs-activations';
import { kinksOf } from 'tfjs-activations/gradcheck';

/*
 * Correctness checks of our ops on whatever backend is active, written against tf only, so the
 * same code runs in Node (cpu) and in a browser page (webgl, webgpu). The browser tests run each
 * one in Chromium and report it as a jest test.
 */

export interface CheckResult {
  ok: boolean;
  /** What was compared and the worst error seen (or why it failed). */
  detail: string;
}

/** What only the page knows about its backend (compiled-program caches, layout conversions). */
export interface BackendProbe {
  /** Number of compiled programs/pipelines the backend holds (to see recompiles). */
  programCount(): number;
  /**
   * webgl only: runs fn and returns how many pack/unpack conversions the backend made, plus
   * whether a tensor's texture is packed. Absent elsewhere.
   */
  layout?: {
    conversions(fn: () => void): number;
    isPacked(t: Tensor): boolean;
  };
}

export const checkNames = [
  'forward',
  'gradient',
  'autodiff',
  'fused',
  'derivative',
  'secondOrder',
  'conventions',
  'shapes',
  'leaks',
  'alphaNoRecompile',
  'layouts',
] as const;
export type CheckName = (typeof checkNames)[number];

/** Alphas tried for activations that take one (both signs, and > 1 where max(az, z) is wrong). */
function alphasOf(def: ActivationDefinition): number[] {
  return def.hasAlpha ? [0.2, 1.5, -0.5] : [def.defaultAlpha];
}

/** z in [-6, 6] (0 included) and a few tails. */
function samplePoints(): number[] {
  const zs: number[] = [];
  for (let i = 0; i <= 96; i++) zs.push(-6 + (12 * i) / 96);
  zs.push(1e-3, -1e-3, 20, -20, 0.37);
  return zs;
}

/** Deterministic weights in [0.5, 1.5] for dy, so dx = dy * g' is tested with dy != 1. */
function weights(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 0.5 + ((i * 7919) % 101) / 100);
}

interface Compare {
  worst: number;
  where: string;
}

/** Max of |got - want| / (abs + rel |want|) (<= 1 passes); NaN must meet NaN, infinity itself. */
function compare(got: ArrayLike<number>, want: ArrayLike<number>, zs: ArrayLike<number>, abs: number, rel: number): Compare {
  let worst = 0;
  let where = '';
  if (got.length !== want.length) return { worst: Infinity, where: `length ${got.length} != ${want.length}` };
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    let e: number;
    if (Number.isNaN(w) || Number.isNaN(g)) e = Number.isNaN(w) && Number.isNaN(g) ? 0 : Infinity;
    else if (!Number.isFinite(w) || !Number.isFinite(g)) e = g === w ? 0 : Infinity;
    else e = Math.abs(g - w) / (abs + rel * Math.abs(w));
    if (e > worst) {
      worst = e;
      where = `z=${zs[i]}: got ${g}, want ${w}`;
    }
  }
  return { worst, where };
}

function verdict(label: string, results: Array<[string, Compare]>): CheckResult {
  const bad = results.filter(([, c]) => !(c.worst <= 1));
  if (bad.length > 0) {
    return { ok: false, detail: `${label}: ${bad.map(([w, c]) => `${w} off by ${c.worst.toPrecision(3)}x tolerance at ${c.where}`).join('; ')}` };
  }
  const worst = Math.max(0, ...results.map(([, c]) => c.worst));
  return { ok: true, detail: `${label}: ${results.length} comparisons, worst ${worst.toPrecision(3)}x tolerance` };
}

/**
 * Runs fn in a tidy scope and reads its tensors back asynchronously (webgpu has no reliable
 * synchronous read), disposing them after.
 */
async function read(fn: () => Tensor[]): Promise<Float32Array[]> {
  const ts = tf.tidy(fn);
  try {
    return (await Promise.all(ts.map((t) => t.data()))) as Float32Array[];
  } finally {
    tf.dispose(ts);
  }
}

function ref(zs: number[], f: (z: number) => number): number[] {
  return zs.map(f);
}

/** dx of sum(w * g(x)) at zs: our fused backward with dy = w. */
async function gradient(op: (x: Tensor) => Tensor, zs: number[]): Promise<Float32Array> {
  const [g] = await read(() => {
    const w = tf.tensor1d(weights(zs.length));
    return [tf.grad((x: Tensor) => tf.mul(op(x), w))(tf.tensor1d(zs))];
  });
  return g;
}

function weighted(zs: number[], f: (z: number) => number): number[] {
  const w = weights(zs.length);
  return zs.map((z, i) => Math.fround(w[i]) * f(z));
}

/** Absolute and relative tolerance for float32 GPU math against float64 (exp is the worst). */
const TOL = { abs: 2e-6, rel: 2e-5 };
const TOL2 = { abs: 5e-5, rel: 1e-4 };

const checks: Record<CheckName, (def: ActivationDefinition, probe: BackendProbe) => Promise<CheckResult>> = {
  async forward(def) {
    const zs = samplePoints();
    const results: Array<[string, Compare]> = [];
    for (const alpha of alphasOf(def)) {
      const [ours, builtin] = await read(() => {
        const x = tf.tensor1d(zs);
        return [opFor(def.name)(x, alpha), def.builtin(x, alpha)];
      });
      results.push([`alpha=${alpha} vs tf built-in`, compare(ours, builtin, zs, 1e-7, 1e-6)]);
      results.push([`alpha=${alpha} vs float64`, compare(ours, ref(zs, (z) => def.reference.value(z, alpha)), zs, TOL.abs, TOL.rel)]);
    }
    return verdict('forward', results);
  },

  async gradient(def) {
    const zs = samplePoints();
    const results: Array<[string, Compare]> = [];
    for (const alpha of alphasOf(def)) {
      const got = await gradient((x) => opFor(def.name)(x, alpha), zs);
      results.push([`alpha=${alpha}`, compare(got, weighted(zs, (z) => def.reference.derivative(z, alpha)), zs, TOL.abs, TOL.rel)]);
    }
    return verdict('dy * g\'(z) vs float64 reference', results);
  },

  async autodiff(def) {
    const zs = samplePoints();
    const results: Array<[string, Compare]> = [];
    for (const alpha of alphasOf(def)) {
      const ours = await gradient((x) => opFor(def.name)(x, alpha), zs);
      const theirs = await gradient((x) => def.builtin(x, alpha), zs);
      results.push([`alpha=${alpha}`, compare(ours, theirs, zs, TOL.abs, TOL.rel)]);
    }
    return verdict('gradient vs tf autodiff of the built-in', results);
  },

  fused: (def) => fused(def),

  async derivative(def) {
    const zs = samplePoints();
    const results: Array<[string, Compare]> = [];
    for (const alpha of alphasOf(def)) {
      const fromOutput = def.saves(alpha) === 'output';
      const [d, fromOut] = await read(() => {
        const z = tf.tensor1d(zs);
        const d = derivativeFor(def.name)(z, alpha);
        return fromOutput ? [d, derivativeFromOutputFor(def.name)(opFor(def.name)(z, alpha), alpha)] : [d];
      });
      const want = ref(zs, (z) => def.reference.derivative(z, alpha));
      results.push([`${def.name}Derivative alpha=${alpha}`, compare(d, want, zs, TOL.abs, TOL.rel)]);
      if (fromOut != null) results.push([`${def.name}DerivativeFromOutput alpha=${alpha}`, compare(fromOut, want, zs, TOL.abs, TOL.rel)]);
    }
    return verdict('g\'(z) without dy (the no-dy kernel)', results);
  },

  async secondOrder(def) {
    const zs = samplePoints().filter((z) => Math.abs(z) <= 6);
    const results: Array<[string, Compare]> = [];
    for (const alpha of alphasOf(def)) {
      const op = (x: Tensor): Tensor => opFor(def.name)(x, alpha);
      const [g2, mixed] = await read(() => {
        const x = tf.tensor1d(zs);
        // x g(x): d2/dx2 = 2 g'(x) + x g''(x); tf's built-in sigmoid and tanh drop the second term.
        return [tf.grad(tf.grad(op))(x), tf.grad(tf.grad((v: Tensor) => tf.mul(v, op(v))))(x)];
      });
      const r = def.reference;
      results.push([`g'' alpha=${alpha}`, compare(g2, ref(zs, (z) => r.secondDerivative(z, alpha)), zs, TOL2.abs, TOL2.rel)]);
      // At a kink x g(x) has no second derivative (2 g' jumps): skip those points.
      const kinks = kinksOf(def, alpha);
      const atKink = zs.map((z) => kinks.some((k) => Math.abs(z - k) < 1e-6));
      const want = zs.map((z, i) => (atKink[i] ? mixed[i] : 2 * r.derivative(z, alpha) + z * r.secondDerivative(z, alpha)));
      results.push([`(x g)'' alpha=${alpha}`, compare(mixed, want, zs, TOL2.abs, TOL2.rel)]);
    }
    return verdict('second order vs float64 reference', results);
  },

  async conventions(def) {
    const zs = [0, NaN, Infinity, -Infinity];
    const results: Array<[string, Compare]> = [];
    for (const alpha of alphasOf(def)) {
      const [v, g, d] = await read(() => {
        const x = tf.tensor1d(zs);
        const op = (t: Tensor): Tensor => opFor(def.name)(t, alpha);
        return [op(x), tf.grad(op)(x), derivativeFor(def.name)(x, alpha)];
      });
      const r = def.reference;
      results.push([`g at 0, NaN, +-inf alpha=${alpha}`, compare(v, ref(zs, (z) => r.value(z, alpha)), zs, TOL.abs, TOL.rel)]);
      results.push([`tf.grad at 0, NaN, +-inf alpha=${alpha}`, compare(g, ref(zs, (z) => r.derivative(z, alpha)), zs, TOL.abs, TOL.rel)]);
      results.push([`derivative at 0, NaN, +-inf alpha=${alpha}`, compare(d, ref(zs, (z) => r.derivative(z, alpha)), zs, TOL.abs, TOL.rel)]);
    }
    return verdict("g'(0), NaN in NaN out, limits at infinity", results);
  },

  async shapes(def) {
    const shapes: number[][] = [[], [0], [1], [7], [3, 5], [2, 3, 5], [2, 3, 5, 7], [2, 1, 3, 1, 2], [4096]];
    const results: Array<[string, Compare]> = [];
    const alpha = alphasOf(def)[0];
    for (const shape of shapes) {
      const n = shape.reduce((a, b) => a * b, 1);
      const zs = Array.from({ length: n }, (_, i) => -6 + (12 * ((i * 37) % (n + 1))) / (n + 1));
      const [got] = await read(() => {
        const x = tf.tensor(zs, shape);
        const g = tf.grad((v: Tensor) => tf.mul(opFor(def.name)(v, alpha), tf.tensor(weights(n), shape)))(x);
        if (g.shape.join(',') !== shape.join(',')) throw new Error(`gradient shape [${g.shape}] for input [${shape}]`);
        return [g];
      });
      results.push([`shape [${shape}]`, compare(got, weighted(zs, (z) => def.reference.derivative(z, alpha)), zs, TOL.abs, TOL.rel)]);
    }
    return verdict('gradients for scalars, empty and rank 1 to 5', results);
  },

  async leaks(def) {
    const alpha = alphasOf(def)[0];
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(samplePoints());
    const op = (t: Tensor): Tensor => opFor(def.name)(t, alpha);
    const outs = [op(x), tf.grad(op)(x), tf.grad(tf.grad(op))(x), derivativeFor(def.name)(x, alpha), opFor(def.name)([1, 2, 3], alpha)];
    tf.dispose([x, ...outs]);
    const after = tf.memory().numTensors;
    return { ok: after === before, detail: `numTensors before ${before}, after forward, grad, grad of grad, derivative: ${after}` };
  },

  async alphaNoRecompile(def, probe) {
    const zs = samplePoints();
    const alphas = def.hasAlpha ? [0.1, 0.3, 0.7, 2, -0.25] : [def.defaultAlpha, def.defaultAlpha];
    const run = async (alpha: number): Promise<Compare> =>
      compare(await gradient((x) => opFor(def.name)(x, alpha), zs), weighted(zs, (z) => def.reference.derivative(z, alpha)), zs, TOL.abs, TOL.rel);
    // Warm up with both signs of alpha (they save different tensors, so forward differs).
    const results: Array<[string, Compare]> = [[`alpha=${alphas[0]}`, await run(alphas[0])]];
    if (def.hasAlpha) results.push([`alpha=-1`, await run(-1)]);
    const compiled = probe.programCount();
    for (const alpha of alphas.slice(1)) results.push([`alpha=${alpha}`, await run(alpha)]);
    const after = probe.programCount();
    const v = verdict('results for each alpha', results);
    return {
      ok: v.ok && after === compiled,
      detail: `${v.detail}; compiled programs ${compiled} after warm-up, ${after} after ${alphas.length - 1} more alphas`,
    };
  },

  async layouts(def, probe) {
    if (probe.layout == null) return { ok: true, detail: 'no texture layouts on this backend (webgl only)' };
    const layout = probe.layout;
    const shape = [15, 21]; // odd sizes: partial texels at both edges; > tf's cpu hand-off size
    const n = shape[0] * shape[1];
    const zs = Array.from({ length: n }, (_, i) => -6 + (12 * i) / n);
    const alpha = alphasOf(def)[0];
    const want = weighted(zs, (z) => def.reference.derivativeFromSaved(def.saves(alpha) === 'output' ? def.reference.value(z, alpha) : z, alpha));
    const results: Array<[string, Compare]> = [];
    const notes: string[] = [];
    let ok = true;
    const make = (vals: number[], packed: boolean): Tensor => {
      // A GPU-resident tensor in the wanted layout: the output of tf's add with packing on/off.
      const flag = 'WEBGL_PACK_BINARY_OPERATIONS';
      const saved = tf.env().getBool(flag);
      tf.env().set(flag, packed);
      try {
        return tf.tidy(() => tf.add(tf.tensor(vals, shape), tf.scalar(0)));
      } finally {
        tf.env().set(flag, saved);
      }
    };
    const sVals = zs.map((z) => (def.saves(alpha) === 'output' ? def.reference.value(z, alpha) : z));
    for (const [dyPacked, sPacked, expected] of [
      [true, true, 0],
      [false, false, 0],
      [true, false, 1],
    ] as Array<[boolean, boolean, number]>) {
      const dy = make(weights(n), dyPacked);
      const s = make(sVals, sPacked);
      if (layout.isPacked(dy) !== dyPacked || layout.isPacked(s) !== sPacked) {
        ok = false;
        notes.push(`could not set up layouts dy=${dyPacked} s=${sPacked}`);
      }
      let out: Tensor | undefined;
      const conversions = layout.conversions(() => {
        out = tf.engine().runKernel(kernelName(def, 'backward'), { dy, s }, { alpha }) as Tensor;
      });
      const label = `dy ${dyPacked ? 'packed' : 'unpacked'}, s ${sPacked ? 'packed' : 'unpacked'}`;
      results.push([label, compare((await (out as Tensor).data()) as Float32Array, want, zs, TOL.abs, TOL.rel)]);
      notes.push(`${label}: ${conversions} conversions`);
      if (conversions > expected) ok = false;
      tf.dispose([dy, s, out as Tensor]);
    }
    const v = verdict('backward kernel on packed, unpacked and mixed inputs', results);
    return { ok: ok && v.ok, detail: `${v.detail}; ${notes.join('; ')}` };
  },
};

/** tf.profile over a gradient: our backward kernel ran once, and none of the composite path's kernels did. */
async function fused(def: ActivationDefinition): Promise<CheckResult> {
  const alpha = alphasOf(def)[0];
  const x = tf.tensor1d(samplePoints());
  const dy = tf.onesLike(x);
  // The kernels the composite backward would run, found by running it, not from a list, less
  // those tf.grad runs around any op (the Identity of dy; tf.where runs one too).
  const compositeRun = await tf.profile(() => tf.mul(dy, def.compositeDerivative(x, alpha)));
  const anyGrad = await tf.profile(() => tf.grad((v: Tensor) => tf.neg(v))(x, dy));
  const overhead = new Set(anyGrad.kernels.map((k) => k.name).filter((n) => n !== 'Neg'));
  const COMPOSITE_KERNELS = [...new Set(compositeRun.kernels.map((k) => k.name))].filter((n) => !overhead.has(n));
  const info = await tf.profile(() => tf.grad((v: Tensor) => opFor(def.name)(v, alpha))(x, dy));
  tf.dispose([x, dy, info.result as Tensor, compositeRun.result as Tensor, anyGrad.result as Tensor]);
  const names = info.kernels.map((k) => k.name);
  const ours = names.filter((n) => n === kernelName(def, 'backward')).length;
  const composite = names.filter((n) => COMPOSITE_KERNELS.includes(n));
  return {
    ok: ours === 1 && composite.length === 0,
    detail: `kernels run by tf.grad: ${names.join(', ')} (want ${kernelName(def, 'backward')} once and none of ${COMPOSITE_KERNELS.join(', ')})`,
  };
}

/** Runs one check for one activation on the active backend. Never throws: errors fail the check. */
export async function runCheck(check: CheckName, name: ActivationName, probe: BackendProbe): Promise<CheckResult> {
  const def = activations[name];
  try {
    return await checks[check](def, probe);
  } catch (e) {
    return { ok: false, detail: `threw: ${e instanceof Error ? e.stack ?? e.message : String(e)}` };
  }
}
