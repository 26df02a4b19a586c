import { EXP_Q4, EXP_SHIFTER, expNonPositiveF32, expPolynomial, expReduce, LocalPool, localGet as get, LOG2E_F32, logF32, splat } from '../expr/wat-lib';

/*
 * The row kernels' wasm SIMD module: softmax and logSoftmax forward and backward over rows of n
 * contiguous float32 elements (the last axis), by byte address into an imported memory (tf's
 * wasm heap, or the cpu backend's scratch heap). exp and log come from the WAT library.
 *
 * Exports (pointers are byte offsets, rows the row count, n the row length):
 *   softmax(x, out, rows, n)                       out = e^(x - max) / sum
 *   logSoftmax(x, out, rows, n)                    out = x - max - log(sum)
 *   softmaxBackward(dy, s, out, rows, n)           out = s (dy - sum(dy s))
 *   logSoftmaxBackward(dy, o, out, rows, n)        out = dy - e^o sum(dy)
 *   crossEntropyBackward(ls, labels, out, count, scale)   out = (e^ls - labels) scale
 *
 * Accuracy (measured in __tests__/softmax): x - max rounded once costs up to |x - max| 2^-24 of
 * relative error in the exponential (30+ ulp near results of 1e-30), so no exp here takes it.
 * softmax exponentiates an exact argument: x itself, scaled by 2^-K (K = round(max log2 e),
 * folded into exp's shifter) where |max| <= SHIFT_LIMIT, and x - max beyond, exact there by
 * Sterbenz for every x whose result is not flushed (see `softmax`); the 2^-K cancels in the
 * division. logSoftmax carries x - max as a float32 pair (diffPair) and takes e^(hi + lo) with
 * lo added in the range reduction (expPair). Sums accumulate in float64 lanes (f64x2), so rows
 * of 1e5 elements lose nothing measurable. Results below about 2^-126 of the max are flushed
 * to 0 (as XNNPACK's softmax does).
 * Speed: the max is f32x4.pmax (one instruction; f32x4.max's NaN and -0 rules cost several, on
 * the loop's dependency chain) over four accumulators; the reductions run two or four vectors
 * per iteration on separate accumulators, so no add waits on the one before; softmax multiplies
 * by one reciprocal (computed in float64, rounded once: the same two roundings as a division by
 * the rounded sum, without a division per element).
 * logSoftmax keeps the sum's exact 1s apart: log(sum) = log1p((ones - 1) + rest), so a row whose
 * sum is 1 + 1e-12 gets log(sum) = 1e-12 to float32 precision, not 0.
 * The tail of a row (n mod 4 elements) runs the same vector body on one lane, the other lanes
 * holding a neutral value (-inf for the exponentials, 0 for the products).
 */

const NEG_INF = splat(-Infinity);
const ZERO = splat(0);

/** A v128 holding the f32 at pointer p in lane 0 and `fill` in the others. */
const lane0 = (p: string, fill: string): string => `(f32x4.replace_lane 0 ${fill} (f32.load ${get(p)}))`;

/** sums (two f64x2 locals: lanes 0-1 and 2-3) += the four f32 lanes of v. */
function accumulate(sums: [string, string], v: string, pool: LocalPool): string {
  const t = pool.local('acc');
  return `
    (local.set ${t} ${v})
    (local.set ${sums[0]} (f64x2.add ${get(sums[0])} (f64x2.promote_low_f32x4 ${get(t)})))
    (local.set ${sums[1]} (f64x2.add ${get(sums[1])} (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 ${get(t)} ${get(t)}))))`;
}

/** The total of two f64x2 accumulators. */
function total(sums: [string, string]): string {
  const add = (l: string) => `(f64.add (f64x2.extract_lane 0 ${get(l)}) (f64x2.extract_lane 1 ${get(l)}))`;
  return `(f64.add ${add(sums[0])} ${add(sums[1])})`;
}

const zeroSums = (sums: [string, string]): string => `(local.set ${sums[0]} ${ZERO}) (local.set ${sums[1]} ${ZERO})`;

/**
 * The code for a + b's TwoSum: sets hi and lo, hi + lo = a + b exactly. Where hi is infinite lo
 * is NaN (inf - inf); pmin(1, lo) turns that into 1 (and keeps every finite lo, all far below 1),
 * so hi + lo stays -inf for hi = -inf (logSoftmax adds them).
 */
