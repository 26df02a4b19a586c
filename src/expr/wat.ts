import type { Binary, BinaryOp, CompareOp, Cond, Expr, Unary, UnaryOp } from './ast';
import { childrenOf, propagatesNaN, readsVar } from './ast';
import { expand } from './expand';
import { isNegationOf, rangeOf } from './range';
import { LocalPool, exp2InRangeF32, expF32, expInRangeF32, expm1NonPositiveF32, log1pUnitF32, logF32, splat, tanhF32 } from './wat-lib';
import type { ExpF32Precision, Locals } from './wat-lib';

/*
 * WAT renderer: an expression as f32x4 SIMD instructions (the wasm kernels' loop body, also run
 * by the cpu backend on a scratch heap). Constants are float32 (wabt rounds the decimal once),
 * alpha is the float32 splat `$alpha`, selects are v128.bitselect on comparison masks, and the
 * transcendental ops call the routines of ./wat-lib. Where the expression would not give NaN for
 * a NaN element (see propagatesNaN) the NaN lanes keep the element. Where the argument's bounds
 * (./range) allow, a cheaper routine runs: exp without range handling on [-87, 88] (a margin
 * from -87.33 and 88.72, where 2^k stops being a normal float), expm1 from exp's reduction for
 * arguments <= 0. A select whose condition reads only alpha and constants is a branch (`if`):
 * every element takes the same side, so the other is not computed.
 */

const unaryWat: Record<UnaryOp, (x: string, l: Locals) => string> = {
  neg: (x) => `(f32x4.neg ${x})`,
  abs: (x) => `(f32x4.abs ${x})`,
  sqrt: (x) => `(f32x4.sqrt ${x})`,
  exp: (x, l) => routine(expF32, x, l),
  // Rendered from ./wat-lib's ranged routines where the argument's range allows (rangedRoutine).
  log: (x, l) => routine(logF32, x, l),
  tanh: (x, l) => routine(tanhF32, x, l),
  log1p: expanded,
  expm1: expanded,
  erf: expanded,
};

function expanded(): never {
  throw new Error('tfjs-activations: log1p, expm1 and erf are expanded before rendering (see ./expand)');
}

/**
 * The routine for a node whose argument's range (wherever it is not NaN) allows one, else null:
 * expm1 of an argument <= 0 and log1p of one in [0, 1] are then not expanded, and exp needs no
 * clamps in [-87, 88]. (exp at or below 0 keeps the full routine: expNonPositiveF32 flushes its
 * subnormal results, e^-88 to e^-104, to 0, and softplus's forward is e^z there.)
 */
function rangedRoutine(n: Unary): ((x: string, l: Locals) => string) | null {
  if (n.op !== 'exp' && n.op !== 'expm1' && n.op !== 'log1p') return null;
  const { lo, hi } = rangeOf(n.x);
  if (n.op === 'expm1') return hi <= 0 ? expm1NonPositiveF32 : null;
  if (n.op === 'log1p') return lo >= 0 && hi <= 1 ? log1pUnitF32 : null;
  return lo >= -87 && hi <= 88 ? expInRangeF32 : null;
}

const keptUnexpanded = (n: Unary): boolean => n.op !== 'exp' && rangedRoutine(n) != null;

/** exp's argument as c x, c a constant other than 1 and -1 (what folds into log2 e), or none. */
function scaled(x: Expr): { c: number; x: Expr } | undefined {
  if (x.kind !== 'binary' || x.op !== 'mul') return undefined;
  const [c, other] = x.a.kind === 'const' ? [x.a.value, x.b] : x.b.kind === 'const' ? [x.b.value, x.a] : [1, x];
  return Math.abs(c) === 1 ? undefined : { c, x: other };
}

function renderUnary(e: Unary, r: (x: Expr) => string, l: Locals, precision: ExpF32Precision): string {
  const ranged = rangedRoutine(e);
  if (ranged === expInRangeF32) {
    // At 'absolute' precision, e^(c x) is 2^(x c log2 e): c's multiply folds away.
    const folded = precision === 'absolute' ? scaled(e.x) : undefined;
    if (folded != null) return routine(exp2InRangeF32, `(f32x4.mul ${r(folded.x)} ${splat(Math.fround(folded.c * Math.LOG2E))})`, l);
    return routine((arg, pool) => expInRangeF32(arg, pool, precision), r(e.x), l);
  }
  return ranged != null ? routine(ranged, r(e.x), l) : unaryWat[e.op](r(e.x), l);
}

