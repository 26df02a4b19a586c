/*
 * The activation expression language: typed nodes for one float per element. An activation's
 * forward (in the input z), its derivative (in the saved tensor s) and anything else elementwise
 * are written once with these builders; the renderers (./js, ./glsl, ./wgsl, ./wat, ./tf) turn a
 * node into each backend's code. Semantics are float32 arithmetic with NaN in -> NaN out: each
 * renderer adds the NaN guard its target needs (comparisons are false for NaN; GPU compilers may
 * assume no NaN at all), so expressions never test for NaN themselves.
 */

/** A float expression. */
export type Expr = Const | Var | Param | Unary | Binary | Select;
/** A boolean expression: only a select's condition. */
export type Cond = Compare;

/** A number literal (rounded to float32 where the target computes in float32). */
export interface Const { readonly kind: 'const'; readonly value: number }
/** The element: the input z in a forward, the saved tensor s in a derivative. */
export interface Var { readonly kind: 'var'; readonly name: 'z' | 's' }
/** The activation's parameter (alpha), the same for every element. */
export interface Param { readonly kind: 'param' }

export const unaryOps = ['neg', 'abs', 'sqrt', 'exp', 'log', 'log1p', 'expm1', 'tanh', 'erf'] as const;
export type UnaryOp = (typeof unaryOps)[number];
export interface Unary { readonly kind: 'unary'; readonly op: UnaryOp; readonly x: Expr }

export const binaryOps = ['add', 'sub', 'mul', 'div', 'min', 'max'] as const;
export type BinaryOp = (typeof binaryOps)[number];
export interface Binary { readonly kind: 'binary'; readonly op: BinaryOp; readonly a: Expr; readonly b: Expr }

export type CompareOp = 'gt' | 'ge' | 'lt' | 'le';
export interface Compare { readonly kind: 'compare'; readonly op: CompareOp; readonly a: Expr; readonly b: Expr }

/** `cond ? then : otherwise`, evaluated branch-free where the target allows. */
export interface Select { readonly kind: 'select'; readonly cond: Cond; readonly then: Expr; readonly otherwise: Expr }

/** What builders accept: an expression or a plain number. */
export type Operand = Expr | number;

export function lift(x: Operand): Expr {
  if (typeof x === 'number') return { kind: 'const', value: x };
  return x;
}

export const z: Var = { kind: 'var', name: 'z' };
export const s: Var = { kind: 'var', name: 's' };
export const alpha: Param = { kind: 'param' };

const unary = (op: UnaryOp) => (x: Operand): Expr => ({ kind: 'unary', op, x: lift(x) });
const binary = (op: BinaryOp) => (a: Operand, b: Operand): Expr => ({ kind: 'binary', op, a: lift(a), b: lift(b) });
const compare = (op: CompareOp) => (a: Operand, b: Operand): Cond => ({ kind: 'compare', op, a: lift(a), b: lift(b) });

export const neg = unary('neg');
export const abs = unary('abs');
export const sqrt = unary('sqrt');
export const exp = unary('exp');
export const tanh = unary('tanh');
export const log = unary('log');
export const log1p = unary('log1p');
export const expm1 = unary('expm1');
export const erf = unary('erf');
export const add = binary('add');
export const sub = binary('sub');
export const mul = binary('mul');
export const div = binary('div');
export const min = binary('min');
export const max = binary('max');
export const gt = compare('gt');
export const ge = compare('ge');
export const lt = compare('lt');
export const le = compare('le');

export function select(cond: Cond, then: Operand, otherwise: Operand): Expr {
  return { kind: 'select', cond, then: lift(then), otherwise: lift(otherwise) };
}

/** c[0] + x (c[1] + x (...)), by Horner's rule. */
export function poly(coefficients: readonly number[], x: Operand): Expr {
  let acc = lift(coefficients[coefficients.length - 1]);
  for (let i = coefficients.length - 2; i >= 0; i--) acc = add(coefficients[i], mul(acc, x));
  return acc;
}

/** min(max(x, lo), hi). */
export function clip(x: Operand, lo: Operand, hi: Operand): Expr {
  return min(max(x, lo), hi);
}

/** Whether e reads the element variable. */
export function readsVar(e: Expr | Cond): boolean {
  switch (e.kind) {
    case 'var': return true;
    case 'const': case 'param': return false;
    case 'unary': return readsVar(e.x);
    case 'binary': case 'compare': return readsVar(e.a) || readsVar(e.b);
    case 'select': return readsVar(e.cond) || readsVar(e.then) || readsVar(e.otherwise);
  }
}

/**
 * Whether e is NaN wherever the element is NaN under IEEE arithmetic with comparisons false for
 * NaN (JS, WebAssembly, tf's cpu and wasm ops). Where it is not (a select on a comparison picks
 * a constant), the JS, WAT and tf renderers add a guard; elsewhere they add nothing, so an
 * expression costs no more than the hand-written one. (GPU renderers always guard: see ./glsl.)
 */
export function propagatesNaN(e: Expr): boolean {
  switch (e.kind) {
    case 'var': return true;
    case 'const': case 'param': return false;
    case 'unary': return propagatesNaN(e.x);
    case 'binary': return propagatesNaN(e.a) || propagatesNaN(e.b);
    // A comparison reading the element is false for NaN: the select takes `otherwise`.
    case 'select': return readsVar(e.cond) ? propagatesNaN(e.otherwise) : propagatesNaN(e.then) && propagatesNaN(e.otherwise);
  }
}

/** Every unary op in e (renderers emit helper routines only for those used). */
export function unaryOpsIn(e: Expr | Cond, into = new Set<UnaryOp>()): Set<UnaryOp> {
  switch (e.kind) {
    case 'unary': into.add(e.op); unaryOpsIn(e.x, into); break;
    case 'binary': case 'compare': unaryOpsIn(e.a, into); unaryOpsIn(e.b, into); break;
    case 'select': unaryOpsIn(e.cond, into); unaryOpsIn(e.then, into); unaryOpsIn(e.otherwise, into); break;
    default: break;
  }
  return into;
}

/** A short text form for messages and docs: `mul(s, sub(1, s))`. */
export function show(e: Expr | Cond): string {
  switch (e.kind) {
    case 'const': return String(e.value);
    case 'var': return e.name;
    case 'param': return 'alpha';
    case 'unary': return `${e.op}(${show(e.x)})`;
    case 'binary': case 'compare': return `${e.op}(${show(e.a)}, ${show(e.b)})`;
    case 'select': return `select(${show(e.cond)}, ${show(e.then)}, ${show(e.otherwise)})`;
  }
}
