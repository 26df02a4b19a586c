import { readFileSync, readdirSync, statSync } from 'fs';
import * as path from 'path';
import { emptyProject, installFlags, lastJson, makeProject, packWorkspaces, repoBin, tempDir } from './project';
import type { Project, Tarballs } from './project';

/*
 * The library as installed from its tarball: CommonJS, ES modules, TypeScript (node16 and bundler
 * resolution), a core-only project, the subpaths, and what the package ships.
 */

const TF = '4.22.0';

/**
 * One script body for require and import: relu forward and gradient, the exact second
 * derivative of x·sigmoid(x), a layers model with our activation, checkActivation, the kernels
 * subpath, on cpu and wasm. Prints one JSON line; the test asserts on it.
 */
function usage(): string {
  return `
const results = {};
const sig = (z) => 1 / (1 + Math.exp(-z));
// d2/dz2 [z sigmoid(z)] = s (1 - s) (2 + z (1 - 2 s)), in float64.
const second = (z) => { const s = sig(z); return s * (1 - s) * (2 + z * (1 - 2 * s)); };
const zs = [-3, -0.5, 0.25, 2];
for (const backend of ['cpu', 'wasm']) {
  await tf.setBackend(backend);
  await tf.ready();
  const x = tf.tensor1d(zs);
  const r = { backend: tf.getBackend() };
  r.relu = Array.from(await relu(x).data());
  r.reluGrad = Array.from(await tf.grad((v) => relu(v))(x).data());
  const g2 = Array.from(await tf.grad(tf.grad((v) => tf.mul(v, sigmoid(v))))(x).data());
  r.secondOrderMaxErr = Math.max(...g2.map((g, i) => Math.abs(g - second(zs[i]))));
  r.leaky = Array.from(await leakyRelu(x, 0.2).data());
  results[backend] = r;
}
await tf.setBackend('cpu');
const model = tf.sequential();
model.add(tf.layers.dense({ units: 8, inputShape: [2], activation: layers.layerActivation('tanh') }));
model.add(tf.layers.dense({ units: 1, activation: layers.layerActivation('sigmoid') }));
model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy' });
const h = await model.fit(tf.randomUniform([64, 2], -1, 1, 'float32', 1), tf.randomUniform([64, 1], 0, 1, 'float32', 2).round(), { epochs: 3, verbose: 0 });
results.losses = h.history.loss;
const check = await gradcheck.checkActivation('relu', { points: 401, orders: [1] });
results.check = { ok: check.ok, checks: check.checks.length };
results.kernels = typeof kernels.runForward === 'function' && typeof kernels.runBackward === 'function';
results.customGrad = Array.from(await customGrad.relu(tf.tensor1d(zs)).data());
results.validate = (() => { try { validate.checkOptionsObject('f', 3); return 'accepted'; } catch (e) { return e.message; } })();
results.names = activationNames;
console.log(JSON.stringify(results));
`;
}

const cjs = `
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const { relu, sigmoid, leakyRelu, activationNames } = require('tfjs-activations');
const layers = require('tfjs-activations/layers');
const gradcheck = require('tfjs-activations/gradcheck');
const kernels = require('tfjs-activations/kernels');
const customGrad = require('tfjs-activations/custom-grad');
const validate = require('tfjs-activations/validate');
(async () => {
${usage()}
})().catch((e) => { console.error(e); process.exit(1); });
`;

const esm = `
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { relu, sigmoid, leakyRelu, activationNames } from 'tfjs-activations';
import * as layers from 'tfjs-activations/layers';
import * as gradcheck from 'tfjs-activations/gradcheck';
import * as kernels from 'tfjs-activations/kernels';
import * as customGrad from 'tfjs-activations/custom-grad';
import * as validate from 'tfjs-activations/validate';
${usage()}
`;

interface UsageResult {
  cpu: Record<string, number[] | number | string>;
  wasm: Record<string, number[] | number | string>;
  losses: number[];
  check: { ok: boolean; checks: number };
  kernels: boolean;
  customGrad: number[];
  validate: string;
  names: string[];
}

