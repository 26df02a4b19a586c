import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { logSoftmax, softmax, softmaxCrossEntropy } from 'tfjs-activations';
import { runCrossEntropyBackward, runCrossEntropySaved, runRowBackward, runRowForward } from 'tfjs-activations/kernels';
import type { BenchCase } from './cases';
import type { BenchPass, Impl } from './types';

/*
 * Row-wise cases (softmax and what builds on it): timed on a shape [rows, n] over the last axis,
 * against tf.softmax, tf.logSoftmax and tf.losses.softmaxCrossEntropy with tf's gradients.
 * Results carry the shape; `size` is its element count, so the tables and charts take them as
 * they take the elementwise cases.
 */

export const rowBenchOps = ['softmax', 'logSoftmax', 'softmaxCrossEntropy'] as const;
export type RowBenchOp = (typeof rowBenchOps)[number];

export function isRowBenchOp(name: string): name is RowBenchOp {
  return (rowBenchOps as readonly string[]).includes(name);
}

/** The passes a row case has: no train step (the classifier comparison is its own script). */
export const rowPasses: readonly BenchPass[] = ['forward', 'backward', 'forward+backward'];

let seed = 1000;
const uniform = (shape: number[], lo: number, hi: number): Tensor => tf.randomUniform(shape, lo, hi, 'float32', seed++);

/**
 * tf's gradients, as tf's code runs them (tfjs-core 4.22): Softmax's registered gradient
 * (Softmax_grad.ts: y (dy - sum(dy y))); logSoftmax's customGrad (log_softmax.ts:
 * dy - sum(dy) e^value); softmaxCrossEntropy's customGrad after the mean's gradient
 * (softmax_cross_entropy.ts and compute_weighted_loss: dy / rows, then dy (e^logResult - labels)).
 */
function tfSoftmaxBackward(dy: Tensor, y: Tensor): Tensor {
  const config = tf.getGradient('Softmax');
  if (config == null) throw new Error("no gradient registered for Softmax (in Node, require('@tensorflow/tfjs') registers tf's gradients)");
  return config.gradFunc(dy, [y], { dim: -1 }).logits();
}

export function makeRowCase(name: RowBenchOp, pass: BenchPass, shape: number[]): BenchCase {
  if (!rowPasses.includes(pass)) throw new Error(`bench: ${name} has no ${pass} pass (its passes: ${rowPasses.join(', ')})`);
  const rows = shape[0];
  const x = uniform(shape, -4, 4);
  const dy = uniform(shape, -1, 1);
  const owned: Tensor[] = [x, dy];
  let run: Record<Impl, () => Tensor>;
  if (name === 'softmaxCrossEntropy') {
    const labels = tf.softmax(uniform(shape, -2, 2));
    const dLoss = tf.scalar(1);
    owned.push(labels, dLoss);
    if (pass === 'forward') {
      run = { custom: () => softmaxCrossEntropy(labels, x), builtin: () => tf.losses.softmaxCrossEntropy(labels, x) };
    } else if (pass === 'backward') {
      // Each side's backward reads what its forward saved: ours the logSoftmax our loss saves.
      const ls = runCrossEntropySaved(x);
      const logResult = tf.logSoftmax(x);
      owned.push(ls, logResult);
      run = {
        custom: () => tf.tidy(() => runCrossEntropyBackward(ls, labels, dLoss)),
        builtin: () => tf.tidy(() => tf.mul(tf.div(dLoss, rows), tf.sub(tf.exp(logResult), labels))),
      };
    } else {
      const ours = tf.grad((v: Tensor) => softmaxCrossEntropy(labels, v));
      const theirs = tf.grad((v: Tensor) => tf.losses.softmaxCrossEntropy(labels, v));
      run = { custom: () => ours(x), builtin: () => theirs(x) };
    }
    return { run, dispose: () => owned.forEach((t) => t.dispose()) };
  }
  const op = name === 'softmax' ? softmax : logSoftmax;
  const tfOp = name === 'softmax' ? tf.softmax : tf.logSoftmax;
  if (pass === 'forward') {
    run = { custom: () => op(x), builtin: () => tfOp(x) };
  } else if (pass === 'backward') {
    const ours = runRowForward(name, x);
    const theirs = tfOp(x);
    owned.push(ours, theirs);
    const tfBackward =
      name === 'softmax'
        ? (d: Tensor) => tfSoftmaxBackward(d, theirs)
        : (d: Tensor) => tf.sub(d, tf.mul(tf.sum(d, -1, true), tf.exp(theirs)));
    run = { custom: () => tf.tidy(() => runRowBackward(name, dy, ours)), builtin: () => tf.tidy(() => tfBackward(dy)) };
  } else {
    const ours = tf.grad((v: Tensor) => op(v));
    const theirs = tf.grad((v: Tensor) => tfOp(v));
    run = { custom: () => ours(x, dy), builtin: () => theirs(x, dy) };
  }
  return { run, dispose: () => owned.forEach((t) => t.dispose()) };
}

/** Parses "100x100,1000x1000,64x32000" into shapes of positive integers. */
export function parseShapes(list: string): number[][] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const dims = s.split('x').map(Number);
      if (dims.length < 1 || dims.some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`shape '${s}' is not dims of positive integers joined by x (e.g. 64x32000)`);
      return dims;
    });
}
