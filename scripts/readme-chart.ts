/*
 * Renders the README's chart from a `bench --json` file: the speedup bars of the report
 * (Vega-Lite -> SVG, the same spec as report/index.html) and the Markdown speedup tables.
 * Run:
 *   node dist/cli.js bench --backends cpu,wasm --json docs/bench.json
 *   npx esbuild benchmarks/readme-chart.ts --bundle --platform=node --external:@tensorflow/* --outfile=build/readme-chart.js
 *   node build/readme-chart.js docs/bench.json docs/speedup.svg
 */
import * as fs from 'fs';
import { renderSvg, speedupSpec } from '../benchmarks/src/bench/charts';
import { speedupLegend, speedupTables, toMarkdown } from '../benchmarks/src/bench/format';
import type { BenchReport } from '../benchmarks/src/bench/types';

async function main(): Promise<void> {
  const [input = 'docs/bench.json', output = 'docs/speedup.svg'] = process.argv.slice(2);
  const report = JSON.parse(fs.readFileSync(input, 'utf8')) as BenchReport;
  fs.writeFileSync(output, await renderSvg(speedupSpec(report.results)));
  console.log(`wrote ${output}\n\n${speedupLegend}\n`);
  for (const { backend, table } of speedupTables(report.results)) console.log(`${backend}\n\n${toMarkdown(table)}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
