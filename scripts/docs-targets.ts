/*
 * The performance targets: the four classic activations' (issue 7), the ten tfjs-layers ones'
 * (issue 14) and the row-wise ops' (issue 15), and the tables that check a benchmark's speedups
 * against them, naming the cells that miss (docs/benchmarks.md and docs/softmax.md, via ./docs.ts).
 */
import { pairRows } from '../benchmarks/src/bench/format';
import type { PairRow } from '../benchmarks/src/bench/format';
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
const CLASSIC = ['sigmoid', 'tanh', 'relu', 'leakyRelu'];
const classicTargets: Target[] = [
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

/** Issue 14's: sizes >= 1e4 and 1e2 on cpu and wasm, 1e6 on the GPUs. */
const SMOOTH = ['gelu', 'geluTanh', 'silu', 'mish'];
const layersTargets: Target[] = [
  { backends: ['cpu', 'wasm'], pass: 'backward', min: (_, n) => (n >= 1e4 ? 5 : 2), text: '>= 5x at >= 1e4 (1e2: >= 2x)' },
  { backends: ['cpu', 'wasm'], pass: 'forward+backward', min: (_, n) => (n >= 1e4 ? 3 : 1.5), text: '>= 3x at >= 1e4 (1e2: >= 1.5x)' },
  {
    backends: ['cpu', 'wasm'],
    pass: 'forward',
    min: (a, n) => (n >= 1e4 ? (SMOOTH.includes(a) ? 3 : 1.5) : 1),
    text: '>= 1.5x at >= 1e4, gelu, geluTanh, silu, mish >= 3x (1e2: >= 1x)',
  },
  { backends: GPU, pass: 'backward', min: (_, n) => (n >= 1e6 ? 2 : null), text: '>= 2x at 1e6' },
  { backends: GPU, pass: 'forward+backward', min: (_, n) => (n >= 1e6 ? 1.5 : null), text: '>= 1.5x at 1e6' },
  { backends: GPU, pass: 'forward', min: (_, n) => (n >= 1e6 ? 1.2 : null), text: '>= 1.2x at 1e6' },
];

/**
 * Issue 15's, at the shapes [100, 100], [1000, 1000] and [64, 32000] (sizes 1e4, 1e6, 2.048e6):
 * on cpu and wasm backward >= 3x, forward+backward >= 2x (softmaxCrossEntropy's >= 3x), forward
 * >= 1x; on the GPUs backward >= 2x at [1000, 1000].
 */
const ROWS_GPU_SIZE = 1000 * 1000;
const rowTargets: Target[] = [
  { backends: ['cpu', 'wasm'], pass: 'backward', min: () => 3, text: '>= 3x' },
  {
    backends: ['cpu', 'wasm'],
    pass: 'forward+backward',
    min: (a) => (a === 'softmaxCrossEntropy' ? 3 : 2),
    text: '>= 2x; softmaxCrossEntropy >= 3x',
  },
  { backends: ['cpu', 'wasm'], pass: 'forward', min: () => 1, text: '>= 1x' },
  { backends: GPU, pass: 'backward', min: (_, n) => (n === ROWS_GPU_SIZE ? 2 : null), text: '>= 2x at 1000x1000' },
];

/** Issue 15's targets table over the row-wise ops' results (docs/softmax.md). */
export function rowTargetsTable(results: readonly BenchResult[]): string {
  return targetTable(results, rowTargets);
}

/**
 * The targets tables: issue 7's over the four classic activations, then issue 14's over the
 * others, each with the activations the results hold.
 */
export function targetsTable(results: readonly BenchResult[]): string {
  const classic = results.filter((r) => CLASSIC.includes(r.activation));
  const layers = results.filter((r) => !CLASSIC.includes(r.activation));
  const parts = [];
  if (classic.length > 0) parts.push(`Issue 7's targets, the four classic activations:\n\n${targetTable(classic, classicTargets)}`);
  if (layers.length > 0) parts.push(`Issue 14's targets, the activations of tfjs-layers' set:\n\n${targetTable(layers, layersTargets)}`);
  return parts.join('\n\n');
}

/** One targets table: each backend's speedups at every size, checked against the targets, misses named. */
function targetTable(results: readonly BenchResult[], targets: readonly Target[]): string {
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
      // A row-wise op's case is named by its shape (1000x1000), an elementwise one's by its size.
      const where = (r: PairRow): string => r.custom.shape?.join('x') ?? formatSize(r.size);
      // A miss never reads as its target: 0.996 against 1x shows three decimals, not 1.00.
      const missed = (r: PairRow): string => {
        const shown = fmt(r.speedup);
        return Number(shown) >= (t.min(r.activation, r.size) ?? 0) ? r.speedup.toFixed(3) : shown;
      };
      const met = misses.length === 0 ? 'yes' : 'missed: ' + misses.map((r) => `${r.activation} ${where(r)} (${missed(r)})`).join(', ');
      lines.push(`| ${backend} | ${t.pass} | ${perActivation.join(' | ')} | ${t.text} | ${met} |`);
    }
  }
  return lines.join('\n');
}
