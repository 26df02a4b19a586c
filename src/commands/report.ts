import * as fs from 'fs';
import * as path from 'path';
import { allBackends } from '../backends';
import { benchMarkdown, escapeHtml, summaryText } from '../bench/format';
import { benchSections, htmlPage } from '../bench/html';
import type { HtmlSection } from '../bench/html';
import { quickOptions } from '../bench/types';
import { runWithProgress } from './bench';

/**
 * The gradient check of src/gradcheck (issue 4), when it is in the tree: checkAll(options) gives
 * a report and formatCheckTable(report) its table. Looked up at run time so this command works
 * before that module lands; its absence is stated in the report, never hidden.
 */
interface GradcheckModule {
  checkAll(options?: Record<string, unknown>): Promise<unknown> | unknown;
  formatCheckTable(report: unknown): string;
}

function loadGradcheck(): GradcheckModule | string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('../gradcheck') as Partial<GradcheckModule>;
    if (typeof mod.checkAll === 'function' && typeof mod.formatCheckTable === 'function') return mod as GradcheckModule;
    return 'src/gradcheck does not export checkAll and formatCheckTable';
  } catch (e) {
    return `the gradient check is not available: ${(e as Error).message.split('\n')[0]}`;
  }
}

export interface ReportFlags {
  out: string;
}

/** `npm start`: gradient check, a quick benchmark on every backend, report/index.html and report.md. */
export async function reportCommand(flags: ReportFlags): Promise<void> {
  const started = Date.now();
  const gradcheck = loadGradcheck();
  let checkText: string;
  if (typeof gradcheck === 'string') {
    checkText = `not run: ${gradcheck}`;
  } else {
    checkText = gradcheck.formatCheckTable(await gradcheck.checkAll());
  }
  console.log(`Gradient check\n${checkText}\n`);

  const report = await runWithProgress({ backends: allBackends, ...quickOptions });
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
