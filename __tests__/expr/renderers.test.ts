import { add, alpha, erf, exp, gt, log1p, lt, max, min, mul, propagatesNaN, s, select, sub, tanh, z } from '../../src/expr/ast';
import { renderGlslFunction } from '../../src/expr/glsl';
import { renderJs } from '../../src/expr/js';
import { floatLiteral } from '../../src/expr/shader';
import { renderWat } from '../../src/expr/wat';
import { renderWgslFunction } from '../../src/expr/wgsl';

/* What the renderers own, so that no expression has to: NaN guards, select order, constants. */

describe('NaN: guards only where IEEE arithmetic would not give NaN', () => {
  it('knows which expressions propagate NaN', () => {
    expect(propagatesNaN(mul(s, sub(1, s)))).toBe(true);
    expect(propagatesNaN(max(z, 0))).toBe(true);
    expect(propagatesNaN(select(lt(z, 0), mul(alpha, z), z))).toBe(true); // NaN < 0 is false: z
    expect(propagatesNaN(select(gt(s, 0), 1, 0))).toBe(false);
    expect(propagatesNaN(select(gt(alpha, 0), 1, 0))).toBe(false);
  });

  it('JS and WAT add a guard exactly there; GLSL and WGSL always', () => {
    expect(renderJs(mul(s, sub(1, s)), 's')).toBe('(s * (1 - s))');
    expect(renderJs(select(gt(s, 0), 1, 0), 's')).toBe('(s !== s ? NaN : (s > 0 ? 1 : 0))');
    expect(renderWat(mul(s, sub(1, s)), '$s').code).not.toContain('f32x4.eq');
    expect(renderWat(select(gt(s, 0), 1, 0), '$s').code).toContain('(f32x4.eq (local.get $s) (local.get $s))');
    expect(renderGlslFunction(mul(s, sub(1, s)), 's')).toContain('where(isnan(s), s, ');
    expect(renderWgslFunction(mul(s, sub(1, s)), 's')).toContain(', s, isnan(s))');
  });
});

it('select order: GLSL where(c, t, f), WGSL select(f, t, c), WAT bitselect(t, f, mask)', () => {
  const e = select(gt(z, 0), 1, 2);
  expect(renderGlslFunction(e, 'z')).toContain('where((z > 0.0), 1.0, 2.0)');
  expect(renderWgslFunction(e, 'z')).toContain('select(2.0, 1.0, (z > 0.0))');
  expect(renderWat(e, "$z").code).toContain("(v128.bitselect (v128.const f32x4 1 1 1 1) (v128.const f32x4 2 2 2 2) (f32x4.gt (local.get $z)");
});

it('WAT: a select against +0 is one v128.and or v128.andnot of the mask, not a bitselect', () => {
  // (The first gets the NaN guard around it: NaN > 0 is false, so it would give 0.)
  expect(renderWat(select(gt(z, 0), mul(z, 2), 0), '$z').code).toContain('(v128.and (f32x4.mul (local.get $z)');
  expect(renderWat(select(gt(z, 0), 0, mul(z, 2)), '$z').code).toMatch(/^\(v128\.andnot \(f32x4\.mul/);
  // -0 is not +0: that select stays a bitselect.
  expect(renderWat(select(gt(z, 0), -0, mul(z, 2)), '$z').code).toContain('v128.bitselect');
});

it('WAT: exp at \'absolute\' precision is 2^(x c log2 e) where a constant factor c folds, else one ln2 constant; the default reduces by ln2 split in two', () => {
  const e = exp(mul(-0.5, min(mul(z, z), 80)));
  const [ulp, absolute] = [renderWat(e, '$z').code, renderWat(e, '$z', undefined, 'absolute').code];
  expect(ulp).toContain(`${Math.fround(0.000001428606765330187)}`);
  expect(absolute).not.toContain(`${Math.fround(0.000001428606765330187)}`);
  expect(absolute).toContain(`${Math.fround(-0.5 * Math.LOG2E)}`);
  expect(absolute).not.toContain('-0.5 ');
  expect(absolute.length).toBeLessThan(ulp.length);
  // Without a factor (or with -1): the reduction by one ln2 constant, not the split.
  const plain = renderWat(exp(min(mul(z, z), 80)), '$z', undefined, 'absolute').code;
  expect(plain).toContain(`${Math.fround(Math.LN2)}`);
  expect(plain).not.toContain(`${Math.fround(0.000001428606765330187)}`);
});

describe('constants', () => {
  it.each([0.1, 1, -2, 1e-7, 3.4e38, -0, 0.01])('%p as a shader literal parses back to its float32', (c) => {
    const text = floatLiteral(c).replace(/[()]/g, '');
    expect(Object.is(Math.fround(Number(text)), Math.fround(c))).toBe(true);
    if (Number.isInteger(c)) expect(text).toContain('.');
  });

  it('a constant with no float32 value is an Error', () => {
    expect(() => floatLiteral(1e39)).toThrow(/not finite in float32/);
  });

  it('WAT rounds constants to float32; JS keeps the double (as tf\'s cpu kernels)', () => {
    expect(renderWat(add(z, 0.1), '$z').code).toContain(`${Math.fround(0.1)}`);
    expect(renderJs(add(z, 0.1), 'z')).toBe('(z + 0.1)');
  });
});

it('erf and log1p are rendered from their expansions where a target lacks them, natives elsewhere', () => {
  expect(renderJs(log1p(z), 'z')).toBe('Math.log1p(z)');
  expect(renderJs(erf(z), 'z')).not.toContain('erf');
  for (const code of [renderGlslFunction(erf(z), 'z'), renderWgslFunction(log1p(z), 'z'), renderWat(erf(z), '$z').code]) {
    expect(code).not.toMatch(/\berf\(|log1p/);
  }
  // Helpers are emitted only where used.
  expect(renderGlslFunction(log1p(z), 'z')).toContain('float tfaLog(float x)');
  expect(renderGlslFunction(tanh(z), 'z')).not.toContain('tfaLog');
});
