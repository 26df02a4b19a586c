import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { activationNames, activations } from 'tfjs-activations';
import { checkActivation, formatActivationReport, kinksOf, ulp, ulpDistance } from 'tfjs-activations/gradcheck';
import type { ActivationCheckReport } from 'tfjs-activations/gradcheck';
import { checkAll, formatAccuracyTable, formatCheckTable } from '../../benchmarks/src/check/checkAll';
import { runCheckCommand } from '../../benchmarks/src/commands/check';
import { useBackend } from '../../benchmarks/src/backends';
import { tfBuiltinUnusable } from '../helpers/backends';

/** Small sweeps: the CLI does the dense one. */
const SMALL = { points: 801, fdPoints: 48 };

const failing = (r: ActivationCheckReport) => r.checks.filter((c) => !c.ok).map((c) => c.check);

describe('float32 units', () => {
  it('ulp and ulp distance', () => {
    expect(ulp(1)).toBe(2 ** -23);
    expect(ulp(-1)).toBe(2 ** -23);
    expect(ulp(0)).toBe(1.401298464324817e-45);
    expect(ulpDistance(1, 1 + 2 ** -23)).toBe(1);
    expect(ulpDistance(0, -0)).toBe(0);
    expect(ulpDistance(1.401298464324817e-45, -1.401298464324817e-45)).toBe(2);
    expect(ulpDistance(NaN, NaN)).toBe(0);
    expect(ulpDistance(NaN, 1)).toBe(Infinity);
    expect(ulpDistance(Infinity, 3.4028234663852886e38)).toBe(Infinity);
  });

  it('kinks come from the reference: 0 for relu and leaky relu, none for sigmoid and tanh', () => {
    expect(kinksOf(activations.relu, 0)).toEqual([0]);
    expect(kinksOf(activations.leakyRelu, 0.2)).toEqual([0]);
    expect(kinksOf(activations.sigmoid, 0)).toEqual([]);
    expect(kinksOf(activations.tanh, 0)).toEqual([]);
  });
});

describe.each(['cpu', 'wasm'] as const)('checkActivation on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  // checkActivation compares with tf's built-in: not where tf's cannot run or is wrong (tfjs 3.21).
  for (const n of activationNames) {
    const why = tfBuiltinUnusable(activations[n], backend);
    if (why != null) it.skip(`${n} passes every check (skipped: ${why})`, () => undefined);
  }
  it.each(activationNames.filter((n) => tfBuiltinUnusable(activations[n], backend) == null))('%s passes every check, leaks nothing, and reports plain JSON', async (name) => {
    const before = tf.memory().numTensors;
    const r = await checkActivation(name, SMALL);
    expect(tf.memory().numTensors).toBe(before);
    if (!r.ok) throw new Error(formatActivationReport(r));
    expect(r.backend).toBe(backend);
    expect(r.checks.map((c) => c.check)).toEqual([
      'forward', 'backward', 'autodiff', 'finite-differences', 'derivative', 'second-order', 'second-order-fd', 'conventions', 'shapes', 'leaks',
    ]);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(formatActivationReport(r)).toMatch(new RegExp(`^${name}.* on ${backend}: PASS`));
  });
});

