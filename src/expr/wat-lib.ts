/*
 * The WAT library: constants, polynomials and the transcendental routines every WAT body uses,
 * written once. Routines are instruction sequences over f32x4 (or f64x2) lanes that read their
 * argument from a v128 local and leave the result on the stack, setting scratch locals they ask
 * `Locals` for. Each routine's accuracy against float64 is measured by
 * __tests__/expr/wat-lib.test.ts (figures in docs/design-notes.md). Every step is a float
 * operation without fma, as wasm SIMD computes it.
 */

export type Lanes = 'f32x4' | 'f64x2';

/** Allocates scratch v128 locals (names with their `$`). */
export interface Locals {
  local(hint: string): string;
}

/** c in every lane (non-finite values in WAT's spelling: inf, -inf, nan). */
export function splat(c: number, lanes: Lanes = 'f32x4'): string {
  const count = lanes === 'f32x4' ? 4 : 2;
  const text = Number.isNaN(c) ? 'nan' : c === Infinity ? 'inf' : c === -Infinity ? '-inf' : String(c);
  return `(v128.const ${lanes}${` ${text}`.repeat(count)})`;
}

/** Horner's rule: coefficients[0] + x (coefficients[1] + x (...)), x a v128 local. */
export function horner(coefficients: readonly number[], x: string, lanes: Lanes = 'f32x4'): string {
  let acc = splat(coefficients[coefficients.length - 1], lanes);
  for (let i = coefficients.length - 2; i >= 0; i--) {
    acc = `(${lanes}.add (${lanes}.mul ${acc} (local.get ${x})) ${splat(coefficients[i], lanes)})`;
  }
  return acc;
}

/** A local's value, as WAT text. */
export const localGet = (l: string): string => `(local.get ${l})`;
const get = localGet;

/**
 * 1.5 * 2^23 + 127: adding it rounds x log2 e to the nearest integer k (ties to even) and leaves
 * k + 127 in the low mantissa bits, so shifting the sum's bits left by 23 gives 2^k as a float.
 */
export const EXP_SHIFTER = 12583039;
const SHIFTER = EXP_SHIFTER;
/** e^r = 1 + r + r^2 Q(r), Q fitted on |r| <= ln2 / 2. */
const EXP_Q = [0.5, 0.1666666567325592, 0.04166625440120697, 0.008333433419466019, 0.00139471678994596, 0.0001982624235097319];
/** ln 2 split so that k * LN2_HI is exact for the k that occur (fdlibm's float split). */
export const LN2_HI_F32 = 0.693145751953125;
/** log2(e) rounded to float32: exp's range reduction multiplies by it. */
export const LOG2E_F32 = 1.4426950216293335;
export const LN2_LO_F32 = 0.000001428606765330187;

/**
 * How precise a float32 exp must be. 'ulp' (the default): within 1 ulp of float64 for its
 * argument. 'absolute': for expressions whose bound is absolute, as a derivative's
 * `derivativeAbs` is (about 1e-7 for values of size 1), with fewer instructions: within
 * (3 + 1.25 |x|) 2^-24 relative over [-87, 88] and 7e-8 absolute over [-87, 0] (measured,
 * __tests__/expr/wat-lib.test.ts), about what rounding the argument x itself costs.
 */
export type ExpF32Precision = 'ulp' | 'absolute';

/** e^r = 1 + r + r^2 Q(r) at degree 4, fitted as EXP2_P below: 4.1e-9 relative with float32 coefficients. */
export const EXP_Q4 = [0.4999999403953552, 0.1666651964187622, 0.041668400168418884, 0.008368851616978645, 0.001381431589834392];
const LN2_F32 = 0.6931471824645996;