function twoSum(a: string, b: string, hi: string, lo: string, pool: LocalPool): string {
  const bb = pool.local('bb');
  return `
    (local.set ${hi} (f32x4.add ${a} ${b}))
    (local.set ${bb} (f32x4.sub ${get(hi)} ${a}))
    (local.set ${lo} (f32x4.pmin ${splat(1)} (f32x4.add (f32x4.sub ${a} (f32x4.sub ${get(hi)} ${get(bb)})) (f32x4.sub ${b} ${get(bb)}))))`;
}

/**
 * x - max as hi + lo exactly, x <= max: Fast2Sum of a = pmin(x, -max), b = pmax(x, -max), which
 * has |a| >= |b| in every case (max < 0: a = x, as x <= max < 0 < -max; max >= 0 and x >= 0:
 * a = -max; max >= 0 > x: both are negative and a is the larger in magnitude), one instruction
 * fewer than TwoSum. Where x is NaN or infinite, hi says so and expPair ignores lo.
 */
function diffPair(x: string, negMax: string, hi: string, lo: string, pool: LocalPool): string {
  const [a, b] = [pool.local('a'), pool.local('b')];
  return `
      (local.set ${hi} (f32x4.add ${x} ${negMax}))
      (local.set ${a} (f32x4.pmin ${x} ${negMax}))
      (local.set ${b} (f32x4.pmax ${x} ${negMax}))
      (local.set ${lo} (f32x4.sub ${get(b)} (f32x4.sub ${get(hi)} ${get(a)})))`;
}

/**
 * e^(hi + lo) for hi <= 0 or NaN and |lo| <= ulp(hi): the WAT library's reduction taking lo into
 * r (expReduce), instead of a multiplication by 1 + lo after it, and the library's degree-6
 * polynomial EXP_Q4 (its degree 7 is no more accurate in float32 evaluation: 1.07 ulp against
 * 1.06). hi below -87.34 (-inf included, whatever lo is) gives +0; NaN gives NaN.
 */
function expPair(hi: string, lo: string, pool: LocalPool): string {
  const { code, j, r } = expReduce(hi, pool, lo);
  return `(block (result v128)${code}
      (v128.andnot
        (f32x4.mul
          ${expPolynomial(r, EXP_Q4)}
          (i32x4.shl ${get(j)} (i32.const 23)))
        (f32x4.lt ${get(hi)} ${splat(-87.33654022216797)})))`;
}

interface Func {
  text: string;
}

/**
 * A function with its v128 locals declared from the pool after the body is written. Every
 * v128.const the body uses more than once is set in a local at entry and read from it: that
 * keeps the constants out of the loops, which V8 did not always do (design-notes.md, sixth
 * session), and a constant is 18 bytes inline against a local.get's 2 (the module's binary
 * 10011 -> 8155 bytes; gzip took most of that already).
 */
function func(header: string, scalarLocals: string, body: (pool: LocalPool) => string): Func {
  const pool = new LocalPool();
  let code = body(pool);
  const counts = new Map<string, number>();
  for (const c of code.match(/\(v128\.const [^()]*\)/g) ?? []) counts.set(c, (counts.get(c) ?? 0) + 1);
  let sets = '';
  for (const [c, count] of counts) {
    if (count < 2) continue;
    const l = pool.local('const');
    code = code.split(c).join(get(l));
    sets += `\n    (local.set ${l} ${c})`;
  }
  const locals = pool.names.map((n) => `(local ${n} v128)`).join(' ');
  return { text: `\n  (func ${header} ${scalarLocals} ${locals}${sets}${code})` };
}

/** `times` vectors per iteration; `body` reads vector i at byte offset 16 i from the pointers. */
interface Unrolled {
  times: number;
  body: string;
}

/**
 * A loop over the vector part [p, vend) and then the tail [vend, end) of a row, advancing
 * `pointers`; with `unrolled`, first a loop of `unrolled.times` vectors per iteration up to $uend
 * (rowBounds with the same `times` sets it).
 */
