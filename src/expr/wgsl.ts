import type { Expr } from './ast';
import { renderShader } from './shader';
import type { ShaderLanguage } from './shader';

/*
 * WGSL renderer (webgpu kernels). WGSL's select takes (false value, true value, condition):
 * that order lives here only. tf's webgpu prelude provides isnan (WGSL has no NaN literal).
 */
const wgsl: ShaderLanguage = {
  select: (cond, then, otherwise) => `select(${otherwise}, ${then}, ${cond})`,
  declare: (name, value) => `let ${name} = ${value};`,
  helpers: {
    tanh: 'fn tfaTanh(x : f32) -> f32 { let e = exp(-2.0 * abs(x)); return sign(x) * (1.0 - e) / (1.0 + e); }',
    log: 'fn tfaLog(x : f32) -> f32 { return select(log(x), uniforms.NAN, x < 0.0); }',
  },
};

/** `fn activationFn(<name> : f32) -> f32` computing e (`alpha` bound inside), after its helpers. */
export function renderWgslFunction(e: Expr, name: string): string {
  const { helpers, statements, body } = renderShader(wgsl, e, name);
  return `${helpers}
      fn activationFn(${name} : f32) -> f32 {
        let alpha = uniforms.alpha;${statements === '' ? '' : `\n        ${statements}`}
        return ${body};
      }`;
}
