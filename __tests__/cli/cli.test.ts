import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { demoTable } from '../../benchmarks/src/commands/demoTable';
import { activations, builtinActivationNames } from 'tfjs-activations';

/*
 * The command line as users run it: `node benchmarks/dist/cli.js ...` (the package's bin), spawned. dist/ is
 * what `npm run build` (and `npm ci`, through prepare) makes.
 */
const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'benchmarks', 'dist', 'cli.js');

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 240000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI end to end (node benchmarks/dist/cli.js)', () => {
  it('check --backends cpu: a PASS table and exit code 0', () => {
    const r = run(['check', '--backends', 'cpu', '--activations', 'relu,tanh', '--order', '1', '--points', '201']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    for (const line of ['relu', 'tanh']) expect(r.stdout).toMatch(new RegExp(`${line}\\s+cpu\\s+forward\\s+PASS`));
    expect(r.stdout).not.toMatch(/FAIL/);
  });

  it('check --json writes the report it printed', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-act-cli-')), 'check.json');
    const r = run(['check', '--backends', 'wasm', '--activations', 'sigmoid', '--order', '1', '--points', '101', '--json', out]);
    expect(r.status).toBe(0);
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(report.ok).toBe(true);
    expect(report.backends.map((b: { backend: string; ran: boolean }) => [b.backend, b.ran])).toEqual([['wasm', true]]);
  });

  it.each([
    [['check', '--backends', 'cpu', '--activations', 'bogus'], /unknown activation 'bogus'/],
    [['check', '--backends', 'gpu'], /unknown backend 'gpu'/],
    [['check', '--backends', 'cpu', '--points', '-5'], /--points must be a positive integer, got '-5'/],
    [['check', '--backends', 'cpu', '--order', '3'], /--order takes 1, 2 or 1,2; got '3'/],
    [['nonsense'], /unknown command 'nonsense'/],
  ])('%j: exit code 1 and the reason on stderr', (args, message) => {
    const r = run(args);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('demo-table --backends cpu prints the table', () => {
    const r = run(['demo-table', '--backends', 'cpu']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('backend cpu');
    expect(r.stdout).toMatch(/sigmoid\s+-2\s+0\.119203\s+0\.104994\s+0\.104994/);
  });
});

describe('demo-table (benchmarks/src/commands/demoTable.ts)', () => {
  it('g(z), the derivative op and tf.grad agree with the formulas at z = -2..2 on each backend', async () => {
    const text = await demoTable(['cpu', 'wasm']);
    for (const backend of ['cpu', 'wasm']) {
      const block = text.split(/^backend /m).find((b) => b.startsWith(backend));
      expect(block).toBeDefined();
      const rows = (block as string).split('\n').slice(2).map((l) => l.trim().split(/\s+/).map(Number).filter((v) => !Number.isNaN(v))).filter((r) => r.length === 4);
      // Every built-in x 5 points; each row z, g, g', grad (the title sits in the first row only).
      expect(rows).toHaveLength(5 * builtinActivationNames.length);
      const sig = (z: number) => 1 / (1 + Math.exp(-z));
      // The four by hand; the others from their float64 references (at the default alpha).
      const byHand: [(z: number) => number, (z: number) => number][] = [
        [sig, (z) => sig(z) * (1 - sig(z))],
        [Math.tanh, (z) => 1 - Math.tanh(z) ** 2],
        [(z) => Math.max(0, z), (z) => (z > 0 ? 1 : 0)],
        [(z) => (z > 0 ? z : 0.01 * z), (z) => (z > 0 ? 1 : 0.01)],
      ];
      const formulas = builtinActivationNames.map((name, k) => {
        const def = activations[name];
        return byHand[k] ?? [(z: number) => def.reference.value(z, def.defaultAlpha), (z: number) => def.reference.derivative(z, def.defaultAlpha)];
      });
      rows.forEach(([z, g, d, grad], i) => {
        const [f, df] = formulas[Math.floor(i / 5)];
        expect(z).toBe(-2 + (i % 5));
        // Printed to 6 decimals, from float32 results; the input-saving ops' float32 derivatives add
        // up to 2.4e-7 more.
        const tol = (v: number) => 5e-7 + 1.2e-7 * Math.abs(v) + (i < 20 ? 0 : 5e-7);
        expect(Math.abs(g - f(z))).toBeLessThanOrEqual(tol(f(z)));
        expect(Math.abs(d - df(z))).toBeLessThanOrEqual(tol(df(z)));
        expect(grad).toBe(d);
      });
    }
  });

  it('names a backend that cannot start instead of failing', async () => {
    expect(await demoTable(['tensorflow'])).toMatch(/^tensorflow: not run \(/);
  });
});