function rowLoops(pointers: string[], vectorBody: string, tailBody: string, unrolled?: Unrolled): string {
  const advance = (bytes: number) => pointers.map((p) => `(local.set ${p} (i32.add ${get(p)} (i32.const ${bytes})))`).join(' ');
  const lead = pointers[0];
  const unrolledLoop =
    unrolled == null
      ? ''
      : `
    (block $udone (loop $unext
      (br_if $udone (i32.ge_u ${get(lead)} (local.get $uend)))${unrolled.body}
      ${advance(16 * unrolled.times)}
      (br $unext)))`;
  return `${unrolledLoop}
    (block $vdone (loop $vnext
      (br_if $vdone (i32.ge_u ${get(lead)} (local.get $vend)))${vectorBody}
      ${advance(16)}
      (br $vnext)))
    (block $tdone (loop $tnext
      (br_if $tdone (i32.ge_u ${get(lead)} (local.get $end)))${tailBody}
      ${advance(4)}
      (br $tnext)))`;
}

/** Sets $vend and $end for the row starting at pointer p, and $uend for loops of `times` vectors. */
const rowBounds = (p: string, times = 1): string => `
    (local.set $end (i32.add ${get(p)} (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend (i32.add ${get(p)} (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))${
      times > 1
        ? `
    (local.set $uend (i32.add ${get(p)} (i32.shl (i32.and (local.get $n) (i32.const ${-4 * times})) (i32.const 2))))`
        : ''
    }`;

const ROW_LOCALS = '(local $end i32) (local $vend i32) (local $uend i32)';

/** v128.load of vector i (byte offset 16 i) from pointer p. */
const loadAt = (p: string, i: number): string => (i === 0 ? `(v128.load ${get(p)})` : `(v128.load offset=${16 * i} ${get(p)})`);
const storeAt = (p: string, i: number, v: string): string => (i === 0 ? `(v128.store ${get(p)} ${v})` : `(v128.store offset=${16 * i} ${get(p)} ${v})`);

/**
 * $rowMax(p, n): the row's maximum over its non-NaN elements (-inf if none): pmax(m, v) keeps m
 * where v is NaN. A NaN still makes the whole row NaN downstream: its x - max is NaN, and so
 * the row's sum. $rowRange(p, n) returns the minimum too (+inf if none; pmin skips NaN alike),
 * one pmin more per vector, for softmax's choice of exp loop.
 */
function rowExtremes(withMin: boolean): Func {
  const header = withMin ? '$rowRange (param $p i32) (param $n i32) (result f32 f32)' : '$rowMax (param $p i32) (param $n i32) (result f32)';
  return func(header, ROW_LOCALS, (pool) => {
    const m = [0, 1, 2, 3].map(() => pool.local('m'));
    const lo = withMin ? [0, 1, 2, 3].map(() => pool.local('lo')) : [];
    const max = (a: string, b: string) => `(f32x4.pmax ${a} ${b})`;
    const min = (a: string, b: string) => `(f32x4.pmin ${a} ${b})`;
    /** Folds vector v into accumulator i (and its min). */
    const fold = (i: number, v: string): string => {
      if (!withMin) return `\n      (local.set ${m[i]} ${max(get(m[i]), v)})`;
      const t = pool.local('v');
      return `\n      (local.set ${t} ${v}) (local.set ${m[i]} ${max(get(m[i]), get(t))}) (local.set ${lo[i]} ${min(get(lo[i]), get(t))})`;
    };
    const lanes = (op: string, l: string) =>
      `(${op} (${op} (f32x4.extract_lane 0 ${get(l)}) (f32x4.extract_lane 1 ${get(l)})) (${op} (f32x4.extract_lane 2 ${get(l)}) (f32x4.extract_lane 3 ${get(l)})))`;
    return `
    ${rowBounds('$p', 4)}
    ${m.map((l) => `(local.set ${l} ${NEG_INF})`).join(' ')} ${lo.map((l) => `(local.set ${l} ${splat(Infinity)})`).join(' ')}${rowLoops(
      ['$p'],
      fold(0, loadAt('$p', 0)),
      withMin
        ? `\n      (local.set ${m[0]} ${max(get(m[0]), lane0('$p', NEG_INF))}) (local.set ${lo[0]} ${min(get(lo[0]), lane0('$p', splat(Infinity)))})`
        : fold(0, lane0('$p', NEG_INF)),
      { times: 4, body: m.map((_, i) => fold(i, loadAt('$p', i))).join('') },
    )}
    (local.set ${m[0]} ${max(max(get(m[0]), get(m[1])), max(get(m[2]), get(m[3])))})${
      withMin ? `\n    (local.set ${lo[0]} ${min(min(get(lo[0]), get(lo[1])), min(get(lo[2]), get(lo[3])))})` : ''
    }
    ${lanes('f32.max', m[0])}${withMin ? `\n    ${lanes('f32.min', lo[0])}` : ''}`;
  });
}

