import type { Expr } from './ast';
import { renderShader } from './shader';
import type { ShaderLanguage } from './shader';

/*
 * GLSL renderer (webgl kernels). Selects are `where(c, a, b)`, a branch-free mix (a ternary
 * compiled to a branch made leaky ReLU's forward 1.6x slower on SwiftShader). tf's shader
 * prelude provides isnan.
 */
const glsl: ShaderLanguage = {
  select: (cond, then, otherwise) => `where(${cond}, ${then}, ${otherwise})`,
  declare: (name, value) => `float ${name} = ${value};`,
  helpers: {
    // tf's overflow-free form: exp of a non-positive number only.
    tanh: 'float tfaTanh(float x) { float e = exp(-2.0 * abs(x)); return sign(x) * (1.0 - e) / (1.0 + e); }',
    log: 'float tfaLog(float x) { return x < 0.0 ? NAN : log(x); }',
  },
};

/** `float activationFn(float <name>)` computing e (uniform `alpha` in scope), after its helpers. */
export function renderGlslFunction(e: Expr, name: string): string {
  const { helpers, statements, body } = renderShader(glsl, e, name);
  return `
float where(bool c, float a, float b) {
#if __VERSION__ >= 300
  return mix(b, a, c);
#else
  return c ? a : b;
#endif
}
${helpers}
float activationFn(float ${name}) { ${statements}${statements === '' ? '' : ' '}return ${body}; }`;
}
