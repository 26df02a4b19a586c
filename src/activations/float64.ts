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
  if (Number.isNaN(x)) return NaN;
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
  if (a === Infinity) return 0;
  let t = a;
  for (let k = 60; k >= 1; k--) t = a + k / 2 / t;
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / t;
}

/**
 * erfc(x), exact in relative terms in the upper tail: 1 - erf(x) below 3 (erfc(3) = 2.2e-5, so
 * the series' ~1e-16 absolute error stays far below float32's relative precision), the continued
 * fraction above; 2 - erfc(-x) for x < 0.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
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
