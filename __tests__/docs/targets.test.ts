import type { BenchPass, BenchResult, Impl } from '../../benchmarks/src/bench/types';
import { rowTargetsTable, targetsTable } from '../../scripts/docs-targets';

/* The targets tables name exactly the cells under their issue's targets (docs/benchmarks.md, docs/softmax.md). */

function result(backend: string, activation: string, pass: BenchPass, size: number, impl: Impl, medianMs: number, shape?: number[]): BenchResult {
  return {
    backend,
    activation: activation as BenchResult['activation'],
    pass,
    size,
    ...(shape != null ? { shape } : {}),
    impl,
    medianMs,
    p10Ms: medianMs,
    p90Ms: medianMs,
    samples: 10,
    batch: 1,
    spread: 0,
    peakBytes: 0,
    newTensors: 1,
    leakedTensors: 0,
    bandwidthFraction: null,
  };
}

/** A custom/builtin pair whose speedup (tf median / ours) is `speedup`. */
const pair = (backend: string, activation: string, pass: BenchPass, size: number, speedup: number, shape?: number[]): BenchResult[] => [
  result(backend, activation, pass, size, 'custom', 1, shape),
  result(backend, activation, pass, size, 'builtin', speedup, shape),
];

/** The row of a markdown table for a backend and pass. */
const rowOf = (table: string, backend: string, pass: string): string => {
  const line = table.split('\n').find((l) => l.startsWith(`| ${backend} | ${pass} |`));
  if (line == null) throw new Error(`no row ${backend} ${pass} in\n${table}`);
  return line;
};

describe('row-wise targets (issue 15)', () => {
  const shapes: Array<[number[], number]> = [[[100, 100], 1e4], [[1000, 1000], 1e6], [[64, 32000], 2.048e6]];

  test('cpu and wasm: a cell under 3x backward is named by its shape, the others are met', () => {
    const results = shapes.flatMap(([shape, size], i) => pair('wasm', 'softmax', 'backward', size, i === 2 ? 2.9 : 3.1, shape));
    expect(rowOf(rowTargetsTable(results), 'wasm', 'backward')).toContain('missed: softmax 64x32000 (2.90)');
    const met = shapes.flatMap(([shape, size]) => pair('wasm', 'softmax', 'backward', size, 3, shape));
    expect(rowOf(rowTargetsTable(met), 'wasm', 'backward')).toMatch(/\| yes \|$/);
  });

  test("softmaxCrossEntropy's forward+backward needs 3x where softmax's needs 2x", () => {
    const results = [
      ...pair('cpu', 'softmax', 'forward+backward', 1e6, 2.5, [1000, 1000]),
      ...pair('cpu', 'softmaxCrossEntropy', 'forward+backward', 1e6, 2.5, [1000, 1000]),
    ];
    const line = rowOf(rowTargetsTable(results), 'cpu', 'forward+backward');
    expect(line).toContain('missed: softmaxCrossEntropy 1000x1000 (2.50)');
    expect(line).not.toContain('missed: softmax 1000x1000');
  });

  test('the GPUs have a target only for backward at 1000x1000', () => {
    const results = shapes.flatMap(([shape, size]) => [
      ...pair('webgl', 'logSoftmax', 'backward', size, size === 1e6 ? 1.5 : 0.5, shape),
      ...pair('webgl', 'logSoftmax', 'forward', size, 0.5, shape),
    ]);
    const table = rowTargetsTable(results);
    expect(rowOf(table, 'webgl', 'backward')).toContain('missed: logSoftmax 1000x1000 (1.50)');
    expect(rowOf(table, 'webgl', 'backward')).not.toContain('100x100');
    expect(table).not.toContain('| webgl | forward |');
  });
});

describe('elementwise targets (issues 7 and 14)', () => {
  test('a miss just under its target is not shown rounded up to it', () => {
    const line = rowOf(targetsTable(pair('wasm', 'sigmoid', 'forward', 1e6, 0.996)), 'wasm', 'forward');
    expect(line).toContain('missed: sigmoid 1e6 (0.996)');
  });

  test('a miss is named by its size, and each issue has its own table', () => {
    const results = [...pair('wasm', 'relu', 'backward', 1e6, 1.4), ...pair('wasm', 'gelu', 'forward', 1e4, 2.9), ...pair('wasm', 'elu', 'forward', 1e4, 2.9)];
    const [classic, layers] = targetsTable(results).split("Issue 14's targets");
    expect(rowOf(classic, 'wasm', 'backward')).toContain('missed: relu 1e6 (1.40)');
    // gelu's forward target is 3x, elu's 1.5x.
    expect(rowOf(layers, 'wasm', 'forward')).toMatch(/\| missed: gelu 1e4 \(2\.90\) \|$/);
  });
});