function expectUsage(r: UsageResult): void {
  for (const backend of ['cpu', 'wasm'] as const) {
    const b = r[backend];
    expect(b.backend).toBe(backend);
    expect(b.relu).toEqual([0, 0, 0.25, 2]);
    expect(b.reluGrad).toEqual([0, 0, 1, 1]);
    expect(b.leaky).toEqual([Math.fround(-3 * Math.fround(0.2)), Math.fround(-0.5 * Math.fround(0.2)), 0.25, 2]);
    expect(b.secondOrderMaxErr as number).toBeLessThan(1e-6);
  }
  expect(r.losses).toHaveLength(3);
  for (const l of r.losses) expect(Number.isFinite(l)).toBe(true);
  expect(r.check).toEqual({ ok: true, checks: expect.any(Number) });
  expect(r.check.checks).toBeGreaterThan(3);
  expect(r.kernels).toBe(true);
  expect(r.customGrad).toEqual([0, 0, 0.25, 2]);
  expect(r.validate).toMatch(/^f: /);
  expect(r.names).toEqual(expect.arrayContaining(['sigmoid', 'tanh', 'relu', 'leakyRelu']));
}

let tarballs: Tarballs;
let full: Project;

beforeAll(() => {
  tarballs = packWorkspaces(tempDir('packs'));
  full = makeProject('full', [`@tensorflow/tfjs@${TF}`, `@tensorflow/tfjs-backend-wasm@${TF}`, tarballs.library]);
}, 600000);

