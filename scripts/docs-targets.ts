/*
 * The performance targets of the four classic activations (issue 7), and the table that checks a
 * benchmark's speedups against them, naming the cells that miss (docs/benchmarks.md, via ./docs.ts).
 */
import { pairRows } from '../benchmarks/src/bench/format';
import { formatSize } from '../benchmarks/src/bench/harness';
import type { BenchPass, BenchReport, BenchResult } from '../benchmarks/src/bench/types';

interface Target {
  backends: string[];
  pass: BenchPass;
  /** Minimum speedup for an activation at a size; null: no target there. */
  min(activation: string, size: number): number | null;
  text: string;
}

const GPU = ['webgl', 'webgpu'];
const targets: Target[] = [
  { backends: ['cpu'], pass: 'backward', min: (_, n) => (n >= 1e4 ? 5 : 1), text: '>= 5x at >= 1e4 (1e2: >= 1x)' },
  { backends: ['cpu'], pass: 'forward+backward', min: () => 2, text: '>= 2x' },
  { backends: ['cpu'], pass: 'forward', min: (a) => (a === 'tanh' ? 1.5 : 1), text: '>= 1x; tanh >= 1.5x' },
  { backends: ['cpu'], pass: 'train', min: () => 1.3, text: '>= 1.3x' },
  { backends: ['wasm'], pass: 'backward', min: () => 1.5, text: '>= 1.5x, every size' },
  { backends: ['wasm'], pass: 'forward+backward', min: () => 1.2, text: '>= 1.2x' },
  { backends: ['wasm'], pass: 'forward', min: (a) => (a === 'tanh' || a === 'leakyRelu' ? 2 : 1), text: '>= 1x; tanh, leakyRelu >= 2x' },
  { backends: ['wasm'], pass: 'train', min: () => 1.1, text: '>= 1.1x' },
  { backends: GPU, pass: 'backward', min: (_, n) => (n >= 1e6 ? 1.5 : n <= 1e2 ? 1 : null), text: '>= 1.5x at 1e6 (1e2: >= 1x)' },
  { backends: GPU, pass: 'forward+backward', min: () => 1.2, text: '>= 1.2x' },
  { backends: GPU, pass: 'forward', min: () => 1, text: '>= 1x' },
];

/** The targets table: each backend's speedups at every size, checked against the targets, misses named. */
export function targetsTable(results: readonly BenchResult[]): string {
  const rows = pairRows(results);
  const activations = [...new Set(rows.map((r) => r.activation))];
  const lines = ['| backend | pass | ' + activations.join(' | ') + ' | target | met? |', '|---|---|' + activations.map(() => '---|').join('') + '---|---|'];
  for (const t of targets) {
    for (const backend of t.backends) {
      const cells = rows.filter((r) => r.backend === backend && r.pass === t.pass);
      if (cells.length === 0) continue;
      const sizes = [...new Set(cells.map((r) => r.size))].sort((a, b) => a - b);
      const fmt = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(2));
      const perActivation = activations.map((a) =>
        sizes.map((n) => cells.find((r) => r.activation === a && r.size === n)).map((r) => (r ? fmt(r.speedup) : '-')).join(' / '),
      );
      const misses = cells.filter((r) => {
        const min = t.min(r.activation, r.size);
        return min != null && r.speedup < min;
      });
      const met = misses.length === 0 ? 'yes' : 'missed: ' + misses.map((r) => `${r.activation} ${formatSize(r.size)} (${fmt(r.speedup)})`).join(', ');
      lines.push(`| ${backend} | ${t.pass} | ${perActivation.join(' | ')} | ${t.text} | ${met} |`);
    }
  }
  return lines.join('\n');
}
