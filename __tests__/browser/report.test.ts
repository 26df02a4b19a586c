import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pairRows } from '../../benchmarks/src/bench/format';
import type { BenchReport } from '../../benchmarks/src/bench/types';
import { chromiumArgs, findChromium } from '../../benchmarks/src/browser/driver/runner';
import { reportNotes } from '../../benchmarks/src/commands/report';
import { chromiumOrSkip } from './suite';

/*
 * The page `npm start` writes (report/index.html), rendered in Chromium from real benchmark data
 * (docs/bench.json) with one case removed, as the report's cuts remove some: what a user sees on
 * the first screen, and that the page fits it. Screenshot: test-output/report.png.
 */
describe('report/index.html in Chromium', () => {
  if (!chromiumOrSkip('report page test')) return;

  const bench = JSON.parse(fs.readFileSync(path.join(__dirname, '../../docs/bench.json'), 'utf8')) as BenchReport;
  const removed = { backend: 'cpu', activation: 'relu', pass: 'train', size: 1e6 };
  bench.results = bench.results.filter((r) => !(r.backend === removed.backend && r.activation === removed.activation && r.pass === removed.pass && r.size === removed.size));
  const slower = pairRows(bench.results).filter((p) => p.speedup < 1);
  const viewport = { width: 1280, height: 900 };

  type Browser = import('playwright-core').Browser;
  type Page = import('playwright-core').Page;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // Charts render with vega, which is ES modules only: the built tools make the page in Node.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfa-report-'));
    fs.writeFileSync(path.join(dir, 'bench.json'), JSON.stringify(bench));
    const script = `require(${JSON.stringify(path.join(__dirname, '../../benchmarks/dist/commands/report.js'))}).reportPage('PASS: 56 of 56 checks passed on cpu, wasm', require('./bench.json')).then((h) => require('fs').writeFileSync('index.html', h))`;
    execFileSync(process.execPath, ['-e', script], { cwd: dir });
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    fs.rmSync(dir, { recursive: true, force: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { chromium } = require('playwright-core') as typeof import('playwright-core');
    browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs, headless: true });
    page = await browser.newPage({ viewport });
    await page.setContent(html);
    fs.mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/report.png' });
  }, 120000);

  afterAll(async () => {
    await browser?.close();
  });

  test('the summary (verdict, speedup spread per backend and pass, notes) fits the first screen', async () => {
    const box = await page.locator('section').first().boundingBox();
    expect(box).not.toBeNull();
    expect((box as { y: number; height: number }).y + (box as { height: number }).height).toBeLessThanOrEqual(viewport.height);
    const summary = await page.locator('section').first().innerText();
    expect(summary).toMatch(/^Summary/);
    expect(summary).toContain('Gradient check: PASS');
    for (const note of reportNotes) expect(summary).toContain(note);
    expect(summary).toContain(`${slower.filter((p) => p.backend === 'cpu' && p.pass === 'train').length} of`);
  });

  test('nothing is wider than the page: charts scale to it', async () => {
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      view: window.innerWidth,
      svgs: Array.from(document.querySelectorAll('svg')).map((s) => s.getBoundingClientRect().width),
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    expect(widths.svgs.length).toBeGreaterThanOrEqual(3);
    for (const w of widths.svgs) expect(w).toBeLessThanOrEqual(widths.view);
  });

  test('log axes are labelled at the sizes measured, as the CLI spells them', async () => {
    const labels = await page.evaluate(() => Array.from(document.querySelectorAll('svg text')).map((t) => t.textContent ?? ''));
    for (const size of ['1e2', '1e4', '1e6']) expect(labels).toContain(size);
    expect(labels.filter((l) => /e\+/.test(l))).toEqual([]);
  });

  test('every cell where ours is slower is marked, and only those', async () => {
    const marked = await page.evaluate(() =>
      Array.from(document.querySelectorAll('section'))
        .filter((s) => s.querySelector('h2')?.textContent?.startsWith('Speedup on') === true)
        .flatMap((s) => Array.from(s.querySelectorAll('td.slower')).map((td) => td.textContent ?? '')),
    );
    expect(slower.length).toBeGreaterThan(0);
    expect(marked).toHaveLength(slower.length);
    for (const text of marked) expect(parseFloat(text)).toBeLessThan(1);
  });

  test('an empty cell says it was not measured, and why', async () => {
    const empty = await page.locator('td.empty').allInnerTexts();
    expect(empty).toEqual(['not measured']);
    expect(await page.locator('p.empty').first().innerText()).toMatch(/left the case out/);
  });

  test('each activation has one spelling on the page', async () => {
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(/leaky ReLU|\bReLU\b/);
    expect(text).toContain('leakyRelu');
  });
});