/** A library routine reads its argument from a local: use the element's, or set a fresh one. */
function routine(f: (local: string, l: Locals) => string, x: string, l: Locals): string {
  const direct = /^\(local\.get (\$[\w.]+)\)$/.exec(x);
  if (direct != null) return f(direct[1], l);
  const arg = l.local('arg');
  return `(local.set ${arg} ${x})${f(arg, l)}`;
}

const binaryWat: Record<BinaryOp, string> = { add: 'add', sub: 'sub', mul: 'mul', div: 'div', min: 'min', max: 'max' };
const compareWat: Record<CompareOp, string> = { gt: 'gt', ge: 'ge', lt: 'lt', le: 'le' };

/**
 * Common subexpressions: a computed node that occurs more than once (an expansion reads its
 * argument several times: expm1's e^x, log1p's 1 + x) is computed once into a local with
 * local.tee and read back after. Every operand of every instruction here is evaluated (selects
 * are bitselects), in textual order, so the first occurrence always runs before the others.
 * Nodes are told apart by structure (two equal subtrees built separately are one), through ids
 * given once per node object (hash-consing), and occurrences are counted over the tree's paths
 * by one pass over the ids, parents before children, capped at 2: time and memory of the DAG's
 * size, where a node shared along k paths used to be walked, and serialized as its key, k times.
 */
class Shared {
  private readonly ids = new Map<Expr | Cond, number>();
  private readonly byKey = new Map<string, number>();
  /** Each id's children (ids, with repeats), in the order ids were made: children first. */
  private readonly children: number[][] = [];
  private readonly leaf: boolean[] = [];
  private readonly counts: number[];
  private readonly names = new Map<number, string>();
  constructor(e: Expr, private readonly l: Locals) {
    const root = this.idOf(e);
    this.counts = this.children.map(() => 0);
    this.counts[root] = 1;
    for (let id = this.children.length - 1; id >= 0; id--) {
      for (const c of this.children[id]) this.counts[c] = Math.min(2, this.counts[c] + this.counts[id]);
    }
  }
  private idOf(n: Expr | Cond): number {
    const known = this.ids.get(n);
    if (known !== undefined) return known;
    const kids = childrenOf(n).map((c) => this.idOf(c));
    const head =
      n.kind === 'const' ? (Object.is(n.value, -0) ? '-0' : String(n.value)) : n.kind === 'var' ? `var ${n.name}` : n.kind === 'param' ? 'param' : n.kind === 'select' ? 'select' : `${n.kind} ${n.op}`;
    const key = `${head}(${kids.join(',')})`;
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.children.length;
      this.byKey.set(key, id);
      this.children.push(kids);
      this.leaf.push(n.kind === 'const' || n.kind === 'var' || n.kind === 'param');
    }
    this.ids.set(n, id);
    return id;
  }
  /** Code in one side of a branch: what it computes is not there for the code after the branch. */
  branch(code: () => string): string {
    const before = new Map(this.names);
    const out = code();
    this.names.clear();
    before.forEach((v, k) => this.names.set(k, v));
    return out;
  }
  render(n: Expr | Cond, code: () => string): string {
    const id = this.idOf(n);
    if (this.leaf[id] || (this.counts[id] ?? 0) < 2) return code();
    const name = this.names.get(id);
    if (name != null) return `(local.get ${name})`;
    const fresh = this.l.local('cse');
    this.names.set(id, fresh);
    return `(local.tee ${fresh} ${code()})`;
  }
}

/**
 * f32x4.min and max give wasm's IEEE minimum (NaN canonical, -0 below +0), which V8 builds from
 * several x86 instructions; pmin and pmax are one each (b < a ? b : a, a < b ? b : a). Where they
 * agree they are rendered instead: against a constant c that is not NaN (an element that is NaN
 * comes back as itself) and, for min, not -0, for max, not +-0 (pmin(-0, +0) is -0 as min is,
 * pmax(-0, +0) is -0 where max gives +0); and min(x, -x) is -|x|, max(x, -x) is |x|. max(x, +0)
 * (relu, the lower clamps) is pmax(x, +0) + 0: the add turns pmax's -0 into +0 and changes
 * nothing else (NaN passes, with its sign bit, which max would have made canonical).
 */
