import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/*
 * `npm start` (the report command), spawned as users run it: node benchmarks/dist/cli.js report. In-process
 * it cannot run under jest (the charts import vega's ES modules dynamically). webgl and webgpu
 * run in Chromium where it is installed; where not, the report must name them as not run.
 */
const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'benchmarks', 'dist', 'cli.js');

describe('report command (node benchmarks/dist/cli.js report)', () => {
  it('writes index.html, report.md and bench.json with the gradient check and the benchmark', () => {
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-act-report-'));
    const r = spawnSync(process.execPath, [cli, 'report', '--out', out], { cwd: root, encoding: 'utf8', timeout: 890000 });
    expect(r.status).toBe(0);
    const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    const bench = JSON.parse(fs.readFileSync(path.join(out, 'bench.json'), 'utf8'));
    // Every activation checked on cpu and wasm, all passing; the same table printed and written.
    for (const title of ['sigmoid', 'tanh', 'relu', 'leakyRelu']) {
      for (const backend of ['cpu', 'wasm']) expect(md).toMatch(new RegExp(`${title}\\s+${backend}\\s+conventions\\s+PASS`));
    }
    expect(md).not.toMatch(/\bFAIL\b/);
    expect(r.stdout).toContain('Gradient check');
    expect(r.stdout).toMatch(/^Report: .*index\.html/m);
    expect(html).toContain('Gradient check');
    // The benchmark has measured results for both Node backends, with positive medians.
    const results = bench.results as { backend: string; medianMs: number }[];
    for (const backend of ['cpu', 'wasm']) {
      const mine = results.filter((x) => x.backend === backend);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((x) => x.medianMs > 0)).toBe(true);
    }
    fs.rmSync(out, { recursive: true, force: true });
  }, 900000);
});
