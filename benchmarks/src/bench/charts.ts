import type { TopLevelSpec } from 'vega-lite/build/index';
import { pairRows } from './format';
import { formatSize } from './harness';
import type { BenchResult } from './types';

/*
 * Charts as Vega-Lite specs (data in, spec out: pure), rendered to SVG by vega itself in Node
 * (renderSvg). No hand-drawn graphics.
 */

const schema = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The distinct values of a field in the order they first appear. */
function inOrder(values: readonly { activation: string; pass: string }[], field: 'activation' | 'pass'): string[] {
  return [...new Set(values.map((v) => v[field]))];
}
const implLabel = { custom: 'ours', builtin: 'tf built-in' } as const;

/** One panel per pass (rows) and activation (columns), in the sweep's order, not alphabetical. */
function sweepFacet(values: readonly { pass: string; activation: string }[]) {
  return {
    row: { field: 'pass', type: 'nominal' as const, title: null, sort: inOrder(values, 'pass') },
    column: { field: 'activation', type: 'nominal' as const, title: null, sort: inOrder(values, 'activation') },
  };
}
const PANEL = { width: 150, height: 110 };
/** Vega expression for formatSize (harness.ts): 1e2, 1e4, 1e6 for powers of ten from 100, else the number. */
const e10 = 'log(datum.value) / LN10';
const sizeLabelExpr = `datum.value >= 100 && abs(${e10} - round(${e10})) < 1e-9 ? '1e' + round(${e10}) : '' + datum.value`;

/** Median time vs size, ours and tf's, one panel per activation (columns) and pass (rows). */
export function timeVsSizeSpec(results: readonly BenchResult[], backend: string): TopLevelSpec {
  const values = results
    .filter((r) => r.backend === backend)
    .map((r) => ({ activation: r.activation, pass: r.pass, size: r.size, impl: implLabel[r.impl], medianMs: r.medianMs, p10Ms: r.p10Ms, p90Ms: r.p90Ms }));
  const sizes = [...new Set(values.map((v) => v.size))].sort((a, b) => a - b);
  return {
    $schema: schema,
    title: `${backend}: median time per run vs size (bars: p10-p90)`,
    data: { values },
    facet: sweepFacet(values),
    spec: {
      ...PANEL,
      encoding: {
        // Ticks at the sizes measured, labelled as the CLI spells them (1e2, 1e4, 1e6).
        x: { field: 'size', type: 'quantitative', scale: { type: 'log' }, axis: { values: sizes, labelExpr: sizeLabelExpr }, title: 'elements' },
        color: { field: 'impl', type: 'nominal', title: null },
      },
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: { y: { field: 'medianMs', type: 'quantitative', scale: { type: 'log' }, title: 'ms' } },
        },
        { mark: 'rule', encoding: { y: { field: 'p10Ms', type: 'quantitative' }, y2: { field: 'p90Ms' } } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Speedup bars (log scale, from 1: up = ours faster), per activation and pass, sizes x backends. */
export function speedupSpec(results: readonly BenchResult[]): TopLevelSpec {
  const values = pairRows(results).map((p) => ({
    backend: p.backend,
    activation: p.activation,
    pass: p.pass,
    size: p.size,
    sizeLabel: formatSize(p.size),
    speedup: p.speedup,
    noisy: p.noisy ? 'yes' : 'no',
  }));
  return {
    $schema: schema,
    title: 'speedup = tf built-in / ours (above 1: ours faster)',
    data: { values },
    facet: sweepFacet(values),
    spec: {
      ...PANEL,
      layer: [
        {
          mark: 'bar',
          encoding: {
            x: { field: 'sizeLabel', type: 'ordinal', sort: { field: 'size', op: 'min' }, title: 'elements' },
            xOffset: { field: 'backend', type: 'nominal' },
            y: { field: 'speedup', type: 'quantitative', scale: { type: 'log' }, title: 'speedup' },
            y2: { datum: 1 },
            color: { field: 'backend', type: 'nominal' },
            tooltip: [{ field: 'backend' }, { field: 'sizeLabel' }, { field: 'speedup', format: '.2f' }, { field: 'noisy' }],
          },
        },
        { mark: { type: 'rule', color: 'black' }, encoding: { y: { datum: 1 } } },
      ],
    },
  };
}

// TypeScript compiles import() to require() under CommonJS; vega and vega-lite are ESM-only with
// top-level await, so they need a real dynamic import.
const dynamicImport = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

/** Compiles a Vega-Lite spec and renders it to an SVG string with vega's headless renderer. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vl = await dynamicImport<typeof import('vega-lite/build/index')>('vega-lite');
  const vega = await dynamicImport<typeof import('vega')>('vega');
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
