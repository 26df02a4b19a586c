import * as tf from '@tensorflow/tfjs';
import { abs, add, div, max, mul, namedSubexpressions, neg, propagatesNaN, readsVar, readsVarNamed, s, show, sub, unaryOpsIn, z, exp, tanh } from '../../src/expr/ast';
import type { Expr } from '../../src/expr/ast';
import { renderGlslFunction } from '../../src/expr/glsl';
import { renderJs } from '../../src/expr/js';
import { rangeOf } from '../../src/expr/range';
import { renderTf } from '../../src/expr/tf';
import { renderWat } from '../../src/expr/wat';
import { renderWgslFunction } from '../../src/expr/wgsl';
import { runWat } from '../helpers/wat';
import { defineActivation } from 'tfjs-activations';

/*
 * Expressions are DAGs, and a definition may share subexpressions deeply: every walk and every
 * renderer must take time and text of the DAG's size, not of the tree it unfolds to (2^depth
 * here). Before, 26 doublings took rangeOf 1.9 s and renderJs ran out of memory.
 */

/** t -> t + t, `depth` times, from z / 2^depth: one node per level, 2^depth paths to z. */
function doublings(depth: number): Expr {
  let e: Expr = mul(z, 2 ** -depth);
  for (let i = 0; i < depth; i++) e = add(e, e);
  return e;
}

/** Newton's iteration for 1 / sqrt(a), a = 1 + z^2, from y = 1 / (1 + |z|): y (1.5 - 0.5 a y^2), y read three times a step. */
function rsqrtNewton(x: Expr, steps: number): Expr {
  const a = add(1, mul(x, x));
  let y: Expr = div(1, add(1, abs(x)));
  for (let i = 0; i < steps; i++) y = mul(y, sub(1.5, mul(mul(0.5, a), mul(y, y))));
  return y;
}

const xs = [-3, -1, -0.25, 0, 0.5, 2, 7];

describe('deeply shared subexpressions (60 doublings: 2^60 paths)', () => {
  const e = exp(neg(max(doublings(60), 0)));

  it('walks each node once: rangeOf, readsVar, propagatesNaN, unaryOpsIn', () => {
    expect(rangeOf(doublings(60))).toEqual({ lo: -Infinity, hi: Infinity });
    expect(rangeOf(max(doublings(60), 0)).lo).toBe(0);
    expect(readsVar(e)).toBe(true);
    expect(propagatesNaN(e)).toBe(true);
    expect([...unaryOpsIn(e)].sort()).toEqual(['exp', 'neg']);
    expect(readsVarNamed(e, 'z')).toBe(true);
    expect(readsVarNamed(e, 's')).toBe(false);
    expect(show(e).length).toBeLessThanOrEqual(2003);
    expect(show(e).endsWith('...')).toBe(true);
    expect(show(mul(s, sub(1, s)))).toBe('mul(s, sub(1, s))');
  });

  it('renders to JS, GLSL, WGSL and WAT in text of the DAG\'s size, with the right values', () => {
    for (const text of [renderJs(e, 'z'), renderGlslFunction(e, 'z'), renderWgslFunction(e, 'z'), renderWat(e, '$z').code]) {
      expect(text.length).toBeLessThan(200000);
    }
    const js = new Function('z', 'alpha', `return ${renderJs(e, 'z')};`) as (x: number, a: number) => number;
    const want = xs.map((x) => Math.exp(-Math.max(x, 0)));
    xs.forEach((x, i) => expect(js(x, 0)).toBeCloseTo(want[i], 12));
    const wat = runWat(e, xs);
    xs.forEach((x, i) => expect(wat[i]).toBeCloseTo(want[i], 6));
    // The shaders name the shared nodes once each.
    expect(renderGlslFunction(e, 'z')).toMatch(/float tfaT0 = /);
    expect(renderWgslFunction(e, 'z')).toMatch(/let tfaT0 = /);
  });

  it('names only large shared nodes (small ones stay inline)', () => {
    const small = mul(exp(z), exp(z));
    expect(namedSubexpressions(small)).toEqual([]);
    expect(namedSubexpressions(e).length).toBeGreaterThan(40);
  });
});

describe('a user definition with a 12-step Newton iteration (3^12 paths to y0)', () => {
  const reference = (x: number) => 1 / Math.sqrt(1 + x * x);
  const forward = (v: Expr) => mul(v, rsqrtNewton(v, 12));

  it('renders in every language, and the JS and WAT forms converge to z / sqrt(1 + z^2)', () => {
    const e = forward(z);
    for (const text of [renderJs(e, 'z'), renderGlslFunction(e, 'z'), renderWgslFunction(e, 'z'), renderWat(e, '$z').code]) expect(text.length).toBeLessThan(200000);
    const js = new Function('z', 'alpha', `return ${renderJs(e, 'z')};`) as (x: number, a: number) => number;
    xs.forEach((x) => expect(js(x, 0)).toBeCloseTo(x * reference(x), 10));
    const wat = runWat(e, xs);
    xs.forEach((x, i) => expect(Math.abs(wat[i] - x * reference(x))).toBeLessThan(1e-5 * Math.max(1, Math.abs(x))));
  });

  it('defines an activation whose op, gradient and tf rendering agree', async () => {
    await tf.setBackend('cpu');
    const softsignLike = defineActivation({
      name: 'newtonSoftsign',
      forward: (v) => forward(v),
      // (z / sqrt(1 + z^2))' = (1 + z^2)^(-3/2): the same iteration, cubed.
      derivative: (v) => {
        const y = rsqrtNewton(v, 12);
        return mul(y, mul(y, y));
      },
      saves: 'input',
      reference: {
        value: (x) => x * reference(x),
        derivative: (x) => reference(x) ** 3,
        secondDerivative: (x) => -3 * x * reference(x) ** 5,
      },
    });
    const x = tf.tensor1d(xs);
    const got = Array.from(softsignLike.op(x).dataSync());
    xs.forEach((v, i) => expect(got[i]).toBeCloseTo(v * reference(v), 5));
    const grad = Array.from(tf.grad((t: tf.Tensor) => softsignLike.op(t))(x).dataSync());
    xs.forEach((v, i) => expect(grad[i]).toBeCloseTo(reference(v) ** 3, 5));
    const composite = Array.from(tf.tidy(() => renderTf(forward(z), x, 0)).dataSync());
    xs.forEach((v, i) => expect(composite[i]).toBeCloseTo(v * reference(v), 5));
    x.dispose();
  }, 60000);
});

it('tanh of a shared node keeps one helper', () => {
  const t = tanh(add(s, s));
  expect(renderGlslFunction(mul(t, t), 's').match(/float tfaTanh/g)).toHaveLength(1);
});
