import { formatSize } from './harness';
import { isNoisy, NOISY_SPREAD, speedup } from './stats';
import type { BenchPass, BenchReport, BenchResult } from './types';

/** A table as data; rendered as aligned text (terminal), Markdown or HTML from the same rows. */
export interface Table {
  header: string[];
  rows: string[][];
  /** Optional CSS class per cell (same shape as rows), for the HTML form. */
  classes?: string[][];
}

/** Marks a speedup cell below 1 (ours slower than tf's built-in) and an empty one in the HTML tables. */
export const SLOWER_CLASS = 'slower';
export const EMPTY_CLASS = 'empty';
/** What an empty speedup cell shows: the case was not measured in this run. */
export const NOT_MEASURED = 'not measured';

/** Ours and tf's built-in side by side for one case. */
export interface PairRow {
  backend: string;
  activation: string;
  pass: BenchPass;
  size: number;
  custom: BenchResult;
  builtin: BenchResult;
  /** builtin median / custom median: > 1 means ours is faster. */
  speedup: number;
  /** Either side's (p90 - p10) / median is over 10%. */
  noisy: boolean;
}

export function pairRows(results: readonly BenchResult[]): PairRow[] {
  const byKey = new Map<string, Partial<Record<'custom' | 'builtin', BenchResult>>>();
  const key = (r: BenchResult): string => `${r.backend}\u0000${r.activation}\u0000${r.pass}\u0000${r.size}`;
  for (const r of results) {
    const entry = byKey.get(key(r)) ?? {};
    entry[r.impl] = r;
    byKey.set(key(r), entry);
  }
  const rows: PairRow[] = [];
  for (const { custom, builtin } of byKey.values()) {
    if (custom == null || builtin == null) continue;
    rows.push({
      backend: custom.backend,
      activation: custom.activation,
      pass: custom.pass,
      size: custom.size,
      custom,
      builtin,
      speedup: speedup(builtin.medianMs, custom.medianMs),
      noisy: isNoisy(custom.spread, builtin.spread),
    });
  }
  return rows;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/**
 * A speedup to two decimals, or three where two would round a slower case (under 1) up to
 * 1.00x: a cell marked slower never reads as even.
 */
export function formatSpeedup(row: Pick<PairRow, 'speedup' | 'noisy'>): string {
  const two = row.speedup.toFixed(2);
  return `${row.speedup < 1 && two === '1.00' ? row.speedup.toFixed(3) : two}x${row.noisy ? '*' : ''}`;
}

export const speedupLegend = `speedup = tf built-in median / ours (> 1: ours faster); * = p90-p10 spread over ${NOISY_SPREAD * 100}% of the median on either side`;

/**
 * Per backend: rows activation x pass, one column per size, cells the speedup. A case the run
 * did not measure shows NOT_MEASURED; the classes mark those and the cells where ours is slower.
 */
export function speedupTables(results: readonly BenchResult[]): { backend: string; table: Table }[] {
  const pairs = pairRows(results);
  return unique(pairs.map((p) => p.backend)).map((backend) => {
    const mine = pairs.filter((p) => p.backend === backend);
    const sizes = unique(mine.map((p) => p.size)).sort((a, b) => a - b);
    const rows: string[][] = [];
    const classes: string[][] = [];
    for (const activation of unique(mine.map((p) => p.activation))) {
      for (const pass of unique(mine.map((p) => p.pass))) {
        const found = sizes.map((size) => mine.find((q) => q.activation === activation && q.pass === pass && q.size === size));
        if (found.every((p) => p == null)) continue;
        rows.push([activation, pass, ...found.map((p) => (p == null ? NOT_MEASURED : formatSpeedup(p)))]);
        classes.push(['', '', ...found.map((p) => (p == null ? EMPTY_CLASS : p.speedup < 1 ? SLOWER_CLASS : ''))]);
      }
    }
    // A size measured as a row-wise op's shape is labelled by the shape (1000x1000).
    const label = (size: number): string => {
      const shape = mine.find((p) => p.size === size && p.custom.shape != null)?.custom.shape;
      return shape != null ? shape.join('x') : formatSize(size);
    };
    return { backend, table: { header: ['activation', 'pass', ...sizes.map(label)], rows, classes } };
  });
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  return ms < 1 ? `${(ms * 1000).toPrecision(3)} µs` : `${ms.toPrecision(3)} ms`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function percent(f: number | null): string {
  return f == null ? '-' : `${(f * 100).toFixed(f < 0.1 ? 1 : 0)}%`;
}

/** Every pair with medians, spreads, samples, memory and bandwidth fraction. */
export function detailTable(results: readonly BenchResult[]): Table {
  return {
    header: [
      'backend', 'activation', 'pass', 'size', 'ours median', 'ours p10-p90', 'tf median', 'tf p10-p90', 'speedup',
      'samples x batch', 'ours peak', 'tf peak', 'ours new/leaked', 'tf new/leaked', 'ours of bandwidth', 'tf of bandwidth',
    ],
    rows: pairRows(results).map((p) => [
      p.backend,
      p.activation,
      p.pass,
      p.custom.shape != null ? p.custom.shape.join('x') : formatSize(p.size),
      formatMs(p.custom.medianMs),
      `${formatMs(p.custom.p10Ms)} - ${formatMs(p.custom.p90Ms)}`,
      formatMs(p.builtin.medianMs),
      `${formatMs(p.builtin.p10Ms)} - ${formatMs(p.builtin.p90Ms)}`,
      formatSpeedup(p),
      `${p.custom.samples} x ${p.custom.batch}`,
      formatBytes(p.custom.peakBytes),
      formatBytes(p.builtin.peakBytes),
      `${p.custom.newTensors}/${p.custom.leakedTensors}`,
      `${p.builtin.newTensors}/${p.builtin.leakedTensors}`,
      percent(p.custom.bandwidthFraction),
      percent(p.builtin.bandwidthFraction),
    ]),
  };
}

export function toText(t: Table): string {
  const widths = t.header.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(t.header), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n');
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function toMarkdown(t: Table): string {
  const row = (cells: string[]): string => `| ${cells.map(mdCell).join(' | ')} |`;
  const rule = `|${t.header.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`;
  return [row(t.header), rule, ...t.rows.map(row)].join('\n');
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function toHtml(t: Table): string {
  const head = t.header.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = t.rows
    .map((r, i) => `<tr>${r.map((c, j) => {
      const cls = t.classes?.[i]?.[j];
      return `<td${cls != null && cls !== '' ? ` class="${cls}"` : ''}>${escapeHtml(c)}</td>`;
    }).join('')}</tr>`)
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The summary the terminal shows: one speedup table per backend, plus skipped backends. */
export function summaryText(report: Pick<BenchReport, 'results' | 'skipped'>): string {
  const parts = speedupTables(report.results).map(({ backend, table }) => `${backend}\n${toText(table)}`);
  parts.push(speedupLegend);
  for (const s of report.skipped) parts.push(`${s.backend}: not run (${s.reason})`);
  return parts.join('\n\n');
}

/** The Markdown report: header facts, speedup tables, details. */
export function benchMarkdown(report: BenchReport, title = 'Benchmark'): string {
  const out: string[] = [`## ${title}`, ''];
  out.push(`- date: ${report.date}`);
  out.push(`- machine: ${Object.entries(report.machine).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push(`- streaming bandwidth (Float32Array copy, read + write): ${report.bandwidthGBs.toFixed(1)} GB/s`);
  out.push(`- time per backend: ${Object.entries(report.elapsedS).map(([b, t]) => `${b} ${t} s`).join(', ')}`);
  for (const s of report.skipped) out.push(`- ${s.backend}: not run (${s.reason})`);
  out.push('', speedupLegend, '');
  for (const { backend, table } of speedupTables(report.results)) out.push(`### ${backend}`, '', toMarkdown(table), '');
  out.push('### Details', '', toMarkdown(detailTable(report.results)), '');
  return out.join('\n');
}
