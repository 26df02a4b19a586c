import { renderSvg, speedupSpec, timeVsSizeSpec } from './charts';
import { detailTable, escapeHtml, speedupLegend, speedupTables, toHtml } from './format';
import type { BenchReport } from './types';

/** A block of the report page; `html` is trusted markup made by this module's callers. */
export interface HtmlSection {
  title: string;
  html: string;
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
    sections.push({ title: `Speedup on ${backend}`, html: toHtml(table) });
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
section { margin-bottom: 2rem; }
</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}