/**
 * The range reduction x = k ln2 + r, k = round(x log2 e), |r| <= ln2 / 2 (ln2 split hi + lo, so
 * k * LN2_HI is exact): sets `j` (k shifted: its bits shifted left by 23 give 2^k while 2^k is a
 * normal float, and +0 for k = -127) and `r`. With `lo` (a local), the argument is x + lo, lo
 * below x's last digit (the low part of a two-sum): it joins r after the exact x - k LN2_HI.
 * At 'absolute' precision (no `lo`), one ln2 constant: k ln2 rounds by at most half an ulp of
 * x (not at all for |k| <= 2). With `shifter` (a v128 local holding EXP_SHIFTER - K, K an
 * integer), j's bits give 2^(k - K) instead: a scaling by 2^-K exact where the product of a
 * float and 2^(k - K) is, for arguments whose 2^k alone is out of range (softmax's rows).
 */
export function expReduce(
  x: string,
  l: Locals,
  lo?: string,
  precision: ExpF32Precision = 'ulp',
  shifter?: string,
): { code: string; j: string; r: string } {
  const shift = shifter == null ? splat(SHIFTER) : get(shifter);
  const j = l.local('j');
  const k = l.local('k');
  const r = l.local('r');
  const high = `(f32x4.sub ${get(x)} (f32x4.mul ${get(k)} ${splat(LN2_HI_F32)}))`;
  const reduced = precision === 'absolute' && lo == null
    ? `(f32x4.sub ${get(x)} (f32x4.mul ${get(k)} ${splat(LN2_F32)}))`
    : `(f32x4.sub
    ${lo == null ? high : `(f32x4.add ${high} ${get(lo)})`}
    (f32x4.mul ${get(k)} ${splat(LN2_LO_F32)}))`;
  const code = `
  (local.set ${j} (f32x4.add (f32x4.mul ${get(x)} ${splat(LOG2E_F32)}) ${shift}))
  (local.set ${k} (f32x4.sub ${get(j)} ${shift}))
  (local.set ${r} ${reduced})`;
  return { code, j, r };
}

/** e^r = 1 + r + r^2 Q(r) for a reduced argument r (a local), Q one of the fits (EXP_Q, EXP_Q4). */
export function expPolynomial(r: string, q: readonly number[]): string {
  return `(f32x4.add (f32x4.add ${splat(1)} ${get(r)})
    (f32x4.mul (f32x4.mul ${get(r)} ${get(r)}) ${horner(q, r)}))`;
}

/**
 * e^x = 2^k e^r: for x in the range where 2^k is a normal float (|x| <= 87), no range handling.
 * Sets `j` (the shifted k) and `e^r` locals; leaves e^x.
 */
function expCore(x: string, l: Locals, precision: ExpF32Precision = 'ulp'): { code: string; j: string; p: string } {
  const { code: reduce, j, r } = expReduce(x, l, undefined, precision);
  const p = l.local('p');
  const code = `${reduce}
  (local.set ${p} ${expPolynomial(r, precision === 'ulp' ? EXP_Q : EXP_Q4)})`;
  return { code, j, p };
}

/** 2^f on |f| <= 1/2 at degree 6, fitted for relative error (Lawson's iteratively reweighted least squares): 1.9e-9, 8.5e-8 in float32 steps. */
const EXP2_P = [1, 0.6931471824645996, 0.24022646248340607, 0.05550328269600868, 0.009618490003049374, 0.0013400063617154956, 0.00015345687279477715];

/**
 * 2^y for y in [-125.5, 127] or NaN, where 2^round(y) is a normal float: k = round(y) by the
 * shifter, f = y - k (exact), 2^f by EXP2_P. The WAT renderer's e^(c x) at 'absolute' precision
 * for a constant c: 2^(x c log2 e), c folded into log2 e (gelu's e^(-s^2 / 2) is one multiply by
 * -log2(e) / 2). Rounding y costs up to |c x| 2^-24 relative in 2^y, as rounding c x would: within
 * 'absolute' precision's bounds. 9 instructions fewer than expInRangeF32 of c x.
 */
