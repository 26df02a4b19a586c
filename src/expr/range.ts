import type { Binary, Expr, Unary } from './ast';

/*
 * Bounds of an expression's non-NaN values, by interval arithmetic over the tree (the element
 * and alpha unbounded), so a renderer can drop range handling a routine's argument never needs:
 * the WAT renderer's exp without clamps where the argument stays in [-87, 88], expm1 sharing
 * exp's reduction where it is <= 0. The bounds are of the real-valued operations; float32
 * rounding moves a finite bound by a relative 2^-24 per operation at most and never changes a
 * sign, so callers test signs exactly and magnitudes with a margin.
 */

/** b is -a (the same node negated): min(a, -a) is -|a|, the form derivatives use (see silu). */
export const isNegationOf = (a: Expr, b: Expr): boolean => b.kind === 'unary' && b.op === 'neg' && b.x === a;

export interface Range {
  readonly lo: number;
  readonly hi: number;
}

const all: Range = { lo: -Infinity, hi: Infinity };

/** Sums, products of bounds: inf - inf and 0 * inf (NaN) mean no bound on that side. */
const bound = (values: number[]): Range => {
  if (values.some(Number.isNaN)) return all;
  return { lo: Math.min(...values), hi: Math.max(...values) };
};

/**
 * Expressions are immutable DAGs whose nodes are shared (a subexpression used twice is one
 * object), so ranges are memoized per node: without it a node reached along k paths is walked
 * k times, exponential in the depth of the sharing (20 doublings of add(t, t) took 68 ms, 26
 * took 1.9 s).
 */
const memo = new WeakMap<Expr, Range>();

export function rangeOf(e: Expr): Range {
  const known = memo.get(e);
  if (known != null) return known;
  const range = computeRange(e);
  memo.set(e, range);
  return range;
}

function computeRange(e: Expr): Range {
  switch (e.kind) {
    case 'const': return { lo: e.value, hi: e.value };
    case 'var': case 'param': return all;
    case 'unary': return unaryRange(e);
    case 'binary': return binaryRange(e);
    case 'select': {
      const [t, o] = [rangeOf(e.then), rangeOf(e.otherwise)];
      return { lo: Math.min(t.lo, o.lo), hi: Math.max(t.hi, o.hi) };
    }
  }
}

function unaryRange(e: Unary): Range {
  const x = rangeOf(e.x);
  switch (e.op) {
    case 'neg': return { lo: -x.hi, hi: -x.lo };
    case 'abs': return x.lo >= 0 ? x : x.hi <= 0 ? { lo: -x.hi, hi: -x.lo } : { lo: 0, hi: Math.max(-x.lo, x.hi) };
    case 'exp': return { lo: Math.exp(x.lo), hi: Math.exp(x.hi) };
    case 'expm1': return { lo: Math.expm1(x.lo), hi: Math.expm1(x.hi) };
    case 'tanh': return { lo: Math.tanh(x.lo), hi: Math.tanh(x.hi) };
    case 'erf': return { lo: -1, hi: 1 };
    case 'sqrt': return { lo: 0, hi: Math.sqrt(Math.max(x.hi, 0)) };
    case 'log': case 'log1p': return all;
  }
}

function binaryRange(e: Binary): Range {
  const [a, b] = [rangeOf(e.a), rangeOf(e.b)];
  switch (e.op) {
    case 'add': return bound([a.lo + b.lo, a.hi + b.hi]);
    case 'sub': return bound([a.lo - b.hi, a.hi - b.lo]);
    // x * x is a square, whatever x's sign.
    case 'mul': return e.a === e.b
      ? bound(a.lo >= 0 || a.hi <= 0 ? [a.lo * a.lo, a.hi * a.hi] : [0, a.lo * a.lo, a.hi * a.hi])
      : bound([a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]);
    case 'div': return all;
    case 'min': return isNegationOf(e.a, e.b) || isNegationOf(e.b, e.a) ? { lo: Math.min(a.lo, b.lo), hi: 0 } : { lo: Math.min(a.lo, b.lo), hi: Math.min(a.hi, b.hi) };
    case 'max': return isNegationOf(e.a, e.b) || isNegationOf(e.b, e.a) ? { lo: 0, hi: Math.max(a.hi, b.hi) } : { lo: Math.max(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
  }
}
