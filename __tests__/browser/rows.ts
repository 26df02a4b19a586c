/*
 * Page-side checks of the row-wise ops (softmax, logSoftmax, softmaxCrossEntropy) on a GPU
 * backend: our fused kernels ran, forward accuracy against float64 (figures returned for the
 * docs), backward against the from-output formula, gradcheck and gradgradcheck, conventions.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { logSoftmax, softmax, softmaxCrossEntropy } from 'tfjs-activations';
import { gradcheck } from 'tfjs-activations/gradcheck';
import { logSoftmax64, maxUlp, randomRows, softmax64 } from '../softmax/reference';

export interface RowCheck {
  name: string;
  ok: boolean;
  detail: string;
}

const ops = { softmax, logSoftmax } as const;
const refs = { softmax: softmax64, logSoftmax: logSoftmax64 } as const;

/** Kernel names a function ran (tf.profile: our direct calls go through runKernel under a profile). */
async function kernelsRun(f: () => Tensor): Promise<string[]> {
  const info = await tf.profile(f);
  tf.dispose(info.result as Tensor);
  return info.kernels.map((k) => k.name);
}

export async function rowChecks(ulpBound: number): Promise<RowCheck[]> {
  const out: RowCheck[] = [];
  const add = (name: string, ok: boolean, detail: string) => out.push({ name, ok, detail });
  for (const name of ['softmax', 'logSoftmax'] as const) {
    const op = ops[name];
    const x = tf.tensor2d(randomRows(4 * 33, 3, 5), [4, 33]);
    const dy = tf.tensor2d(randomRows(4 * 33, 1, 6), [4, 33]);
    const fwd = await kernelsRun(() => op(x));
    const bwd = await kernelsRun(() => tf.grad((v: Tensor) => tf.sum(tf.mul(op(v), dy)))(x));
    const ran = fwd.includes(`TfjsActivations_${name}_forward`) && bwd.includes(`TfjsActivations_${name}_backward`);
    add(`${name}: our fused kernels ran`, ran, `forward ran [${fwd}], gradient ran [${bwd}]`);

    const figures: string[] = [];
    let worst = 0;
    for (const scale of [1, 30, 1e4]) {
      for (const [rows, n] of [[64, 2], [8, 1000], [2, 32000]]) {
        const v = randomRows(rows * n, scale, rows + n + scale);
        const t = tf.tensor2d(v, [rows, n]);
        const y = op(t);
        const got = await y.data();
        const want = refs[name](v, n);
        const ulps = maxUlp(got, want);
        tf.dispose([t, y]);
        worst = Math.max(worst, ulps);
        let at = 0;
        for (let i = 0; i < want.length; i++) if (maxUlp([got[i]], [want[i]]) === ulps) at = i;
        figures.push(`[${rows},${n}] scale ${scale}: ${ulps}${ulps > ulpBound ? ` (${got[at]} for ${want[at]})` : ''}`);
      }
    }
    add(`${name}: forward within ${ulpBound} ulp of float64 where |result| >= 1e-30`, worst <= ulpBound, `max ${worst} ulp; ${figures.join('; ')}`);

    // Backward from the saved output against the formula in float64 (bound: 8 eps of the terms),
    // on short rows and on rows whose sums the GPUs split into chunks (a whole last chunk, a part).
    for (const [rows, n] of [[4, 33], [3, 2048], [2, 32000]]) {
      const xs = tf.tensor2d(randomRows(rows * n, 3, 20 + n), [rows, n]);
      const dys = tf.tensor2d(randomRows(rows * n, 1, 21 + n), [rows, n]);
      const s = await op(xs).data();
      const g = await tf.grad((v: Tensor) => tf.sum(tf.mul(op(v), dys)))(xs).data();
      const dyv = await dys.data();
      tf.dispose([xs, dys]);
      let bad = '';
      for (let b = 0; b < rows * n && bad === ''; b += n) {
        let dot = 0, abs = 0, sum = 0, absSum = 0;
        for (let j = b; j < b + n; j++) (dot += dyv[j] * s[j]), (abs += Math.abs(dyv[j] * s[j])), (sum += dyv[j]), (absSum += Math.abs(dyv[j]));
        for (let j = b; j < b + n && bad === ''; j++) {
          const want = name === 'softmax' ? s[j] * (dyv[j] - dot) : dyv[j] - Math.exp(s[j]) * sum;
          const bound = 8 * 2 ** -24 * (name === 'softmax' ? Math.abs(s[j]) * (Math.abs(dyv[j]) + abs) : Math.abs(dyv[j]) + Math.exp(s[j]) * absSum) + 1e-37;
          if (!(Math.abs(g[j] - want) <= bound)) bad = `at ${j}: ${g[j]} vs ${want}`;
        }
      }
      add(`${name}: backward within 8 eps of the from-output formula, [${rows}, ${n}]`, bad === '', bad || 'ok');
    }

    for (const order of [1, 2] as const) {
      const r = await gradcheck((v) => op(v), [tf.tensor2d(randomRows(12, 3, 9), [3, 4])], { order });
      add(`${name}: gradcheck order ${order}`, r.ok, r.reasons.join('; ') || 'ok');
    }
    const conv = (await op(tf.tensor2d([[1, NaN, 2], [1, Infinity, 0], [-Infinity, -Infinity, -Infinity], [-Infinity, 0, 1]])).array()) as number[][];
    const nanRows = conv.slice(0, 3).every((row) => row.every(Number.isNaN));
    const limit = conv[3][0] === (name === 'softmax' ? 0 : -Infinity);
    add(`${name}: conventions (NaN rows, -Infinity element)`, nanRows && limit, JSON.stringify(conv));
    // The same on rows of 3000, which the GPUs reduce in chunks: a NaN in the third chunk, a
    // +Infinity, all -Infinity, -Infinity elements in the first and last chunks, and a row of one
    // value (its max in every chunk: logSoftmax counts the max's exact 1s across chunks).
    const n3 = 3000;
    const rowsLong = [randomRows(n3, 3, 41), randomRows(n3, 3, 42), new Array<number>(n3).fill(-Infinity), randomRows(n3, 3, 43), new Array<number>(n3).fill(7)];
    rowsLong[0][2500] = NaN;
    rowsLong[1][2100] = Infinity;
    rowsLong[3][10] = -Infinity;
    rowsLong[3][n3 - 1] = -Infinity;
    const flat = rowsLong.flatMap((r) => Array.from(r));
    const gotLong = await op(tf.tensor2d(flat, [5, n3])).data();
    const wantLong = refs[name](flat.slice(3 * n3), n3);
    const badRows = gotLong.subarray(0, 3 * n3).every(Number.isNaN);
    const edge = name === 'softmax' ? 0 : -Infinity;
    const atInf = gotLong[3 * n3 + 10] === edge && gotLong[4 * n3 - 1] === edge;
    const restUlp = maxUlp(gotLong.subarray(3 * n3), wantLong);
    add(`${name}: conventions on rows of 3000 (NaN, +Infinity, all -Infinity, -Infinity elements, one value)`, badRows && atInf && restUlp <= ulpBound, `NaN rows ${badRows}, -Infinity elements ${atInf}, others ${restUlp} ulp`);
    // The gradient carries a row's NaN: every element of a NaN row's dx is NaN, the other row's finite.
    const gNaN = (await tf.grad((v: Tensor) => tf.sum(tf.mul(op(v), tf.tensor2d([[1, 2, 3], [1, -1, 2]]))))(tf.tensor2d([[1, NaN, 2], [0, 1, 2]])).array()) as number[][];
    add(`${name}: gradient of a NaN row is NaN, of a finite row finite`, gNaN[0].every(Number.isNaN) && gNaN[1].every(Number.isFinite), JSON.stringify(gNaN));
    // The same through the chunked sums of a long row: the NaN sits in the row's third chunk.
    const long = randomRows(2 * 3000, 2, 31);
    long[2500] = NaN;
    const gLong = await tf.grad((v: Tensor) => tf.sum(tf.mul(op(v), tf.tensor2d(randomRows(2 * 3000, 1, 32), [2, 3000]))))(tf.tensor2d(long, [2, 3000])).data();
    const longOk = gLong.subarray(0, 3000).every(Number.isNaN) && gLong.subarray(3000).every(Number.isFinite);
    add(`${name}: gradient of a NaN row is NaN, of a finite row finite, rows of 3000`, longOk, longOk ? 'ok' : `first row NaN: ${gLong.subarray(0, 3000).every(Number.isNaN)}`);
    tf.dispose([x, dy]);
  }
  const logits = tf.tensor2d(randomRows(8 * 50, 4, 11), [8, 50]);
  const labels = tf.softmax(tf.tensor2d(randomRows(8 * 50, 2, 12), [8, 50]));
  const ce = await kernelsRun(() => tf.grad((v: Tensor) => softmaxCrossEntropy(labels, v))(logits));
  add('softmaxCrossEntropy: fused backward ran', ce.includes('TfjsActivations_crossEntropy_backward'), `ran [${ce}]`);
  const ours = (await softmaxCrossEntropy(labels, logits).data())[0];
  const theirs = (await tf.losses.softmaxCrossEntropy(labels, logits).data())[0];
  add('softmaxCrossEntropy: equals tf.losses.softmaxCrossEntropy within 1e-6 relative', Math.abs(ours - theirs) <= 1e-6 * Math.abs(theirs), `${ours} vs ${theirs}`);
  // The fused backward against (softmax(logits) - labels) / rows from float64, on a size of four
  // elements per invocation (webgpu's vec4) and on an odd one; a -Infinity logit gives
  // -label / rows, a NaN logit a NaN row.
  for (const [rows, n] of [[8, 50], [3, 5]]) {
    const lv = randomRows(rows * n, 4, 15 + n);
    lv[1] = -Infinity;
    lv[n + 2] = NaN;
    const lab = tf.softmax(tf.tensor2d(randomRows(rows * n, 2, 16 + n), [rows, n]));
    const labv = await lab.data();
    const got = await tf.grad((v: Tensor) => softmaxCrossEntropy(lab, v))(tf.tensor2d(lv, [rows, n])).data();
    const s = softmax64(lv, n);
    let ok = true;
    let worst = 0;
    for (let i = 0; i < rows * n; i++) {
      const row = Math.floor(i / n);
      if (row === 1) {
        ok = ok && Number.isNaN(got[i]);
        continue;
      }
      const err = Math.abs(got[i] - (s[i] - labv[i]) / rows);
      worst = Math.max(worst, err);
      ok = ok && err <= 1e-6 / rows;
    }
    add(`softmaxCrossEntropy: fused backward equals (softmax - labels) / rows, -Infinity and NaN logits, [${rows}, ${n}]`, ok, `max abs error ${worst}`);
    lab.dispose();
  }
  for (const order of [1, 2] as const) {
    const r = await gradcheck((a, b) => softmaxCrossEntropy(a, b), [tf.softmax(tf.tensor2d(randomRows(12, 2, 13), [3, 4])), tf.tensor2d(randomRows(12, 3, 14), [3, 4])], { order });
    add(`softmaxCrossEntropy: gradcheck order ${order}`, r.ok, r.reasons.join('; ') || 'ok');
  }
  tf.dispose([logits, labels]);
  return out;
}