export function exp2InRangeF32(y: string, l: Locals): string {
  const j = l.local('j');
  const f = l.local('f');
  return `
  (local.set ${j} (f32x4.add ${get(y)} ${splat(SHIFTER)}))
  (local.set ${f} (f32x4.sub ${get(y)} (f32x4.sub ${get(j)} ${splat(SHIFTER)})))
  (f32x4.mul ${horner(EXP2_P, f)} (i32x4.shl ${get(j)} (i32.const 23)))`;
}

/**
 * e^x for every float32 x: x is clamped to [-104, 89] (past those the result is 0 or +inf in
 * float32; NaN passes pmin and pmax), and where 2^k is not a normal float (k < -126 or k = 128)
 * the scaling is split: 2^(k+64) * 2^-64, or 2^(k-1) * 2.
 */
export function expF32(x: string, l: Locals): string {
  const c = l.local('c');
  const { code, j, p } = expCore(c, l);
  const low = l.local('low');
  const high = l.local('high');
  return `
  (local.set ${c} (f32x4.pmax (f32x4.pmin ${get(x)} ${splat(89)}) ${splat(-104)}))${code}
  (local.set ${low} (f32x4.lt ${get(c)} ${splat(-87)}))
  (local.set ${high} (f32x4.gt ${get(c)} ${splat(88)}))
  (f32x4.mul
    (f32x4.mul ${get(p)} (i32x4.shl
      (f32x4.add ${get(j)} (v128.bitselect ${splat(64)} (v128.and ${get(high)} ${splat(-1)}) ${get(low)}))
      (i32.const 23)))
    (v128.bitselect ${splat(2 ** -64)} (v128.bitselect ${splat(2)} ${splat(1)} ${get(high)}) ${get(low)}))`;
}

/**
 * e^x for x <= 0 or NaN (softmax's e^(x - max), e^(log-probability)): expCore without range
 * handling, results below 2^-126 flushed to 0 (2^k is normal for every x >= -87.34, and x below
 * that, -inf included, masks to +0; NaN passes: its lt is false). Half the instructions of expF32.
 */
export function expNonPositiveF32(x: string, l: Locals): string {
  const { code, j, p } = expCore(x, l);
  return `${code}
  (v128.andnot (f32x4.mul ${get(p)} (i32x4.shl ${get(j)} (i32.const 23))) (f32x4.lt ${get(x)} ${splat(-87.33654022216797)}))`;
}

/**
 * e^x for x in [-87, 88] or NaN, where 2^k is a normal float: expCore alone, no clamps or range
 * splits (the WAT renderer uses it where it can bound the argument there, src/expr/range.ts).
 * The same steps and result as expF32 on that range at the default precision; 6 instructions
 * fewer at 'absolute'.
 */
export function expInRangeF32(x: string, l: Locals, precision: ExpF32Precision = 'ulp'): string {
  const { code, j, p } = expCore(x, l, precision);
  return `${code}
  (f32x4.mul ${get(p)} (i32x4.shl ${get(j)} (i32.const 23)))`;
}

const SIGN = '(v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)';

/**
 * e^x - 1 for x <= 0 or NaN, sharing exp's range reduction: 2^k (e^r - 1) + (2^k - 1) with
 * e^r - 1 = r + r^2 Q(r) (exp's own polynomial, without the 1). For k = 0 (|x| <= ln2 / 2) r is
 * x exactly and nothing cancels; for k <= -1, 2^k - 1 is exact (to k = -24; below it rounds to
 * the -1 the result rounds to) and over twice the product's size (k = -1: 0.5 against at most
 * 0.21), so the sum loses no digits. x is clamped at -88 (expm1 is -1 in float32 below about
 * -17.3; 2^k then stays >= 2^-127, whose shifted bits are +0). The
 * sign of x is or-ed back so -0 gives -0 (r + r^2 Q would give +0). One exp's work, against the
 * expansion's exp plus a degree-9 series (src/expr/expand.ts), which stays for other arguments.
 */
