import type { BinaryOp, Cond, Expr, UnaryOp } from './ast';
import { declareShared, propagatesNaN } from './ast';
import { expand } from './expand';
import { compareSymbol, infix } from './infix';

/*
 * JavaScript renderer: the cpu kernels' loop bodies (compiled once per activation with
 * new Function, so V8 inlines them). Arithmetic is in double and rounded once on the store into
 * the Float32Array, as tf's cpu kernels do; alpha is read as given (tf's cpu leakyRelu multiplies
 * by the double too). The element is the loop's variable `name`.
 */

const unaryJs: Record<UnaryOp, (x: string) => string> = {
  neg: (x) => `-${x}`,
  abs: (x) => `Math.abs(${x})`,
  sqrt: (x) => `Math.sqrt(${x})`,
  exp: (x) => `Math.exp(${x})`,
  log: (x) => `Math.log(${x})`,
  log1p: (x) => `Math.log1p(${x})`,
  expm1: (x) => `Math.expm1(${x})`,
  tanh: (x) => `Math.tanh(${x})`,
  erf: () => {
    throw new Error('tfjs-activations: erf is expanded before rendering (see ./expand)');
  },
};

function binaryJs(op: BinaryOp, a: string, b: string): string {
  return op === 'min' || op === 'max' ? `Math.${op}(${a}, ${b})` : `(${a} ${infix[op]} ${b})`;
}

function render(e: Expr | Cond, name: string, names: Map<Expr | Cond, string>): string {
  const bound = names.get(e);
  if (bound != null) return bound;
  const r = (x: Expr | Cond) => render(x, name, names);
  switch (e.kind) {
    case 'const': return Object.is(e.value, -0) ? '-0' : e.value < 0 ? `(${e.value})` : String(e.value);
    case 'var': return name;
    case 'param': return 'alpha';
    case 'unary': return unaryJs[e.op](r(e.x));
    case 'binary': return binaryJs(e.op, r(e.a), r(e.b));
    case 'compare': return `${r(e.a)} ${compareSymbol[e.op]} ${r(e.b)}`;
    case 'select': return `(${r(e.cond)} ? ${r(e.then)} : ${r(e.otherwise)})`;
  }
}

/**
 * The expression in JS, reading the element from `name` (and `alpha`); NaN in gives NaN out.
 * Large shared subexpressions (ast.ts, namedSubexpressions: none for the built-ins) are named
 * in an arrow function called in place, so the text stays the size of the DAG.
 */
export function renderJs(e: Expr, name: string): string {
  // JS has no erf: its expansion in the language is rendered instead.
  const full = expand(e, ['erf']);
  const names = new Map<Expr | Cond, string>();
  const statements = declareShared(full, names, 'tfaT', (t, n) => `const ${t} = ${render(n, name, names)};`);
  const value = render(full, name, names);
  const body = statements.length === 0 ? value : `(() => { ${statements.join(' ')} return ${value}; })()`;
  return propagatesNaN(e) ? body : `(${name} !== ${name} ? NaN : ${body})`;
}
