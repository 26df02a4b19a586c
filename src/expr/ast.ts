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

/*
 * Expressions are DAGs: a subexpression used twice is one node, and a definition may nest such
 * sharing deeply (an iteration like y = y (1.5 - 0.5 x y y) reads y three times a step). Every
 * walk here visits a node once (memo or visited set), never once per path, which is exponential
 * in the depth of the sharing.
 */

function memoized<R>(f: (e: Expr | Cond, self: (x: Expr | Cond) => R) => R): (e: Expr | Cond) => R {
  const memo = new WeakMap<Expr | Cond, R>();
  const self = (e: Expr | Cond): R => {
    if (memo.has(e)) return memo.get(e) as R;
    const r = f(e, self);
    memo.set(e, r);
    return r;
  };
  return self;
}

const readsVarOf = memoized<boolean>((e, self) => {
  switch (e.kind) {
    case 'var': return true;
    case 'const': case 'param': return false;
    case 'unary': return self(e.x);
    case 'binary': case 'compare': return self(e.a) || self(e.b);
    case 'select': return self(e.cond) || self(e.then) || self(e.otherwise);
  }
});

/** Whether e reads the element variable. */
export function readsVar(e: Expr | Cond): boolean {
  return readsVarOf(e);
}

const propagatesNaNOf = memoized<boolean>((e, self) => {
  switch (e.kind) {
    case 'var': return true;
    case 'const': case 'param': case 'compare': return false;
    case 'unary': return self(e.x);
    case 'binary': return self(e.a) || self(e.b);
    // A comparison reading the element is false for NaN: the select takes `otherwise`.
    case 'select': return readsVar(e.cond) ? self(e.otherwise) : self(e.then) && self(e.otherwise);
  }
});

/**
 * Whether e is NaN wherever the element is NaN under IEEE arithmetic with comparisons false for
 * NaN (JS, WebAssembly, tf's cpu and wasm ops). Where it is not (a select on a comparison picks
 * a constant), the JS, WAT and tf renderers add a guard; elsewhere they add nothing, so an
 * expression costs no more than the hand-written one. (GPU renderers always guard: see ./glsl.)
 */
export function propagatesNaN(e: Expr): boolean {
  return propagatesNaNOf(e);
}

/** The children of a node, in rendering order. */
export function childrenOf(e: Expr | Cond): (Expr | Cond)[] {
  switch (e.kind) {
    case 'unary': return [e.x];
    case 'binary': case 'compare': return [e.a, e.b];
    case 'select': return [e.cond, e.then, e.otherwise];
    default: return [];
  }
}

/** Every unary op in e (renderers emit helper routines only for those used). */
export function unaryOpsIn(e: Expr | Cond, into = new Set<UnaryOp>()): Set<UnaryOp> {
  const seen = new Set<Expr | Cond>();
  const visit = (n: Expr | Cond): void => {
    if (seen.has(n)) return;
    seen.add(n);
    if (n.kind === 'unary') into.add(n.op);
    childrenOf(n).forEach(visit);
  };
  visit(e);
  return into;
}

/**
 * The nodes of e that a text renderer (JS, GLSL, WGSL) names instead of repeating: reached along
 * more than one path and at least `minSize` nodes as a tree, children before parents. Naming
 * every such node bounds the text by minSize times the DAG's size. Smaller shared nodes stay
 * inline: the built-ins' largest is gelu's erf polynomial (203 nodes), whose shader and JS text
 * stay as measured and tested.
 */
export function namedSubexpressions(e: Expr | Cond, minSize = 256): (Expr | Cond)[] {
  const parents = new Map<Expr | Cond, number>();
  const order: (Expr | Cond)[] = [];
  const visit = (n: Expr | Cond): void => {
    const count = parents.get(n) ?? 0;
    parents.set(n, count + 1);
    if (count > 0) return;
    childrenOf(n).forEach(visit);
    order.push(n);
  };
  visit(e);
  // Tree sizes, capped (a deep DAG's tree size overflows any number).
  const size = new Map<Expr | Cond, number>();
  for (const n of order) size.set(n, Math.min(1e9, 1 + childrenOf(n).reduce((acc, c) => acc + (size.get(c) ?? 0), 0)));
  return order.filter((n) => n !== e && (parents.get(n) ?? 0) > 1 && (size.get(n) ?? 0) >= minSize);
}

/**
 * The statements a text renderer puts before e's value: one per large shared subexpression
 * (namedSubexpressions) that `keep` accepts, children first. `declare(name, node)` renders the
 * node with the names given so far, which `names` collects (node -> name, `prefix` numbered).
 */
export function declareShared(
  e: Expr | Cond,
  names: Map<Expr | Cond, string>,
  prefix: string,
  declare: (name: string, n: Expr | Cond) => string,
  keep: (n: Expr | Cond) => boolean = () => true,
): string[] {
  return namedSubexpressions(e)
    .filter(keep)
    .map((n) => {
      const name = `${prefix}${names.size}`;
      const statement = declare(name, n);
      names.set(n, name);
      return statement;
    });
}

/** Whether e reads the element variable named `name` (z or s). */
export function readsVarNamed(e: Expr | Cond, name: Var['name']): boolean {
  const seen = new Set<Expr | Cond>();
  const visit = (n: Expr | Cond): boolean => {
    if (seen.has(n)) return false;
    seen.add(n);
    return (n.kind === 'var' && n.name === name) || childrenOf(n).some(visit);
  };
  return visit(e);
}

/**
 * A short text form for messages and docs: `mul(s, sub(1, s))`. A DAG unfolds to a tree here,
 * so the text stops at `limit` characters (with an ellipsis): a message about a deeply shared
 * definition stays short.
 */
export function show(e: Expr | Cond, limit = 2000): string {
  let out = '';
  const write = (n: Expr | Cond): void => {
    if (out.length > limit) return;
    switch (n.kind) {
      case 'const': out += String(n.value); return;
      case 'var': out += n.name; return;
      case 'param': out += 'alpha'; return;
      case 'unary': out += `${n.op}(`; write(n.x); out += ')'; return;
      case 'binary': case 'compare': out += `${n.op}(`; write(n.a); out += ', '; write(n.b); out += ')'; return;
      case 'select': out += 'select('; write(n.cond); out += ', '; write(n.then); out += ', '; write(n.otherwise); out += ')'; return;
    }
  };
  write(e);
  return out.length > limit ? `${out.slice(0, limit)}...` : out;
}