/**
 * e^d 2^-K for a row's d = x - c (c exact, see `softmax`), with `shifter` = EXP_SHIFTER - K: the
 * library's range reduction of d itself (no lo: d is exact) and its scaling by 2^(k - K), which
 * is 2^k 2^-K exactly while k - K >= -126. Below that (j's exponent field k - K + 127 <= 0,
 * -inf included) the result is +0: e^(x - max) < 2^-125.5 there, far below the contract's floor
 * (results below 1e-30 are not held to 4 ulp). NaN gives NaN.
 */
function expShifted(d: string, shifter: string, pool: LocalPool, masked = true): string {
  const { code, j, r } = expReduce(d, pool, undefined, 'ulp', shifter);
  const scaled = `(f32x4.mul
          ${expPolynomial(r, EXP_Q4)}
          (i32x4.shl ${get(j)} (i32.const 23)))`;
  return `(block (result v128)${code}
      ${masked ? `(v128.andnot ${scaled} (f32x4.le ${get(j)} ${splat(EXP_SHIFTER - 127)}))` : scaled})`;
}

/** Vectors per iteration of softmax's exp loop: their sum is taken in float32 (a tree), then added to the float64 lanes. */
const SUM_BLOCK = 4;

/**
 * $expStore(x, out, n, c, shift) for softmax: out = e^(x - c) 2^-K (shift = EXP_SHIFTER - K),
 * returns the row's sum (float64 lanes), one vector per iteration: for the rows whose range
 * reaches below 2^-125 of the max, or whose |max| exceeds SHIFT_LIMIT (logits of +-1e4).
 * $expStoreFast(x, out, n, shift): the same for c = 0 and a row whose every element has
 * k - K >= -125 (softmax checks the row's minimum), so no element can underflow: no
 * subtraction of c and no mask but in the tail (whose unused lanes hold -inf); SUM_BLOCK
 * vectors per iteration summed in float32 first (a tree: two roundings of at most 2^-24 of the
 * block's sum), for fewer float64 conversions and adds. The slow loop is not unrolled, to keep
 * the module small (it ships in every bundle).
 */
function expStoreFunc(fast: boolean): Func {
  const header = fast
    ? '$expStoreFast (param $x i32) (param $out i32) (param $n i32) (param $shift f32) (result f64)'
    : '$expStore (param $x i32) (param $out i32) (param $n i32) (param $c f32) (param $shift f32) (result f64)';
  return func(header, ROW_LOCALS, (pool) => {
    const [c, shifter] = ['c', 'shift'].map((h) => pool.local(h));
    const sums: [string, string] = [pool.local('sumLo'), pool.local('sumHi')];
    const exp = (load: string, e: string, masked: boolean): string => {
      const d = pool.local('d');
      return `
      (local.set ${d} ${fast ? load : `(f32x4.sub ${load} ${get(c)})`})
      (local.set ${e} ${expShifted(d, shifter, pool, masked)})`;
    };
    const e = pool.local('e');
    const es = Array.from({ length: SUM_BLOCK }, () => pool.local('e'));
    const tree = (ls: string[]): string => (ls.length === 1 ? get(ls[0]) : `(f32x4.add ${tree(ls.slice(0, ls.length / 2))} ${tree(ls.slice(ls.length / 2))})`);
    const block = es.map((l, i) => `${exp(loadAt('$x', i), l, !fast)}
      ${storeAt('$out', i, get(l))}`).join('') + accumulate(sums, tree(es), pool);
    const setup = `
    ${rowBounds('$x', SUM_BLOCK)}
    ${fast ? '' : `(local.set ${c} (f32x4.splat (local.get $c)))`}
    (local.set ${shifter} (f32x4.splat (local.get $shift)))
    ${zeroSums(sums)}`;
    return `${setup}${rowLoops(
      ['$x', '$out'],
      `${exp(loadAt('$x', 0), e, !fast)}
      ${storeAt('$out', 0, get(e))}${accumulate(sums, get(e), pool)}`,
      `${exp(lane0('$x', NEG_INF), e, true)}
      (f32.store (local.get $out) (f32x4.extract_lane 0 ${get(e)}))${accumulate(sums, get(e), pool)}`,
      fast ? { times: SUM_BLOCK, body: block } : undefined,
    )}
    ${total(sums)}`;
  });
}