function renderBinary(e: Binary, r: (x: Expr) => string): string {
  if (e.op === 'min' || e.op === 'max') {
    if (isNegationOf(e.a, e.b) || isNegationOf(e.b, e.a)) {
      const x = isNegationOf(e.a, e.b) ? e.a : e.b;
      return e.op === 'min' ? `(f32x4.neg (f32x4.abs ${r(x)}))` : `(f32x4.abs ${r(x)})`;
    }
    const positiveZero = (c: Expr) => c.kind === 'const' && Object.is(c.value, 0);
    if (e.op === 'max' && (positiveZero(e.a) || positiveZero(e.b))) {
      const x = positiveZero(e.b) ? e.a : e.b;
      return `(f32x4.add (f32x4.pmax ${r(x)} ${splat(0)}) ${splat(0)})`;
    }
    const pseudo = (c: Expr) => c.kind === 'const' && !Number.isNaN(c.value) && (e.op === 'min' ? !Object.is(c.value, -0) : c.value !== 0);
    if (pseudo(e.b)) return `(f32x4.p${e.op} ${r(e.a)} ${r(e.b)})`;
    if (pseudo(e.a)) return `(f32x4.p${e.op} ${r(e.b)} ${r(e.a)})`;
  }
  return `(f32x4.${binaryWat[e.op]} ${r(e.a)} ${r(e.b)})`;
}

function render(e: Expr | Cond, local: string, l: Locals, shared: Shared, precision: ExpF32Precision): string {
  const r = (x: Expr | Cond) => render(x, local, l, shared, precision);
  return shared.render(e, () => {
    switch (e.kind) {
      case 'const': return splat(Math.fround(e.value));
      case 'var': return `(local.get ${local})`;
      case 'param': return '(local.get $alpha)';
      case 'unary': return renderUnary(e, r, l, precision);
      case 'binary': return renderBinary(e, r);
      case 'compare': return `(f32x4.${compareWat[e.op]} ${r(e.a)} ${r(e.b)})`;
      case 'select':
        if (!readsVar(e.cond)) {
          const cond = `(v128.any_true ${r(e.cond)})`;
          const then = shared.branch(() => r(e.then));
          const otherwise = shared.branch(() => r(e.otherwise));
          return `(if (result v128) ${cond}\n  (then ${then})\n  (else ${otherwise}))`;
        }
        // A mask and-ed with the value (or with its complement) selects against +0 in one
        // instruction, where bitselect lowers to three on x64.
        if (e.otherwise.kind === 'const' && Object.is(e.otherwise.value, 0)) return `(v128.and ${r(e.then)} ${r(e.cond)})`;
        if (e.then.kind === 'const' && Object.is(e.then.value, 0)) return `(v128.andnot ${r(e.otherwise)} ${r(e.cond)})`;
        return `(v128.bitselect ${r(e.then)} ${r(e.otherwise)} ${r(e.cond)})`;
    }
  });
}

/** A WAT body (instructions leaving one v128) reading the element from `local`, and its scratch locals. */
export interface WatBody {
  code: string;
  locals: string[];
}

/**
 * `precision`: the exp routines' (./wat-lib's ExpF32Precision); 'absolute' where the expression's
 * bound is absolute (a derivative with a `derivativeAbs`).
 */
export function renderWat(e: Expr, local: string, pool = new LocalPool(), precision: ExpF32Precision = 'ulp'): WatBody {
  // WebAssembly has neither log1p nor erf: their expansions in the language are rendered instead.
  const full = expand(e, ['log1p', 'expm1', 'erf'], keptUnexpanded);
  const body = render(full, local, pool, new Shared(full, pool), precision);
  const v = `(local.get ${local})`;
  const code = propagatesNaN(e) ? body : `(v128.bitselect ${body} ${v} (f32x4.eq ${v} ${v}))`;
  return { code, locals: pool.names };
}
