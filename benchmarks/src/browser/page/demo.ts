/*
 * The demo page (demo/index.html, bundled by ./runner.ts): each activation and its derivative
 * plotted over z in [-6, 6], computed by our ops on the page's backend (the derivative by tf.grad
 * of our op, drawn over the float64 reference: a visual gradient check), with an alpha selector;
 * and the benchmark harness run in the page on cpu, wasm, webgl and webgpu, with a speedup chart.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Tensor } from '@tensorflow/tfjs-core';
import * as vega from 'vega';
// vega-lite is ESM with an exports map that this tsconfig's node10 resolution cannot read; the
// build path gives the types, and the bundler aliases it to the package (see ./runner.ts).
import { compile } from 'vega-lite/build/index';
import type { TopLevelSpec } from 'vega-lite/build/index';
import { activationNames, activations } from 'tfjs-activations';
import type { ActivationName } from 'tfjs-activations';
import { speedupSpec } from '../../bench/charts';
import { pairRows } from '../../bench/format';
import { benchBackend } from '../../bench/harness';
import type { BenchOptions, BenchResult } from '../../bench/types';
import { opFor } from 'tfjs-activations';
import { WASM_PATH } from '../paths';

setWasmPaths(WASM_PATH);

export const demoBackends = ['cpu', 'wasm', 'webgl', 'webgpu'] as const;
const Z_MIN = -6;
const Z_MAX = 6;
const POINTS = 241;

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el == null) throw new Error(`demo page: no element #${id}`);
  return el;
}

async function draw(container: HTMLElement, spec: TopLevelSpec): Promise<void> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'svg', container, hover: true });
  await view.runAsync();
}

async function setBackend(name: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

interface CurvePoint {
  z: number;
  value: number;
  series: string;
}

/** g(z) and tf.grad of our op at POINTS z values, read back asynchronously (webgpu needs it). */
async function curves(name: ActivationName, alpha: number): Promise<CurvePoint[]> {
  const zs = Array.from({ length: POINTS }, (_, i) => Z_MIN + ((Z_MAX - Z_MIN) * i) / (POINTS - 1));
  const [g, dg] = tf.tidy(() => {
    const z = tf.tensor1d(zs);
    const op = (x: Tensor): Tensor => opFor(name)(x, alpha);
    return [op(z), tf.grad(op)(z)];
  });
  const [gv, dgv] = await Promise.all([g.data(), dg.data()]);
  tf.dispose([g, dg]);
  const ref = activations[name].reference;
  const points: CurvePoint[] = [];
  zs.forEach((z, i) => {
    points.push({ z, value: gv[i], series: 'g(z)' });
    points.push({ z, value: dgv[i], series: "g'(z): tf.grad of our op" });
    points.push({ z, value: ref.derivative(z, alpha), series: "g'(z): float64 reference" });
  });
  return points;
}

function curveSpec(title: string, values: CurvePoint[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 260,
    height: 180,
    data: { values },
    mark: { type: 'line', clip: true },
    encoding: {
      x: { field: 'z', type: 'quantitative', title: 'z' },
      y: { field: 'value', type: 'quantitative', title: null, scale: { domain: [-1.5, 2] } },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', direction: 'vertical' } },
      strokeDash: {
        field: 'series',
        type: 'nominal',
        legend: null,
        scale: { domain: ['g(z)', "g'(z): tf.grad of our op", "g'(z): float64 reference"], range: [[1, 0], [1, 0], [4, 3]] },
      },
    },
  };
}

/** Redraws the plots (one per activation) on `backend` with `alpha` (leaky ReLU's; the others have none). */
async function plot(backend: string, alpha: number): Promise<{ backend: string; maxGradError: number }> {
  if (!(await setBackend(backend))) throw new Error(`backend ${backend} is not available in this browser`);
  const container = $('plots');
  container.replaceChildren();
  let maxGradError = 0;
  for (const name of activationNames) {
    const def = activations[name];
    const a = def.hasAlpha ? alpha : def.defaultAlpha;
    const values = await curves(name, a);
    // The visual check, in numbers: tf.grad of our op against the float64 derivative.
    for (let i = 0; i < values.length; i += 3) maxGradError = Math.max(maxGradError, Math.abs(values[i + 1].value - values[i + 2].value));
    const cell = document.createElement('div');
    cell.className = 'plot';
    container.appendChild(cell);
    await draw(cell, curveSpec(def.hasAlpha ? `${def.title} (alpha = ${a})` : def.title, values));
  }
  $('plot-status').textContent = `computed on ${backend}; max |tf.grad - float64 g'| = ${maxGradError.toExponential(2)}`;
  return { backend, maxGradError };
}

export interface DemoBenchRun {
  results: BenchResult[];
  skipped: Array<{ backend: string; reason: string }>;
}

/** The harness of src/bench on each backend in turn, then the speedup chart. */
async function runBench(options: Partial<BenchOptions> = {}, backends: readonly string[] = demoBackends): Promise<DemoBenchRun> {
  const plotBackend = tf.getBackend();
  const status = $('bench-status');
  const results: BenchResult[] = [];
  const skipped: DemoBenchRun['skipped'] = [];
  for (const backend of backends) {
    status.textContent = `benchmarking ${backend}...`;
    if (!(await setBackend(backend))) {
      skipped.push({ backend, reason: 'not available in this browser' });
      continue;
    }
    try {
      results.push(
        ...(await benchBackend(backend, options, (p) => {
          status.textContent = `benchmarking ${p.label} (${p.done}/${p.total})`;
        })),
      );
    } catch (e) {
      skipped.push({ backend, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  await setBackend(plotBackend);
  const chart = $('bench-chart');
  chart.replaceChildren();
  if (results.length > 0) await draw(chart, speedupSpec(results));
  const rows = pairRows(results);
  status.textContent =
    `done: ${rows.length} cases on ${[...new Set(results.map((r) => r.backend))].join(', ')}` +
    (skipped.length > 0 ? `; skipped ${skipped.map((s) => `${s.backend} (${s.reason})`).join(', ')}` : '');
  return { results, skipped };
}

function numberList(s: string): number[] {
  return s.split(',').map((x) => Number(x.trim())).filter((x) => Number.isFinite(x) && x > 0);
}

async function main(): Promise<void> {
  const backendSelect = $('backend') as HTMLSelectElement;
  const alphaSelect = $('alpha') as HTMLSelectElement;
  const params = new URLSearchParams(location.search);
  const available: string[] = [];
  for (const b of demoBackends) if (tf.findBackendFactory(b) != null) available.push(b);
  backendSelect.replaceChildren(...available.map((b) => new Option(b, b)));
  const wanted = params.get('backend') ?? 'webgl';
  backendSelect.value = available.includes(wanted) ? wanted : 'cpu';
  const replot = async (): Promise<void> => {
    try {
      await plot(backendSelect.value, Number(alphaSelect.value));
    } catch (e) {
      $('plot-status').textContent = `error: ${e instanceof Error ? e.message : String(e)}`;
      throw e;
    }
  };
  backendSelect.onchange = () => void replot();
  alphaSelect.onchange = () => void replot();
  ($('run-bench') as HTMLButtonElement).onclick = () =>
    void runBench({
      sizes: numberList(($('bench-sizes') as HTMLInputElement).value),
      budgetMs: Number(($('bench-budget') as HTMLInputElement).value),
      passes: ['backward', 'forward+backward'],
    });
  await replot();
  const api = { plot, runBench, ready: true };
  (window as unknown as { demo: typeof api }).demo = api;
  document.title = 'tfjs-activations demo (ready)';
}

void main();
