import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';
import * as fs from 'fs';
import * as path from 'path';
import { GOLDEN_CASES, goldenDigests } from './outputs';

/*
 * The four built-ins, now generated from their expressions, against the kernels before the
 * expression language (golden.json: digests of their float32 outputs from commit 5a5705b, written
 * by ./capture.ts): every path on cpu and wasm must be bit-identical. Re-captured once since,
 * when issue 12's fixes landed, with exactly five digests changing, each on purpose and each
 * proven by its own test: cpu's small sizes now run the SIMD bodies (one path, the same bits at
 * every size: sigmoid and tanh fromOutput/js, leakyRelu backward/js) and wasm relu's forward is
 * ours, so a NaN with the sign bit set stays NaN (relu forward/simd, derivative/simd). And a
 * second time, when the WAT renderer drew max(z, 0) as pmax(z, 0) + 0 (src/expr/wat.ts): the
 * same four relu digests (cpu and wasm), where only NaN bits moved (f32x4.max made every NaN
 * canonical; now the input's NaN passes; every other output bit-identical over every 4099th
 * float32 bit pattern, checked).
 */
const expected = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden.json'), 'utf8')) as Record<string, Record<string, string>>;

describe.each(NODE_BACKENDS)('%s: bit-identical to the kernels before the expression language', (backend) => {
  beforeAll(() => setBackend(backend));
  it.each(GOLDEN_CASES.map((c) => [`${c.name} alpha ${c.alpha}`, c] as const))('%s', (_, { name, alpha }) => {
    const before = tf.memory().numTensors;
    expect(goldenDigests(name, alpha)).toEqual(expected[`${backend}/${name}/${alpha}`]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