describe('checkActivation can fail', () => {
  beforeAll(() => useBackend('cpu'));
  afterEach(() => jest.restoreAllMocks());

  it('leaky relu passes for alpha > 1 and alpha < 0 (the saved-input path) too', async () => {
    for (const alpha of [1.5, -0.5]) {
      const r = await checkActivation('leakyRelu', { ...SMALL, alpha, orders: [1] });
      if (!r.ok) throw new Error(formatActivationReport(r));
    }
  });

  it('flags a derivative that disagrees with the float64 reference: a(1+a) for sigmoid', async () => {
    const ref = activations.sigmoid.reference;
    const value = ref.value;
    jest.spyOn(ref, 'derivative').mockImplementation((z) => value(z, 0) * (1 + value(z, 0)));
    const r = await checkActivation('sigmoid', { ...SMALL, orders: [1] });
    expect(r.ok).toBe(false);
    // The derivative ops and the shapes check read the same reference, so they flag it too.
    expect(failing(r)).toEqual(['backward', 'derivative', 'conventions', 'shapes']);
    expect(r.reasons.join('\n')).toMatch(/backward: g'\(z\): \d+ point\(s\) beyond 0.000001 abs, e.g. z = /);
  });

  it('flags a forward off by 1e-5 relative, a wrong second derivative, and disagreement with tf autodiff', async () => {
    const def = activations.tanh;
    const value = def.reference.value;
    jest.spyOn(def.reference, 'value').mockImplementation((z) => value(z, 0) * (1 + 1e-5));
    const second = def.reference.secondDerivative;
    jest.spyOn(def.reference, 'secondDerivative').mockImplementation((z) => -second(z, 0));
    // tf's tanh with a gradient 1e-4 too large (same values, so only autodiff can see it).
    const skewed = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const a = tf.tanh(args[0] as tf.Tensor);
      (args[1] as tf.GradSaveFunc)([a]);
      return { value: a, gradFunc: (dy: tf.Tensor, [s]: tf.Tensor[]) => tf.mul(dy, tf.mul(tf.sub(1, tf.square(s)), 1.0001)) };
    });
    jest.spyOn(def, 'builtin').mockImplementation((x) => skewed(x) as tf.Tensor);
    const r = await checkActivation('tanh', SMALL);
    // g(+-inf) moved too, so the conventions check fails with the forward one.
    expect(failing(r)).toEqual(['forward', 'autodiff', 'second-order', 'conventions']);
    expect(r.reasons.join('\n')).toMatch(/^forward: g\(z\): \d+ point\(s\) beyond 4 ulp \(or 0.000001 abs/);
  });
});

describe('checkAll and the check command', () => {
  it('runs Node backends, names the ones it cannot run and why, and takes runners for the others', async () => {
    const quick = { ...SMALL, points: 201 };
    const r = await checkAll({ backends: ['cpu', 'webgpu'], activations: ['relu', 'sigmoid'], orders: [1], check: quick });
    expect(r.ok).toBe(true);
    expect(r.backends.map((b) => [b.backend, b.ran])).toEqual([['cpu', true], ['webgpu', false]]);
    expect(r.backends[1].reason).toMatch(/browser/);
    const text = formatCheckTable(r);
    expect(text).toMatch(/relu\s+cpu\s+finite-differences\s+PASS/);
    expect(text).toMatch(/not run:\n {2}webgpu: webgpu needs a browser/);
    expect(text).toMatch(/PASS: 16 of 16 checks passed on cpu$/);
    expect(formatAccuracyTable(r)).toMatch(/\| sigmoid \| cpu \| [\d.e-]+ \/ \d+ \|/);

    // A runner (the browser hook) whose report fails makes the whole report fail.
    const broken = async (): Promise<ActivationCheckReport[]> => {
      const rep = await checkActivation('relu', { ...quick, orders: [1] });
      return [{ ...rep, ok: false, backend: 'webgl', checks: rep.checks.map((c) => ({ ...c, ok: false })), reasons: ['forward: broken'] }];
    };
    const withRunner = await checkAll({ backends: ['webgl'], activations: ['relu'], orders: [1], check: quick, runners: { webgl: broken } });
    expect(withRunner.ok).toBe(false);
    expect(formatCheckTable(withRunner)).toMatch(/relu\s+webgl\s+forward\s+FAIL[\s\S]*relu on webgl: forward: broken[\s\S]*FAIL: 0 of 8/);
  });

  it('the command writes JSON and exits 0 on PASS, 1 on FAIL', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'check-')), 'check.json');
    const out: string[] = [];
    const pass = await runCheckCommand({ backends: 'cpu,tensorflow', activations: 'relu,tanh', order: '1', points: '201', json }, {}, (t) => out.push(t));
    expect(pass.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8')).backends[0].reports[1].activation).toBe('tanh');
    expect(out.join('\n')).toMatch(/tensorflow: @tensorflow\/tfjs-node is not installed|PASS: 16 of 16/);
    const fail = await runCheckCommand({ backends: 'webgl', activations: 'relu', order: '1', points: '101' }, {
      webgl: async () => [{ ...(await checkActivation('relu', { points: 101, fdPoints: 16, orders: [1] })), ok: false }],
    }, () => undefined);
    expect(fail.exitCode).toBe(1);
    await expect(runCheckCommand({ activations: 'notAnActivation' }, {}, () => undefined)).rejects.toThrow(/unknown activation 'notAnActivation'/);
    await expect(runCheckCommand({ order: '3' }, {}, () => undefined)).rejects.toThrow(/--order/);
  });
});
