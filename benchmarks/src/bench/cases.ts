import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { activations, opFor } from 'tfjs-activations';
import type { ActivationDefinition, ActivationName } from 'tfjs-activations';
import { customGradOpFor } from 'tfjs-activations/custom-grad';
import { runBackward, runForward } from 'tfjs-activations/kernels';
import type { Baseline, BenchPass, Impl } from './types';

/**
 * One benchmark case: the same work done by ours and by tf's built-in, on the same inputs.
 * Each `run` returns one tensor (the result); the harness disposes it and reads back from the
 * last one of a batch to wait for the backend.
 */
export interface BenchCase {
  run: Record<Impl, () => Tensor>;
  /** Frees the inputs and state made for the case. */
  dispose(): void;
}

/** Width of the train pass's hidden layer; the batch is size / width, so size = activations. */
export const TRAIN_HIDDEN = 100;
export const TRAIN_INPUTS = 8;
const TRAIN_LEARNING_RATE = 1e-3;

/**
 * The tf kernel that the built-in op runs (e.g. 'Sigmoid'), found by running it, not from a
 * list; null where the built-in is a composite of several differentiable kernels (tf has no
 * single op for it).
 */
async function builtinKernel(def: ActivationDefinition, x: Tensor, alpha: number): Promise<string | null> {
  const info = await tf.profile(() => def.builtin(x, alpha));
  tf.dispose(info.result);
  const kernels = info.kernels.map((k) => k.name);
  const withGradient = kernels.filter((k) => tf.getGradient(k) != null);
  if (withGradient.length === 0) {
    throw new Error(
      `${def.name}: the built-in op ran [${kernels.join(', ')}], none with a registered gradient (in Node, require('@tensorflow/tfjs') registers tf's gradients)`,
    );
  }
  return withGradient.length === 1 ? withGradient[0] : null;
}

/**
 * tf's registered gradient for the built-in op, called the way the engine's backprop calls it:
 * saved = [inputs named in inputsToSave..., outputs flagged in outputsToSave...], attrs = the op's
 * attributes ({alpha}; the others ignore attrs). Returns dx.
 */
function builtinBackward(kernel: string, x: Tensor, y: Tensor, alpha: number): (dy: Tensor) => Tensor {
  const config = tf.getGradient(kernel);
  if (config == null) throw new Error(`no gradient registered for ${kernel}`);
  const saved = [...(config.inputsToSave ?? []).map(() => x), ...(config.outputsToSave ?? []).filter((s) => s).map(() => y)];
  const attrs: NamedAttrMap = { alpha };
  return (dy) => {
    const grads = config.gradFunc(dy, saved, attrs);
    const dx = Object.values(grads);
    if (dx.length !== 1) throw new Error(`${kernel}'s gradient has ${dx.length} inputs, expected 1`);
    return dx[0]();
  };
}

/** The engine's tape, which tfjs-core keeps private: what tf.grad records and walks back. */
interface TapeNode {
  kernelName: string;
  inputs: Record<string, Tensor>;
  outputs: Tensor[];
  gradient?: (dys: (Tensor | null)[]) => Record<string, () => Tensor>;
  saved?: Tensor[];
}
interface EngineTape {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
}

/**
 * tf's backward pass through a composite built-in (tfjs-layers' gelu: erf, div, add, mul, ...),
 * exactly the gradient functions tf.grad's backprop runs, without the forward: the built-in runs
 * once under a tape, and the returned function walks that tape back from dy as tfjs-core's
 * backpropagateGradients does (nodes and inputs on the path from x only, gradients summed where
 * a tensor feeds two nodes). `release` frees what the tape saved.
 */
function compositeBackward(def: ActivationDefinition, x: Tensor, alpha: number): { backward: (dy: Tensor) => Tensor; release(): void } {
  const engine = tf.engine() as unknown as EngineTape;
  if (engine.state.gradientDepth !== 0) throw new Error('compositeBackward: a tape is already recording');
  engine.state.activeTape = [];
  engine.state.gradientDepth++;
  let y: Tensor;
  try {
    y = tf.tidy(() => def.builtin(x, alpha));
  } finally {
    engine.state.gradientDepth--;
  }
  const tape = engine.state.activeTape ?? [];
  engine.state.activeTape = null;
  const reached = new Set([x.id]);
  const nodes = tape.flatMap((node) => {
    const inputs = Object.entries(node.inputs).filter(([, t]) => reached.has(t.id));
    if (inputs.length === 0) return [];
    node.outputs.forEach((o) => reached.add(o.id));
    return [{ ...node, inputs: Object.fromEntries(inputs) }];
  });
  const backward = (dy: Tensor): Tensor =>
    tf.tidy(() => {
      const grads = new Map<number, Tensor>([[y.id, dy]]);
      for (let i = nodes.length - 1; i >= 0; i--) {
        const node = nodes[i];
        const dys = node.outputs.map((o) => grads.get(o.id) ?? null);
        if (dys.every((d) => d == null)) continue;
        if (node.gradient == null) throw new Error(`no gradient for ${node.kernelName}`);
        const inputGradients = node.gradient(dys);
        for (const [name, input] of Object.entries(node.inputs)) {
          const dx = inputGradients[name]();
          const prev = grads.get(input.id);
          grads.set(input.id, prev == null ? dx : tf.add(prev, dx));
        }
      }
      const dx = grads.get(x.id);
      if (dx == null) throw new Error(`${def.name}: the built-in's tape does not reach x`);
      return dx;
    });
  const release = () => {
    tape.forEach((node) => tf.dispose(node.saved ?? []));
    y.dispose();
  };
  return { backward, release };
}

