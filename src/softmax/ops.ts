import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import { kernelRef, runDirect, saveWithoutCopy, savesWithoutCopy, tapeIsRecording, gradientDepth } from '../kernels';
import type { KernelRef } from '../kernels';
import { toNumericTensor } from '../ops';
import type { TensorInput } from '../ops';
import { checkOptionsObject, checkKnownKeys, checkNumberOption } from '../validate';
import { registerRowKernels, rowKernelName } from './kernels';
import type { RowKernel, RowOp } from './kernels';
import {
  crossEntropyFromLogSoftmax,
  crossEntropyLabelsGrad,
  crossEntropyLogitsGrad,
  logSoftmaxComposite,
  logSoftmaxVjp,
  softmaxComposite,
  softmaxVjp,
} from './math';

/*
 * softmax, logSoftmax, softmaxCrossEntropy and softmaxJacobian over any axis. The kernels work on
 * the last axis; another axis is moved there and back with transposes inside the op (taped like
 * any tf op, so gradients follow). As for the elementwise ops (../ops.ts): no tape, the forward
 * kernel runs directly; under a tape a kernel of ours with a registered gradient saves the output
 * (depth 1: the fused backward reads only it), or input and output at depth >= 2, where the
 * backward, run while an outer tape records, recomputes the output with our (taped) op and takes
 * the VJP as tf ops (./math.ts), so every order is exact.
 */

registerRowKernels();

const engine = tf.engine();
const PREFIX = 'TfjsActivations';

/**
 * What a taped kernel saves: 'output' (engine-saved: tf clones it), 'both' (x too, depth >= 2),
 * 'view' (the output saved by saveWithoutCopy, on wasm).
 */
type Saved = 'output' | 'both' | 'view';

const composites: Record<RowOp, (x: Tensor) => Tensor> = { softmax: softmaxComposite, logSoftmax: logSoftmaxComposite };
const vjps: Record<RowOp, (dy: Tensor, out: Tensor) => Tensor> = { softmax: softmaxVjp, logSoftmax: logSoftmaxVjp };

/** Our kernel for this backend, looked up once per (kernel, backend): kernels register at import. */
const refs = new Map<string, KernelRef | null>();
function ref(kernel: RowKernel): KernelRef | null {
  const key = `${engine.backendName}/${kernel}`;
  let r = refs.get(key);
  if (r === undefined) refs.set(key, (r = kernelRef(rowKernelName(kernel), engine.backendName)));
  return r;
}

/**
 * The forward of a row op over the last axis (float32 x), without a gradient. `packedOutput`: in
 * tf's packed layout where the backend has one (webgl), for softmaxCrossEntropy's logSoftmax,
 * which packed programs read next (the loss's tf ops and the fused backward).
 */
function forwardLast(op: RowOp, x: Tensor, packedOutput = false): Tensor {
  const k = ref(`${op}_forward`);
  return k != null ? runDirect(k, { x }, packedOutput ? { packedOutput } : {}) : composites[op](x);
}

/** The fused backward over the last axis: dx from dy and the saved output. */
function backwardLast(op: RowOp, dy: Tensor, out: Tensor): Tensor {
  const k = ref(`${op}_backward`);
  return k != null ? runDirect(k, { dy, s: out }, {}) : vjps[op](dy, out);
}

const tapedName = (op: string, saved: Saved): string => `${PREFIX}_${op}_taped_${saved}`;

/** Registers the taped forward kernel of `op` on the current backend at first use there. */
function ensureTaped(name: string, func: (inputs: NamedTensorMap) => Tensor | Tensor[]): void {
  const backendName = engine.backendName;
  if (tf.getKernel(name, backendName) == null) {
    // Inside a kernel nothing is taped: the composite's tf ops bring no gradient of tf's.
    tf.registerKernel({ kernelName: name, backendName, kernelFunc: ({ inputs }) => func(inputs as NamedTensorMap) });
  }
}

