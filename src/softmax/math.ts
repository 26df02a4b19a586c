import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/*
 * The row ops' math as differentiable tf ops over the last axis: the composite path (backends
 * without our kernels) and the backward of the backward (second and higher order). The fused
 * kernels (./kernels.ts, ./wat.ts) compute the same formulas and are tested against these and
 * against float64 references.
 */

/** Forward, max-subtracted: s = e^(x - max) / sum. */
export function softmaxComposite(x: Tensor): Tensor {
  return tf.tidy(() => {
    const e = tf.exp(tf.sub(x, tf.max(x, -1, true)));
    return tf.div(e, tf.sum(e, -1, true));
  });
}

/** Forward: x - max - log(sum e^(x - max)). */
export function logSoftmaxComposite(x: Tensor): Tensor {
  return tf.tidy(() => {
    const d = tf.sub(x, tf.max(x, -1, true));
    return tf.sub(d, tf.log(tf.sum(tf.exp(d), -1, true)));
  });
}

/** softmax's VJP from its output s: dx = s (dy - sum(dy s)). */
export function softmaxVjp(dy: Tensor, s: Tensor): Tensor {
  return tf.tidy(() => tf.mul(s, tf.sub(dy, tf.sum(tf.mul(dy, s), -1, true))));
}

/** logSoftmax's VJP from its output o: dx = dy - e^o sum(dy). */
export function logSoftmaxVjp(dy: Tensor, o: Tensor): Tensor {
  return tf.tidy(() => tf.sub(dy, tf.mul(tf.exp(o), tf.sum(dy, -1, true))));
}

/** Cross-entropy's gradient for the logits from s = softmax(logits): (s - labels) dy / rows. */
export function crossEntropyLogitsGrad(s: Tensor, labels: Tensor, dy: Tensor, rows: number): Tensor {
  return tf.tidy(() => tf.mul(tf.sub(s, labels), tf.div(dy, rows)));
}

/** Cross-entropy's gradient for the labels from ls = logSoftmax(logits): -ls dy / rows. */
export function crossEntropyLabelsGrad(ls: Tensor, dy: Tensor, rows: number): Tensor {
  return tf.tidy(() => tf.mul(ls, tf.div(tf.neg(dy), rows)));
}

/**
 * The mean over rows of -sum(labels ls), ls = logSoftmax(logits): summed per row first, then over
 * rows, as tf.losses.softmaxCrossEntropy does (the same float32 roundings on backends whose sum
 * accumulates in float32, wasm's). No rows: NaN, a mean over nothing.
 */
export function crossEntropyFromLogSoftmax(labels: Tensor, ls: Tensor, rows: number): Tensor {
  if (rows === 0) return tf.scalar(NaN);
  return tf.tidy(() => tf.div(tf.sum(tf.neg(tf.sum(tf.mul(ls, labels), -1))), rows));
}
