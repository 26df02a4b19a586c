import * as fs from 'fs';
import * as path from 'path';
import { allBackends, nodeBackends, registerBuiltinGradients } from '../backends';
import type { BackendName } from '../backends';
import { checkAll, formatCheckTable } from '../check/checkAll';
import type { BackendCheckRunner, CheckAllReport } from '../check/checkAll';
import { benchMarkdown, escapeHtml, summaryText } from '../bench/format';
import { benchSections, htmlPage, summarySection } from '../bench/html';
import type { HtmlSection } from '../bench/html';
import { allPasses, quickOptions } from '../bench/types';
import type { BenchOptions, BenchReport } from '../bench/types';
import { runWithProgress } from './bench';

/** The report's train pass stops at 1e4: its 1e6 step is matMul-bound and would take minutes here. */
const REPORT_MAX_TRAIN_SIZE = 1e4;
/**
 * In the browser (SwiftShader here: a software GPU, and every new shape compiles new shaders)
 * the report leaves out train, so `npm start` stays under 5 minutes on 2 cores;
 * `bench --backends webgl,webgpu` runs it.
 */
const BROWSER_REPORT: Partial<BenchOptions> = { passes: allPasses.filter((p) => p !== 'train'), sizes: [1e6] };
/**
 * With fourteen activations and the row-wise ops the quick sweep at every size no longer fits
 * `npm start` in minutes: the report times 1e4 and 1e6 in Node (1e2 is the bench command's) and
 * 1e6 in the browser, the size the GPU targets are set at.
 */
const REPORT_SIZES = [1e4, 1e6];
const BROWSER_BACKENDS: BackendName[] = ['webgl', 'webgpu'];

/**
 * The report's gradient check: first and second order on the Node backends; first order in the
 * browser, where second order costs about 75 s per backend here (SwiftShader), which would put
 * `npm start` over 5 minutes. `tfjs-activations-bench check --backends webgl,webgpu` runs both orders.
 */
async function reportCheck(runners: Partial<Record<BackendName, BackendCheckRunner>>): Promise<CheckAllReport> {
  const inNode = await checkAll({ backends: nodeBackends });
  const inBrowser = await checkAll({ backends: BROWSER_BACKENDS, orders: [1], runners });
  const backends = [...inNode.backends, ...inBrowser.backends];
  const ran = backends.filter((b) => b.ran);
  return {
    ...inNode,
    ok: ran.length > 0 && ran.every((b) => b.reports.every((r) => r.ok)),
    backends,
  };
}

/** What the report leaves out on purpose, for the summary (empty cells and rows say why here). */
export const reportNotes = [
  `train is measured up to ${REPORT_MAX_TRAIN_SIZE.toExponential(0).replace('+', '')} (its 1e6 step is matMul-bound and would take minutes here); the bench command runs every size`,
  `sizes ${REPORT_SIZES.map((n) => n.toExponential(0).replace('+', '')).join(' and ')} in Node and 1e6 in the browser (${BROWSER_BACKENDS.join(', ')}); in the browser train is left out and the gradient check is first order only, so npm start stays within minutes on SwiftShader; the bench and check commands run them`,
];

/** report/index.html: the summary on the first screen, then the check, tables, charts and details. */
export async function reportPage(checkText: string, bench: BenchReport): Promise<string> {
  const verdict = checkText.trim().split('\n').pop() ?? '';
  // The full check table (one row per check) folded, so the benchmark stays in view.
  const checkHtml = `<details><summary>every check</summary><pre>${escapeHtml(checkText)}</pre></details>`;
  const sections: HtmlSection[] = [
    summarySection(bench, { verdict: `Gradient check: ${verdict}`, notes: reportNotes }),
    { title: 'Gradient check', html: checkHtml },
    ...(await benchSections(bench)),
  ];
  return htmlPage('tfjs-activations report', sections);
}

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
  const check = await reportCheck(checkRunners);
  const checkText = formatCheckTable(check);
  const checked = Date.now();
  console.log(`Gradient check\n${checkText}\n`);

  const report = await runWithProgress({
    backends: allBackends,
    ...quickOptions,
    sizes: REPORT_SIZES,
    maxTrainSize: REPORT_MAX_TRAIN_SIZE,
    overrides: Object.fromEntries(BROWSER_BACKENDS.map((b) => [b, BROWSER_REPORT])),
  });
  const benched = Date.now();
  const summary = summaryText(report);
  console.log(`Benchmark (quick: ${quickOptions.budgetMs} ms per case)\n${summary}\n`);

  fs.mkdirSync(flags.out, { recursive: true });
  const htmlFile = path.join(flags.out, 'index.html');
  const mdFile = path.join(flags.out, 'report.md');
  fs.writeFileSync(htmlFile, await reportPage(checkText, report));
  fs.writeFileSync(mdFile, `# tfjs-activations report\n\n## Gradient check\n\n\`\`\`\n${checkText}\n\`\`\`\n\n${benchMarkdown(report, 'Benchmark (quick)')}`);
  fs.writeFileSync(path.join(flags.out, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  const s = (from: number, to: number): string => `${((to - from) / 1000).toFixed(0)} s`;
  const done = Date.now();
  console.log(
    `Report: ${path.resolve(htmlFile)} (and ${mdFile}, bench.json) in ${s(started, done)}` +
      ` (gradient check ${s(started, checked)}, benchmark ${s(checked, benched)}, charts and files ${s(benched, done)})`,
  );
}