export function expm1NonPositiveF32(x: string, l: Locals): string {
  const c = l.local('c');
  const { code, j, r } = expReduce(c, l);
  const q = l.local('q');
  const two = l.local('two');
  return `
  (local.set ${c} (f32x4.pmax ${get(x)} ${splat(-88)}))${code}
  (local.set ${q} (f32x4.add ${get(r)} (f32x4.mul (f32x4.mul ${get(r)} ${get(r)}) ${horner(EXP_Q, r)})))
  (local.set ${two} (i32x4.shl ${get(j)} (i32.const 23)))
  (v128.or
    (f32x4.add (f32x4.mul ${get(two)} ${get(q)}) (f32x4.sub ${get(two)} ${splat(1)}))
    (v128.and ${get(x)} ${SIGN}))`;
}

/** tanh(a) - a = a^3 P(a^2) on |a| < 0.75, P fitted by weighted least squares. */
const TANH_P = [-0.33333316445350647, 0.13332721590995789, -0.05389470234513283, 0.021458476781845093, -0.007666975725442171, 0.0017424672842025757];

/**
 * float32 tanh. With a = |z|: a < 0.75: a + a^3 P(a^2); else 1 - 2 / (e^(2a) + 1), a clamped to
 * 9.5 first (past 9.01 tanh rounds to 1 in float32, so +-inf gives +-1); then the sign of z is
 * or-ed back in (-0 stays -0; NaN stays NaN through pmin and the arithmetic).
 */
export function tanhF32(zl: string, l: Locals): string {
  const a = l.local('a');
  const u = l.local('u');
  const small = l.local('small');
  const x = l.local('x');
  const e = l.local('e');
  const { code, j, p } = expCore(x, l);
  return `
  (local.set ${a} (f32x4.abs ${get(zl)}))
  (local.set ${u} (f32x4.mul ${get(a)} ${get(a)}))
  (local.set ${small} (f32x4.add ${get(a)}
    (f32x4.mul (f32x4.mul ${get(a)} ${get(u)}) ${horner(TANH_P, u)})))
  (local.set ${x} (f32x4.mul ${splat(2)} (f32x4.pmin ${get(a)} ${splat(9.5)})))${code}
  (local.set ${e} (f32x4.mul ${get(p)} (i32x4.shl ${get(j)} (i32.const 23))))
  (local.set ${e} (f32x4.sub ${splat(1)} (f32x4.div ${splat(2)} (f32x4.add ${get(e)} ${splat(1)}))))
  (v128.or
    (v128.bitselect ${get(small)} ${get(e)} (f32x4.lt ${get(a)} ${splat(0.75)}))
    (v128.and ${get(zl)} ${SIGN}))`;
}

/** log(1 + f) = f - f^2 / 2 + f^3 P(f) on sqrt(1/2) - 1 <= f < sqrt(2) - 1, P fitted (relative 1.8e-8). */
const LOG_P = [0.3333335816860199, -0.2500067949295044, 0.19999174773693085, -0.16627082228660583, 0.1424780637025833, -0.13166990876197815, 0.12446698546409607, -0.07229883223772049];
const i32 = (c: number): string => `(v128.const i32x4 ${c} ${c} ${c} ${c})`;

/**
 * float32 log: x = m 2^e with m in [sqrt(1/2), sqrt(2)) from the bits (subnormals scaled by
 * 2^24 first), log x = log1p(m - 1) + e ln2, ln2 split 0.693359375 - 2.12194440e-4 (Cephes') so
 * e ln2 adds exactly. Then 0 -> -inf, x < 0 -> NaN, +inf and NaN -> themselves.
 */