describe('the library from its tarball', () => {
  test('ships dist (CJS, ESM, types), README and LICENSE, and no tools', () => {
    const root = path.join(full.dir, 'node_modules', 'tfjs-activations');
    const files = listFiles(root).map((f) => path.relative(root, f));
    for (const f of ['README.md', 'LICENSE', 'package.json', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/esm/index.js', 'dist/esm/package.json', 'dist/esm/layers/index.js', 'dist/cjs/gradcheck/index.d.ts']) {
      expect(files).toContain(f);
    }
    // No CLI, harness or browser-runner code, and no TypeScript sources beside the build.
    expect(files.filter((f) => /cli|bench|browser|commands|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });

  test('its source maps carry their sources', () => {
    const root = path.join(full.dir, 'node_modules', 'tfjs-activations', 'dist');
    const maps = listFiles(root).filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(20);
    for (const m of maps) {
      const map = JSON.parse(readFileSync(m, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent?.length).toBe(map.sources.length);
      for (const s of map.sourcesContent ?? []) expect(typeof s).toBe('string');
    }
  });

  test('CommonJS: require of the root and of layers, gradcheck and kernels works on cpu and wasm', () => {
    full.write('use.cjs', cjs);
    expectUsage(lastJson<UsageResult>(full.run('node', ['use.cjs'])));
  }, 300000);

  test('ES modules: import of the root and of the subpaths works on cpu and wasm', () => {
    full.write('use.mjs', esm);
    expectUsage(lastJson<UsageResult>(full.run('node', ['use.mjs'])));
  }, 300000);

  test('the package exports only its entry points', () => {
    full.write('deep.cjs', `try { require('tfjs-activations/dist/cjs/ops'); console.log('loaded'); } catch (e) { console.log(e.code); }`);
    expect(full.run('node', ['deep.cjs']).trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  test.each([
    ['node16', { module: 'node16', moduleResolution: 'node16' }, 'index.mts'],
    ['node16 (CommonJS)', { module: 'node16', moduleResolution: 'node16' }, 'index.cts'],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, 'index.ts'],
  ])('TypeScript strict build with %s resolution', (label, options, file) => {
    const dir = `ts-${label.replace(/\W+/g, '-')}`;
    full.write(`${dir}/${file}`, `
import * as tf from '@tensorflow/tfjs';
import { relu, sigmoid, leakyRelu, opFor, activations } from 'tfjs-activations';
import type { ActivationName, ActivationOp } from 'tfjs-activations';
import { layerActivation, activationLayer } from 'tfjs-activations/layers';
import { gradcheck, checkActivation } from 'tfjs-activations/gradcheck';
import type { GradcheckReport } from 'tfjs-activations/gradcheck';
import { runForward } from 'tfjs-activations/kernels';
import { defineActivation, expr } from 'tfjs-activations';
import type { ActivationSpec } from 'tfjs-activations';
import { customGradOpFor } from 'tfjs-activations/custom-grad';

const spec: Partial<ActivationSpec> = { name: 'mySoftsign' };
void spec;
void defineActivation;
void expr.add;
void customGradOpFor('relu');
const name: ActivationName = 'relu';
const op: ActivationOp = opFor(name);
const y: tf.Tensor = op(tf.tensor1d([1, -1]));
const z: tf.Tensor = leakyRelu(relu(sigmoid(y)), 0.1);
const report: Promise<GradcheckReport> = gradcheck((x: tf.Tensor) => relu(x), [z]);
void checkActivation('tanh', { points: 11 });
void activations.sigmoid.title;
void layerActivation('sigmoid');
void activationLayer({ activation: 'tanh' });
void runForward;
void report;
// @ts-expect-error: alpha is a number
leakyRelu(z, 'a');
`);
    full.write(`${dir}/tsconfig.json`, JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2020', skipLibCheck: true, types: [], ...options }, files: [file] }));
    full.run(repoBin('tsc'), ['-p', dir]);
  }, 300000);

  test('a library consumer gets no tfjs-node, and one copy of tfjs-core', () => {
    const ls = full.tryRun('npm', ['ls', '--all', '--parseable']);
    const lines = ls.stdout.split('\n').filter((l) => l.length > 0);
    expect(lines.filter((l) => l.includes('tfjs-node'))).toEqual([]);
    expect(lines.filter((l) => /@tensorflow[\\/]tfjs-core$/.test(l))).toHaveLength(1);
  });
});

describe('a project with only tfjs-core and the cpu backend', () => {
  let core: Project;
  beforeAll(() => {
    core = makeProject('core-only', [`@tensorflow/tfjs-core@${TF}`, `@tensorflow/tfjs-backend-cpu@${TF}`, tarballs.library]);
  }, 600000);

  test('runs relu forward and its gradient from require and from import', () => {
    const body = `
  await tf.setBackend('cpu');
  const x = tf.tensor1d([-1, 0, 2]);
  console.log(JSON.stringify({ y: Array.from(relu(x).dataSync()), g: Array.from(tf.grad((v) => relu(v))(x).dataSync()), layers: (() => { try { require('@tensorflow/tfjs-layers'); return 'present'; } catch { return 'absent'; } })() }));`;
    core.write('core.cjs', `const tf = require('@tensorflow/tfjs-core'); require('@tensorflow/tfjs-backend-cpu'); const { relu } = require('tfjs-activations');\n(async () => {${body}\n})().catch((e) => { console.error(e); process.exit(1); });`);
    expect(lastJson(core.run('node', ['core.cjs']))).toEqual({ y: [0, 0, 2], g: [0, 0, 1], layers: 'absent' });
    core.write('core.mjs', `import { createRequire } from 'module'; const require = createRequire(import.meta.url); import * as tf from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-cpu'; import { relu } from 'tfjs-activations';${body}`);
    expect(lastJson(core.run('node', ['core.mjs']))).toEqual({ y: [0, 0, 2], g: [0, 0, 1], layers: 'absent' });
  }, 300000);

  test('the layers subpath says what it needs when tfjs-layers is absent', () => {
    core.write('layers.cjs', `try { require('tfjs-activations/layers'); console.log('loaded'); } catch (e) { console.log(e.message.split('\\n')[0]); }`);
    expect(core.run('node', ['layers.cjs'])).toMatch(/@tensorflow\/tfjs-layers/);
  });

  test('installing it warns of no unmet or conflicting peer', () => {
    const r = core.tryRun('npm', ['ls', '--all']);
    expect(r.status).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/UNMET PEER|invalid|ERESOLVE/);
  });
});

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}


describe('peer range = tested range', () => {
  test('tfjs 3.21 (the oldest tested line) installs with no flag, one tfjs-layers, and runs ops, gradients and a layers fit', () => {
    const p = makeProject('tfjs3', ['@tensorflow/tfjs@3.21.0', '@tensorflow/tfjs-backend-wasm@3.21.0', tarballs.library]);
    const ls = p.tryRun('npm', ['ls', '--all', '--parseable']);
    const layers = ls.stdout.split('\n').filter((l) => /@tensorflow[\\/]tfjs-layers$/.test(l));
    expect(layers).toHaveLength(1);
    expect(p.run('node', ['-p', "require('@tensorflow/tfjs-layers/package.json').version"]).trim()).toBe('3.21.0');
    p.write('use.cjs', cjs);
    expectUsage(lastJson<UsageResult>(p.run('node', ['use.cjs'])));
  }, 600000);

  test('an untested tfjs (4.0) is refused at install, naming the peer', () => {
    const r = emptyProject('untested').tryRun('npm', ['install', ...installFlags, '@tensorflow/tfjs-core@4.0.0', tarballs.library]);
    const output = `${r.stdout}${r.stderr}`;
    expect(r.status).not.toBe(0);
    expect(output).toMatch(/ERESOLVE/);
    expect(output).toMatch(/peer @tensorflow\/tfjs-core@"\^3\.21\.0 \|\| \^4\.22\.0" from tfjs-activations/);
  }, 600000);
});
