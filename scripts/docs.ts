/*
 * The measurement write-ups in docs/ keep their tables between markers
 *   <!-- generated:NAME --> ... <!-- /generated:NAME -->
 * and this script makes each from the JSON data beside them (docs/bench.json, docs/bench-gpu.json,
 * docs/check.json, docs/softmax-bench.json), so a table is never typed by hand and never
 * disagrees with its data. A test
 * (__tests__/docs/generated.test.ts) fails when a table is out of date. It also renders the
 * speedup chart, docs/speedup.svg. Run: `npm run docs` (after a new bench or check JSON).
 */
import * as fs from 'fs';
import * as path from 'path';
import { speedupLegend, speedupTables, toMarkdown, pairRows } from '../benchmarks/src/bench/format';
import { formatSize } from '../benchmarks/src/bench/harness';
import type { BenchReport } from '../benchmarks/src/bench/types';
import { formatAccuracyTable } from '../benchmarks/src/check/checkAll';
import type { CheckAllReport } from '../benchmarks/src/check/checkAll';
import { rowTargetsTable, targetsTable } from './docs-targets';

export const docsDir = path.resolve(__dirname, '..', 'docs');

export interface DocsData {
  bench: BenchReport;
  benchGpu: BenchReport;
  check: CheckAllReport;
  /** The row-wise ops (softmax, logSoftmax, softmaxCrossEntropy) on every backend. */
  softmax: BenchReport;
}

export function loadData(dir = docsDir): DocsData {
  const read = <T>(f: string): T => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as T;
  return { bench: read('bench.json'), benchGpu: read('bench-gpu.json'), check: read('check.json'), softmax: read('softmax-bench.json') };
}

/** An ISO time as the docs print it: 2026-12-01 12:05:22 UTC. */
const utc = (iso: string): string => `${iso.replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;

/** One line saying where a bench JSON came from: date, machine, versions, bandwidth. */
function provenance(r: BenchReport): string {
  const m = r.machine;
  const elapsed = Object.entries(r.elapsedS ?? {}).map(([b, s]) => `${b} ${s} s`).join(', ');
  return `Run ${utc(r.date)}: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os}, Node ${m.node}, tfjs ${m.tfjs}; streaming bandwidth ${r.bandwidthGBs.toFixed(1)} GB/s; elapsed ${elapsed}.`;
}

function speedups(r: BenchReport): string {
  return [speedupLegend, '', ...speedupTables(r.results).flatMap(({ backend, table }) => [`**${backend}**`, '', toMarkdown(table), ''])].join('\n').trimEnd();
}

/** Backward at 1e6 as a fraction of the streaming bandwidth, ours and tf's, per backend. */
function bandwidth(r: BenchReport): string {
  const pairs = pairRows(r.results).filter((p) => p.pass === 'backward' && p.size === 1e6);
  const backends = [...new Set(pairs.map((p) => p.backend))];
  const activations = [...new Set(pairs.map((p) => p.activation))];
  const pct = (x: number | null | undefined) => (x == null ? '-' : `${(x * 100).toFixed(0)}%`);
  const lines = [`| backend | ${activations.map((a) => `${a} (ours / tf)`).join(' | ')} |`, `|---|${activations.map(() => '---:|').join('')}`];
  for (const b of backends) {
    const cells = activations.map((a) => {
      const p = pairs.find((q) => q.backend === b && q.activation === a);
      return p == null ? '-' : `${pct(p.custom.bandwidthFraction)} / ${pct(p.builtin.bandwidthFraction)}`;
    });
    lines.push(`| ${b} | ${cells.join(' | ')} |`);
  }
  return `Backward at ${formatSize(1e6)}, bytes moved / median time / streaming bandwidth:\n\n${lines.join('\n')}`;
}

export const generators: Record<string, (d: DocsData) => string> = {
  'bench-provenance': (d) => provenance(d.bench),
  'bench-speedups': (d) => speedups(d.bench),
  'bench-bandwidth': (d) => bandwidth(d.bench),
  'gpu-provenance': (d) => provenance(d.benchGpu),
  'gpu-speedups': (d) => speedups(d.benchGpu),
  targets: (d) => targetsTable([...d.bench.results, ...d.benchGpu.results]),
  'softmax-provenance': (d) => provenance(d.softmax),
  'softmax-speedups': (d) => speedups(d.softmax),
  'softmax-targets': (d) => rowTargetsTable(d.softmax.results),
  'check-provenance': (d) => `Run ${utc(d.check.date)}, orders ${d.check.orders.join(' and ')}, verdict ${d.check.ok ? 'PASS' : 'FAIL'}: ${d.check.backends.map((b) => `${b.backend} ${b.ran ? 'ran' : `not run (${b.reason})`}`).join('; ')}.`,
  accuracy: (d) => formatAccuracyTable(d.check),
};

const marker = /<!-- generated:([a-z-]+) -->\n[\s\S]*?<!-- \/generated:\1 -->/g;

/** The document with every generated region made anew from the data. */
export function regenerate(text: string, data: DocsData): string {
  return text.replace(marker, (_, name: string) => {
    const make = generators[name];
    if (make == null) throw new Error(`docs: unknown generated region '${name}' (known: ${Object.keys(generators).join(', ')})`);
    return `<!-- generated:${name} -->\n${make(data)}\n<!-- /generated:${name} -->`;
  });
}

export function markdownFiles(dir = docsDir): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.md')).map((f) => path.join(dir, f));
}

async function main(): Promise<void> {
  const data = loadData();
  for (const file of markdownFiles()) {
    const text = fs.readFileSync(file, 'utf8');
    const next = regenerate(text, data);
    if (next !== text) {
      fs.writeFileSync(file, next);
      console.log(`docs: updated ${path.relative(process.cwd(), file)}`);
    }
  }
  const { renderSvg, speedupSpec } = await import('../benchmarks/src/bench/charts');
  fs.writeFileSync(path.join(docsDir, 'speedup.svg'), await renderSvg(speedupSpec(data.bench.results)));
  console.log('docs: wrote docs/speedup.svg');
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
