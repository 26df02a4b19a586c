import type { BinaryOp, Cond, Expr, UnaryOp } from './ast';
import { declareShared, unaryOpsIn } from './ast';
import { expand } from './expand';
import { compareSymbol, infix } from './infix';

/*
 * What the GLSL and WGSL renderers share: C-like operators, float literals, and the rule that
 * the whole expression is NaN-guarded (GPU compilers may assume no NaN: SwiftShader's exp(NaN)
 * is 0, comparisons with NaN differ across drivers). Each language supplies only its select
 * and its helper routines.
 */

/**
 * A float constant as a shader literal: the float32 value (what the shader computes with),
 * written so it parses back to that float32, with `.0` on integers so GLSL reads a float.
 */
export function floatLiteral(value: number): string {
  const f = Math.fround(value);
  if (!Number.isFinite(f)) throw new Error(`tfjs-activations: the constant ${value} is not finite in float32`);
  const text = Object.is(f, -0) ? '-0.0' : Number.isInteger(f) && Math.abs(f) < 1e21 ? f.toFixed(1) : String(f);
  return f < 0 || Object.is(f, -0) ? `(${text})` : text;
}

const unaryC: Record<UnaryOp, (x: string) => string> = {
  neg: (x) => `(-${x})`,
  abs: (x) => `abs(${x})`,
  sqrt: (x) => `sqrt(${x})`,
  exp: (x) => `exp(${x})`,
  // Helpers of ours (see the languages' helpers): log with NaN below 0 (GLSL's and WGSL's log is
  // undefined there), tanh in tf's overflow-free form.
  log: (x) => `tfaLog(${x})`,
  tanh: (x) => `tfaTanh(${x})`,
  log1p: expanded,
  expm1: expanded,
  erf: expanded,
};

function expanded(): never {
  throw new Error('tfjs-activations: log1p, expm1 and erf are expanded before rendering (see ./expand)');
}

function binaryC(op: BinaryOp, a: string, b: string): string {
  return op === 'min' || op === 'max' ? `${op}(${a}, ${b})` : `(${a} ${infix[op]} ${b})`;
}

export interface ShaderLanguage {
  /** The select of this language, from the rendered condition and branches. */
  select(cond: string, then: string, otherwise: string): string;
  /** A statement binding `name` to the float `value` (a shared subexpression). */
  declare(name: string, value: string): string;
  /** Helper routines by the op that needs them. */
  helpers: Partial<Record<UnaryOp, string>>;
}

function render(lang: ShaderLanguage, e: Expr | Cond, name: string, names: Map<Expr | Cond, string>): string {
  const bound = names.get(e);
  if (bound != null) return bound;
  const r = (x: Expr | Cond) => render(lang, x, name, names);
  switch (e.kind) {
    case 'const': return floatLiteral(e.value);
    case 'var': return name;
    case 'param': return 'alpha';
    case 'unary': return unaryC[e.op](r(e.x));
    case 'binary': return binaryC(e.op, r(e.a), r(e.b));
    case 'compare': return `(${r(e.a)} ${compareSymbol[e.op]} ${r(e.b)})`;
    case 'select': return lang.select(r(e.cond), r(e.then), r(e.otherwise));
  }
}

/**
 * The helpers e needs, the statements naming its large shared subexpressions (ast.ts,
 * namedSubexpressions: none for the built-ins), and e itself NaN-guarded, reading the element
 * from `name` and `alpha`.
 */
export function renderShader(lang: ShaderLanguage, e: Expr, name: string): { helpers: string; statements: string; body: string } {
  // Neither language has log1p or erf: their expansions in the language are rendered instead.
  const full = expand(e, ['log1p', 'expm1', 'erf']);
  const helpers = [...unaryOpsIn(full)].flatMap((op) => (lang.helpers[op] != null ? [lang.helpers[op]] : []));
  const names = new Map<Expr | Cond, string>();
  // Conditions stay inline (a bool, not a float).
  const statements = declareShared(full, names, 'tfaT', (t, n) => lang.declare(t, render(lang, n, name, names)), (n) => n.kind !== 'compare');
  return { helpers: helpers.join('\n'), statements: statements.join(' '), body: lang.select(`isnan(${name})`, name, render(lang, full, name, names)) };
}
