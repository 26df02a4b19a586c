import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import '../helpers/backends';
import { benchOptionsFromFlags, writeOutputs } from '../../benchmarks/src/commands/bench';
import { speedupSpec, timeVsSizeSpec } from '../../benchmarks/src/bench/charts';
import { runBenchmarks } from '../../benchmarks/src/bench/node';
import type { BackendRunner } from '../../benchmarks/src/bench/node';
import type { BenchReport, BenchResult } from '../../benchmarks/src/bench/types';

const tiny = { warmup: 1, budgetMs: 0, minSamples: 2, maxSamples: 2, minSampleMs: 0 };
const resultKeys = ['backend', 'activation', 'pass', 'size', 'impl', 'medianMs', 'p10Ms', 'p90Ms', 'samples', 'peakBytes', 'bandwidthFraction'];

describe('bench orchestration and outputs', () => {
  let report: BenchReport;
  let runnerCalls: { backend: string; bandwidthGBs: number; sizes: number[] }[];

  beforeAll(async () => {
    runnerCalls = [];
    // Stands in for the browser runner: returns a fixed pair of results.
    const fakeRunner: BackendRunner = async (backend, options) => {
      runnerCalls.push({ backend, bandwidthGBs: options.bandwidthGBs, sizes: options.sizes });
      const r = { backend, activation: 'tanh', pass: 'forward', size: 16, medianMs: 1, p10Ms: 1, p90Ms: 1, samples: 2, batch: 1, spread: 0, peakBytes: 64, newTensors: 1, leakedTensors: 0, bandwidthFraction: 0.1 } as const;
      return [{ ...r, impl: 'custom' }, { ...r, impl: 'builtin', medianMs: 2, p10Ms: 2, p90Ms: 2 }];
    };
    report = await runBenchmarks({
      backends: ['cpu', 'webgl', 'webgpu'],
      runners: { webgpu: fakeRunner },
      overrides: { webgpu: { sizes: [32, 64] } },
      activations: ['tanh'],
      sizes: [16],
      ...tiny,
    });
  });

  test('the JSON has the stable shape: machine, bandwidthGBs, results[] with the documented fields', () => {
    const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['machine', 'bandwidthGBs', 'results']));
    expect(typeof (json.machine as Record<string, unknown>).cpu).toBe('string');
    expect(json.bandwidthGBs).toBeGreaterThan(0);
    const results = json.results as Record<string, unknown>[];
    const cpu = results.filter((r) => r.backend === 'cpu');
    expect(cpu).toHaveLength(4 * 2); // four passes, two sides
    for (const r of results) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(resultKeys));
      expect(['custom', 'builtin']).toContain(r.impl);
      for (const k of ['size', 'medianMs', 'p10Ms', 'p90Ms', 'samples', 'peakBytes']) expect(typeof r[k]).toBe('number');
      expect(r.bandwidthFraction === null || typeof r.bandwidthFraction === 'number').toBe(true);
      expect(r.p10Ms as number).toBeLessThanOrEqual(r.medianMs as number);
      expect(r.medianMs as number).toBeLessThanOrEqual(r.p90Ms as number);
    }
    expect(cpu.filter((r) => r.pass === 'train').every((r) => r.bandwidthFraction === null)).toBe(true);
    expect(cpu.filter((r) => r.pass !== 'train').every((r) => typeof r.bandwidthFraction === 'number')).toBe(true);
    expect((cpu as unknown as BenchResult[]).every((r) => r.leakedTensors === 0)).toBe(true);
  });

  test('a runner serves a browser backend with this run\'s bandwidth and its overrides; a backend with none is skipped with the reason', () => {
    expect(runnerCalls).toEqual([{ backend: 'webgpu', bandwidthGBs: report.bandwidthGBs, sizes: [32, 64] }]);
    expect(report.results.filter((r) => r.backend === 'webgpu')).toHaveLength(2);
    expect(report.skipped).toEqual([{ backend: 'webgl', reason: expect.stringMatching(/browser/) }]);
  });

  test('--json and --markdown write the report', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
    const json = path.join(dir, 'sub', 'b.json');
    const md = path.join(dir, 'b.md');
    await writeOutputs(report, { json, markdown: md });
    expect(JSON.parse(fs.readFileSync(json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    const text = fs.readFileSync(md, 'utf8');
    expect(text).toContain('### cpu');
    expect(text).toContain('| tanh | forward+backward |');
    fs.rmSync(dir, { recursive: true });
  });

  test('the chart specs compile and render to SVG with vega-lite and vega', () => {
    // vega is ESM with top-level await, which jest's CommonJS runtime cannot import: render in a
    // child node process, as the report command does.
    const specs = [speedupSpec(report.results), timeVsSizeSpec(report.results, 'cpu')];
    const script = `
      const specs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
      Promise.all([import('vega-lite'), import('vega')]).then(async ([vl, vega]) => {
        for (const spec of specs) {
          const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
          const svg = await view.toSVG();
          console.log(svg.startsWith('<svg') ? (svg.match(/<path/g) || []).length : 'not svg');
        }
      });`;
    const out = execFileSync(process.execPath, ['-e', script], { input: JSON.stringify(specs), cwd: path.resolve(__dirname, '../..') })
      .toString()
      .trim()
      .split('\n');
    expect(out).toHaveLength(2);
    for (const paths of out) expect(Number(paths)).toBeGreaterThan(10);
  });

  test('flags are parsed and checked', () => {
    expect(benchOptionsFromFlags({ backends: 'cpu,wasm', activations: 'relu,tanh', passes: 'forward,train', sizes: '1e2,1e7', alpha: '0.2', quick: true })).toMatchObject({
      backends: ['cpu', 'wasm'], activations: ['relu', 'tanh'], passes: ['forward', 'train'], sizes: [100, 1e7], alpha: 0.2, budgetMs: 150,
    });
    expect(() => benchOptionsFromFlags({ backends: 'cpu', activations: 'notAnActivation' })).toThrow(/unknown activation 'notAnActivation'/);
    expect(() => benchOptionsFromFlags({ backends: 'cpu', passes: 'sideways' })).toThrow(/unknown pass 'sideways'/);
    expect(() => benchOptionsFromFlags({ backends: 'cpu', alpha: 'x' })).toThrow(/finite number/);
    expect(() => benchOptionsFromFlags({ backends: 'tpu' })).toThrow(/unknown backend 'tpu'/);
    expect(benchOptionsFromFlags({ backends: 'cpu', minSamples: '15' })).toMatchObject({ minSamples: 15, minSlowSamples: 15, maxSamples: 300 });
    expect(benchOptionsFromFlags({ backends: 'cpu', minSamples: '500' })).toMatchObject({ minSamples: 500, maxSamples: 500 });
    for (const bad of ['0', '2.5', 'x']) expect(() => benchOptionsFromFlags({ backends: 'cpu', minSamples: bad })).toThrow(/--min-samples/);
  });
});
