import { renderSvg, speedupSpec, timeVsSizeSpec } from './charts';
import { detailTable, EMPTY_CLASS, escapeHtml, NOT_MEASURED, pairRows, SLOWER_CLASS, speedupLegend, speedupTables, toHtml } from './format';
import { quantile } from './stats';
import type { BenchReport } from './types';

/** A block of the report page; `html` is trusted markup made by this module's callers. */
export interface HtmlSection {
  title: string;
  html: string;
}

/**
 * The report's first screen: the verdicts, then per backend and pass the spread of speedups over
 * activations and sizes and how many cells ours is slower in; backends not run, with the reason;
 * `notes` for cases a run leaves out on purpose.
 */
export function summarySection(report: BenchReport, options: { verdict?: string; notes?: readonly string[] } = {}): HtmlSection {
  const pairs = pairRows(report.results);
  const rows: string[][] = [];
  const classes: string[][] = [];
  for (const backend of [...new Set(pairs.map((p) => p.backend))]) {
    for (const pass of [...new Set(pairs.filter((p) => p.backend === backend).map((p) => p.pass))]) {
      const s = pairs.filter((p) => p.backend === backend && p.pass === pass).map((p) => p.speedup).sort((a, b) => a - b);
      const slower = s.filter((x) => x < 1).length;
      rows.push([backend, pass, `${s[0].toFixed(2)}x`, `${quantile(s, 0.5).toFixed(2)}x`, `${s[s.length - 1].toFixed(2)}x`, `${slower} of ${s.length}`]);
      classes.push(['', '', s[0] < 1 ? SLOWER_CLASS : '', '', '', slower > 0 ? SLOWER_CLASS : '']);
    }
  }
  const lines = [
    ...(options.verdict != null ? [`<p class="verdict"><strong>${escapeHtml(options.verdict)}</strong></p>`] : []),
    toHtml({ header: ['backend', 'pass', 'lowest speedup', 'median', 'highest', 'cells where ours is slower'], rows, classes }),
    `<p>${escapeHtml(speedupLegend)}; <span class="${SLOWER_CLASS}">marked</span>: ours slower than tf's built-in.</p>`,
    `<ul>${[...report.skipped.map((s) => `${s.backend}: not run (${s.reason})`), ...(options.notes ?? [])].map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>`,
  ];
  return { title: 'Summary', html: lines.join('\n') };
}

/** The benchmark's sections: facts, speedup tables, charts (Vega-Lite -> SVG), details. */
export async function benchSections(report: BenchReport): Promise<HtmlSection[]> {
  const facts = [
    `date: ${report.date}`,
    `machine: ${Object.entries(report.machine).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `streaming bandwidth (Float32Array copy, read + write): ${report.bandwidthGBs.toFixed(1)} GB/s`,
    `time per backend: ${Object.entries(report.elapsedS).map(([b, t]) => `${b} ${t} s`).join(', ')}`,
    ...report.skipped.map((s) => `${s.backend}: not run (${s.reason})`),
  ];
  const sections: HtmlSection[] = [
    { title: 'Benchmark', html: `<ul>${facts.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul><p>${escapeHtml(speedupLegend)}</p>` },
  ];
  for (const { backend, table } of speedupTables(report.results)) {
    const empty = table.rows.some((r) => r.includes(NOT_MEASURED));
    const why = empty ? `<p class="${EMPTY_CLASS}">${escapeHtml(NOT_MEASURED)}: this run left the case out (see the summary's notes).</p>` : '';
    sections.push({ title: `Speedup on ${backend}`, html: toHtml(table) + why });
  }
  if (report.results.length > 0) {
    sections.push({ title: 'Speedup chart', html: await renderSvg(speedupSpec(report.results)) });
    for (const backend of [...new Set(report.results.map((r) => r.backend))]) {
      sections.push({ title: `Time vs size on ${backend}`, html: await renderSvg(timeVsSizeSpec(report.results, backend)) });
    }
  }
  sections.push({ title: 'Details', html: toHtml(detailTable(report.results)) });
  return sections;
}

export function htmlPage(title: string, sections: readonly HtmlSection[]): string {
  const body = sections.map((s) => `<section><h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: right; }
th:nth-child(-n+2), td:nth-child(-n+2) { text-align: left; }
pre { background: #f6f6f6; padding: 0.5rem; overflow-x: auto; }
section { margin-bottom: 2rem; max-width: 100%; overflow-x: auto; }
svg { max-width: 100%; height: auto; }
.${SLOWER_CLASS} { background: #fde2e1; color: #8a1c12; }
.${EMPTY_CLASS} { color: #777; font-style: italic; }
.verdict { font-size: 1.1rem; }
</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}
