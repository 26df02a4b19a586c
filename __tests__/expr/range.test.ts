import { abs, add, alpha, clip, div, exp, expm1, gt, max, min, mul, neg, s, select, z } from '../../src/expr/ast';
import type { Expr } from '../../src/expr/ast';
import { renderJs } from '../../src/expr/js';
import { rangeOf } from '../../src/expr/range';
import { renderWat } from '../../src/expr/wat';
import { runWat } from '../helpers/wat';

/*
 * What the WAT renderer learns from an argument's bounds (src/expr/range.ts) and from a condition
 * on alpha alone: which routine runs, and that a branch computes the same values as the
 * branch-free form would.
 */

describe('rangeOf', () => {
  it('bounds clamps, -|x| written min(x, -x), squares, exp and selects; leaves the rest unbounded', () => {
    const sc = clip(s, -80, 80);
    expect(rangeOf(sc)).toEqual({ lo: -80, hi: 80 });
    expect(rangeOf(min(sc, neg(sc)))).toEqual({ lo: -80, hi: 0 });
    expect(rangeOf(min(neg(s), s)).hi).toBe(0);
    expect(rangeOf(mul(-0.5, mul(sc, sc)))).toEqual({ lo: -3200, hi: -0 });
    expect(rangeOf(mul(sc, sc))).toEqual({ lo: 0, hi: 6400 });
    expect(rangeOf(neg(abs(s)))).toEqual({ lo: -Infinity, hi: -0 });
    expect(rangeOf(exp(clip(s, 0, 1)))).toEqual({ lo: 1, hi: Math.E });
    expect(rangeOf(select(gt(s, 0), 2, min(s, -3)))).toEqual({ lo: -Infinity, hi: 2 });
    expect(rangeOf(div(1, clip(s, 1, 2)))).toEqual({ lo: -Infinity, hi: Infinity });
    expect(rangeOf(mul(s, 0))).toEqual({ lo: -Infinity, hi: Infinity }); // inf * 0: no bound
    expect(rangeOf(add(alpha, 1))).toEqual({ lo: -Infinity, hi: Infinity });
  });
});

describe('routine choice in the WAT renderer', () => {
  // expF32's clamp to [-104, 89] marks its full-range form; the expansion of expm1 its 0.75 split.
  it('exp without range handling where the argument stays in [-87, 88], expF32 elsewhere', () => {
    expect(renderWat(exp(clip(s, -80, 80)), '$s').code).not.toContain('-104');
    expect(renderWat(exp(clip(s, -100, 0)), '$s').code).toContain('-104');
    expect(renderWat(exp(s), '$s').code).toContain('-104');
  });

  it('expm1 from exp\'s reduction for an argument <= 0, the expansion otherwise', () => {
    expect(renderWat(expm1(min(s, 0)), '$s').code).not.toContain('0.75');
    expect(renderWat(expm1(s), '$s').code).toContain('0.75');
  });
});

/** The expression as a wasm forward kernel over xs with the given alpha. */
describe('a select on alpha alone', () => {
  it('is a branch, not a bitselect', () => {
    const code = renderWat(select(gt(alpha, 0), exp(z), mul(alpha, z)), '$z').code;
    expect(code).toContain('(if (result v128) (v128.any_true');
    expect(code).not.toContain('bitselect (f32x4.mul');
  });

  it('gives the branch-free values for either sign of alpha, a shared node first computed inside a branch included', () => {
    // e^(z/2) is computed in the then-branch first and read again after it: where alpha <= 0 the
    // branch never runs, so the later read must compute it, not read an unset local.
    const shared = exp(mul(z, 0.5));
    const e = add(select(gt(alpha, 0), mul(shared, 2), mul(alpha, z)), shared);
    const xs = Array.from({ length: 21 }, (_, i) => -5 + i / 2);
    const js = new Function('z', 'alpha', `return ${renderJs(e, 'z')};`) as (x: number, a: number) => number;
    for (const a of [1, -1]) {
      const got = runWat(e, xs, a);
      xs.forEach((x, i) => expect(Math.abs(got[i] - js(x, a))).toBeLessThanOrEqual(1e-6 * Math.abs(js(x, a))));
    }
  });
});

describe('min and max in WAT', () => {
  it('are pmin and pmax against a constant where those agree with them (not NaN, not -0 for min, not +-0 for max), -|x| and |x| for min(x, -x), max(x, -x)', () => {
    expect(renderWat(min(s, 6), '$s').code).toBe('(f32x4.pmin (local.get $s) (v128.const f32x4 6 6 6 6))');
    expect(renderWat(max(-3, s), '$s').code).toBe('(f32x4.pmax (local.get $s) (v128.const f32x4 -3 -3 -3 -3))');
    expect(renderWat(min(s, 0), '$s').code).toContain('f32x4.pmin');
    expect(renderWat(max(s, 0), '$s').code).toBe('(f32x4.add (f32x4.pmax (local.get $s) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 0 0 0 0))');
    expect(renderWat(max(0, s), '$s').code).toBe('(f32x4.add (f32x4.pmax (local.get $s) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 0 0 0 0))');
    expect(renderWat(max(s, -0), '$s').code).toContain('(f32x4.max ');
    expect(renderWat(min(s, -0), '$s').code).toContain('(f32x4.min ');
    expect(renderWat(min(s, NaN), '$s').code).toContain('(f32x4.min ');
    expect(renderWat(min(s, neg(s)), '$s').code).toBe('(f32x4.neg (f32x4.abs (local.get $s)))');
    expect(renderWat(max(neg(s), s), '$s').code).toBe('(f32x4.abs (local.get $s))');
  });

  it('give wasm min and max\'s values for NaN, +-0, +-inf and the constants themselves', () => {
    const xs = [NaN, -0, 0, -Infinity, Infinity, 6, -6, 1e-45, -1e-45, 3];
    const js = (f: (x: number) => number) => xs.map(f);
    const same = (got: Float32Array, want: number[]) => want.forEach((w, i) => expect(Object.is(got[i], Math.fround(w)) || (Number.isNaN(w) && Number.isNaN(got[i]))).toBe(true));
    // Math.min and Math.max order -0 below +0 and propagate NaN, as wasm's min and max do.
    same(runWat(min(z, 6), xs, 0), js((x) => Math.min(x, 6)));
    same(runWat(max(z, -6), xs, 0), js((x) => Math.max(x, -6)));
    same(runWat(min(z, 0), xs, 0), js((x) => Math.min(x, 0)));
    // max(z, +0) as pmax(z, 0) + 0: the add makes pmax's -0 +0.
    same(runWat(max(z, 0), xs, 0), js((x) => Math.max(x, 0)));
    same(runWat(max(0, z), xs, 0), js((x) => Math.max(0, x)));
    same(runWat(min(z, neg(z)), xs, 0), js((x) => Math.min(x, -x)));
    same(runWat(max(z, neg(z)), xs, 0), js((x) => Math.max(x, -x)));
  });
});
