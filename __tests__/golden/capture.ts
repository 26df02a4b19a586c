import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { GOLDEN_CASES, goldenDigests } from './outputs';

/** Writes golden.json from the current source (run against the commit whose outputs are the reference). */
async function main(): Promise<void> {
  const result: Record<string, Record<string, string>> = {};
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const { name, alpha } of GOLDEN_CASES) result[`${backend}/${name}/${alpha}`] = goldenDigests(name, alpha);
  }
  fs.writeFileSync(path.join(process.argv[2] ?? __dirname, 'golden.json'), `${JSON.stringify(result, null, 1)}\n`);
}

void main();