export function logF32(xl: string, l: Locals): string {
  const [tiny, xs, e, m, lo, f, z, ef, r] = ['tiny', 'xs', 'e', 'm', 'lo', 'f', 'z', 'ef', 'r'].map((h) => l.local(h));
  return `
  (local.set ${tiny} (f32x4.lt ${get(xl)} ${splat(1.1754943508222875e-38)}))
  (local.set ${xs} (v128.bitselect (f32x4.mul ${get(xl)} ${splat(16777216)}) ${get(xl)} ${get(tiny)}))
  (local.set ${e} (i32x4.sub (i32x4.shr_u ${get(xs)} (i32.const 23)) (v128.bitselect ${i32(150)} ${i32(126)} ${get(tiny)})))
  (local.set ${m} (v128.or (v128.and ${get(xs)} ${i32(0x007fffff)}) ${i32(0x3f000000)}))
  (local.set ${lo} (f32x4.lt ${get(m)} ${splat(0.7071067690849304)}))
  (local.set ${e} (i32x4.add ${get(e)} ${get(lo)}))
  (local.set ${f} (v128.bitselect (f32x4.sub (f32x4.add ${get(m)} ${get(m)}) ${splat(1)}) (f32x4.sub ${get(m)} ${splat(1)}) ${get(lo)}))
  (local.set ${ef} (f32x4.convert_i32x4_s ${get(e)}))
  (local.set ${z} (f32x4.mul ${get(f)} ${get(f)}))
  (local.set ${r} (f32x4.add (f32x4.mul (f32x4.mul ${get(f)} ${get(z)}) ${horner(LOG_P, f)}) (f32x4.mul ${get(ef)} ${splat(-2.12194440e-4)})))
  (local.set ${r} (f32x4.add (f32x4.add ${get(f)} (f32x4.sub ${get(r)} (f32x4.mul ${splat(0.5)} ${get(z)}))) (f32x4.mul ${get(ef)} ${splat(0.693359375)})))
  (local.set ${r} (v128.bitselect ${splat(-Infinity)} ${get(r)} (f32x4.eq ${get(xl)} ${splat(0)})))
  (local.set ${r} (v128.bitselect ${splat(NaN)} ${get(r)} (f32x4.lt ${get(xl)} ${splat(0)})))
  (v128.bitselect ${get(xl)} ${get(r)} (v128.or (f32x4.ne ${get(xl)} ${get(xl)}) (f32x4.eq ${get(xl)} ${splat(Infinity)})))`;
}

/**
 * log1p(x) = 2 atanh(x / (2 + x)) = t + t^3 R(t^2) with t = x / (1 + x/2), R fitted (iterated
 * weighted least squares, relative to log1p) for x in [0, 1] (t <= 2/3).
 */
const LOG1P_UNIT_R = [0.08333301544189453, 0.012506780214607716, 0.0021874341182410717, 0.0005473513156175613];

/**
 * log1p(x) for x in [0, 1] or NaN (softplus's log1p(e^-|z|)): one division and a degree-3
 * polynomial, no range handling (the WAT renderer uses it where it can bound the argument there,
 * src/expr/range.ts). t carries the rounding of 1 + x/2 and of the division (the result's error
 * is nearly all t's: the series' terms past t add at most a ninth); x = 0 gives 0.
 */
export function log1pUnitF32(x: string, l: Locals): string {
  const t = l.local('t');
  const v = l.local('v');
  return `
  (local.set ${t} (f32x4.div ${get(x)} (f32x4.add ${splat(1)} (f32x4.mul ${splat(0.5)} ${get(x)}))))
  (local.set ${v} (f32x4.mul ${get(t)} ${get(t)}))
  (f32x4.add ${get(t)} (f32x4.mul (f32x4.mul ${get(t)} ${get(v)}) ${horner(LOG1P_UNIT_R, v)}))`;
}

/** 1.5 * 2^52 + 1023: the float64 form of SHIFTER (k + 1023 in the low bits). */
const SHIFTER64 = 6755399441056767;
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const EXP_TAYLOR = Array.from({ length: 10 }, (_, i) => 1 / factorial(i));
function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/**
 * e^r on |r| <= ln2 / 2 at degree 6, fitted for relative error (Lawson's iteratively reweighted
 * least squares toward minimax): 1.9e-9 relative, 30 times below half a float32 ulp.
 */
const EXP_FOR_F32 = [1.0000000005547047, 1.0000000363452433, 0.49999992073662347, 0.1666642006928491, 0.041668226489697036, 0.008374824311436308, 0.0013836820079834613];