/**
 * $expRest(x, n, max) for logSoftmax: returns (ones - 1) + rest, ones counting the elements
 * equal to the max (e exactly 1), rest the sum of the others (x - max as a pair, expPair).
 */
const expRest = func('$expRest (param $x i32) (param $n i32) (param $max f32) (result f64)', ROW_LOCALS, (pool) => {
  const [negMax, one, ones] = ['negMax', 'one', 'ones'].map((h) => pool.local(h));
  const sums: [string, string] = [pool.local('sumLo'), pool.local('sumHi')];
  const [e, hi] = ['e', 'hi'].map((h) => pool.local(h));
  const body = (load: string): string => {
    const [v, lo] = [pool.local('v'), pool.local('lo')];
    return `
      (local.set ${v} ${load})${diffPair(get(v), get(negMax), hi, lo, pool)}
      (local.set ${e} ${expPair(hi, lo, pool)})
      (local.set ${one} (f32x4.eq ${get(hi)} ${ZERO}))
      (local.set ${ones} (i32x4.sub ${get(ones)} ${get(one)}))${accumulate(sums, `(v128.andnot ${get(e)} ${get(one)})`, pool)}`;
  };
  const countOnes = `(f64.convert_i32_s (i32.add (i32.add (i32x4.extract_lane 0 ${get(ones)}) (i32x4.extract_lane 1 ${get(ones)})) (i32.add (i32x4.extract_lane 2 ${get(ones)}) (i32x4.extract_lane 3 ${get(ones)}))))`;
  return `
    ${rowBounds('$x')}
    (local.set ${negMax} (f32x4.splat (f32.neg (local.get $max))))
    ${zeroSums(sums)} (local.set ${ones} ${ZERO})${rowLoops(['$x'], body(loadAt('$x', 0)), body(lane0('$x', NEG_INF)))}
    (f64.add (f64.sub ${countOnes} (f64.const 1)) ${total(sums)})`;
});

/**
 * |max| up to which softmax's rows are taken as e^x 2^-K, K = round(max log2 e): every x not
 * flushed has |k| <= 370 + 126 < 2^9, where k LN2_HI (15 significant bits) is exact. Beyond it
 * x - max is exact for every x within 88 of the max (Sterbenz: max >= 176, or max <= -88),
 * and what lies further is flushed however x - max rounds.
 */
const SHIFT_LIMIT = 256;

const softmax = func(
  '(export "softmax") (param $x i32) (param $out i32) (param $rows i32) (param $n i32)',
  `${ROW_LOCALS} (local $bytes i32) (local $p i32) (local $inv f32) (local $m f32) (local $lo f32) (local $k f32) (local $c f32) (local $shift f32) (local $fast i32)`,
  (pool) => {
    const inv = pool.local('inv');
    const scale = (i: number) => `\n      ${storeAt('$p', i, `(f32x4.mul ${loadAt('$p', i)} ${get(inv)})`)}`;
    return `
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $row
      (br_if $done (i32.eqz (local.get $rows)))
      (call $rowRange (local.get $x) (local.get $n))
      (local.set $lo)
      (local.set $m)
      (local.set $fast (i32.const 0))
      (if (f32.le (f32.abs (local.get $m)) (f32.const ${SHIFT_LIMIT}))
        (then
          (local.set $c (f32.const 0))
          (local.set $k (f32.nearest (f32.mul (local.get $m) (f32.const ${LOG2E_F32}))))
          (local.set $shift (f32.sub (f32.const ${EXP_SHIFTER}) (local.get $k)))
          ;; k - K for the minimum, rounded as the loop rounds it up to a tie: -125 leaves 1 of margin.
          (local.set $fast (f32.ge (f32.sub (f32.nearest (f32.mul (local.get $lo) (f32.const ${LOG2E_F32}))) (local.get $k)) (f32.const -125))))
        (else
          (local.set $c (local.get $m))
          (local.set $shift (f32.const ${EXP_SHIFTER}))))
      (local.set $inv (f32.demote_f64 (f64.div (f64.const 1)
        (if (result f64) (local.get $fast)
          (then (call $expStoreFast (local.get $x) (local.get $out) (local.get $n) (local.get $shift)))
          (else (call $expStore (local.get $x) (local.get $out) (local.get $n) (local.get $c) (local.get $shift)))))))
      (local.set ${inv} (f32x4.splat (local.get $inv)))
      (local.set $p (local.get $out))
      ${rowBounds('$p', 4)}${rowLoops(
        ['$p'],
        scale(0),
        `
      (f32.store (local.get $p) (f32.mul (f32.load (local.get $p)) (local.get $inv)))`,
        { times: 4, body: [0, 1, 2, 3].map(scale).join('') },
      )}
      (local.set $x (i32.add (local.get $x) (local.get $bytes)))
      (local.set $out (i32.add (local.get $out) (local.get $bytes)))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br $row)))`;
  },
);