/** [rows, n] for a shape [..., n] (empty dims included). */
function as2d(shape: number[]): [number, number] {
  return [shape.slice(0, -1).reduce((a, b) => a * b, 1), shape[shape.length - 1]];
}

/** The taped variant for this depth and backend: at depth 1 on wasm the output is saved without tf's copy. */
function savedVariant(): Saved {
  if (gradientDepth() >= 2) return 'both';
  return savesWithoutCopy() ? 'view' : 'output';
}

/** softmax or logSoftmax over the last axis (float32 x), differentiable to any order. */
function applyLast(op: RowOp, x: Tensor): Tensor {
  // The kernels take [rows, n]; a reshape is free (metadata) and taped like any tf op.
  if (x.rank !== 2) return tf.tidy(() => tf.reshape(applyLast(op, tf.reshape(x, as2d(x.shape))), x.shape));
  if (!tapeIsRecording()) return forwardLast(op, x);
  const saved = savedVariant();
  const name = tapedName(op, saved);
  ensureTaped(name, (inputs) => forwardLast(op, inputs.x as Tensor));
  const y = engine.runKernel(name, { x }, {}) as Tensor;
  if (saved === 'view') saveWithoutCopy(y, y);
  return y;
}

for (const op of ['softmax', 'logSoftmax'] as const) {
  for (const saved of ['output', 'both', 'view'] as const) {
    const kernelName = tapedName(op, saved);
    if (tf.getGradient(kernelName) != null) continue; // another copy of us did it
    tf.registerGradient({
      kernelName,
      inputsToSave: saved === 'both' ? ['x'] : [],
      outputsToSave: [saved !== 'view'],
      gradFunc: (dy: Tensor | Tensor[], tensors: Tensor[]) => {
        const dyT = dy as Tensor;
        return {
          x: () => {
            if (saved === 'both' && tapeIsRecording()) return vjps[op](dyT, applyLast(op, tensors[0]));
            return backwardLast(op, dyT, tensors[saved === 'both' ? 1 : 0]);
          },
        };
      },
    });
  }
}

