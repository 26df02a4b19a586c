import * as fs from 'fs';
import * as path from 'path';
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { checkActivation } from 'tfjs-activations/gradcheck';
import { squareplus } from '../../examples/squareplus';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';

/*
 * The README's user-defined activation (section:define) is examples/squareplus.ts, line for line
 * (import paths aside), and passes checkActivation on cpu and wasm (webgl and webgpu: the
 * browser suite runs the same check over it).
 */

it('the README shows examples/squareplus.ts, in at most 25 lines', () => {
  const file = fs.readFileSync(path.join(__dirname, '../../examples/squareplus.ts'), 'utf8');
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('<!-- section:define -->'), readme.indexOf('<!-- /section:define -->'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  expect(block?.[1]).toBe(file);
  expect(file.trimEnd().split('\n').length).toBeLessThanOrEqual(25);
});

describe.each(NODE_BACKENDS)('squareplus on %s', (backend) => {
  beforeAll(() => setBackend(backend));
  it.each([4, 1])('b = %p: checkActivation passes', async (b) => {
    const report = await checkActivation(squareplus.name, { alpha: b });
    expect(report.reasons).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
