/*
 * Helpers for writing the definitions' WebAssembly SIMD bodies (definition.wasm): constants in
 * every lane and polynomials by Horner's rule, for f32x4 and f64x2 lanes.
 */

export type Lanes = 'f32x4' | 'f64x2';

/** c in every lane. */
export function splat(c: number, lanes: Lanes = 'f32x4'): string {
  const count = lanes === 'f32x4' ? 4 : 2;
  return `(v128.const ${lanes}${` ${c}`.repeat(count)})`;
}

/** Horner's rule: coefficients[0] + x (coefficients[1] + x (...)), x a v128 local. */
export function horner(coefficients: readonly number[], x: string, lanes: Lanes = 'f32x4'): string {
  let acc = splat(coefficients[coefficients.length - 1], lanes);
  for (let i = coefficients.length - 2; i >= 0; i--) {
    acc = `(${lanes}.add (${lanes}.mul ${acc} (local.get ${x})) ${splat(coefficients[i], lanes)})`;
  }
  return acc;
}
