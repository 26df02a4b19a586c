/*
 * Float64 functions the references share (the oracles: never the kernels' code). Each is
 * evaluated so that no step cancels or overflows where the activations read it.
 */

/** Logistic sigmoid; neither branch overflows. */
export function sigma(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * erf(x) to ~12 digits: the Maclaurin series below |x| = 3 (terms up to e^9), 1 - erfc by its
 * continued fraction above (60 terms: far past float32 precision there). Also the oracle of the
 * WAT library's erf expansion (__tests__/expr).
 */
export function erf(x: number): number {
  // NaN takes the continued fraction's path and stays NaN (Math.sign(NaN)); +-Infinity gives +-1.
  const a = Math.abs(x);
  if (a < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  return Math.sign(x) * (1 - erfcTail(a));
}

/** erfc(a) for a >= 3 by the continued fraction e^(-a^2) / sqrt(pi) / (a + (1/2) / (a + 1 / (a + ...))). */
function erfcTail(a: number): number {
  // At a = Infinity, t stays Infinity and e^(-a^2) is 0: the result is 0 without a case of its own.
  let t = a;
  for (let k = 60; k >= 1; k--) t = a + k / 2 / t;
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / t;
}

/**
 * erfc(x), exact in relative terms in the upper tail: 1 - erf(x) below 3 (erfc(3) = 2.2e-5, so
 * the series' absolute error, about 1e-14 near 3, stays far below float32's relative precision),
 * the continued fraction from 3 up. Below 0, 1 - erf(x) is 1 plus a value in (0, 1]: nothing
 * cancels (below -3 it is within an ulp of 2 - erfc(-x)). NaN stays NaN, by the tail's path.
 */
export function erfc(x: number): number {
  return x < 3 ? 1 - erf(x) : erfcTail(x);
}

/** The standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2, exact in the lower tail. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}

/** The standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** log(1 + e^z) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
