import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { BinaryOp, CompareOp, Cond, Expr, UnaryOp } from './ast';
import { propagatesNaN } from './ast';
import { expand } from './expand';
import type { ExpandedOp } from './expand';

/*
 * tf-ops renderer: an expression as differentiable tf ops on the element tensor. It is the
 * composite backend's kernel and the second-order path (tf differentiates these ops exactly).
 * Numbers stay numbers (tf makes float32 scalars of them); selects are tf.where, whose
 * gradient routes dy to the chosen branch.
 */

type T = Tensor | number;

const unaryTf: Record<UnaryOp, (x: Tensor) => Tensor> = {
  neg: tf.neg,
  abs: tf.abs,
  sqrt: tf.sqrt,
  exp: tf.exp,
  log: tf.log,
  log1p: tf.log1p,
  expm1: tf.expm1,
  tanh: tf.tanh,
  erf: tf.erf,
};

const binaryTf: Record<BinaryOp, (a: T, b: T) => Tensor> = {
  add: tf.add,
  sub: tf.sub,
  mul: tf.mul,
  div: tf.div,
  min: tf.minimum,
  max: tf.maximum,
};

const compareTf: Record<CompareOp, (a: Tensor, b: Tensor) => Tensor> = { gt: tf.greater, ge: tf.greaterEqual, lt: tf.less, le: tf.lessEqual };

/**
 * A comparison. tf registers no gradient for Greater, Less or LessEqual, and a tape that reaches
 * one throws, though a condition's gradient is zero: while a tape records, the comparison is a
 * customGrad saying so.
 */
function compare(op: CompareOp, a: Tensor, b: Tensor): Tensor {
  return withoutGradient(compareTf[op], a, b);
}

/** f(a, b) of a comparison, whose gradient is zero (a customGrad saying so while a tape records). */
function withoutGradient(f: (a: Tensor, b: Tensor) => Tensor, a: Tensor, b: Tensor): Tensor {
  if (tf.engine().state.gradientDepth === 0) return f(a, b);
  const noGradient = tf.customGrad((...inputs) => {
    const [p, q] = inputs as Tensor[];
    return { value: f(p, q), gradFunc: () => [tf.zerosLike(p), tf.zerosLike(q)] };
  });
  return noGradient(a, b);
}

/** A node reached twice (by identity) is computed once: `memo` holds what each rendered to. */
function render(e: Expr | Cond, x: Tensor, alpha: number, memo: Map<Expr | Cond, T>): T {
  const done = memo.get(e);
  if (done !== undefined) return done;
  const out = renderNode(e, x, alpha, memo);
  memo.set(e, out);
  return out;
}

function renderNode(e: Expr | Cond, x: Tensor, alpha: number, memo: Map<Expr | Cond, T>): T {
  const r = (y: Expr | Cond) => render(y, x, alpha, memo);
  const tensor = (y: T): Tensor => (typeof y === 'number' ? tf.scalar(y) : y);
  switch (e.kind) {
    case 'const': return e.value;
    case 'var': return x;
    case 'param': return alpha;
    case 'unary': {
      // A backend without tf's kernel (tfjs 3.21's wasm has no Erf, Expm1) gets the language's expansion.
      const expansion = expandedWithout(e.op);
      return expansion != null ? r(expansion(e.x)) : unaryTf[e.op](tensor(r(e.x)));
    }
    case 'binary': return binaryTf[e.op](r(e.a), r(e.b));
    case 'compare': return compare(e.op, tensor(r(e.a)), tensor(r(e.b)));
    case 'select': {
      // Constant branches as filled tensors (one kernel, where a broadcast scalar takes three).
      const branch = (y: T): Tensor => (typeof y === 'number' ? tf.fill(x.shape, y, 'float32') : fit(y, x));
      return tf.where(tensor(r(e.cond)), branch(r(e.then)), branch(r(e.otherwise)));
    }
  }
}

/** e over the tensor x (float32, the element), alpha bound; NaN in gives NaN out. */
export function renderTf(e: Expr, x: Tensor, alpha: number): Tensor {
  // Nothing to compute; tfjs 3.21's where cannot broadcast a scalar branch to shape [0].
  if (x.size === 0) return tf.zerosLike(x);
  return tf.tidy(() => {
    const out = render(e, x, alpha, new Map());
    const t = typeof out === 'number' ? tf.fill(x.shape, out, 'float32') : fit(out, x);
    return propagatesNaN(e) ? t : tf.where(isNaNMask(x), x, t);
  });
}

/** tf's kernel behind each op with an expansion in the language (./expand). */
const expandableKernels: Record<ExpandedOp, string> = { erf: 'Erf', log1p: 'Log1p', expm1: 'Expm1' };

/** The expansion of op where the active backend lacks tf's kernel for it, else null. */
function expandedWithout(op: UnaryOp): ((x: Expr) => Expr) | null {
  if (!Object.prototype.hasOwnProperty.call(expandableKernels, op)) return null;
  const expandable = op as ExpandedOp;
  if (tf.getKernel(expandableKernels[expandable], tf.getBackend()) != null) return null;
  return (x) => expand({ kind: 'unary', op, x }, [expandable]);
}

/** Where x is NaN: tf.isNaN, or x != x on a backend without an IsNan kernel (tfjs 3.21's wasm). */
function isNaNMask(x: Tensor): Tensor {
  if (tf.getKernel('IsNan', tf.getBackend()) != null) return tf.isNaN(x);
  return withoutGradient(tf.notEqual, x, x);
}

/** y broadcast to x's shape (a scalar from a constant branch), or y itself where it has it. */
function fit(y: Tensor, x: Tensor): Tensor {
  return util.arraysEqual(y.shape, x.shape) ? y : tf.broadcastTo(y, x.shape);
}