/**
 * log1p(u) in f32 lanes from log: log(w) u / (w - 1), w = 1 + u (Goldberg's correction: exact to
 * a few ulp for any u > -1), and u itself where w rounds to 1.
 */
function log1pF32(u: string, pool: LocalPool): string {
  const w = pool.local('w');
  return `(block (result v128)
      (local.set ${w} (f32x4.add ${splat(1)} ${get(u)}))
      (v128.bitselect ${get(u)}
        (f32x4.div (f32x4.mul (block (result v128) ${logF32(w, pool)}) ${get(u)}) (f32x4.sub ${get(w)} ${splat(1)}))
        (f32x4.eq ${get(w)} ${splat(1)})))`;
}

const logSoftmax = func(
  '(export "logSoftmax") (param $x i32) (param $out i32) (param $rows i32) (param $n i32)',
  `${ROW_LOCALS} (local $bytes i32) (local $m f32)`,
  (pool) => {
    const [u, lse, negMax, v, h1, l1, h2, l2] = ['u', 'lse', 'negMax', 'v', 'h1', 'l1', 'h2', 'l2'].map((h) => pool.local(h));
    const body = (load: string, store: (value: string) => string): string => `
      (local.set ${v} ${load})${twoSum(get(v), get(negMax), h1, l1, pool)}${twoSum(get(h1), `(f32x4.neg ${get(lse)})`, h2, l2, pool)}
      ${store(`(f32x4.add ${get(h2)} (f32x4.add ${get(l1)} ${get(l2)}))`)}`;
    return `
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $row
      (br_if $done (i32.eqz (local.get $rows)))
      (local.set $m (call $rowMax (local.get $x) (local.get $n)))
      (local.set ${u} (f32x4.splat (f32.demote_f64 (call $expRest (local.get $x) (local.get $n) (local.get $m)))))
      (local.set ${lse} ${log1pF32(u, pool)})
      (local.set ${negMax} (f32x4.splat (f32.neg (local.get $m))))
      ${rowBounds('$x')}${rowLoops(
        ['$x', '$out'],
        body('(v128.load (local.get $x))', (value) => `(v128.store (local.get $out) ${value})`),
        body('(f32x4.splat (f32.load (local.get $x)))', (value) => `(f32.store (local.get $out) (f32x4.extract_lane 0 ${value}))`),
      )}
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br $row)))`;
  },
);

/**
 * $rowDot(a, b, n): sum of a * b over a row; $rowSum(a, n): sum of a (float64 lanes). Two
 * vectors per iteration into two accumulator pairs: the float64 adds are the loop's dependency
 * chain.
 */
function rowReduce(withB: boolean): Func {
  const header = withB ? '$rowDot (param $a i32) (param $b i32) (param $n i32) (result f64)' : '$rowSum (param $a i32) (param $n i32) (result f64)';
  return func(header, ROW_LOCALS, (pool) => {
    const sums: [string, string] = [pool.local('sumLo'), pool.local('sumHi')];
    const more: [string, string] = [pool.local('sumLo'), pool.local('sumHi')];
    const term = (a: string, b: string) => (withB ? `(f32x4.mul ${a} ${b})` : a);
    const vector = (i: number) => term(loadAt('$a', i), loadAt('$b', i));
    return `
    ${rowBounds('$a', 2)}
    ${zeroSums(sums)} ${zeroSums(more)}${rowLoops(
      withB ? ['$a', '$b'] : ['$a'],
      accumulate(sums, vector(0), pool),
      accumulate(sums, term(lane0('$a', ZERO), lane0('$b', ZERO)), pool),
      { times: 2, body: accumulate(sums, vector(0), pool) + accumulate(more, vector(1), pool) },
    )}
    (f64.add ${total(sums)} ${total(more)})`;
  });
}

