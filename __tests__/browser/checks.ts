import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { activations, opFor } from 'tfjs-activations';
import type { ActivationDefinition, ActivationName } from 'tfjs-activations';
import { kernelName } from 'tfjs-activations/kernels';
import { checkActivation, formatActivationReport, alphasToCheck, tolerancesFor } from 'tfjs-activations/gradcheck';

/*
 * The in-page checks: checkActivation (src/gradcheck, the one checker, with the backend's
 * tolerances and alphas from src/gradcheck/settings.ts) plus what only a GPU backend has: our
 * backward kernel runs once (no composite ops), no recompiles across alphas, texture layouts.
 * The browser tests run each one in Chromium and report it as a jest test.
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

export const checkNames = ['activation', 'fused', 'alphaNoRecompile', 'layouts'] as const;
export type CheckName = (typeof checkNames)[number];

/** The alphas the checks try, numbers only (the op's own default where it takes none). */
function alphasOf(def: ActivationDefinition): number[] {
  return alphasToCheck(def).map((a) => a ?? def.defaultAlpha);
}

/**
 * Why a check does not apply to this activation on this backend (a visible skip in the tests,
 * never a pass), or null where it does.
 */
export function notApplicable(check: CheckName, name: ActivationName, backend: string): string | null {
  if (check === 'layouts' && backend !== 'webgl') return 'texture layouts are webgl only';
  if (check === 'alphaNoRecompile' && !activations[name].hasAlpha) return `${name} takes no alpha`;
  return null;
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

/** The backend's backward tolerance (absolute), from the checker's one table. */
const backwardAbs = (): number => tolerancesFor(tf.getBackend()).backwardAbs;

const checks: Record<CheckName, (def: ActivationDefinition, probe: BackendProbe) => Promise<CheckResult>> = {
  async activation(def) {
    // A smaller sweep than checkActivation's default: SwiftShader runs every kernel in software.
    const reports = [];
    for (const alpha of alphasToCheck(def)) reports.push(await checkActivation(def.name, { alpha, points: 401, fdPoints: 32 }));
    const failed = reports.filter((r) => !r.ok);
    return {
      ok: failed.length === 0,
      detail:
        failed.length > 0
          ? failed.map(formatActivationReport).join('\n')
          : `checkActivation: ${reports.map((r) => `alpha ${r.alpha}: ${r.checks.length} checks passed`).join('; ')}`,
    };
  },

  fused: (def) => fused(def),

  async alphaNoRecompile(def, probe) {
    const zs = samplePoints();
    if (!def.hasAlpha) return { ok: false, detail: `not applicable: ${def.name} takes no alpha` };
    const alphas = [0.1, 0.3, 0.7, 2, -0.25];
    // Right values for each alpha too: an alpha uniform left stale would recompile nothing either.
    const run = async (alpha: number): Promise<Compare> =>
      compare(await gradient((x) => opFor(def.name)(x, alpha), zs), weighted(zs, (z) => def.reference.derivative(z, alpha)), zs, backwardAbs(), 0);
    // Warm up with both signs of alpha (they save different tensors, so forward differs).
    const results: Array<[string, Compare]> = [[`alpha=${alphas[0]}`, await run(alphas[0])], ['alpha=-1', await run(-1)]];
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
    if (probe.layout == null) return { ok: false, detail: 'not applicable: texture layouts are webgl only' };
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
      results.push([label, compare((await (out as Tensor).data()) as Float32Array, want, zs, backwardAbs(), 0)]);
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
