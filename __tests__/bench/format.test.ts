import { benchMarkdown, detailTable, formatSpeedup, pairRows, speedupTables, summaryText, toHtml, toMarkdown, toText } from '../../benchmarks/src/bench/format';
import { formatSize, parseSizes } from '../../benchmarks/src/bench/harness';
import type { BenchReport, BenchResult } from '../../benchmarks/src/bench/types';

function result(over: Partial<BenchResult>): BenchResult {
  return {
    backend: 'cpu', activation: 'sigmoid', pass: 'forward', size: 100, impl: 'custom', medianMs: 1, p10Ms: 0.99, p90Ms: 1.01,
    samples: 10, batch: 1, spread: 0.02, peakBytes: 400, newTensors: 1, leakedTensors: 0, bandwidthFraction: 0.5, ...over,
  };
}

const results: BenchResult[] = [
  result({ impl: 'custom', medianMs: 1 }),
  result({ impl: 'builtin', medianMs: 3 }),
  result({ size: 10000, impl: 'custom', medianMs: 4, spread: 0.5 }),
  result({ size: 10000, impl: 'builtin', medianMs: 2 }),
  result({ backend: 'wasm', pass: 'backward', impl: 'custom', medianMs: 1 }),
  result({ backend: 'wasm', pass: 'backward', impl: 'builtin', medianMs: 8 }),
  result({ backend: 'wasm', pass: 'train', impl: 'custom', bandwidthFraction: null }), // no builtin side: no pair
];

describe('bench formatting', () => {
  test('pairs ours with tf and computes the speedup and noise flag', () => {
    const pairs = pairRows(results);
    expect(pairs.map((p) => [p.backend, p.size, p.speedup, p.noisy])).toEqual([
      ['cpu', 100, 3, false],
      ['cpu', 10000, 0.5, true],
      ['wasm', 100, 8, false],
    ]);
    expect(formatSpeedup(pairs[1])).toBe('0.50x*');
  });

  test('a slower case never rounds up to 1.00x', () => {
    expect(formatSpeedup({ speedup: 0.996, noisy: false })).toBe('0.996x');
    expect(formatSpeedup({ speedup: 0.994, noisy: true })).toBe('0.99x*');
    expect(formatSpeedup({ speedup: 1.004, noisy: false })).toBe('1.00x');
  });

  test('speedup tables: one per backend, a column per size', () => {
    const tables = speedupTables(results);
    expect(tables.map((t) => t.backend)).toEqual(['cpu', 'wasm']);
    // 0.50x is marked as slower than tf's; wasm has no 1e4 column, so nothing is empty there.
    expect(tables[0].table).toEqual({ header: ['activation', 'pass', '1e2', '1e4'], rows: [['sigmoid', 'forward', '3.00x', '0.50x*']], classes: [['', '', '', 'slower']] });
    expect(tables[1].table.rows).toEqual([['sigmoid', 'backward', '8.00x']]);
    expect(toHtml(tables[0].table)).toContain('<td class="slower">0.50x*</td>');
  });

  test('a case a run did not measure says so, in every rendering', () => {
    const partial = results.filter((r) => !(r.backend === 'cpu' && r.size === 1e4)).concat(
      results.filter((r) => r.backend === 'cpu' && r.size === 1e4).map((r) => ({ ...r, pass: 'backward' as const })),
    );
    const [cpu] = speedupTables(partial);
    expect(cpu.table.rows).toEqual([['sigmoid', 'forward', '3.00x', 'not measured'], ['sigmoid', 'backward', 'not measured', '0.50x*']]);
    expect(cpu.table.classes).toEqual([['', '', '', 'empty'], ['', '', 'empty', 'slower']]);
  });

  test('markdown, text and html renderings of a table', () => {
    const t = { header: ['a', 'b', 'c'], rows: [['x|y', 'p', '1'], ['z', 'q', '22']] };
    expect(toMarkdown(t)).toBe('| a | b | c |\n|---|---|---:|\n| x\\|y | p | 1 |\n| z | q | 22 |');
    expect(toText(t).split('\n')).toEqual(['a    b   c', '---  -  --', 'x|y  p   1', 'z    q  22']);
    expect(toHtml({ header: ['<a>'], rows: [['&']] })).toBe('<table><thead><tr><th>&lt;a&gt;</th></tr></thead><tbody><tr><td>&amp;</td></tr></tbody></table>');
  });

  test('the markdown report has the facts, a table per backend and the details', () => {
    const report: BenchReport = {
      machine: { cpu: 'test cpu', cores: 2 }, bandwidthGBs: 12.345, date: '2026-01-01T00:00:00.000Z',
      options: { activations: ['sigmoid'], passes: ['forward'], sizes: [100], alpha: 0.01, warmup: 1, warmupMs: 0, budgetMs: 1, minSamples: 1, minSlowSamples: 1, maxSamples: 1, minSampleMs: 1, readbacksPerSample: 1 },
      results, skipped: [{ backend: 'webgl', reason: 'needs a browser' }], elapsedS: { cpu: 1.5, wasm: 2 },
    };
    const md = benchMarkdown(report);
    expect(md).toContain('- machine: cpu test cpu, cores 2');
    expect(md).toContain('12.3 GB/s');
    expect(md).toContain('- time per backend: cpu 1.5 s, wasm 2 s');
    expect(md).toContain('- webgl: not run (needs a browser)');
    expect(md).toContain('### cpu\n\n| activation | pass | 1e2 | 1e4 |\n|---|---|---:|---:|\n| sigmoid | forward | 3.00x | 0.50x* |');
    expect(md).toContain('### wasm');
    expect(md.split('\n').filter((l) => l.startsWith('| cpu |') || l.startsWith('| wasm |'))).toHaveLength(3);
    expect(detailTable(results).rows[0]).toContain('50%');
    expect(summaryText(report)).toContain('webgl: not run (needs a browser)');
  });

  test('sizes are written and read as 1eN', () => {
    expect([100, 10000, 1e6, 1e7, 5, 1234].map(formatSize)).toEqual(['1e2', '1e4', '1e6', '1e7', '5', '1234']);
    expect(parseSizes('1e2, 1e4,1000')).toEqual([100, 10000, 1000]);
    expect(() => parseSizes('1e2,0')).toThrow(/positive integer/);
    expect(() => parseSizes('abc')).toThrow(/positive integer/);
  });
});