/**
 * How precise a float64-lane exp must be: 'float64' (the default) to well below a float64-lane
 * computation's other errors; 'float32' only as precise as a result rounded once to float32 needs.
 */
export type ExpPrecision = 'float64' | 'float32';

/**
 * e^x in float64 lanes for x in [-120, 0] (as sigmoid's float64 forward uses it): 2^k e^r,
 * 2^k from exponent bits. 'float64': e^r by its Taylor series to r^9 (|r| <= ln2 / 2:
 * truncation < 1e-10 relative) after fdlibm's ln2 split. 'float32': the degree-6 fit and one ln2
 * constant (k ln2 rounds by at most 2^-53 of its size: 1e-14 relative for |x| <= 120), 9 fewer
 * instructions.
 */
export function expF64(x: string, l: Locals, precision: ExpPrecision = 'float64'): string {
  const f = (c: number) => splat(c, 'f64x2');
  const j = l.local('j');
  const k = l.local('k');
  const r = l.local('r');
  const reduce = precision === 'float64'
    ? `(f64x2.sub
    (f64x2.sub ${get(x)} (f64x2.mul ${get(k)} ${f(LN2_HI)}))
    (f64x2.mul ${get(k)} ${f(LN2_LO)}))`
    : `(f64x2.sub ${get(x)} (f64x2.mul ${get(k)} ${f(Math.LN2)}))`;
  const series = precision === 'float64' ? EXP_TAYLOR : EXP_FOR_F32;
  return `
  (local.set ${j} (f64x2.add (f64x2.mul ${get(x)} ${f(Math.LOG2E)}) ${f(SHIFTER64)}))
  (local.set ${k} (f64x2.sub ${get(j)} ${f(SHIFTER64)}))
  (local.set ${r} ${reduce})
  (f64x2.mul ${horner(series, r, 'f64x2')} (i64x2.shl ${get(j)} (i32.const 52)))`;
}

/**
 * Logistic sigmoid in float64 lanes of the local w, leaving 1 / (1 + e^-w): with e = e^-|w|
 * (|w| clamped to 120: past 104 every float32 result is 0 or 1), 1 / (1 + e) for w >= 0 and
 * e / (1 + e) below, neither of which can overflow. NaN stays NaN (pmin keeps it).
 */
export function sigmoidF64(w: string, l: Locals): string {
  const f = (c: number) => splat(c, 'f64x2');
  const a = l.local('a');
  const e = l.local('e');
  return `
  (local.set ${a} (f64x2.neg (f64x2.pmin (f64x2.abs ${get(w)}) ${f(120)})))
  (local.set ${e} ${expF64(a, l)})
  (f64x2.div
    (v128.bitselect ${f(1)} ${get(e)} (f64x2.ge ${get(w)} ${f(0)}))
    (f64x2.add ${f(1)} ${get(e)}))`;
}

/**
 * A float32 forward computed in float64 lanes and rounded once: `half(h)` is code that replaces
 * the float64 local h (two of the four lanes of $z, promoted) by the result. Where float32
 * arithmetic cannot reach 4 ulp (cancellation in 1 + erf, an argument like x^3 whose rounding
 * an exponential amplifies), this is the simple exact-enough route.
 */
export function f64Lanes(l: Locals, half: (h: string) => string): string {
  const lo = l.local('lo');
  const hi = l.local('hi');
  return `
  (local.set ${lo} (f64x2.promote_low_f32x4 (local.get $z)))${half(lo)}
  (local.set ${hi} (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $z) (local.get $z))))${half(hi)}
  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
    (f32x4.demote_f64x2_zero ${get(lo)}) (f32x4.demote_f64x2_zero ${get(hi)}))`;
}

/** Locals named from hints, numbered so routines can be nested and repeated. */
export class LocalPool implements Locals {
  readonly names: string[] = [];
  local(hint: string): string {
    const name = `$${hint}${this.names.length}`;
    this.names.push(name);
    return name;
  }
}
