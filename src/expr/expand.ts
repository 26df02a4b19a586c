import { abs, add, clip, div, exp, gt, log, lt, mul, neg, poly, select, sub } from './ast';
import type { Expr, Unary, UnaryOp } from './ast';

/*
 * Functions some targets lack (no erf in JS, GLSL, WGSL or WebAssembly; no log1p or expm1 in
 * GLSL, WGSL or WebAssembly), written once in the language itself: each renderer without a native one
 * renders the expansion, so the math lives here only. Accuracy of the rendered forms against
 * float64: __tests__/expr/wat-lib.test.ts (figures in docs/design-notes.md).
 */

/** The largest float32: a stand-in for +inf in comparisons (shader languages have no inf literal). */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * log1p(x) = log(u) * x / (u - 1) with u = 1 + x (Goldberg's correction: the rounding of u
 * cancels), x itself where u rounds to 1, and +inf for +inf.
 */
export function expandLog1p(x: Expr): Expr {
  const u = add(1, x);
  const d = sub(u, 1);
  return select(gt(x, FLOAT32_MAX), x, select(gt(abs(d), 0), mul(log(u), div(x, d)), x));
}

/**
 * (expm1(x) - x) / x^2 = R(x) on |x| <= 0.75: the Taylor series to x^9 (the rest is below 0.25
 * ulp there).
 */
const EXPM1_R = [1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320, 1 / 362880];

/**
 * expm1(x): x + x (x R(x)) on |x| <= 0.75 (no log, no cancellation: the correction is at most a
 * third of x, so x's digits survive; at x = -log 2 in float32 the result is -0.5 exactly, which
 * softplus'(0) = 0.5 needs); e^x - 1 outside, where e^x <= 0.48 or >= 2.1 and the subtraction
 * costs at most one rounding (e^x = 0 and +inf give -1 and +inf). Below 2^-26 it is x itself,
 * which keeps -0. NaN passes through the polynomial.
 */
export function expandExpm1(x: Expr): Expr {
  const near = select(lt(abs(x), 2 ** -26), x, add(x, mul(x, mul(x, poly(EXPM1_R, x)))));
  return select(gt(abs(x), 0.75), sub(exp(x), 1), near);
}

/** erf(x) / x = S(x^2) on |x| < 1, fitted by least squares (relative error 4.6e-9 in float64). */
const ERF_S = [1.128379225730896, -0.3761262893676758, 0.11283634603023529, -0.026856068521738052, 0.005192956887185574, -0.0008053741184994578, 8.00684210844338e-05];
/** erfc(a) e^(a^2) = T(1 / a) on 1 <= a <= 4, fitted likewise (relative error 2.2e-7 in float32). */
const ERF_T = [0.00011182147136423737, 0.5619505047798157, 0.018990248441696167, -0.3684885501861572, 0.20852583646774292, 0.28018030524253845, -0.5886861085891724, 0.4781583547592163, -0.197182759642601, 0.034023940563201904];

/**
 * erf(x): x S(x^2) below |x| = 1 (keeps -0 and the sign), else +-(1 - e^(-a^2) T(1/a)) with a =
 * |x| clamped to [1, 4] (past 4 erf is +-1 in float32). NaN passes through both branches.
 */
export function expandErf(x: Expr): Expr {
  // a is also kept >= 1, where the branch is not taken: tf differentiates both branches, and 1/a
  // at x = 0 made the second order NaN there (0 * inf).
  const a = clip(abs(x), 1, 4);
  const big = sub(1, mul(exp(neg(mul(a, a))), poly(ERF_T, div(1, a))));
  return select(lt(abs(x), 1), mul(x, poly(ERF_S, mul(x, x))), select(lt(x, 0), neg(big), big));
}

const expansions: Partial<Record<UnaryOp, (x: Expr) => Expr>> = { log1p: expandLog1p, expm1: expandExpm1, erf: expandErf };
export type ExpandedOp = 'log1p' | 'expm1' | 'erf';

/**
 * e with every `ops` node replaced by its expansion (a renderer's missing natives), except those
 * `keep` accepts (given the node with its argument expanded): a renderer with a routine for that
 * case (the WAT renderer's expm1 of a non-positive argument).
 */
export function expand(e: Expr, ops: readonly ExpandedOp[], keep: (n: Unary) => boolean = () => false): Expr {
  // A node reached twice stays one node (renderers compute shared nodes once).
  const memo = new Map<Expr, Expr>();
  const go = (n: Expr): Expr => {
    const done = memo.get(n);
    if (done != null) return done;
    const out = step(n);
    memo.set(n, out);
    return out;
  };
  const step = (n: Expr): Expr => {
    switch (n.kind) {
      case 'const': case 'var': case 'param': return n;
      case 'unary': {
        const x = go(n.x);
        const node: Unary = { ...n, x };
        const f = (ops as readonly string[]).includes(n.op) && !keep(node) ? expansions[n.op] : undefined;
        return f != null ? go(f(x)) : node;
      }
      case 'binary': return { ...n, a: go(n.a), b: go(n.b) };
      case 'select': return { ...n, cond: { ...n.cond, a: go(n.cond.a), b: go(n.cond.b) }, then: go(n.then), otherwise: go(n.otherwise) };
    }
  };
  return go(e);
}