/**
 * A backward kernel: per row r = rowDot(dy, s or nothing), then out = pass(dy, s, r), `unroll`
 * vectors per iteration (softmax's pass is 5 instructions a vector, the loop's own about as many).
 */
function backward(name: string, withS: boolean, pass: (dy: string, s: string, r: string, pool: LocalPool) => string, unroll = 1): Func {
  return func(
    `(export "${name}") (param $dy i32) (param $s i32) (param $out i32) (param $rows i32) (param $n i32)`,
    `${ROW_LOCALS} (local $bytes i32)`,
    (pool) => {
      const r = pool.local('r');
      return `
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $row
      (br_if $done (i32.eqz (local.get $rows)))
      (local.set ${r} (f32x4.splat (f32.demote_f64 ${withS ? '(call $rowDot (local.get $dy) (local.get $s) (local.get $n))' : '(call $rowSum (local.get $dy) (local.get $n))'})))
      ${rowBounds('$dy', unroll)}${rowLoops(
        ['$dy', '$s', '$out'],
        `
      (v128.store (local.get $out) ${pass('(v128.load (local.get $dy))', '(v128.load (local.get $s))', r, pool)})`,
        `
      (f32.store (local.get $out) (f32x4.extract_lane 0 ${pass('(f32x4.splat (f32.load (local.get $dy)))', '(f32x4.splat (f32.load (local.get $s)))', r, pool)}))`,
        unroll > 1
          ? {
              times: unroll,
              body: Array.from({ length: unroll }, (_, i) => `\n      ${storeAt('$out', i, pass(loadAt('$dy', i), loadAt('$s', i), r, pool))}`).join(''),
            }
          : undefined,
      )}
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br $row)))`;
    },
  );
}

const softmaxBackward = backward('softmaxBackward', true, (dy, s, r) => `(f32x4.mul ${s} (f32x4.sub ${dy} ${get(r)}))`, 4);

const logSoftmaxBackward = backward('logSoftmaxBackward', false, (dy, o, r, pool) => {
  const t = pool.local('o');
  return `(f32x4.sub ${dy} (f32x4.mul (block (result v128) (local.set ${t} ${o}) ${expNonPositiveF32(t, pool)}) ${get(r)}))`;
});

/** Elementwise: out = (e^ls - labels) scale over count elements. */
const crossEntropyBackward = func(
  '(export "crossEntropyBackward") (param $ls i32) (param $labels i32) (param $out i32) (param $n i32) (param $scale f32)',
  ROW_LOCALS,
  (pool) => {
    const [k, o] = ['k', 'o'].map((h) => pool.local(h));
    const value = (ls: string, labels: string) =>
      `(f32x4.mul (f32x4.sub (block (result v128) (local.set ${o} ${ls}) ${expNonPositiveF32(o, pool)}) ${labels}) ${get(k)})`;
    return `
    (local.set ${k} (f32x4.splat (local.get $scale)))
    ${rowBounds('$ls')}${rowLoops(
      ['$ls', '$labels', '$out'],
      `
      (v128.store (local.get $out) ${value('(v128.load (local.get $ls))', '(v128.load (local.get $labels))')})`,
      `
      (f32.store (local.get $out) (f32x4.extract_lane 0 ${value('(f32x4.splat (f32.load (local.get $ls)))', '(f32x4.splat (f32.load (local.get $labels)))')}))`,
    )}`;
  },
);

/** The module's text (imports a memory declared with a maximum, as ../kernels/wasm/source.ts explains). */
export function rowModuleText(): string {
  const funcs = [rowExtremes(false), rowExtremes(true), expStoreFunc(false), expStoreFunc(true), expRest, softmax, logSoftmax, rowReduce(true), rowReduce(false), softmaxBackward, logSoftmaxBackward, crossEntropyBackward];
  return `(module
  (import "env" "memory" (memory 0 65536))${funcs.map((f) => f.text).join('\n')}
)
`;
}

// The runtime's names for the module live apart (./module.ts), so that a bundle of the library
// does not carry this generator, which only the build runs.
export { ROW_MODULE } from './module';
export type { RowKernelExports } from './module';