let seedCounter = 1;
function uniform(shape: number[], lo = -4, hi = 4): Tensor {
  return tf.randomUniform(shape, lo, hi, 'float32', seedCounter++);
}

/** A small MLP (inputs -> hidden with the activation -> 1) and one SGD step, for either side. */
function trainCase(def: ActivationDefinition, size: number, alpha: number): BenchCase {
  const batch = Math.max(1, Math.round(size / TRAIN_HIDDEN));
  const xs = uniform([batch, TRAIN_INPUTS], -1, 1);
  const ys = uniform([batch, 1], -1, 1);
  const init = [uniform([TRAIN_INPUTS, TRAIN_HIDDEN], -0.5, 0.5), tf.zeros([TRAIN_HIDDEN]), uniform([TRAIN_HIDDEN, 1], -0.5, 0.5), tf.zeros([1])];
  const op = opFor(def.name);
  const act: Record<Impl, (h: Tensor) => Tensor> = { custom: (h) => op(h, alpha), builtin: (h) => def.builtin(h, alpha) };
  const owned: { dispose(): void }[] = [xs, ys];
  const step = (impl: Impl): (() => Tensor) => {
    // Same starting weights for both sides (a variable shares its initial data until assigned);
    // each side then trains its own copy.
    const [w1, b1, w2, b2] = init.map((t) => tf.variable(t)) as Variable[];
    const optimizer = tf.train.sgd(TRAIN_LEARNING_RATE);
    owned.push(w1, b1, w2, b2, optimizer); // the optimizer keeps its learning rate as a tensor
    const loss = (): Scalar => {
      const hidden = act[impl](tf.add(tf.matMul(xs, w1), b1));
      const out = tf.add(tf.matMul(hidden, w2), b2);
      return tf.mean(tf.square(tf.sub(out, ys)));
    };
    return () => {
      const cost = optimizer.minimize(loss, true, [w1, b1, w2, b2]);
      if (cost == null) throw new Error('optimizer returned no cost');
      return cost;
    };
  };
  const run = { custom: step('custom'), builtin: step('builtin') };
  init.forEach((t) => t.dispose());
  return { run, dispose: () => owned.forEach((t) => t.dispose()) };
}

/** Builds the case for one activation, pass and size on the active backend. */
export async function makeCase(name: ActivationName, pass: BenchPass, size: number, alphaOption: number, baseline: Baseline = 'tf'): Promise<BenchCase> {
  const tfDef = activations[name];
  // Against the customGrad form, its op stands where tf's would (the same kernels under it).
  const def = baseline === 'tf' ? tfDef : { ...tfDef, builtin: customGradOpFor(name) };
  const alpha = def.hasAlpha ? alphaOption : def.defaultAlpha;
  if (pass === 'train') return trainCase(def, size, alpha);
  if (pass === 'backward' && baseline === 'customGrad') {
    throw new Error("bench: the backward pass is the same fused kernel in both forms; time 'forward+backward' or 'train' against customGrad");
  }

  const op = opFor(name);
  const x = uniform([size]);
  const dy = uniform([size], -1, 1);
  const owned: { dispose(): void }[] = [x, dy];
  let run: Record<Impl, () => Tensor>;
  if (pass === 'forward') {
    run = { custom: () => op(x, alpha), builtin: () => def.builtin(x, alpha) };
  } else if (pass === 'backward') {
    // Ours: exactly what our registered gradient runs at first order (ops.ts): the fused backward
    // over dy and the saved tensor (output, or input where definition.saves says so).
    const ourSaved = def.saves(alpha) === 'output' ? runForward(def, x, alpha) : x;
    // tf's: its registered gradient function over what its kernel saved.
    const kernel = await builtinKernel(def, x, alpha);
    const yBuiltin = def.builtin(x, alpha);
    owned.push(ourSaved, yBuiltin);
    // A composite built-in has no one gradient to call: its side is tf's backprop through the
    // composite's recorded tape, what tf.grad runs after the forward.
    let tfBackward: (dy: Tensor) => Tensor;
    if (kernel != null) tfBackward = builtinBackward(kernel, x, yBuiltin, alpha);
    else {
      const composite = compositeBackward(def, x, alpha);
      tfBackward = composite.backward;
      owned.push({ dispose: composite.release });
    }
    // Both inside tidy, as the engine's backprop runs gradient functions, so temporaries are freed.
    run = {
      custom: () => tf.tidy(() => runBackward(def, dy, ourSaved, alpha)),
      builtin: () => tf.tidy(() => tfBackward(dy)),
    };
  } else {
    const gradCustom = tf.grad((t: Tensor) => op(t, alpha));
    const gradBuiltin = tf.grad((t: Tensor) => def.builtin(t, alpha));
    run = { custom: () => gradCustom(x, dy), builtin: () => gradBuiltin(x, dy) };
  }
  return { run, dispose: () => owned.forEach((t) => t.dispose()) };
}
