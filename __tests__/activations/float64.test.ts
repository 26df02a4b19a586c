/**
 * The float64 references' shared functions (src/activations/float64.ts) against known values:
 * every other suite measures the kernels against these, so an error here would move every
 * yardstick at once, and a tolerance-based kernel sweep would not see it. Expected values are
 * mpmath's at 40 digits, rounded to the nearest double. Points: 0 and -0, tiny, the branch
 * boundaries (erf's and erfc's 3, sigma's and softplus's 0), both tails as far as a double
 * reaches, +-Infinity and NaN.
 */
import { erf, erfc, normalCdf, normalPdf, sigma, softplus } from '../../src/activations/float64';

type Case = readonly [x: number, expected: number];

/** |got - expected| <= rel |expected| + abs, with the sign of a zero result checked too. */
function expectNear(got: number, expected: number, rel: number, abs = 0): void {
  if (Number.isNaN(expected)) {
    expect(got).toBeNaN();
    return;
  }
  if (expected === 0 || !Number.isFinite(expected)) {
    expect(Object.is(got, expected)).toBe(true);
    return;
  }
  expect(Math.abs(got - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + abs);
}

const special = (f: (x: number) => number, atZero: number, atNegZero: number, atInf: number, atNegInf: number) => {
  expect(Object.is(f(0), atZero)).toBe(true);
  expect(Object.is(f(-0), atNegZero)).toBe(true);
  expect(f(Infinity)).toBe(atInf);
  expect(f(-Infinity)).toBe(atNegInf);
  expect(f(NaN)).toBeNaN();
};

describe('float64 reference functions', () => {
  it('erf: the series below |x| = 3 to 1e-13 absolute, the continued fraction from 3 up to 1e-15 relative', () => {
    const series: Case[] = [
      [1e-10, 1.1283791670955126e-10],
      [1e-3, 0.0011283787909692365],
      [-1e-3, -0.0011283787909692365],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [-1, -0.8427007929497149],
      [2, 0.9953222650189527],
      [-2.5, -0.999593047982555],
      [2.9, 0.9999589021219005],
    ];
    // The series stops when a term falls below 1e-17 of the sum: near 0 it is exact in relative
    // terms (1e-3 needs its third term, 1e-13 relative), near 3 it cancels to ~1e-14 absolute.
    for (const [x, v] of series) expectNear(erf(x), v, Math.abs(x) <= 0.5 ? 1e-15 : 0, Math.abs(x) <= 0.5 ? 0 : 1e-13);
    const tail: Case[] = [
      [3, 0.9999779095030014],
      [-3, -0.9999779095030014],
      [3.5, 0.9999992569016276],
      [-3.5, -0.9999992569016276],
      [5, 0.9999999999984626],
    ];
    for (const [x, v] of tail) expectNear(erf(x), v, 1e-15);
    special(erf, 0, -0, 1, -1);
  });

  it('erfc: relative 1e-9 below 3 (1 - erf), 1e-15 from 3 into the deep tail and below 0', () => {
    const below: Case[] = [
      [1e-10, 0.999999999887162],
      [1e-3, 0.9988716212090307],
      [1, 0.15729920705028513],
      [2.5, 0.0004069520174449589],
      [2.9, 4.109787809945884e-5],
    ];
    for (const [x, v] of below) expectNear(erfc(x), v, 1e-9);
    const tail: Case[] = [
      [3, 2.209049699858544e-5],
      [5, 1.537459794428035e-12],
      [10, 2.088487583762545e-45],
      [26, 5.663192408856143e-296],
      [26.5, 2.2109076642637343e-307],
      [-1e-3, 1.0011283787909693],
      [-1, 1.8427007929497148],
      [-3, 1.9999779095030015],
      [-5, 1.9999999999984626],
    ];
    for (const [x, v] of tail) expectNear(erfc(x), v, 1e-15);
    // Subnormal: a few of its bits only.
    expectNear(erfc(27), 5.23705e-319, 1e-4);
    special(erfc, 1, 1, 0, 2);
  });

  it('normalCdf and normalPdf, the lower tail exact in relative terms', () => {
    const cdf: Case[] = [
      [1, 0.8413447460685429],
      [-1, 0.15865525393145705],
      [5, 0.9999997133484281],
      [-10, 7.619853024160525e-24],
      [-30, 4.906713927148187e-198],
    ];
    // -x / sqrt 2 rounds once; exp(-a^2) carries that by 2 a^2 (1e-13 relative at x = -30).
    for (const [x, v] of cdf) expectNear(normalCdf(x), v, 2e-13);
    special(normalCdf, 0.5, 0.5, 1, 0);
    const pdf: Case[] = [
      [1, 0.24197072451914334],
      [-2, 0.05399096651318805],
      [10, 7.694598626706419e-23],
    ];
    for (const [x, v] of pdf) expectNear(normalPdf(x), v, 1e-15);
    special(normalPdf, 0.3989422804014327, 0.3989422804014327, 0, 0);
  });

  it('sigma and softplus: neither branch overflows, to 1e-15 relative on both sides of 0', () => {
    const sig: Case[] = [
      [1, 0.7310585786300049],
      [-1, 0.2689414213699951],
      [30, 0.9999999999999064],
      [-30, 9.357622968839299e-14],
      [-40, 4.248354255291589e-18],
      [700, 1],
      [800, 1],
      [-700, 9.85967654375977e-305],
      [-800, 0],
    ];
    for (const [x, v] of sig) expectNear(sigma(x), v, 1e-15);
    // Subnormal results: 1 / (1 + e^-z) would give 0 once e^-z overflows; e^z / (1 + e^z) does not.
    expectNear(sigma(-740), 4.2e-322, 0.02);
    expectNear(sigma(-745), 5e-324, 0);
    special(sigma, 0.5, 0.5, 1, 0);
    const sp: Case[] = [
      [1, 1.3132616875182228],
      [-1, 0.3132616875182228],
      [30, 30.000000000000092],
      [-30, 9.357622968839737e-14],
      [-700, 9.85967654375977e-305],
      [700, 700],
      [800, 800],
      [-800, 0],
    ];
    for (const [x, v] of sp) expectNear(softplus(x), v, 1e-15);
    special(softplus, Math.LN2, Math.LN2, Infinity, 0);
  });
});