/** Checks axis for a tensor of this rank and returns it in [0, rank). */
function normalizeAxis(fn: string, axis: unknown, rank: number): number {
  if (rank === 0) throw new Error(`${fn}: x must have rank >= 1 (it works over an axis), got a scalar`);
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`${fn}: axis must be an integer in [${-rank}, ${rank - 1}] for a rank-${rank} tensor, got ${typeof axis === 'number' ? axis : typeof axis}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Runs f over the last axis with `axis` moved there (transposes inside the op, taped like any tf op). */
function overAxis(xs: Tensor[], axis: number, f: (...moved: Tensor[]) => Tensor, keepsShape: boolean): Tensor {
  const rank = xs[0].rank;
  if (axis === rank - 1) return f(...xs);
  const perm = [...Array(rank).keys()].filter((i) => i !== axis).concat(axis);
  return tf.tidy(() => {
    const y = f(...xs.map((x) => tf.transpose(x, perm)));
    if (!keepsShape) return y;
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return tf.transpose(y, inverse);
  });
}

/** float32 x from a Tensor or TensorLike (int32 computes as float32, as tf.softmax does), owned or not. */
function withFloatInput(fn: string, x: TensorInput, body: (x: Tensor) => Tensor, name = 'x'): Tensor {
  let converted: { tensor: Tensor; owned: boolean };
  try {
    converted = toNumericTensor(x, fn);
  } catch (e) {
    throw new Error((e as Error).message.replace(`${fn}: x `, `${fn}: ${name} `));
  }
  const { tensor, owned } = converted;
  try {
    if (tensor.dtype === 'int32') return tf.tidy(() => body(tf.cast(tensor, 'float32')));
    return body(tensor);
  } finally {
    if (owned) tensor.dispose();
  }
}

function rowOp(op: RowOp): (x: TensorInput, axis?: number) => Tensor {
  return (x, axis = -1) =>
    withFloatInput(op, x, (xf) => {
      const a = normalizeAxis(op, axis, xf.rank);
      return overAxis([xf], a, (moved) => applyLast(op, moved), true);
    });
}

/**
 * softmax(x, axis = -1) = e^(x - max) / sum e^(x - max) along axis. Conventions: a row holding
 * NaN or +Infinity, or all -Infinity, is NaN throughout (IEEE: inf - inf); -Infinity elsewhere
 * gives 0; an axis of length 1 gives 1; int32 computes in float32; empty tensors stay empty.
 */
export const softmax: (x: TensorInput, axis?: number) => Tensor = rowOp('softmax');

/** logSoftmax(x, axis = -1) = x - max - log sum e^(x - max), the same conventions (-Infinity in, -Infinity out). */
export const logSoftmax: (x: TensorInput, axis?: number) => Tensor = rowOp('logSoftmax');

// --- softmaxCrossEntropy -----------------------------------------------------------------------

const CE = 'softmaxCrossEntropy';

/** The loss over the last axis: [loss, ls] from a kernel whose gradient is registered below. */
function crossEntropyLast(labels: Tensor, logits: Tensor): Tensor {
  if (logits.rank !== 2) {
    const shape = as2d(logits.shape);
    return tf.tidy(() => crossEntropyLast(tf.reshape(labels, shape), tf.reshape(logits, shape)));
  }
  const [rows] = logits.shape;
  if (!tapeIsRecording()) {
    return tf.tidy(() => crossEntropyFromLogSoftmax(labels, forwardLast('logSoftmax', logits, true), rows));
  }
  const saved = savedVariant();
  const name = `${PREFIX}_${CE}_taped_${saved}`;
  ensureTaped(name, (inputs) => {
    const ls = forwardLast('logSoftmax', inputs.logits as Tensor, true);
    return [crossEntropyFromLogSoftmax(inputs.labels as Tensor, ls, rows), ls];
  });
  const [loss, ls] = engine.runKernel(name, { labels, logits }, { rows }) as Tensor[];
  // The gradient reads [labels, ls] in either variant: 'view' saves both without tf's copy.
  if (saved === 'view') [labels, ls].forEach((t) => saveWithoutCopy(loss, t));
  ls.dispose(); // the tape keeps its own
  return loss;
}

for (const saved of ['output', 'both', 'view'] as const) {
  const kernelName = `${PREFIX}_${CE}_taped_${saved}`;
  if (tf.getGradient(kernelName) != null) continue;
  tf.registerGradient({
    kernelName,
    inputsToSave: saved === 'both' ? ['labels', 'logits'] : saved === 'output' ? ['labels'] : [],
    outputsToSave: [false, saved !== 'view'],
    gradFunc: (dy: Tensor | Tensor[], tensors: Tensor[], attrs: NamedAttrMap) => {
      const dyLoss = (dy as Tensor[])[0];
      const rows = attrs.rows as number;
      const labels = tensors[0];
      const ls = tensors[saved === 'both' ? 2 : 1];
      const higher = (): boolean => saved === 'both' && tapeIsRecording();
      return {
        logits: () => {
          if (higher()) return crossEntropyLogitsGrad(applyLast('softmax', tensors[1]), labels, dyLoss, rows);
          return runCrossEntropyBackward(ls, labels, dyLoss);
        },
        labels: () => crossEntropyLabelsGrad(higher() ? applyLast('logSoftmax', tensors[1]) : ls, dyLoss, rows),
      };
    },
  });
}

/**
 * softmaxCrossEntropy(labels, logits, axis = -1): the mean over rows of -sum(labels logSoftmax(logits))
 * along axis, a scalar (tf.losses.softmaxCrossEntropy's default reduction, without its label
 * smoothing and weights). Gradients: logits (softmax(logits) - labels) dy / rows, fused; labels
 * -logSoftmax(logits) dy / rows (the derivative; tf's gives labels - softmax instead). No rows
 * (an empty tensor) gives NaN, as a mean over nothing.
 */
export function softmaxCrossEntropy(labels: TensorInput, logits: TensorInput, axis = -1): Tensor {
  return withFloatInput(CE, labels, (lab) =>
    withFloatInput(CE, logits, (lg) => {
      if (lab.shape.join() !== lg.shape.join()) {
        throw new Error(`${CE}: labels and logits must have the same shape, got [${lab.shape}] and [${lg.shape}]`);
      }
      const a = normalizeAxis(CE, axis, lg.rank);
      return overAxis([lab, lg], a, crossEntropyLast, false);
    }, 'logits'), 'labels');
}

// --- softmaxJacobian -----------------------------------------------------------------------------

/** The default limit on the Jacobian's element count: 2^24 (64 MiB of float32). */
export const SOFTMAX_JACOBIAN_MAX_ELEMENTS = 2 ** 24;

export interface SoftmaxJacobianOptions {
  /** Refuse (with an Error) Jacobians of more elements than this; default 2^24. */
  maxElements?: number;
}

/**
 * The Jacobians of softmax along axis from its output s: diag(s) - s s^T for each row, shape
 * [...other dims, n, n] (the other dims in order). Differentiable (tf ops). Meant for teaching
 * and checks: the VJP never forms it (n^2 per row).
 */
export function softmaxJacobian(s: TensorInput, axis = -1, options: SoftmaxJacobianOptions = {}): Tensor {
  const fn = 'softmaxJacobian';
  const opts = checkOptionsObject(fn, options);
  checkKnownKeys(fn, opts, ['maxElements']);
  if (opts.maxElements !== undefined) checkNumberOption(fn, 'maxElements', opts.maxElements, { integer: true, min: 0 });
  const limit = (opts.maxElements as number | undefined) ?? SOFTMAX_JACOBIAN_MAX_ELEMENTS;
  return withFloatInput(fn, s, (sf) => {
    const a = normalizeAxis(fn, axis, sf.rank);
    const n = sf.shape[a];
    const elements = sf.size * n;
    if (elements > limit) {
      throw new Error(`${fn}: the Jacobians would have ${elements} elements, more than maxElements = ${limit} (raise it with {maxElements})`);
    }
    return overAxis([sf], a, (moved) => tf.tidy(() => {
      const col = tf.expandDims(moved, -1);
      return tf.sub(tf.mul(col, tf.eye(n)), tf.mul(col, tf.expandDims(moved, -2)));
    }), false);
  }, 's');
}



// --- For the benchmark harness (the ./kernels subpath): what our gradients run at first order ----

/** softmax or logSoftmax over the last axis without a tape: our forward kernel, or the composite. */
export function runRowForward(op: RowOp, x: Tensor): Tensor {
  return forwardLast(op, x);
}

/** The logSoftmax(logits) softmaxCrossEntropy's forward computes and saves for its backward. */
export function runCrossEntropySaved(logits: Tensor): Tensor {
  return forwardLast('logSoftmax', logits, true);
}

/** What softmax's or logSoftmax's registered gradient runs at first order: the fused backward from the output. */
export function runRowBackward(op: RowOp, dy: Tensor, out: Tensor): Tensor {
  return backwardLast(op, dy, out);
}

/** What softmaxCrossEntropy's registered gradient runs for the logits at first order, from ls = logSoftmax(logits). */
export function runCrossEntropyBackward(ls: Tensor, labels: Tensor, dy: Tensor): Tensor {
  const n = ls.shape[ls.rank - 1];
  const rows = n === 0 ? 0 : ls.size / n;
  const k = ref('crossEntropy_backward');
  if (k != null) return runDirect(k, { ls, labels, dy }, { rows });
  return tf.tidy(() => crossEntropyLogitsGrad(tf.exp(ls), labels, dy, rows));
}
