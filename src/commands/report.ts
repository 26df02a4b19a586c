import * as fs from 'fs';
import * as path from 'path';
import { allBackends } from '../backends';
import type { BackendName } from '../backends';
import { checkAll, formatCheckTable } from '../gradcheck';
import type { BackendCheckRunner } from '../gradcheck';
import { registerBuiltinGradients } from '../bench/node';
import { benchMarkdown, escapeHtml, summaryText } from '../bench/format';
import { benchSections, htmlPage } from '../bench/html';
import type { HtmlSection } from '../bench/html';
import { quickOptions } from '../bench/types';
import { runWithProgress } from './bench';

/** The report's train pass stops at 1e4: its 1e6 step is matMul-bound and would take minutes here. */
const REPORT_MAX_TRAIN_SIZE = 1e4;

export interface ReportFlags {
  out: string;
}

/**
 * `npm start`: the gradient check (src/gradcheck checkAll) and a quick benchmark on every backend,
 * written to report/index.html (tables and Vega-Lite charts), report/report.md and
 * report/bench.json. `checkRunners` runs the gradient check of browser backends (webgl, webgpu);
 * the benchmark's browser runners are registered with registerBackendRunner (src/bench/node.ts).
 */
export async function reportCommand(
  flags: ReportFlags,
  checkRunners: Partial<Record<BackendName, BackendCheckRunner>> = {},
): Promise<void> {
  const started = Date.now();
  registerBuiltinGradients(); // the gradient check compares with tf's autodiff too
  const check = await checkAll({ runners: checkRunners });
  const checkText = formatCheckTable(check);
  console.log(`Gradient check\n${checkText}\n`);

  const report = await runWithProgress({ backends: allBackends, ...quickOptions, maxTrainSize: REPORT_MAX_TRAIN_SIZE });
  const summary = summaryText(report);
  console.log(`Benchmark (quick: ${quickOptions.budgetMs} ms per case)\n${summary}\n`);

  fs.mkdirSync(flags.out, { recursive: true });
  const sections: HtmlSection[] = [{ title: 'Gradient check', html: `<pre>${escapeHtml(checkText)}</pre>` }, ...(await benchSections(report))];
  const htmlFile = path.join(flags.out, 'index.html');
  const mdFile = path.join(flags.out, 'report.md');
  fs.writeFileSync(htmlFile, htmlPage('tfjs-activations report', sections));
  fs.writeFileSync(mdFile, `# tfjs-activations report\n\n## Gradient check\n\n\`\`\`\n${checkText}\n\`\`\`\n\n${benchMarkdown(report, 'Benchmark (quick)')}`);
  fs.writeFileSync(path.join(flags.out, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Report: ${path.resolve(htmlFile)} (and ${mdFile}, bench.json) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
